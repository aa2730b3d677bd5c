#include "integrations/ml_backends/ml_client.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::integrations::ml {

namespace bj = boost::json;

namespace {

Error BackendError(const MlBackend& backend, std::string_view endpoint, std::string_view problem) {
  return Error::Unavailable(fmt::format("ML backend \"{}\" {} failed: {}", backend.title, endpoint, problem));
}

std::chrono::milliseconds BackendTimeout(const MlBackend& backend) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::max(0.1, backend.timeout_seconds) * 1000));
}

}  // namespace

std::string ProjectIdentifier(int64_t project_id, Micros created_at) {
  return fmt::format("{}.{}", project_id, created_at / 1'000'000);
}

MlBackendClient::MlBackendClient(const OutboundClient& client, const core::SecretBox& secret_box)
    : client_(client), secret_box_(secret_box) {}

Result<bj::value> MlBackendClient::Call(const MlBackend& backend, std::string_view method, std::string_view endpoint,
                                        const std::string& body, std::chrono::milliseconds timeout) const {
  OutboundRequest request;
  request.method = std::string(method);
  std::string base = backend.url;
  if (!base.ends_with('/')) base += '/';
  request.url = base + std::string(endpoint.substr(endpoint.starts_with('/') ? 1 : 0));
  request.timeout = timeout;
  request.body = body;
  request.headers.emplace_back("User-Agent", "heartex/tally-" TALLY_VERSION);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (backend.auth_method == "BASIC_AUTH") {
    std::string password;
    if (backend.basic_auth_pass_sealed) {
      auto opened = secret_box_.Open(*backend.basic_auth_pass_sealed);
      if (!opened) return BackendError(backend, endpoint, opened.error().message);
      password = std::move(*opened);
    }
    request.headers.emplace_back("Authorization",
                                 "Basic " + Base64Encode(backend.basic_auth_user.value_or("") + ":" + password));
  }

  auto response = client_.Send(request);
  if (!response) return BackendError(backend, endpoint, response.error().message);
  if (response->status == 401 || response->status == 403) {
    return BackendError(backend, endpoint,
                        fmt::format("the backend rejected the credentials (HTTP {}); check basic_auth_user and "
                                    "basic_auth_pass",
                                    response->status));
  }
  if (response->status < 200 || response->status >= 300) {
    // The reference server puts "<ExcName>: <message>" in detail.
    std::string detail;
    boost::system::error_code ec;
    bj::value parsed = bj::parse(response->body, ec);
    if (!ec && parsed.is_object()) {
      if (const bj::value* text = parsed.as_object().if_contains("detail"); text && text->is_string()) {
        detail = std::string(text->as_string()).substr(0, 300);
      }
    }
    return BackendError(backend, endpoint,
                        detail.empty() ? fmt::format("HTTP {}", response->status)
                                       : fmt::format("HTTP {}: {}", response->status, detail));
  }
  boost::system::error_code ec;
  bj::value parsed = bj::parse(response->body, ec);
  if (ec) return BackendError(backend, endpoint, "the response is not valid JSON");
  return parsed;
}

Result<bj::object> MlBackendClient::Health(const MlBackend& backend) const {
  TALLY_ASSIGN_OR_RETURN(reply, Call(backend, "GET", "health", "", kHealthTimeout));
  if (!reply.is_object()) return BackendError(backend, "health", "the response is not a JSON object");
  return std::move(reply.as_object());
}

Result<std::string> MlBackendClient::Setup(const MlBackend& backend, const SetupRequest& request) const {
  bj::object body{{"project", request.project},
                  {"schema", request.schema},
                  {"hostname", request.hostname},
                  {"access_token", request.access_token},
                  {"extra_params", backend.extra_params}};
  TALLY_ASSIGN_OR_RETURN(reply, Call(backend, "POST", "setup", json::Serialize(body), kSetupTimeout));
  if (!reply.is_object()) return BackendError(backend, "setup", "the response is not a JSON object");
  const bj::value* version = reply.as_object().if_contains("model_version");
  if (!version || version->is_null()) return std::string();
  if (version->is_string()) return std::string(version->as_string());
  return json::Serialize(*version);
}

Result<PredictResponse> ParsePredictResponse(const bj::value& reply, size_t task_count,
                                             const std::string& default_model_version) {
  if (!reply.is_object()) return Error::Unavailable("the response is not a JSON object");
  const bj::object& object = reply.as_object();
  const bj::value* results = object.if_contains("results");
  std::string fallback_version = default_model_version;
  // Some backends return {"model_version", "predictions": [...]}.
  if (!results) {
    results = object.if_contains("predictions");
    if (const bj::value* version = object.if_contains("model_version"); version && version->is_string()) {
      fallback_version = std::string(version->as_string());
    }
  }
  if (!results || !results->is_array() || results->as_array().empty()) {
    return Error::Unavailable("the response has no non-empty \"results\" list");
  }

  PredictResponse parsed;
  const bj::array& entries = results->as_array();
  if (entries.size() != task_count) {
    if (entries.size() == 1 && task_count > 1) {
      parsed.cannot_batch = true;
      return parsed;
    }
    return Error::Unavailable(
        fmt::format("the response has {} results for {} tasks, so none were stored", entries.size(), task_count));
  }

  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<const bj::value*> items;
    if (entries[i].is_array()) {
      for (const bj::value& item : entries[i].as_array()) items.push_back(&item);
    } else {
      items.push_back(&entries[i]);
    }
    std::vector<RawPrediction> predictions;
    for (const bj::value* item : items) {
      if (!item->is_object() || !item->as_object().contains("result")) {
        return Error::Unavailable(fmt::format("result {} has no \"result\" key, so none were stored", i));
      }
      const bj::object& fields = item->as_object();
      RawPrediction prediction;
      prediction.result = fields.at("result");
      prediction.model_version = fallback_version;
      if (const bj::value* version = fields.if_contains("model_version"); version && version->is_string()) {
        prediction.model_version = std::string(version->as_string());
      }
      if (const bj::value* score = fields.if_contains("score"); score && score->is_number()) {
        prediction.score = score->to_number<double>();
      }
      predictions.push_back(std::move(prediction));
    }
    parsed.per_task.push_back(std::move(predictions));
  }
  return parsed;
}

Result<PredictResponse> MlBackendClient::Predict(const MlBackend& backend, const bj::array& tasks,
                                                 const std::string& project, const std::string& label_config,
                                                 const bj::value& context) const {
  bj::object body{{"tasks", tasks},
                  {"project", project},
                  {"label_config", label_config},
                  {"model_version", backend.model_version},
                  {"params", bj::object{{"login", nullptr}, {"password", nullptr}, {"context", context}}}};
  TALLY_ASSIGN_OR_RETURN(reply, Call(backend, "POST", "predict", json::Serialize(body), BackendTimeout(backend)));
  auto parsed = ParsePredictResponse(reply, tasks.size(), backend.model_version);
  if (!parsed) return BackendError(backend, "predict", parsed.error().message);
  return parsed;
}

Result<bj::value> MlBackendClient::SendWebhook(const MlBackend& backend, const bj::object& body) const {
  return Call(backend, "POST", "webhook", json::Serialize(body), BackendTimeout(backend));
}

Result<bj::value> MlBackendClient::Versions(const MlBackend& backend) const {
  return Call(backend, "GET", "versions", "", kVersionsTimeout);
}

}  // namespace tally::integrations::ml
