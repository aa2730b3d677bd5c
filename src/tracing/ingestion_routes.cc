#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "tracing/ingestion.h"
#include "tracing/route_helpers.h"
#include "tracing/routes.h"

namespace tally::tracing {

namespace bj = boost::json;

namespace {

// The reference system accepts ingestion bodies up to 4.5 MB; SDKs cap
// batches at 2.5 MB.
constexpr size_t kIngestionBodyLimit = 4'718'592;

constexpr const char* kIngestionRequestSchema = R"({
  "type": "object", "required": ["batch"],
  "properties": {
    "batch": {"type": "array", "items": {"type": "object", "required": ["id", "type", "timestamp", "body"],
      "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                     "timestamp": {"type": "string", "format": "date-time"}, "body": {"type": "object"}}}},
    "metadata": {}
  }
})";

constexpr const char* kIngestionResponseSchema = R"({
  "type": "object", "required": ["successes", "errors"],
  "properties": {
    "successes": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": "string"}, "status": {"type": "integer"}}}},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": "string"}, "status": {"type": "integer"}, "message": {"type": "string"},
      "error": {"type": "string"}}}}
  }
})";

constexpr const char* kScoreCreateSchema = R"({
  "type": "object", "required": ["name", "value"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "value": {"type": ["number", "string"]},
    "dataType": {"type": "string", "enum": ["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION"]},
    "traceId": {"type": "string"}, "observationId": {"type": "string"}, "sessionId": {"type": "string"},
    "datasetRunId": {"type": "string"}, "comment": {"type": "string"}, "metadata": {},
    "configId": {"type": "string"}, "queueId": {"type": "string"}, "environment": {"type": "string"},
    "source": {"type": "string", "enum": ["API", "ANNOTATION"]}
  }
})";

http::Response WholeRequestInvalid(const std::string& issue) {
  return http::Response::Json(bj::object{{"message", "Invalid request data"}, {"errors", bj::array{bj::value(issue)}}},
                              400);
}

// A member below manager, scoped by X-Tally-Project, writes the way a public
// key does (scores only) and may not overwrite an existing score by its id.
bool IsScoreOnlyMember(const http::Principal& principal) {
  return principal.is_user() && !principal.project_manager;
}

bool WritesOnlyScores(const http::Principal& principal) {
  return principal.kind == http::Principal::Kind::kPublicKey || IsScoreOnlyMember(principal);
}

constexpr std::string_view kScoreIdForbidden =
    "Only a project manager or a key pair may send a score with an id; leave id out to add a new score";

bj::array OutcomesToJson(const std::vector<EventOutcome>& outcomes, bool with_error) {
  bj::array out;
  for (const EventOutcome& outcome : outcomes) {
    bj::object entry{{"id", outcome.id}, {"status", outcome.status}};
    if (with_error) {
      entry["message"] = outcome.message;
      entry["error"] = outcome.error;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<http::Response> HandleIngestion(store::Database& database, http::Hub* hub, http::Request& request) {
  auto parsed = ParseDeepJson(request.body);
  if (!parsed) return WholeRequestInvalid(parsed.error().message);
  const bj::object* body = parsed->if_object();
  const bj::value* batch = body ? body->if_contains("batch") : nullptr;
  if (!batch || !batch->is_array()) return WholeRequestInvalid("batch: Required, expected an array of events");

  // Score events with an id from a member below manager are rejected before
  // the batch is stored. The other events go through as usual.
  bj::array accepted;
  std::vector<EventOutcome> refused;
  for (const bj::value& raw : batch->as_array()) {
    const bj::object* event = raw.if_object();
    const bj::value* type = event ? event->if_contains("type") : nullptr;
    const bj::value* event_body = event ? event->if_contains("body") : nullptr;
    const bool score_with_id = type && type->is_string() && type->as_string() == "score-create" && event_body &&
                               event_body->is_object() && event_body->as_object().if_contains("id") &&
                               !event_body->as_object().at("id").is_null();
    if (IsScoreOnlyMember(request.principal) && score_with_id) {
      const bj::value* id = event->if_contains("id");
      refused.push_back(EventOutcome{id && id->is_string() ? std::string(id->as_string()) : "unknown", 403,
                                     "Access Scope Denied", std::string(kScoreIdForbidden)});
      continue;
    }
    accepted.push_back(raw);
  }
  TALLY_ASSIGN_OR_RETURN(result, IngestBatch(database, request.principal.project_id, accepted,
                                             WritesOnlyScores(request.principal)));
  result.errors.insert(result.errors.end(), refused.begin(), refused.end());
  PublishChanges(hub, request.principal.project_id, result.changes);
  for (const EventOutcome& error : result.errors) {
    TALLY_LOG_WARN("event=ingestion_event_rejected request_id={} project_id={} event_id={} status={}",
                   request.request_id, request.principal.project_id, error.id, error.status);
  }
  return http::Response::Json(
      bj::object{{"successes", OutcomesToJson(result.successes, false)}, {"errors", OutcomesToJson(result.errors, true)}},
      207);
}

// Stores one event built from a single-entity request and answers as the
// single-entity endpoints do: {"id": entity id} on success, otherwise the
// first per-event error's status with {"message": what was wrong}.
Result<http::Response> IngestOneEvent(store::Database& database, http::Hub* hub, http::Request& request,
                                      std::string_view type, bj::object body) {
  const std::string entity_id = body.at("id").is_string() ? std::string(body.at("id").as_string()) : std::string();
  bj::array batch;
  batch.push_back(bj::object{{"id", NewUuidV4()},
                             {"type", type},
                             {"timestamp", FormatIsoMillis(NowMicros())},
                             {"body", std::move(body)}});
  TALLY_ASSIGN_OR_RETURN(result, IngestBatch(database, request.principal.project_id, batch,
                                             WritesOnlyScores(request.principal)));
  PublishChanges(hub, request.principal.project_id, result.changes);
  if (!result.errors.empty()) {
    const EventOutcome& error = result.errors.front();
    TALLY_LOG_WARN("event=single_entity_write_rejected request_id={} project_id={} type={} status={}",
                   request.request_id, request.principal.project_id, type, error.status);
    return http::Response::Json(bj::object{{"message", error.error}}, error.status);
  }
  return http::Response::Json(bj::object{{"id", entity_id}});
}

// POST /scores wraps one score-create event and returns its result synchronously.
Result<http::Response> HandleCreateScore(store::Database& database, http::Hub* hub, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(parsed, ParseDeepJson(request.body));
  if (!parsed.is_object()) return Error::Invalid("Request body must be a JSON object");
  bj::object body = std::move(parsed.as_object());
  if (const bj::value* source = body.if_contains("source"); source && source->is_string() && source->as_string() == "EVAL") {
    return Error::InvalidField("source", "Invalid enum value. Expected API or ANNOTATION");
  }
  if (!body.contains("id") || body.at("id").is_null()) {
    body["id"] = NewUuidV4();
  } else if (IsScoreOnlyMember(request.principal)) {
    return Error::Forbidden(std::string(kScoreIdForbidden));
  }
  return IngestOneEvent(database, hub, request, "score-create", std::move(body));
}

// The single-entity write endpoints that predate batch ingestion. Each one
// wraps one ingestion event, so it validates, merges and costs exactly as
// POST /ingestion does.
struct LegacyWrite {
  const char* method;
  const char* pattern;
  const char* event_type;
  const char* id_alias;  // the body's other name for the entity id: "spanId", "generationId", or null
  bool is_update;        // an update names an existing entity, so the id is required
  bool is_generation;    // `prompt` and `completion` stand for `input` and `output`
  const char* summary;
};

constexpr LegacyWrite kLegacyWrites[] = {
    {"POST", "/api/public/traces", "trace-create", nullptr, false, false, "Create or update one trace (legacy)"},
    {"POST", "/api/public/spans", "span-create", "spanId", false, false, "Create one span (legacy)"},
    {"PATCH", "/api/public/spans", "span-update", "spanId", true, false, "Update one span (legacy)"},
    {"POST", "/api/public/generations", "generation-create", "generationId", false, true,
     "Create one generation (legacy)"},
    {"PATCH", "/api/public/generations", "generation-update", "generationId", true, true,
     "Update one generation (legacy)"},
    {"POST", "/api/public/events", "event-create", nullptr, false, false, "Create one event observation (legacy)"},
};

constexpr const char* kLegacyWriteRequestSchema = R"({
  "type": "object",
  "properties": {
    "id": {"type": "string"}, "spanId": {"type": "string"}, "generationId": {"type": "string"},
    "traceId": {"type": "string"}, "name": {"type": "string"}, "startTime": {"type": "string", "format": "date-time"},
    "endTime": {"type": "string", "format": "date-time"}, "input": {}, "output": {}, "prompt": {}, "completion": {},
    "metadata": {}, "level": {"type": "string", "enum": ["DEBUG", "DEFAULT", "WARNING", "ERROR"]}
  }
})";

// Moves the value of `from` to `to`. Giving both with different values is
// ambiguous, so it is rejected.
Result<void> RenameField(bj::object& body, std::string_view from, std::string_view to) {
  bj::value* source = body.if_contains(from);
  if (!source) return Ok();
  const bj::value* target = body.if_contains(to);
  if (target && !target->is_null() && *target != *source) {
    return Error::InvalidField(std::string(from), fmt::format("differs from \"{}\", so send only one of the two", to));
  }
  bj::value moved = std::move(*source);
  body.erase(from);
  body[to] = std::move(moved);
  return Ok();
}

Result<http::Response> HandleLegacyWrite(store::Database& database, http::Hub* hub, http::Request& request,
                                         const LegacyWrite& write) {
  TALLY_ASSIGN_OR_RETURN(parsed, ParseDeepJson(request.body));
  if (!parsed.is_object()) return Error::Invalid("Request body must be a JSON object");
  bj::object body = std::move(parsed.as_object());

  if (write.id_alias) TALLY_TRY(RenameField(body, write.id_alias, "id"));
  if (write.is_generation) {
    TALLY_TRY(RenameField(body, "prompt", "input"));
    TALLY_TRY(RenameField(body, "completion", "output"));
  }
  // Old SDKs could say whether traceId was Langfuse's or an external id;
  // only Langfuse ids exist here, so the hint carries no information.
  body.erase("traceIdType");

  const bj::value* id = body.if_contains("id");
  if (!id || id->is_null()) {
    if (write.is_update) {
      return Error::InvalidField(write.id_alias, "Required: the id of the observation to update");
    }
    body["id"] = NewUuidV4();
  }
  return IngestOneEvent(database, hub, request, write.event_type, std::move(body));
}

}  // namespace

void AddIngestionRoutes(http::Router& router, store::Database& database, http::Hub* hub) {
  router.Add({.method = "POST",
              .pattern = "/api/public/ingestion",
              .auth = http::Auth::kScoreWriter,
              .body_limit = kIngestionBodyLimit,
              .doc = {.summary = "Ingest a batch of trace, observation and score events",
                      .tag = "Tracing",
                      .request_schema = kIngestionRequestSchema,
                      .response_schema = kIngestionResponseSchema,
                      .success_status = 207},
              .handler = [&database, hub](http::Request& request) { return HandleIngestion(database, hub, request); }});
  router.Add({.method = "POST",
              .pattern = "/api/public/scores",
              .auth = http::Auth::kScoreWriter,
              .doc = {.summary = "Create or update a score",
                      .tag = "Scores",
                      .request_schema = kScoreCreateSchema,
                      .response_schema = R"({"type": "object", "properties": {"id": {"type": "string"}}})"},
              .handler = [&database, hub](http::Request& request) { return HandleCreateScore(database, hub, request); }});
  for (const LegacyWrite& write : kLegacyWrites) {
    router.Add({.method = write.method,
                .pattern = write.pattern,
                .auth = http::Auth::kProjectKey,
                .doc = {.summary = write.summary,
                        .tag = "Tracing",
                        .request_schema = kLegacyWriteRequestSchema,
                        .response_schema = R"({"type": "object", "properties": {"id": {"type": "string"}}})"},
                .handler = [&database, hub, &write](http::Request& request) {
                  return HandleLegacyWrite(database, hub, request, write);
                }});
  }
}

void AddTracingRoutes(http::Router& router, store::Database& database, http::Hub* hub) {
  AddIngestionRoutes(router, database, hub);
  AddTraceRoutes(router, database);
  AddScoreRoutes(router, database);
  AddModelRoutes(router, database);
  AddCommentRoutes(router, database);
  AddOtelRoutes(router, database, hub);
}

}  // namespace tally::tracing
