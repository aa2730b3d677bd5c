#include "evals/llm_connections.h"

#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Row;

namespace {

constexpr const char* kColumns =
    "id, name, base_url, model, api_key_sealed, api_key_last4, timeout_ms, created_at, updated_at";

// A judge call may not wait longer than this; the default is 30 s.
constexpr int64_t kMaxTimeoutMs = 300000;
constexpr size_t kMaxApiKeyLength = 4096;

constexpr const char* kConnectionSchema = R"({
  "type": "object", "required": ["id", "name", "baseUrl", "model", "apiKey", "timeoutMs"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "baseUrl": {"type": "string"}, "model": {"type": "string"},
    "apiKey": {"type": "string", "description": "the last four characters of the key after an ellipsis"},
    "timeoutMs": {"type": "integer"},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
  }
})";

constexpr const char* kCreateSchema = R"({
  "type": "object", "required": ["name", "baseUrl", "model", "apiKey"],
  "properties": {
    "name": {"type": "string"},
    "baseUrl": {"type": "string", "description": "e.g. https://api.openai.com/v1; /chat/completions is appended"},
    "model": {"type": "string"}, "apiKey": {"type": "string", "description": "stored sealed, never returned"},
    "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 300000, "default": 30000}
  }
})";

constexpr const char* kListSchema = R"({"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}})";

LlmConnection FromRow(const Row& row) {
  return LlmConnection{.id = row.Text(0),
                       .name = row.Text(1),
                       .base_url = row.Text(2),
                       .model = row.Text(3),
                       .api_key_sealed = row.Text(4),
                       .api_key_last4 = row.Text(5),
                       .timeout = std::chrono::milliseconds(row.Int(6)),
                       .created_at = row.Int(7),
                       .updated_at = row.Int(8)};
}

Result<std::string> RequireNonEmpty(const bj::object& body, std::string_view key) {
  TALLY_ASSIGN_OR_RETURN(text, json::RequireString(body, key));
  if (text.empty()) return Error::InvalidField(std::string(key), "Must not be empty");
  return text;
}

Result<http::Response> CreateRoute(store::Database& database, const core::SecretBox& secret_box,
                                   const integrations::OutboundClient& client, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(name, RequireNonEmpty(body, "name"));
  TALLY_ASSIGN_OR_RETURN(base_url, RequireNonEmpty(body, "baseUrl"));
  while (base_url.ends_with('/')) base_url.pop_back();
  if (auto checked = client.CheckUrl(base_url); !checked) {
    return Error::InvalidField("baseUrl", checked.error().message);
  }
  TALLY_ASSIGN_OR_RETURN(model, RequireNonEmpty(body, "model"));
  TALLY_ASSIGN_OR_RETURN(api_key, RequireNonEmpty(body, "apiKey"));
  if (api_key.size() > kMaxApiKeyLength) {
    return Error::InvalidField("apiKey", fmt::format("Must be at most {} characters", kMaxApiKeyLength));
  }
  TALLY_ASSIGN_OR_RETURN(timeout_ms, json::OptionalInt(body, "timeoutMs"));
  if (timeout_ms && (*timeout_ms < 1 || *timeout_ms > kMaxTimeoutMs)) {
    return Error::InvalidField("timeoutMs", fmt::format("Must be between 1 and {} milliseconds", kMaxTimeoutMs));
  }
  TALLY_ASSIGN_OR_RETURN(sealed, secret_box.Seal(api_key));

  const Micros now = NowMicros();
  LlmConnection created{.id = NewUuidV7(),
                        .name = name,
                        .base_url = base_url,
                        .model = model,
                        .api_key_sealed = sealed,
                        .api_key_last4 = api_key.size() > 4 ? api_key.substr(api_key.size() - 4) : std::string(),
                        .timeout = std::chrono::milliseconds(timeout_ms.value_or(30000)),
                        .created_at = now,
                        .updated_at = now};
  TALLY_TRY(database.Write([&](store::Connection& connection) -> Result<void> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(taken, connection.QueryOne("SELECT 1 FROM llm_connections WHERE project_id = ? AND name = ?",
                                                      {project_id, name}));
    if (taken) return Error::Conflict(fmt::format("An LLM connection named '{}' already exists; choose another name", name));
    TALLY_TRY(connection.Execute(fmt::format("INSERT INTO llm_connections (project_id, {}) VALUES "
                                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                             kColumns),
                                 {project_id, created.id, created.name, created.base_url, created.model,
                                  created.api_key_sealed, created.api_key_last4,
                                  static_cast<int64_t>(created.timeout.count()), now, now}));
    return Ok();
  }));
  TALLY_LOG_INFO("event=llm_connection_created request_id={} project_id={} connection_id={}", request.request_id,
                 project_id, created.id);
  return http::Response::Json(LlmConnectionJson(created), 201);
}

Result<http::Response> ListRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM llm_connections WHERE project_id = ? "
                                                              "ORDER BY name",
                                                              kColumns),
                                                  {project_id}));
    bj::array data;
    for (const Row& row : rows) data.push_back(LlmConnectionJson(FromRow(row)));
    return http::Response::Json(bj::object{{"data", std::move(data)}});
  });
}

Result<http::Response> DeleteRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  const std::string id = request.path_params.at("id");
  TALLY_TRY(database.Write([&](store::Connection& connection) -> Result<void> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(used, connection.QueryOne("SELECT name FROM evaluator_rules WHERE project_id = ? AND "
                                                     "connection_id = ?",
                                                     {project_id, id}));
    if (used) {
      return Error::Conflict(fmt::format("Evaluator rule '{}' uses this connection; delete the rule first", used->Text(0)));
    }
    TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM llm_connections WHERE project_id = ? AND id = ?",
                                                       {project_id, id}));
    if (deleted == 0) return Error::NotFound(fmt::format("LLM connection '{}' not found", id));
    return Ok();
  }));
  TALLY_LOG_INFO("event=llm_connection_deleted request_id={} project_id={} connection_id={}", request.request_id,
                 project_id, id);
  return http::Response::NoContent();
}

}  // namespace

Result<std::optional<LlmConnection>> FindLlmConnection(store::Connection& connection, int64_t project_id,
                                                       const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM llm_connections WHERE project_id = ? "
                                                              "AND id = ?",
                                                              kColumns),
                                                  {project_id, id}));
  if (!row) return std::optional<LlmConnection>();
  return std::optional<LlmConnection>(FromRow(*row));
}

Result<std::optional<LlmConnection>> FindLlmConnectionByName(store::Connection& connection, int64_t project_id,
                                                             const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM llm_connections WHERE project_id = ? "
                                                              "AND name = ?",
                                                              kColumns),
                                                  {project_id, name}));
  if (!row) return std::optional<LlmConnection>();
  return std::optional<LlmConnection>(FromRow(*row));
}

bj::object LlmConnectionJson(const LlmConnection& llm_connection) {
  return bj::object{{"id", llm_connection.id},
                    {"name", llm_connection.name},
                    {"baseUrl", llm_connection.base_url},
                    {"model", llm_connection.model},
                    {"apiKey", "…" + llm_connection.api_key_last4},
                    {"timeoutMs", static_cast<int64_t>(llm_connection.timeout.count())},
                    {"createdAt", FormatIsoMillis(llm_connection.created_at)},
                    {"updatedAt", FormatIsoMillis(llm_connection.updated_at)}};
}

void AddLlmConnectionRoutes(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                            const integrations::OutboundClient& client) {
  const std::string base = "/api/evals/{project_id:int}/llm-connections";
  router.Add({.method = "POST",
              .pattern = base,
              .auth = http::Auth::kUser,
              .doc = {.summary = "Create an OpenAI-compatible LLM connection; the API key is stored sealed",
                      .tag = "Evaluators",
                      .request_schema = kCreateSchema,
                      .response_schema = kConnectionSchema,
                      .success_status = 201},
              .handler = [&database, &secret_box, &client](http::Request& request) {
                return CreateRoute(database, secret_box, client, request);
              }});
  router.Add({.method = "GET",
              .pattern = base,
              .auth = http::Auth::kUser,
              .doc = {.summary = "List the project's LLM connections (keys shown by their last four characters)",
                      .tag = "Evaluators",
                      .response_schema = kListSchema},
              .handler = [&database](http::Request& request) { return ListRoute(database, request); }});
  router.Add({.method = "DELETE",
              .pattern = base + "/{id}",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Delete an LLM connection no evaluator rule uses",
                      .tag = "Evaluators",
                      .success_status = 204},
              .handler = [&database](http::Request& request) { return DeleteRoute(database, request); }});
}

}  // namespace tally::evals
