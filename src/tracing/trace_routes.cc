// Read and delete routes for traces, observations and sessions.
#include <fmt/format.h>

#include <map>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "tracing/config_store.h"
#include "tracing/filter.h"
#include "tracing/route_helpers.h"
#include "tracing/routes.h"
#include "tracing/serialize.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;

namespace {

constexpr const char* kTraceSchema = R"({
  "type": "object", "required": ["id", "timestamp", "projectId", "environment", "tags", "observations", "scores"],
  "properties": {
    "id": {"type": "string"}, "timestamp": {"type": "string", "format": "date-time"},
    "name": {"type": ["string", "null"]}, "input": {}, "output": {}, "sessionId": {"type": ["string", "null"]},
    "release": {"type": ["string", "null"]}, "version": {"type": ["string", "null"]},
    "userId": {"type": ["string", "null"]}, "metadata": {"type": "object"},
    "tags": {"type": "array", "items": {"type": "string"}}, "public": {"type": "boolean"},
    "bookmarked": {"type": "boolean"}, "environment": {"type": "string"}, "projectId": {"type": "string"},
    "htmlPath": {"type": "string"}, "latency": {"type": "number", "description": "Seconds; -1 without metrics."},
    "totalCost": {"type": "number", "description": "USD; -1 without metrics."},
    "observations": {"type": "array"}, "scores": {"type": "array"}
  }
})";

constexpr const char* kPagedSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array", "items": {"type": "object"}},
                 "meta": {"type": "object", "properties": {"page": {"type": "integer"}, "limit": {"type": "integer"},
                          "totalItems": {"type": "integer"}, "totalPages": {"type": "integer"}}}}
})";

constexpr const char* kCursorSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array", "items": {"type": "object"}},
                 "meta": {"type": "object", "properties": {"cursor": {"type": "string",
                          "description": "Absent on the last page."}}}}
})";

constexpr const char* kObservationSchema = R"({
  "type": "object", "required": ["id", "traceId", "type", "startTime"],
  "properties": {
    "id": {"type": "string"}, "traceId": {"type": "string"}, "type": {"type": "string"},
    "name": {"type": ["string", "null"]}, "startTime": {"type": "string", "format": "date-time"},
    "endTime": {"type": ["string", "null"]}, "model": {"type": ["string", "null"]},
    "usageDetails": {"type": "object"}, "costDetails": {"type": "object"}
  }
})";

constexpr const char* kMessageSchema = R"({"type": "object", "properties": {"message": {"type": "string"}}})";

// The v1 trace order columns and their SQL names.
const std::map<std::string, std::string>& TraceOrderColumns() {
  static const std::map<std::string, std::string> columns = {
      {"id", "id"},           {"timestamp", "timestamp"}, {"name", "name"},
      {"userId", "user_id"},  {"release", "release"},     {"version", "version"},
      {"public", "public"},   {"bookmarked", "bookmarked"}, {"sessionId", "session_id"}};
  return columns;
}

// Parses the structured `filter` parameter, or returns no conditions.
Result<std::vector<FilterCondition>> ParseFilterParam(const http::Request& request,
                                                      const std::map<std::string, std::vector<std::string>>& columns) {
  auto filter = TextParam(request, "filter");
  if (!filter) return std::vector<FilterCondition>();
  return ParseFilter(*filter, columns);
}

bool Constrains(const std::vector<FilterCondition>& filters, std::string_view column) {
  for (const auto& condition : filters) {
    if (condition.column == column) return true;
  }
  return false;
}

Result<http::Response> ListTracesRoute(store::Database& database, const http::Request& request) {
  TraceQuery query;
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  query.page = page;
  query.user_id = TextParam(request, "userId");
  query.name = TextParam(request, "name");
  query.session_id = TextParam(request, "sessionId");
  query.version = TextParam(request, "version");
  query.release = TextParam(request, "release");
  TALLY_ASSIGN_OR_RETURN(from, ParseTimeParam(request, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, ParseTimeParam(request, "toTimestamp"));
  query.from_timestamp = from;
  query.to_timestamp = to;
  query.tags = ListParam(request, "tags");
  query.environments = ListParam(request, "environment");
  if (auto order = TextParam(request, "orderBy")) {
    const size_t dot = order->rfind('.');
    const std::string field = order->substr(0, dot);
    const std::string direction = dot == std::string::npos ? "" : order->substr(dot + 1);
    auto column = TraceOrderColumns().find(field);
    if (column == TraceOrderColumns().end() || (direction != "asc" && direction != "desc")) {
      return Error::InvalidField("orderBy", "must be <field>.asc or <field>.desc with field one of id, timestamp, "
                                            "name, userId, release, version, public, bookmarked, sessionId");
    }
    query.order_column = column->second;
    query.descending = direction == "desc";
  }
  query.search = TextParam(request, "searchQuery");
  if (query.search && query.search->size() > 1000) {
    return Error::InvalidField("searchQuery", "must be at most 1000 bytes of UTF-8");
  }
  TALLY_ASSIGN_OR_RETURN(filters, ParseFilterParam(request, TraceFilterColumns()));
  for (size_t i = 0; i < filters.size(); ++i) {
    if (filters[i].column == "score_categories" && !filters[i].key) {
      return Error::InvalidField(fmt::format("filter.{}.key", i), "must name the score of a score_categories condition");
    }
  }
  // A simple filter gives way to a structured condition on the same column.
  if (Constrains(filters, "userId")) query.user_id.reset();
  if (Constrains(filters, "name")) query.name.reset();
  if (Constrains(filters, "sessionId")) query.session_id.reset();
  if (Constrains(filters, "version")) query.version.reset();
  if (Constrains(filters, "release")) query.release.reset();
  if (Constrains(filters, "timestamp")) {
    query.from_timestamp.reset();
    query.to_timestamp.reset();
  }
  if (Constrains(filters, "tags")) query.tags.clear();
  if (Constrains(filters, "environment")) query.environments.clear();
  query.filters = std::move(filters);
  const TraceFields fields = ParseTraceFields(TextParam(request, "fields"));
  const int64_t project_id = request.principal.project_id;

  bool compaction_due = false;
  auto response = database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(list, ListTraces(c, project_id, query));
    compaction_due = list.compaction_due;
    std::vector<std::string> ids;
    for (const auto& row : list.rows) ids.push_back(row.Text(row.Column("id")));
    TALLY_ASSIGN_OR_RETURN(aggregates, LoadTraceAggregates(c, project_id, ids));
    bj::array data;
    for (const auto& row : list.rows) {
      data.push_back(SerializeTrace(row, project_id, &aggregates[row.Text(row.Column("id"))], fields));
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(query.page, list.total)}});
  });

  // The page is already built, so a failed compaction only leaves the
  // deltas for the next list to fold.
  if (response && compaction_due) {
    auto compacted = database.Write([&](Connection& c) { return CompactTraceCounts(c, project_id); });
    if (!compacted) {
      TALLY_LOG_WARN("event=trace_counts_compaction_failed project_id={} error=\"{}\"", project_id,
                     compacted.error().detail);
    }
  }
  return response;
}

Result<http::Response> GetTraceRoute(store::Database& database, const http::Request& request) {
  const std::string trace_id = PathParam(request, "traceId");
  const TraceFields fields = ParseTraceFields(TextParam(request, "fields"));
  const int64_t project_id = request.principal.project_id;

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(row, FindTrace(c, project_id, trace_id));
    if (!row) return Error::NotFound(fmt::format("Trace {} not found within authorized project", trace_id));
    TALLY_ASSIGN_OR_RETURN(aggregates, LoadTraceAggregates(c, project_id, {trace_id}));
    bj::object trace = SerializeTrace(*row, project_id, &aggregates[trace_id], fields);

    // The single-trace form embeds full observations and scores.
    bj::array observations, scores;
    if (fields.observations) {
      TALLY_ASSIGN_OR_RETURN(models, ProjectModels(c, project_id));
      TALLY_ASSIGN_OR_RETURN(rows, ObservationsOfTrace(c, project_id, trace_id));
      for (const auto& observation : rows) {
        const ModelDefinition* model = FindModelById(models, observation.Text(observation.Column("internal_model_id")));
        observations.push_back(SerializeObservation(observation, project_id, model, true));
      }
    }
    if (fields.scores) {
      TALLY_ASSIGN_OR_RETURN(rows, ScoresOfTrace(c, project_id, trace_id));
      for (const auto& score : rows) {
        if (score.Text(score.Column("data_type")) == "CORRECTION") continue;
        scores.push_back(SerializeScore(score, project_id, false));
      }
    }
    trace["observations"] = std::move(observations);
    trace["scores"] = std::move(scores);
    return http::Response::Json(trace);
  });
}

Result<http::Response> DeleteTracesRoute(store::Database& database, const http::Request& request,
                                         std::vector<std::string> ids, const char* message) {
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(deleted, database.Write([&](Connection& c) { return DeleteTraces(c, project_id, ids); }));
  TALLY_LOG_INFO("event=traces_deleted request_id={} project_id={} requested={} deleted={}", request.request_id,
                 project_id, ids.size(), deleted);
  return http::Response::Json(bj::object{{"message", message}});
}

Result<http::Response> BulkDeleteTracesRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  for (const auto& entry : body) {
    if (entry.key() != "traceIds") return Error::InvalidField(std::string(entry.key()), "Unrecognized key");
  }
  const bj::value* ids = body.if_contains("traceIds");
  if (!ids || !ids->is_array() || ids->as_array().empty() || ids->as_array().size() > 1000) {
    return Error::InvalidField("traceIds", "must be an array of 1 to 1000 trace ids");
  }
  std::vector<std::string> trace_ids;
  for (const auto& id : ids->as_array()) {
    if (!id.is_string()) return Error::InvalidField("traceIds", "must contain only strings");
    trace_ids.emplace_back(id.as_string());
  }
  return DeleteTracesRoute(database, request, std::move(trace_ids), "Traces deleted successfully");
}

Result<ObservationQuery> ParseObservationQuery(const http::Request& request) {
  ObservationQuery query;
  query.name = TextParam(request, "name");
  query.user_id = TextParam(request, "userId");
  query.type = TextParam(request, "type");
  query.trace_id = TextParam(request, "traceId");
  query.level = TextParam(request, "level");
  query.version = TextParam(request, "version");
  query.session_id = TextParam(request, "sessionId");
  if (auto parent = request.Query("parentObservationId")) {
    if (parent->empty()) {
      query.roots_only = true;
    } else {
      query.parent_observation_id = *parent;
    }
  }
  query.environments = ListParam(request, "environment");
  TALLY_ASSIGN_OR_RETURN(from, ParseTimeParam(request, "fromStartTime"));
  TALLY_ASSIGN_OR_RETURN(to, ParseTimeParam(request, "toStartTime"));
  query.from_start_time = from;
  query.to_start_time = to;
  if (query.type && !IsObservationType(*query.type)) {
    return Error::InvalidField("type", "must be one of the observation types, e.g. SPAN, GENERATION, EVENT");
  }
  if (query.level && *query.level != "DEBUG" && *query.level != "DEFAULT" && *query.level != "WARNING" &&
      *query.level != "ERROR") {
    return Error::InvalidField("level", "must be DEBUG, DEFAULT, WARNING or ERROR");
  }
  TALLY_ASSIGN_OR_RETURN(filters, ParseFilterParam(request, ObservationFilterColumns()));
  if (Constrains(filters, "name")) query.name.reset();
  if (Constrains(filters, "type")) query.type.reset();
  if (Constrains(filters, "traceId")) query.trace_id.reset();
  if (Constrains(filters, "level")) query.level.reset();
  if (Constrains(filters, "version")) query.version.reset();
  if (Constrains(filters, "environment")) query.environments.clear();
  if (Constrains(filters, "startTime")) {
    query.from_start_time.reset();
    query.to_start_time.reset();
  }
  if (Constrains(filters, "parentObservationId")) {
    query.parent_observation_id.reset();
    query.roots_only = false;
  }
  query.filters = std::move(filters);
  return query;
}

Result<http::Response> ListObservationsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(query, ParseObservationQuery(request));
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  query.page = page;
  const int64_t project_id = request.principal.project_id;

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(models, ProjectModels(c, project_id));
    TALLY_ASSIGN_OR_RETURN(list, ListObservations(c, project_id, query, true));
    bj::array data;
    for (const auto& row : list.rows) {
      const ModelDefinition* model = FindModelById(models, row.Text(row.Column("internal_model_id")));
      data.push_back(SerializeObservation(row, project_id, model, false));
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(query.page, list.total)}});
  });
}

Result<http::Response> GetObservationRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "observationId");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(row, FindObservation(c, project_id, id));
    if (!row) return Error::NotFound(fmt::format("Observation {} not found within authorized project", id));
    TALLY_ASSIGN_OR_RETURN(models, ProjectModels(c, project_id));
    const ModelDefinition* model = FindModelById(models, row->Text(row->Column("internal_model_id")));
    return http::Response::Json(SerializeObservation(*row, project_id, model, false));
  });
}

// v2 cursor: base64 of {"lastStartTimeTo": ISO, "lastId": id}.
std::string EncodeCursor(Micros start_time, const std::string& id) {
  return Base64Encode(json::Serialize(bj::object{{"lastStartTimeTo", FormatIsoMicros(start_time)}, {"lastId", id}}));
}

Result<std::pair<Micros, std::string>> DecodeCursor(const std::string& cursor) {
  const Error invalid = Error::InvalidField("cursor", "Invalid cursor format");
  auto decoded = Base64Decode(cursor);
  if (!decoded) decoded = Base64UrlDecode(cursor);
  if (!decoded) return invalid;
  boost::system::error_code ec;
  bj::value value = bj::parse(*decoded, ec);
  if (ec || !value.is_object()) return invalid;
  const bj::value* time = value.as_object().if_contains("lastStartTimeTo");
  const bj::value* id = value.as_object().if_contains("lastId");
  if (!time || !time->is_string() || !id || !id->is_string()) return invalid;
  auto parsed = ParseIsoTimestamp(time->as_string());
  if (!parsed) return invalid;
  return std::pair{*parsed, std::string(id->as_string())};
}

Result<http::Response> ListObservationsV2Route(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(query, ParseObservationQuery(request));
  if (auto parse_io = request.Query("parseIoAsJson"); parse_io && *parse_io == "true") {
    return Error::InvalidField("parseIoAsJson", "is no longer supported; parse input and output on the client");
  }
  if (auto root = TextParam(request, "isRootObservation")) {
    if (*root != "true" && *root != "false") return Error::InvalidField("isRootObservation", "must be true or false");
    query.is_root = *root == "true";
  }
  int64_t limit = 50;
  if (auto text = TextParam(request, "limit")) {
    char* end = nullptr;
    limit = std::strtoll(text->c_str(), &end, 10);
    if (*end != '\0' || limit < 0 || limit > 1000) return Error::InvalidField("limit", "must be an integer from 0 to 1000");
  }
  if (auto cursor = TextParam(request, "cursor")) {
    TALLY_ASSIGN_OR_RETURN(after, DecodeCursor(*cursor));
    query.after = std::move(after);
  }
  std::set<std::string> groups = {"core", "basic"};
  if (auto fields = TextParam(request, "fields")) {
    groups = {"core"};
    for (const std::string& group : ListParam(request, "fields")) groups.insert(group);
  }
  query.page = Page{1, limit + 1};  // one extra row shows whether a next page exists
  const int64_t project_id = request.principal.project_id;

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(models, ProjectModels(c, project_id));
    bj::array data;
    bj::object meta;
    if (limit > 0) {
      TALLY_ASSIGN_OR_RETURN(list, ListObservations(c, project_id, query, false));
      const bool more = static_cast<int64_t>(list.rows.size()) > limit;
      if (more) list.rows.pop_back();
      for (const auto& row : list.rows) {
        const ModelDefinition* model = FindModelById(models, row.Text(row.Column("internal_model_id")));
        data.push_back(SerializeObservationV2(row, project_id, model, groups));
      }
      if (more) {
        const auto& last = list.rows.back();
        meta["cursor"] = EncodeCursor(last.Int(last.Column("start_time")), last.Text(last.Column("id")));
      }
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", std::move(meta)}});
  });
}

Result<http::Response> ListSessionsRoute(store::Database& database, const http::Request& request) {
  SessionQuery query;
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  query.page = page;
  TALLY_ASSIGN_OR_RETURN(from, ParseTimeParam(request, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, ParseTimeParam(request, "toTimestamp"));
  query.from_timestamp = from;
  query.to_timestamp = to;
  query.environments = ListParam(request, "environment");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(list, ListSessions(c, project_id, query));
    bj::array data;
    for (const auto& row : list.rows) data.push_back(SerializeSession(row, project_id));
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(query.page, list.total)}});
  });
}

Result<http::Response> GetSessionRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "sessionId");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(row, FindSession(c, project_id, id));
    if (!row) return Error::NotFound(fmt::format("Session {} not found within authorized project", id));
    bj::object session = SerializeSession(*row, project_id);
    TALLY_ASSIGN_OR_RETURN(traces, TracesOfSession(c, project_id, id));
    std::vector<std::string> ids;
    for (const auto& trace : traces) ids.push_back(trace.Text(trace.Column("id")));
    TALLY_ASSIGN_OR_RETURN(aggregates, LoadTraceAggregates(c, project_id, ids));
    bj::array data;
    for (const auto& trace : traces) {
      data.push_back(SerializeTrace(trace, project_id, &aggregates[trace.Text(trace.Column("id"))], {}));
    }
    session["traces"] = std::move(data);
    return http::Response::Json(session);
  });
}

}  // namespace

void AddTraceRoutes(http::Router& router, store::Database& database) {
  auto add = [&](const char* method, const char* pattern, const char* summary, const char* tag, const char* schema,
                 std::vector<std::string> query, auto handler) {
    router.Add({.method = method,
                .pattern = pattern,
                .auth = http::Auth::kProjectKey,
                .doc = {.summary = summary, .tag = tag, .response_schema = schema, .query = std::move(query)},
                .handler = [&database, handler](http::Request& request) { return handler(database, request); }});
  };
  add("GET", "/api/public/traces", "List traces", "Tracing", kPagedSchema,
      {"page", "limit", "userId", "name", "sessionId", "version", "release", "fromTimestamp", "toTimestamp", "orderBy",
       "tags", "environment", "fields", "filter", "searchQuery"},
      ListTracesRoute);
  add("GET", "/api/public/traces/{traceId}", "Get a trace with its observations and scores", "Tracing", kTraceSchema,
      {"fields"}, GetTraceRoute);
  add("DELETE", "/api/public/traces/{traceId}", "Delete a trace with its observations and scores", "Tracing",
      kMessageSchema, {}, [](store::Database& db, const http::Request& request) {
        return DeleteTracesRoute(db, request, {PathParam(request, "traceId")}, "Trace deleted successfully");
      });
  router.Add({.method = "DELETE",
              .pattern = "/api/public/traces",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Delete up to 1000 traces",
                      .tag = "Tracing",
                      .request_schema = R"({"type": "object", "required": ["traceIds"], "additionalProperties": false,
                        "properties": {"traceIds": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                                                    "maxItems": 1000}}})",
                      .response_schema = kMessageSchema},
              .handler = [&database](http::Request& request) { return BulkDeleteTracesRoute(database, request); }});
  add("GET", "/api/public/observations", "List observations", "Tracing", kPagedSchema,
      {"page", "limit", "name", "userId", "type", "traceId", "level", "parentObservationId", "environment",
       "fromStartTime", "toStartTime", "version", "filter"},
      ListObservationsRoute);
  add("GET", "/api/public/observations/{observationId}", "Get an observation", "Tracing", kObservationSchema, {},
      GetObservationRoute);
  add("GET", "/api/public/v2/observations", "List observations with a cursor and field groups", "Tracing",
      kCursorSchema,
      {"fields", "limit", "cursor", "name", "userId", "sessionId", "type", "traceId", "level", "parentObservationId",
       "isRootObservation", "environment", "fromStartTime", "toStartTime", "version", "filter"},
      ListObservationsV2Route);
  add("GET", "/api/public/sessions", "List sessions", "Tracing", kPagedSchema,
      {"page", "limit", "fromTimestamp", "toTimestamp", "environment"}, ListSessionsRoute);
  add("GET", "/api/public/sessions/{sessionId}", "Get a session with its traces", "Tracing",
      R"({"type": "object", "required": ["id", "traces"], "properties": {"id": {"type": "string"},
         "createdAt": {"type": "string"}, "projectId": {"type": "string"}, "environment": {"type": "string"},
         "traces": {"type": "array"}}})",
      {}, GetSessionRoute);
}

}  // namespace tally::tracing
