// Read and delete routes for scores (v1, v2, v3) and score configs.
#include <fmt/format.h>

#include <regex>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "tracing/config_store.h"
#include "tracing/route_helpers.h"
#include "tracing/routes.h"
#include "tracing/serialize.h"
#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;

namespace {

constexpr const char* kPagedSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array", "items": {"type": "object"}}, "meta": {"type": "object"}}
})";

constexpr const char* kScoreSchema = R"({
  "type": "object", "required": ["id", "name", "dataType", "source", "timestamp"],
  "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "value": {"type": ["number", "null"]},
                 "stringValue": {"type": ["string", "null"]}, "dataType": {"type": "string"},
                 "source": {"type": "string"}, "traceId": {"type": ["string", "null"]},
                 "observationId": {"type": ["string", "null"]}, "timestamp": {"type": "string"}}
})";

constexpr const char* kScoreConfigSchema = R"({
  "type": "object", "required": ["id", "name", "dataType", "isArchived"],
  "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                 "dataType": {"type": "string", "enum": ["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT"]},
                 "categories": {"type": "array", "items": {"type": "object", "properties": {
                   "label": {"type": "string"}, "value": {"type": "number"}}}},
                 "minValue": {"type": "number"}, "maxValue": {"type": "number"}, "description": {"type": "string"},
                 "isArchived": {"type": "boolean"}, "projectId": {"type": "string"}}
})";

constexpr const char* kScoreConfigCreateSchema = R"({
  "type": "object", "required": ["name", "dataType"],
  "properties": {"name": {"type": "string", "maxLength": 35}, "dataType": {"type": "string"},
                 "categories": {"type": "array"}, "minValue": {"type": "number"}, "maxValue": {"type": "number"},
                 "description": {"type": "string"}}
})";

// ----- Score lists -----

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Result<std::optional<double>> NumberParam(const http::Request& request, std::string_view key) {
  auto text = TextParam(request, key);
  if (!text) return std::optional<double>();
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (*end != '\0' || !std::isfinite(value)) return Error::InvalidField(std::string(key), "Expected number");
  return std::optional<double>(value);
}

Result<ScoreQuery> ParseV2ScoreQuery(const http::Request& request) {
  ScoreQuery query;
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  query.page = page;
  query.user_id = TextParam(request, "userId");
  query.name = TextParam(request, "name");
  query.source = TextParam(request, "source");
  query.config_id = TextParam(request, "configId");
  query.session_id = TextParam(request, "sessionId");
  query.dataset_run_id = TextParam(request, "datasetRunId");
  query.trace_id = TextParam(request, "traceId");
  query.queue_id = TextParam(request, "queueId");
  query.data_type = TextParam(request, "dataType");
  query.ids = ListParam(request, "scoreIds");
  query.observation_ids = ListParam(request, "observationId");
  query.environments = ListParam(request, "environment");
  query.trace_tags = ListParam(request, "traceTags");
  TALLY_ASSIGN_OR_RETURN(from, ParseTimeParam(request, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, ParseTimeParam(request, "toTimestamp"));
  query.from_timestamp = from;
  query.to_timestamp = to;
  TALLY_ASSIGN_OR_RETURN(value, NumberParam(request, "value"));
  if (auto op = TextParam(request, "operator")) {
    static const std::set<std::string> kOperators = {"<", ">", "<=", ">=", "=", "!=", "<>"};
    if (!kOperators.count(*op)) return Error::InvalidField("operator", "must be one of <, >, <=, >=, =, !=");
    query.value_operator = *op == "!=" ? "<>" : *op;
  }
  query.value = value;

  // NOTE: structured filters are not translated for scores yet; a non-empty
  // one is rejected so a script never mistakes unfiltered rows for a match.
  if (auto filter = TextParam(request, "filter")) {
    boost::system::error_code ec;
    bj::value parsed = bj::parse(*filter, ec);
    if (ec || !parsed.is_array()) return Error::Invalid("Invalid JSON in filter parameter");
    if (!parsed.as_array().empty()) {
      return Error::InvalidField("filter", "structured filters are not supported on score lists; use the query parameters");
    }
  }
  return query;
}

// The trace context v2 lists attach to scores of a trace.
bj::object ScoreTraceJson(const store::Row& trace) {
  boost::system::error_code ec;
  bj::value tags = bj::parse(trace.Text(2, "[]"), ec);
  return bj::object{{"userId", trace.IsNull(1) ? bj::value(nullptr) : bj::value(trace.Text(1))},
                    {"tags", ec ? bj::value(bj::array()) : tags},
                    {"environment", trace.Text(3)},
                    {"sessionId", trace.IsNull(4) ? bj::value(nullptr) : bj::value(trace.Text(4))}};
}

Result<http::Response> ListScoresRoute(store::Database& database, const http::Request& request, bool v2) {
  TALLY_ASSIGN_OR_RETURN(query, ParseV2ScoreQuery(request));
  if (!v2) query.exclude_corrections = true;

  // v2 `fields`: "score" and "trace", both by default; trace filters need "trace".
  bool with_trace = v2;
  if (auto fields = TextParam(request, "fields"); fields && v2) {
    with_trace = false;
    for (const std::string& field : ListParam(request, "fields")) {
      if (field != "score" && field != "trace") return Error::InvalidField("fields", "must list score or trace");
      with_trace = with_trace || field == "trace";
    }
    if (!with_trace && (query.user_id || !query.trace_tags.empty())) {
      return Error::InvalidField("fields", "filtering by userId or traceTags needs the trace field group");
    }
  }
  const int64_t project_id = request.principal.project_id;

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(list, ListScores(c, project_id, query, true));
    std::map<std::string, store::Row> traces;
    if (with_trace) {
      std::vector<std::string> trace_ids;
      for (const auto& row : list.rows) {
        if (auto trace_id = row.OptionalText(row.Column("trace_id"))) trace_ids.push_back(*trace_id);
      }
      TALLY_ASSIGN_OR_RETURN(loaded, LoadScoreTraces(c, project_id, trace_ids));
      traces = std::move(loaded);
    }
    bj::array data;
    for (const auto& row : list.rows) {
      bj::object score = SerializeScore(row, project_id, v2);
      if (with_trace) {
        auto trace = traces.find(row.Text(row.Column("trace_id")));
        if (trace != traces.end()) score["trace"] = ScoreTraceJson(trace->second);
      }
      data.push_back(std::move(score));
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(query.page, list.total)}});
  });
}

Result<http::Response> GetScoreRoute(store::Database& database, const http::Request& request, bool v2) {
  const std::string id = PathParam(request, "scoreId");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(row, FindScore(c, project_id, id));
    if (!row) return Error::NotFound(fmt::format("Score {} not found within authorized project", id));
    return http::Response::Json(SerializeScore(*row, project_id, v2));
  });
}

// v3: strict query, cursor paging, polymorphic value.
Result<http::Response> ListScoresV3Route(store::Database& database, const http::Request& request) {
  static const std::set<std::string> kAllowed = {
      "limit",        "cursor",  "fields",   "id",       "name",          "source",      "dataType",
      "environment",  "configId", "queueId", "authorUserId", "value",     "valueMin",    "valueMax",
      "traceId",      "sessionId", "observationId", "experimentId", "fromTimestamp", "toTimestamp"};
  for (const auto& [key, value] : request.query) {
    if (key == "userId" || key == "traceTags") {
      return Error::InvalidField(key, "is not supported on v3; use GET /api/public/v2/scores");
    }
    if (!kAllowed.count(key)) return Error::InvalidField(key, "Unrecognized query parameter");
  }

  ScoreQuery query;
  int64_t limit = 50;
  if (auto text = TextParam(request, "limit")) {
    char* end = nullptr;
    limit = std::strtoll(text->c_str(), &end, 10);
    if (*end != '\0' || limit < 1 || limit > 100) return Error::InvalidField("limit", "must be an integer from 1 to 100");
  }
  std::set<std::string> groups;
  for (const std::string& group : ListParam(request, "fields")) {
    if (group != "details" && group != "subject" && group != "annotation") {
      return Error::InvalidField("fields", "must list details, subject or annotation");
    }
    groups.insert(group);
  }
  query.ids = ListParam(request, "id");
  if (auto names = ListParam(request, "name"); names.size() == 1) query.name = names.front();
  if (auto source = TextParam(request, "source")) query.source = Upper(*source);
  std::vector<std::string> data_types;
  for (const auto& type : ListParam(request, "dataType")) data_types.push_back(Upper(type));
  if (data_types.size() == 1) query.data_type = data_types.front();
  query.environments = ListParam(request, "environment");
  query.config_id = TextParam(request, "configId");
  query.queue_id = TextParam(request, "queueId");
  query.author_user_id = TextParam(request, "authorUserId");
  query.trace_id = TextParam(request, "traceId");
  query.session_id = TextParam(request, "sessionId");
  query.observation_ids = ListParam(request, "observationId");
  if (!query.observation_ids.empty() && !query.trace_id) {
    return Error::InvalidField("observationId", "requires traceId");
  }
  if (auto experiment = TextParam(request, "experimentId")) {
    if (query.trace_id || query.session_id) {
      return Error::InvalidField("experimentId", "cannot be combined with traceId or sessionId");
    }
    query.dataset_run_id = experiment;
  }
  if (query.trace_id && query.session_id) return Error::InvalidField("sessionId", "cannot be combined with traceId");
  if (auto value = TextParam(request, "value")) {
    if (!query.data_type || *query.data_type == "TEXT" || *query.data_type == "CORRECTION") {
      return Error::InvalidField("value", "needs exactly one dataType of NUMERIC, BOOLEAN or CATEGORICAL");
    }
    if (*query.data_type == "BOOLEAN") {
      if (*value != "true" && *value != "false") return Error::InvalidField("value", "must be true or false");
      query.value_operator = "=";
      query.value = *value == "true" ? 1.0 : 0.0;
    } else if (*query.data_type == "NUMERIC") {
      TALLY_ASSIGN_OR_RETURN(number, NumberParam(request, "value"));
      query.value_operator = "=";
      query.value = number;
    } else {
      query.string_value = *value;  // categorical values are labels
    }
  }
  TALLY_ASSIGN_OR_RETURN(value_min, NumberParam(request, "valueMin"));
  TALLY_ASSIGN_OR_RETURN(value_max, NumberParam(request, "valueMax"));
  if ((value_min || value_max) && query.data_type != "NUMERIC") {
    return Error::InvalidField("valueMin", "valueMin and valueMax need dataType NUMERIC");
  }
  query.value_min = value_min;
  query.value_max = value_max;
  TALLY_ASSIGN_OR_RETURN(from, ParseTimeParam(request, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, ParseTimeParam(request, "toTimestamp"));
  query.from_timestamp = from;
  query.to_timestamp = to;
  if (auto cursor = TextParam(request, "cursor")) {
    const Error invalid = Error::InvalidField("cursor", "Invalid cursor format");
    auto decoded = Base64UrlDecode(*cursor);
    if (!decoded) return invalid;
    boost::system::error_code ec;
    bj::value parsed = bj::parse(*decoded, ec);
    if (ec || !parsed.is_object() || !parsed.as_object().contains("timestamp") || !parsed.as_object().contains("id")) {
      return invalid;
    }
    auto time = parsed.as_object().at("timestamp").if_int64();
    auto id = parsed.as_object().at("id").if_string();
    if (!time || !id) return invalid;
    query.after = std::pair{*time, std::string(*id)};
  }
  query.page = Page{1, limit + 1};
  const int64_t project_id = request.principal.project_id;

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(list, ListScores(c, project_id, query, false));
    const bool more = static_cast<int64_t>(list.rows.size()) > limit;
    if (more) list.rows.pop_back();
    bj::array data;
    for (const auto& row : list.rows) {
      data.push_back(SerializeScoreV3(row, project_id, groups));
    }
    bj::object meta{{"limit", limit}};
    if (more) {
      const auto& last = list.rows.back();
      meta["cursor"] = Base64UrlEncode(
          json::Serialize(bj::object{{"timestamp", last.Int(last.Column("timestamp"))}, {"id", last.Text(last.Column("id"))}}));
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", std::move(meta)}});
  });
}

Result<http::Response> DeleteScoreRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "scoreId");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(deleted, database.Write([&](Connection& c) { return DeleteScore(c, project_id, id); }));
  if (!deleted) return Error::NotFound(fmt::format("Score {} not found within authorized project", id));
  TALLY_LOG_INFO("event=score_deleted request_id={} project_id={} score_id={}", request.request_id, project_id, id);
  return http::Response::Json(bj::object{{"message", "Score deletion queued successfully"}}, 202);
}

// ----- Score configs -----

Result<void> ApplyConfigFields(ScoreConfig& config, const bj::object& body, bool creating) {
  if (const bj::value* name = body.if_contains("name"); name || creating) {
    static const std::regex kName(R"(^[A-Za-z0-9_ .()\-]+$)");
    if (!name || !name->is_string() || name->as_string().empty() || name->as_string().size() > 35 ||
        !std::regex_match(std::string(name->as_string()), kName)) {
      return Error::InvalidField("name", "must be 1 to 35 letters, digits, underscores, spaces, periods, "
                                         "parentheses or hyphens");
    }
    config.name = std::string(name->as_string());
  }
  if (creating) {
    const bj::value* data_type = body.if_contains("dataType");
    if (!data_type || !data_type->is_string() ||
        (data_type->as_string() != "NUMERIC" && data_type->as_string() != "CATEGORICAL" &&
         data_type->as_string() != "BOOLEAN" && data_type->as_string() != "TEXT")) {
      return Error::InvalidField("dataType", "must be NUMERIC, CATEGORICAL, BOOLEAN or TEXT");
    }
    config.data_type = std::string(data_type->as_string());
  }
  for (auto [key, target] : {std::pair{"minValue", &config.min_value}, {"maxValue", &config.max_value}}) {
    const bj::value* value = body.if_contains(key);
    if (!value) continue;
    if (value->is_null()) {
      *target = std::nullopt;
      continue;
    }
    auto number = NumberOf(*value);
    if (!number || !std::isfinite(*number)) return Error::InvalidField(key, "must be a number");
    if (config.data_type != "NUMERIC") return Error::InvalidField(key, "is only allowed for NUMERIC configs");
    *target = number;
  }
  if (config.min_value && config.max_value && *config.min_value > *config.max_value) {
    return Error::InvalidField("maxValue", "must be greater than or equal to minValue");
  }
  if (const bj::value* description = body.if_contains("description")) {
    if (!description->is_null() && !description->is_string()) return Error::InvalidField("description", "must be a string");
    config.description = description->is_string() ? std::optional<std::string>(description->as_string()) : std::nullopt;
  }
  if (const bj::value* archived = body.if_contains("isArchived")) {
    if (!archived->is_bool()) return Error::InvalidField("isArchived", "must be a boolean");
    config.is_archived = archived->as_bool();
  }

  // Categories: required for CATEGORICAL, generated for BOOLEAN.
  const bj::value* categories = body.if_contains("categories");
  if (config.data_type == "BOOLEAN") {
    if (categories && !categories->is_null()) {
      return Error::InvalidField("categories", "are generated for BOOLEAN configs; do not send them");
    }
    config.categories = bj::array{bj::object{{"label", "True"}, {"value", 1}}, bj::object{{"label", "False"}, {"value", 0}}};
  } else if (categories && !categories->is_null()) {
    if (config.data_type != "CATEGORICAL") return Error::InvalidField("categories", "are only allowed for CATEGORICAL");
    if (!categories->is_array() || categories->as_array().empty()) {
      return Error::InvalidField("categories", "must be a non-empty array of {label, value}");
    }
    std::set<std::string> labels;
    for (size_t i = 0; i < categories->as_array().size(); ++i) {
      const bj::object* category = categories->as_array()[i].if_object();
      const std::string field = fmt::format("categories.{}", i);
      if (!category || !category->contains("label") || !category->at("label").is_string() ||
          !category->contains("value") || !NumberOf(category->at("value"))) {
        return Error::InvalidField(field, "must be {\"label\": string, \"value\": number}");
      }
      if (!labels.insert(std::string(category->at("label").as_string())).second) {
        return Error::InvalidField(field, "duplicate label");
      }
    }
    config.categories = categories->as_array();
  } else if (config.data_type == "CATEGORICAL" && !config.categories) {
    return Error::InvalidField("categories", "Required for CATEGORICAL configs");
  }
  return Ok();
}

Result<http::Response> CreateScoreConfigRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  ScoreConfig config;
  config.id = NewUuidV4();
  TALLY_TRY(ApplyConfigFields(config, body, true));
  config.created_at = config.updated_at = NowMicros();
  const int64_t project_id = request.principal.project_id;
  TALLY_TRY(database.Write([&](Connection& c) { return SaveScoreConfig(c, project_id, config); }));
  TALLY_LOG_INFO("event=score_config_created request_id={} project_id={} config_id={}", request.request_id, project_id,
                 config.id);
  return http::Response::Json(ScoreConfigToJson(config, project_id));
}

Result<http::Response> UpdateScoreConfigRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  const std::string id = PathParam(request, "configId");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(config, database.Write([&](Connection& c) -> Result<ScoreConfig> {
    TALLY_ASSIGN_OR_RETURN(found, FindScoreConfig(c, project_id, id));
    if (!found) return Error::NotFound(fmt::format("Score config {} not found within authorized project", id));
    ScoreConfig config = std::move(*found);
    if (config.data_type == "BOOLEAN") config.categories.reset();
    TALLY_TRY(ApplyConfigFields(config, body, false));
    config.updated_at = NowMicros();
    TALLY_TRY(SaveScoreConfig(c, project_id, config));
    return config;
  }));
  return http::Response::Json(ScoreConfigToJson(config, project_id));
}

Result<http::Response> GetScoreConfigRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "configId");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(config, database.Read([&](Connection& c) { return FindScoreConfig(c, project_id, id); }));
  if (!config) return Error::NotFound(fmt::format("Score config {} not found within authorized project", id));
  return http::Response::Json(ScoreConfigToJson(*config, project_id));
}

Result<http::Response> ListScoreConfigsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(listed, database.Read([&](Connection& c) { return ListScoreConfigs(c, project_id, page); }));
  bj::array data;
  for (const auto& config : listed.first) data.push_back(ScoreConfigToJson(config, project_id));
  return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(page, listed.second)}});
}

}  // namespace

void AddScoreRoutes(http::Router& router, store::Database& database) {
  auto add = [&](const char* method, const char* pattern, const char* summary, const char* schema,
                 std::vector<std::string> query, std::function<Result<http::Response>(http::Request&)> handler,
                 const char* request_schema = "") {
    router.Add({.method = method,
                .pattern = pattern,
                .auth = http::Auth::kProjectKey,
                .doc = {.summary = summary,
                        .tag = "Scores",
                        .request_schema = request_schema,
                        .response_schema = schema,
                        .success_status = std::string(method) == "DELETE" ? 202 : 200,
                        .query = std::move(query)},
                .handler = std::move(handler)});
  };
  const std::vector<std::string> v2_query = {"page",   "limit",      "userId",       "name",     "fromTimestamp",
                                             "toTimestamp", "environment", "source",   "operator", "value",
                                             "scoreIds", "configId", "sessionId",   "datasetRunId", "traceId",
                                             "observationId", "queueId", "dataType", "traceTags", "fields"};
  add("GET", "/api/public/scores", "List scores", kPagedSchema, v2_query,
      [&database](http::Request& r) { return ListScoresRoute(database, r, false); });
  add("GET", "/api/public/v2/scores", "List scores with session and dataset run ids", kPagedSchema, v2_query,
      [&database](http::Request& r) { return ListScoresRoute(database, r, true); });
  add("GET", "/api/public/scores/{scoreId}", "Get a score", kScoreSchema, {},
      [&database](http::Request& r) { return GetScoreRoute(database, r, false); });
  add("GET", "/api/public/v2/scores/{scoreId}", "Get a score with session and dataset run ids", kScoreSchema, {},
      [&database](http::Request& r) { return GetScoreRoute(database, r, true); });
  add("GET", "/api/public/v3/scores", "List scores with a cursor and polymorphic values",
      R"({"type": "object", "required": ["data", "meta"], "properties": {"data": {"type": "array"},
         "meta": {"type": "object", "properties": {"limit": {"type": "integer"}, "cursor": {"type": "string"}}}}})",
      {"limit", "cursor", "fields", "id", "name", "source", "dataType", "environment", "configId", "queueId",
       "authorUserId", "value", "valueMin", "valueMax", "traceId", "sessionId", "observationId", "experimentId",
       "fromTimestamp", "toTimestamp"},
      [&database](http::Request& r) { return ListScoresV3Route(database, r); });
  add("DELETE", "/api/public/scores/{scoreId}", "Delete a score", R"({"type": "object", "properties": {
         "message": {"type": "string"}}})",
      {}, [&database](http::Request& r) { return DeleteScoreRoute(database, r); });
  add("POST", "/api/public/score-configs", "Create a score config", kScoreConfigSchema, {},
      [&database](http::Request& r) { return CreateScoreConfigRoute(database, r); }, kScoreConfigCreateSchema);
  add("GET", "/api/public/score-configs", "List score configs", kPagedSchema, {"page", "limit"},
      [&database](http::Request& r) { return ListScoreConfigsRoute(database, r); });
  add("GET", "/api/public/score-configs/{configId}", "Get a score config", kScoreConfigSchema, {},
      [&database](http::Request& r) { return GetScoreConfigRoute(database, r); });
  add("PATCH", "/api/public/score-configs/{configId}", "Update or archive a score config", kScoreConfigSchema, {},
      [&database](http::Request& r) { return UpdateScoreConfigRoute(database, r); }, kScoreConfigCreateSchema);
}

}  // namespace tally::tracing
