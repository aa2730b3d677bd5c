// The client side of Label Studio's ML backend protocol: JSON over HTTP to
// <backend url>/<endpoint> through the OutboundClient, with the backend's
// Basic auth (password opened from its sealed form just before the call)
// and the "heartex/<version>" User-Agent existing backends expect.
//
// Every call fails with kUnavailable and a message naming the backend and
// the endpoint when the backend cannot be reached, times out, responds with a
// non-2xx status or a body that is not the JSON the endpoint promises. The
// message is stored in the backend's error_message and in job errors, so it
// never contains credentials or task data.
//
// Thread-safety: stateless apart from references; share freely.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/secret_box.h"
#include "integrations/ml_backends/ml_store.h"
#include "integrations/outbound/client.h"

namespace tally::integrations::ml {

// One prediction as a backend returned it, before validation.
struct RawPrediction {
  std::string model_version;  // the backend's current version when the entry had none
  std::optional<double> score;
  boost::json::value result;
};

// The parsed /predict response for a batch: one list of predictions per task, in
// task order. `cannot_batch` is set when the backend returned exactly one
// entry for several tasks, which Label Studio reads as "send them one at a
// time".
struct PredictResponse {
  std::vector<std::vector<RawPrediction>> per_task;
  bool cannot_batch = false;
};

struct SetupRequest {
  std::string project;  // "<project id>.<unix seconds of its creation>"
  std::string schema;   // the label config XML
  std::string hostname;
  std::string access_token;
};

// Read timeouts in seconds (Label Studio's defaults); the backend's own
// `timeout` field replaces the predict and train ones.
// Health uses 3 s where Label Studio uses 1 s, so a busy backend host is not
// marked disconnected after one slow response.
inline constexpr std::chrono::milliseconds kHealthTimeout{3000};
inline constexpr std::chrono::milliseconds kSetupTimeout{3000};
inline constexpr std::chrono::milliseconds kVersionsTimeout{1000};

class MlBackendClient {
 public:
  MlBackendClient(const OutboundClient& client, const core::SecretBox& secret_box);

  // GET /health. Any 200 JSON object counts as healthy; returns it.
  [[nodiscard]] Result<boost::json::object> Health(const MlBackend& backend) const;

  // POST /setup. Returns the model_version it reports ("" when absent).
  [[nodiscard]] Result<std::string> Setup(const MlBackend& backend, const SetupRequest& request) const;

  // POST /predict with `tasks` (serialized like the task API). Fails when
  // the body has no non-empty "results" list, an entry lacks "result", or
  // the count of entries neither matches the tasks nor is the single-entry
  // case reported as cannot_batch.
  [[nodiscard]] Result<PredictResponse> Predict(const MlBackend& backend, const boost::json::array& tasks,
                                                const std::string& project, const std::string& label_config,
                                                const boost::json::value& context) const;

  // POST /webhook with `body` ({"action", "project", …}). Returns the JSON reply.
  [[nodiscard]] Result<boost::json::value> SendWebhook(const MlBackend& backend, const boost::json::object& body) const;

  // GET /versions. Returns the JSON reply.
  [[nodiscard]] Result<boost::json::value> Versions(const MlBackend& backend) const;

 private:
  [[nodiscard]] Result<boost::json::value> Call(const MlBackend& backend, std::string_view method,
                                                std::string_view endpoint, const std::string& body,
                                                std::chrono::milliseconds timeout) const;

  const OutboundClient& client_;
  const core::SecretBox& secret_box_;
};

// "<project id>.<unix seconds of created_at>", the project identifier sent to backends.
std::string ProjectIdentifier(int64_t project_id, Micros created_at);

// Parses a /predict reply for `task_count` tasks (see Predict). Public for tests.
[[nodiscard]] Result<PredictResponse> ParsePredictResponse(const boost::json::value& reply, size_t task_count,
                                                           const std::string& default_model_version);

}  // namespace tally::integrations::ml
