// Storage of storages and their task links (tables `storages` and
// `storage_task_links`, migration 0032). The only file with storage SQL.
//
// Thread-safety: reentrant; every function runs inside the caller's
// transaction on `connection`.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "integrations/storages/storage_settings.h"
#include "store/database.h"

namespace tally::integrations::storages {

using store::Connection;

inline constexpr std::string_view kImportRole = "import";
inline constexpr std::string_view kExportRole = "export";

struct Storage {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string role;  // kImportRole or kExportRole
  StorageSettings settings;  // credentials stay empty here; see credentials_sealed
  std::optional<std::string> credentials_sealed;  // SecretBox output of the credentials object
  std::string status = "initialized";
  std::optional<std::string> traceback;
  boost::json::object meta;
  std::optional<Micros> last_sync;
  std::optional<int64_t> last_sync_count;
  std::optional<int64_t> last_sync_job;
  Micros created_at = 0;
  Micros updated_at = 0;
};

[[nodiscard]] Result<Storage> InsertStorage(Connection& connection, Storage storage, Micros now = NowMicros());
// Rewrites title, description, settings and credentials. kNotFound when the row is gone.
[[nodiscard]] Result<void> UpdateStorageSettings(Connection& connection, const Storage& storage,
                                                 Micros now = NowMicros());
// Rewrites status, traceback, meta and the last_sync columns.
[[nodiscard]] Result<void> UpdateStorageState(Connection& connection, const Storage& storage,
                                              Micros now = NowMicros());
[[nodiscard]] Result<std::optional<Storage>> FindStorage(Connection& connection, int64_t storage_id);
// Storages of a project with `role`, oldest first; `type` filters when not empty.
[[nodiscard]] Result<std::vector<Storage>> ListStorages(Connection& connection, int64_t project_id,
                                                        std::string_view role, std::string_view type = {});
// Every local files storage of every project, for the permission check of
// /data/local-files/.
[[nodiscard]] Result<std::vector<Storage>> ListLocalStorages(Connection& connection);
[[nodiscard]] Result<void> DeleteStorage(Connection& connection, int64_t storage_id);

// Object keys of the storage that already became tasks.
[[nodiscard]] Result<std::set<std::string>> LinkedKeys(Connection& connection, int64_t storage_id);

// Whether `key` of the storage already became tasks.
[[nodiscard]] Result<bool> IsKeyLinked(Connection& connection, int64_t storage_id, const std::string& key);

// Links the tasks made from one object, row_index 0, 1, … in order. Fails
// with kConflict when another sync linked the object first; the caller
// then rolls back the tasks it made.
[[nodiscard]] Result<void> LinkTasks(Connection& connection, int64_t storage_id, const std::string& key,
                                     const std::vector<int64_t>& task_ids, Micros now = NowMicros());

}  // namespace tally::integrations::storages
