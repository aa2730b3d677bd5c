// Storage of ML backends (table `ml_backends`, migration 0031). The only
// file with ML backend SQL.
//
// Thread-safety: reentrant; every function runs inside the caller's
// transaction on `connection`.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::integrations::ml {

using store::Connection;

struct MlBackend {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string url;
  std::string title = "default";
  std::string description;
  std::string state = "DI";  // CO, DI, ER, TR, PR
  std::optional<std::string> error_message;
  std::string model_version;
  bool is_interactive = false;
  std::string auth_method = "NONE";  // NONE or BASIC_AUTH
  std::optional<std::string> basic_auth_user;
  std::optional<std::string> basic_auth_pass_sealed;  // SecretBox output
  boost::json::value extra_params;                    // null or an object
  double timeout_seconds = 100;
  Micros created_at = 0;
  Micros updated_at = 0;
};

[[nodiscard]] Result<MlBackend> InsertMlBackend(Connection& connection, MlBackend backend, Micros now = NowMicros());
// Rewrites every column but id, project_id and created_at. kNotFound when the row is gone.
[[nodiscard]] Result<MlBackend> UpdateMlBackend(Connection& connection, MlBackend backend, Micros now = NowMicros());
// Sets state, error_message and, when given, model_version.
[[nodiscard]] Result<void> SetMlBackendState(Connection& connection, int64_t backend_id, std::string_view state,
                                             const std::optional<std::string>& error_message,
                                             const std::optional<std::string>& model_version = std::nullopt);
[[nodiscard]] Result<std::optional<MlBackend>> FindMlBackend(Connection& connection, int64_t backend_id);
// Backends of a project, oldest first; `interactive` filters on is_interactive.
[[nodiscard]] Result<std::vector<MlBackend>> ListMlBackends(Connection& connection, int64_t project_id,
                                                            std::optional<bool> interactive = std::nullopt);
[[nodiscard]] Result<void> DeleteMlBackend(Connection& connection, int64_t backend_id);

}  // namespace tally::integrations::ml
