#include "tracing/trace_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;
using store::Params;
using store::Row;
using store::Value;

const char* const kTraceColumns =
    "id, timestamp, name, user_id, session_id, release, version, environment, public, bookmarked, tags, metadata, "
    "input, output, created_at, updated_at";
const char* const kObservationColumns =
    "o.id, o.trace_id, o.parent_observation_id, o.type, o.name, o.environment, o.start_time, o.end_time, "
    "o.completion_start_time, o.level, o.status_message, o.version, o.input, o.output, o.metadata, o.model, "
    "o.internal_model_id, o.model_parameters, o.usage_details, o.cost_details, o.total_cost, o.pricing_tier_id, "
    "o.pricing_tier_name, o.prompt_id, o.prompt_name, o.prompt_version, o.is_app_root, o.created_at, o.updated_at";
const char* const kScoreColumns =
    "s.id, s.name, s.value, s.string_value, s.data_type, s.source, s.trace_id, s.observation_id, s.session_id, "
    "s.dataset_run_id, s.comment, s.metadata, s.config_id, s.queue_id, s.author_user_id, s.environment, "
    "s.timestamp, s.created_at, s.updated_at";

namespace {

// ----- Record field access -----

Value Text(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  if (!value || !value->is_string()) return nullptr;
  return std::string(value->as_string());
}

// JSON-valued fields are stored as their JSON text.
Value JsonText(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  if (!value || value->is_null()) return nullptr;
  return json::Serialize(*value);
}

std::string JsonTextOr(const bj::object& record, std::string_view key, std::string fallback) {
  const bj::value* value = record.if_contains(key);
  if (!value || value->is_null()) return fallback;
  return json::Serialize(*value);
}

Value Time(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  if (!value || !value->is_string()) return nullptr;
  auto parsed = ParseIsoTimestamp(value->as_string());
  if (!parsed) return nullptr;
  return *parsed;
}

Micros TimeOr(const bj::object& record, std::string_view key, Micros fallback) {
  Value value = Time(record, key);
  return std::holds_alternative<int64_t>(value) ? std::get<int64_t>(value) : fallback;
}

Value Number(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  if (!value) return nullptr;
  if (value->is_double()) return value->as_double();
  if (value->is_int64()) return static_cast<double>(value->as_int64());
  if (value->is_uint64()) return static_cast<double>(value->as_uint64());
  return nullptr;
}

Value Integer(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  if (!value) return nullptr;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  return nullptr;
}

bool Flag(const bj::object& record, std::string_view key) {
  const bj::value* value = record.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

std::string Placeholders(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += i ? ", ?" : "?";
  return out;
}

// A WHERE clause built from optional filters; values always bind as
// parameters.
class Where {
 public:
  explicit Where(std::string first) : sql_(std::move(first)) {}
  void Add(const std::string& condition, Params values = {}) {
    sql_ += " AND " + condition;
    for (auto& value : values) params_.push_back(std::move(value));
  }
  void Equal(const std::string& column, const std::optional<std::string>& value) {
    if (value) Add(column + " = ?", {*value});
  }
  void AnyOf(const std::string& column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    Params params(values.begin(), values.end());
    Add(column + " IN (" + Placeholders(values.size()) + ")", std::move(params));
  }
  const std::string& sql() const { return sql_; }
  Params& params() { return params_; }

 private:
  std::string sql_;
  Params params_;
};

// How one API filter column reads in SQL.
struct FilterColumn {
  std::string sql;           // column expression; times are microseconds
  bool is_tags = false;      // trace tags, through trace_tags
  std::string owner;         // table alias owning the row, for tag lookups
  // Keyed columns: `sql` contains one "?" that binds the condition's key
  // (a metadata key or a score name), so a key can never change the SQL.
  bool keyed = false;
  bool is_score_categories = false;  // categorical scores of the key's name, through scores
};

std::string TextParameter() { return "CAST(? AS TEXT)"; }

// Parameters for a condition in which the column expression sits between
// `before` and `after`, binding the key of a keyed column in its place.
Params Around(const FilterColumn& column, const FilterCondition& condition, Params before, Params after = {}) {
  Params params = std::move(before);
  if (column.keyed) params.emplace_back(*condition.key);
  for (auto& value : after) params.push_back(std::move(value));
  return params;
}

// Each condition uses the column expression once, so a keyed column's key
// binds once, in order.
void AddFilters(Where& where, store::Dialect dialect, const std::vector<FilterCondition>& conditions,
                const std::map<std::string, FilterColumn>& columns) {
  for (const FilterCondition& condition : conditions) {
    const FilterColumn& column = columns.at(condition.column);
    const std::string& col = column.sql;
    const std::string& op = condition.op;
    const std::string& type = condition.type;

    if (column.is_score_categories) {
      Params params{*condition.key};
      for (const auto& option : condition.value.as_array()) params.emplace_back(std::string(option.as_string()));
      const std::string exists =
          "EXISTS (SELECT 1 FROM scores s WHERE s.project_id = traces.project_id AND s.trace_id = traces.id "
          "AND s.name = ? AND s.string_value IN (" + Placeholders(condition.value.as_array().size()) + "))";
      if (condition.value.as_array().empty()) {
        if (op == "any of") where.Add("1 = 0");
        continue;
      }
      where.Add((op == "none of" ? "NOT " : "") + exists, std::move(params));
    } else if (type == "null") {
      where.Add(col + (op == "is null" ? " IS NULL" : " IS NOT NULL"), Around(column, condition, {}));
    } else if (type == "datetime") {
      where.Add(col + " " + op + " ?", Around(column, condition, {}, {*ParseIsoTimestamp(condition.value.as_string())}));
    } else if (type == "number" || type == "numberObject") {
      where.Add(col + " " + op + " ?", Around(column, condition, {}, {condition.value.to_number<double>()}));
    } else if (type == "boolean" || type == "booleanObject") {
      where.Add(col + (op == "=" ? " = ?" : " <> ?"),
                Around(column, condition, {}, {store::Bool(condition.value.as_bool())}));
    } else if (type == "string" || type == "stringObject") {
      const std::string text(condition.value.as_string());
      const std::string find = dialect == store::Dialect::kPostgres ? "strpos(" + col + ", " + TextParameter() + ")"
                                                                    : "instr(" + col + ", " + TextParameter() + ")";
      if (op == "=") {
        where.Add(col + " = " + TextParameter(), Around(column, condition, {}, {text}));
      } else if (op == "contains") {
        where.Add(find + " > 0", Around(column, condition, {}, {text}));
      } else if (op == "does not contain") {
        // A missing value contains nothing: instr/strpos of NULL is NULL.
        where.Add("COALESCE(" + find + ", 0) = 0", Around(column, condition, {}, {text}));
      } else if (op == "starts with") {
        where.Add("substr(" + col + ", 1, length(" + TextParameter() + ")) = " + TextParameter(),
                  Around(column, condition, {}, {text, text}));
      } else {  // ends with
        const std::string tail = dialect == store::Dialect::kPostgres
                                     ? "right(" + col + ", length(" + TextParameter() + "))"
                                     : "substr(" + col + ", -length(" + TextParameter() + "))";
        where.Add("(length(" + TextParameter() + ") = 0 OR " + tail + " = " + TextParameter() + ")",
                  Around(column, condition, {text}, {text, text}));
      }
    } else if (column.is_tags) {
      std::vector<std::string> tags;
      for (const auto& tag : condition.value.as_array()) tags.emplace_back(tag.as_string());
      const std::string exists = "EXISTS (SELECT 1 FROM trace_tags g WHERE g.project_id = " + column.owner +
                                 ".project_id AND g.trace_id = " + column.owner + ".id AND g.tag ";
      if (op == "all of") {
        for (const std::string& tag : tags) where.Add(exists + "= ?)", {tag});
      } else if (!tags.empty()) {
        Params params(tags.begin(), tags.end());
        where.Add((op == "none of" ? "NOT " : "") + exists + "IN (" + Placeholders(tags.size()) + "))", std::move(params));
      }
    } else {  // stringOptions, categoryOptions
      const auto& options = condition.value.as_array();
      if (options.empty()) {
        if (op == "any of") where.Add("1 = 0");
        continue;
      }
      Params values;
      for (const auto& option : options) values.emplace_back(std::string(option.as_string()));
      const std::string in = col + " IN (" + Placeholders(options.size()) + ")";
      // "none of" keeps rows without a value, whose IN is NULL.
      where.Add(op == "any of" ? in : "NOT COALESCE(" + in + ", FALSE)", Around(column, condition, {}, std::move(values)));
    }
  }
}

// Aggregates of a trace's observations, as correlated subqueries on the
// (project_id, trace_id, start_time) index. A trace without observations
// has latency 0, cost 0 and level DEFAULT, as the trace objects show.
// NOTE: these read every observation of every trace the other conditions
// leave, so on a large project they are fast only with a narrowing filter
// (time window, name, user) beside them.
constexpr const char* kObservationsOfRow =
    "FROM observations o WHERE o.project_id = traces.project_id AND o.trace_id = traces.id";

std::string TraceLatencySql() {
  return fmt::format("(COALESCE((SELECT MAX(COALESCE(o.end_time, o.start_time)) - MIN(o.start_time) {}), 0) / 1e6)",
                     kObservationsOfRow);
}

std::string TraceCostSql() { return fmt::format("COALESCE((SELECT SUM(o.total_cost) {}), 0)", kObservationsOfRow); }

// The most severe level among the trace's observations.
std::string TraceLevelSql() {
  return fmt::format(
      "COALESCE((SELECT CASE MAX(CASE o.level WHEN 'ERROR' THEN 3 WHEN 'WARNING' THEN 2 WHEN 'DEFAULT' THEN 1 "
      "ELSE 0 END) WHEN 3 THEN 'ERROR' WHEN 2 THEN 'WARNING' WHEN 1 THEN 'DEFAULT' WHEN 0 THEN 'DEBUG' END {}), "
      "'DEFAULT')",
      kObservationsOfRow);
}

// The average of the trace's numeric and boolean scores named by the key;
// NULL (matching no number condition) when it has none.
constexpr const char* kTraceScoreAverageSql =
    "(SELECT AVG(s.value) FROM scores s WHERE s.project_id = traces.project_id AND s.trace_id = traces.id "
    "AND s.name = ? AND s.data_type IN ('NUMERIC', 'BOOLEAN'))";

// The metadata value at the key as text; NULL when the key is absent.
std::string TraceMetadataSql(store::Dialect dialect) {
  if (dialect == store::Dialect::kPostgres) return "(CAST(traces.metadata AS jsonb) ->> CAST(? AS TEXT))";
  return "(SELECT m.value FROM json_each(traces.metadata) m WHERE m.key = ?)";
}

std::map<std::string, FilterColumn> TraceFilterSql(store::Dialect dialect) {
  return {
      {"id", {"id"}},
      {"name", {"name"}},
      {"timestamp", {"timestamp"}},
      {"userId", {"user_id"}},
      {"sessionId", {"session_id"}},
      {"environment", {"environment"}},
      {"version", {"version"}},
      {"release", {"release"}},
      {"bookmarked", {"bookmarked"}},
      {"tags", {"", true, "traces"}},
      {"latency", {TraceLatencySql()}},
      {"totalCost", {TraceCostSql()}},
      {"level", {TraceLevelSql()}},
      {"metadata", {TraceMetadataSql(dialect), false, "", true}},
      {"scores_avg", {kTraceScoreAverageSql, false, "", true}},
      {"scores", {kTraceScoreAverageSql, false, "", true}},
      {"score_categories", {"", false, "", true, true}},
  };
}

const std::map<std::string, FilterColumn>& ObservationFilterSql() {
  static const std::map<std::string, FilterColumn> columns = {
      {"id", {"o.id"}},
      {"name", {"o.name"}},
      {"type", {"o.type"}},
      {"traceId", {"o.trace_id"}},
      {"level", {"o.level"}},
      {"environment", {"o.environment"}},
      {"startTime", {"o.start_time"}},
      {"endTime", {"o.end_time"}},
      {"model", {"o.model"}},
      {"providedModelName", {"o.model"}},
      {"version", {"o.version"}},
      {"parentObservationId", {"o.parent_observation_id"}},
      {"statusMessage", {"o.status_message"}},
      {"promptName", {"o.prompt_name"}},
      {"totalCost", {"o.total_cost"}},
  };
  return columns;
}

Event EventFromRow(const Row& row, EntityKind kind) {
  Event event;
  event.id = row.Text(0);
  event.type = row.Text(1);
  event.timestamp = row.Int(2);
  event.kind = kind;
  event.entity_id = row.Text(4);
  // Bodies were written by json::Serialize from a request parsed with a
  // nesting limit of 1000, so the same limit reads them back.
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 1000;
  bj::value body = bj::parse(row.Text(3), ec, {}, options);
  if (!ec && body.is_object()) event.body = std::move(body.as_object());
  return event;
}

Result<RowList> RunList(Connection& c, const std::string& select, const std::string& from_where, Params params,
                        const std::string& order, const Page& page, bool count) {
  RowList list;
  if (count) {
    TALLY_ASSIGN_OR_RETURN(total, c.QueryOne("SELECT COUNT(*) " + from_where, params));
    list.total = total ? total->Int(0) : 0;
  }
  params.push_back(page.limit);
  params.push_back((page.page - 1) * page.limit);
  TALLY_ASSIGN_OR_RETURN(rows, c.Query(select + " " + from_where + " ORDER BY " + order + " LIMIT ? OFFSET ?", params));
  list.rows = std::move(rows);
  return list;
}

}  // namespace

// ----- Filter columns -----

const std::map<std::string, std::vector<std::string>>& TraceFilterColumns() {
  static const std::map<std::string, std::vector<std::string>> columns = {
      {"id", {"string", "stringOptions"}},
      {"name", {"string", "stringOptions"}},
      {"timestamp", {"datetime"}},
      {"userId", {"string", "stringOptions"}},
      {"sessionId", {"string", "stringOptions"}},
      {"environment", {"string", "stringOptions"}},
      {"version", {"string", "stringOptions"}},
      {"release", {"string", "stringOptions"}},
      {"bookmarked", {"boolean"}},
      {"tags", {"arrayOptions"}},
      {"latency", {"number"}},
      {"totalCost", {"number"}},
      {"level", {"stringOptions", "categoryOptions"}},
      {"metadata", {"stringObject"}},
      {"scores_avg", {"numberObject"}},
      {"scores", {"numberObject"}},
      {"score_categories", {"categoryOptions"}},
  };
  return columns;
}

const std::map<std::string, std::vector<std::string>>& ObservationFilterColumns() {
  static const std::map<std::string, std::vector<std::string>> columns = {
      {"id", {"string", "stringOptions"}},
      {"name", {"string", "stringOptions"}},
      {"type", {"string", "stringOptions", "categoryOptions"}},
      {"traceId", {"string", "stringOptions"}},
      {"level", {"string", "stringOptions", "categoryOptions"}},
      {"environment", {"string", "stringOptions"}},
      {"startTime", {"datetime"}},
      {"endTime", {"datetime"}},
      {"model", {"string", "stringOptions"}},
      {"providedModelName", {"string", "stringOptions"}},
      {"version", {"string", "stringOptions"}},
      {"parentObservationId", {"string", "stringOptions"}},
      {"statusMessage", {"string"}},
      {"promptName", {"string", "stringOptions"}},
      {"totalCost", {"number"}},
  };
  return columns;
}

// ----- Event log and folded records -----

Result<void> LockEntities(Connection& c, int64_t project_id,
                          const std::set<std::pair<EntityKind, std::string>>& entities) {
  if (c.dialect() != store::Dialect::kPostgres) return Ok();
  for (const auto& [kind, id] : entities) {
    // Advisory lock keys are 64-bit: the first 16 hex digits of a SHA-256.
    const std::string digest = Sha256Hex(fmt::format("{}:{}:{}", project_id, EntityKindName(kind), id));
    const int64_t key = static_cast<int64_t>(std::stoull(digest.substr(0, 16), nullptr, 16));
    TALLY_TRY(c.Query("SELECT pg_advisory_xact_lock(?)", {key}));
  }
  return Ok();
}

Result<void> UpsertEvents(Connection& c, int64_t project_id, const std::vector<Event>& events) {
  for (const Event& event : events) {
    TALLY_TRY(c.Execute(
        "INSERT INTO tracing_events (project_id, entity_kind, entity_id, event_id, event_type, event_time, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, entity_kind, entity_id, event_id) DO UPDATE SET "
        "event_type = excluded.event_type, event_time = excluded.event_time, body = excluded.body",
        {project_id, std::string(EntityKindName(event.kind)), event.entity_id, event.id, event.type, event.timestamp,
         json::Serialize(event.body)}));
  }
  return Ok();
}

Result<std::vector<Event>> LoadEvents(Connection& c, int64_t project_id, EntityKind kind, const std::string& entity_id) {
  TALLY_ASSIGN_OR_RETURN(rows, c.Query("SELECT event_id, event_type, event_time, body, entity_id FROM tracing_events "
                                       "WHERE project_id = ? AND entity_kind = ? AND entity_id = ?",
                                       {project_id, std::string(EntityKindName(kind)), entity_id}));
  std::vector<Event> events;
  events.reserve(rows.size());
  for (const Row& row : rows) events.push_back(EventFromRow(row, kind));
  return events;
}

Result<void> UpsertTrace(Connection& c, int64_t project_id, const bj::object& trace, Micros now) {
  const std::string id(trace.at("id").as_string());
  const Micros timestamp = TimeOr(trace, "timestamp", now);
  const std::string environment = std::get<std::string>(Text(trace, "environment"));
  TALLY_TRY(c.Execute(
      "INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, release, version, environment, "
      "public, bookmarked, tags, metadata, input, output, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, id) DO UPDATE SET "
      "timestamp = excluded.timestamp, name = excluded.name, user_id = excluded.user_id, "
      "session_id = excluded.session_id, release = excluded.release, version = excluded.version, "
      "environment = excluded.environment, public = excluded.public, bookmarked = excluded.bookmarked, "
      "tags = excluded.tags, metadata = excluded.metadata, input = excluded.input, output = excluded.output, "
      "updated_at = excluded.updated_at",
      {project_id, id, timestamp, Text(trace, "name"), Text(trace, "userId"), Text(trace, "sessionId"),
       Text(trace, "release"), Text(trace, "version"), environment, store::Bool(Flag(trace, "public")),
       store::Bool(Flag(trace, "bookmarked")), JsonTextOr(trace, "tags", "[]"), JsonTextOr(trace, "metadata", "{}"),
       JsonText(trace, "input"), JsonText(trace, "output"), now, now}));

  // Tag rows mirror the tags column for the all-of filter, with the trace's
  // timestamp and environment so that tag lists read only the tag index.
  // Rows that stay as they are are not rewritten: every refold of a trace
  // comes here, and each changed row also moves the tag counters.
  std::vector<std::string> tags;
  if (const bj::value* listed = trace.if_contains("tags"); listed && listed->is_array()) {
    for (const auto& tag : listed->as_array()) tags.emplace_back(tag.as_string());
  }
  Params stale{project_id, id};
  std::string not_listed;
  if (!tags.empty()) {
    not_listed = " AND tag NOT IN (" + Placeholders(tags.size()) + ")";
    stale.insert(stale.end(), tags.begin(), tags.end());
  }
  TALLY_TRY(c.Execute("DELETE FROM trace_tags WHERE project_id = ? AND trace_id = ?" + not_listed, stale));
  for (const std::string& tag : tags) {
    TALLY_TRY(c.Execute("INSERT INTO trace_tags (project_id, trace_id, tag, timestamp, environment) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, trace_id, tag) DO UPDATE SET "
                        "timestamp = excluded.timestamp, environment = excluded.environment "
                        "WHERE trace_tags.timestamp <> excluded.timestamp OR trace_tags.environment <> excluded.environment",
                        {project_id, id, tag, timestamp, environment}));
  }

  // A session exists as soon as one trace names it.
  if (Value session = Text(trace, "sessionId"); std::holds_alternative<std::string>(session)) {
    TALLY_TRY(c.Execute("INSERT INTO trace_sessions (project_id, id, environment, created_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (project_id, id) DO NOTHING",
                        {project_id, session, environment, now}));
  }
  return Ok();
}

Result<void> EnsureTrace(Connection& c, int64_t project_id, const std::string& trace_id, Micros timestamp,
                         const std::string& environment, Micros now) {
  TALLY_TRY(c.Execute("INSERT INTO traces (project_id, id, timestamp, environment, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, id) DO NOTHING",
                      {project_id, trace_id, timestamp, environment, now, now}));
  return Ok();
}

Result<void> UpsertObservation(Connection& c, int64_t project_id, const bj::object& o, Micros now) {
  TALLY_TRY(c.Execute(
      "INSERT INTO observations (project_id, id, trace_id, parent_observation_id, type, name, environment, "
      "start_time, end_time, completion_start_time, level, status_message, version, input, output, metadata, model, "
      "internal_model_id, model_parameters, usage_details, cost_details, total_cost, pricing_tier_id, "
      "pricing_tier_name, prompt_id, prompt_name, prompt_version, is_app_root, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (project_id, id) DO UPDATE SET trace_id = excluded.trace_id, "
      "parent_observation_id = excluded.parent_observation_id, type = excluded.type, name = excluded.name, "
      "environment = excluded.environment, start_time = excluded.start_time, end_time = excluded.end_time, "
      "completion_start_time = excluded.completion_start_time, level = excluded.level, "
      "status_message = excluded.status_message, version = excluded.version, input = excluded.input, "
      "output = excluded.output, metadata = excluded.metadata, model = excluded.model, "
      "internal_model_id = excluded.internal_model_id, model_parameters = excluded.model_parameters, "
      "usage_details = excluded.usage_details, cost_details = excluded.cost_details, "
      "total_cost = excluded.total_cost, pricing_tier_id = excluded.pricing_tier_id, "
      "pricing_tier_name = excluded.pricing_tier_name, prompt_id = excluded.prompt_id, "
      "prompt_name = excluded.prompt_name, "
      "prompt_version = excluded.prompt_version, is_app_root = excluded.is_app_root, "
      "updated_at = excluded.updated_at",
      {project_id, std::string(o.at("id").as_string()), Text(o, "traceId"), Text(o, "parentObservationId"),
       Text(o, "type"), Text(o, "name"), Text(o, "environment"), TimeOr(o, "startTime", now), Time(o, "endTime"),
       Time(o, "completionStartTime"), Text(o, "level"), Text(o, "statusMessage"), Text(o, "version"),
       JsonText(o, "input"), JsonText(o, "output"), JsonTextOr(o, "metadata", "{}"), Text(o, "model"),
       Text(o, "internalModelId"), JsonText(o, "modelParameters"), JsonTextOr(o, "usageDetails", "{}"),
       JsonTextOr(o, "costDetails", "{}"), Number(o, "totalCost"), Text(o, "usagePricingTierId"),
       Text(o, "usagePricingTierName"), Text(o, "promptId"), Text(o, "promptName"), Integer(o, "promptVersion"),
       store::Bool(Flag(o, "isAppRoot")), now, now}));
  return Ok();
}

Result<std::optional<std::string>> FindPromptId(Connection& c, int64_t project_id, const std::string& name,
                                                int64_t version) {
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT id FROM prompts WHERE project_id = ? AND name = ? AND version = ?",
                                         {project_id, name, version}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

Result<void> UpsertScore(Connection& c, int64_t project_id, const bj::object& s, Micros now) {
  TALLY_TRY(c.Execute(
      "INSERT INTO scores (project_id, id, name, value, string_value, data_type, source, trace_id, observation_id, "
      "session_id, dataset_run_id, comment, metadata, config_id, queue_id, author_user_id, environment, timestamp, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name, value = excluded.value, "
      "string_value = excluded.string_value, data_type = excluded.data_type, source = excluded.source, "
      "trace_id = excluded.trace_id, observation_id = excluded.observation_id, session_id = excluded.session_id, "
      "dataset_run_id = excluded.dataset_run_id, comment = excluded.comment, metadata = excluded.metadata, "
      "config_id = excluded.config_id, queue_id = excluded.queue_id, author_user_id = excluded.author_user_id, "
      "environment = excluded.environment, timestamp = excluded.timestamp, updated_at = excluded.updated_at",
      {project_id, std::string(s.at("id").as_string()), Text(s, "name"), Number(s, "value"), Text(s, "stringValue"),
       Text(s, "dataType"), Text(s, "source"), Text(s, "traceId"), Text(s, "observationId"), Text(s, "sessionId"),
       Text(s, "datasetRunId"), Text(s, "comment"), JsonTextOr(s, "metadata", "{}"), Text(s, "configId"),
       Text(s, "queueId"), Text(s, "authorUserId"), Text(s, "environment"), TimeOr(s, "timestamp", now), now, now}));
  return Ok();
}

// ----- Traces -----

Result<std::optional<Row>> FindTrace(Connection& c, int64_t project_id, const std::string& id) {
  return c.QueryOne(fmt::format("SELECT {} FROM traces WHERE project_id = ? AND id = ?", kTraceColumns),
                    {project_id, id});
}

namespace {

// When the rarest tag is carried by at most this many traces, they are
// sorted for the page. A more common tag leaves the order index free for
// the planner, because walking it finds a page of matches sooner than
// sorting them all.
constexpr int64_t kTagDriveLimit = 10'000;

// Above this many counter rows summed for one total, a list requests
// CompactTraceCounts. PostgreSQL adds a delta row per write statement that
// adds, removes or moves traces, tags or names. SQLite keeps one row per key.
constexpr int64_t kMaxTraceCountRows = 1000;

// The tags of a filter with the number of traces carrying each, rarest
// first, from the trigger-kept trace_tag_counts.
Result<std::vector<std::pair<int64_t, std::string>>> TagsByCount(Connection& c, int64_t project_id,
                                                                 const std::vector<std::string>& tags) {
  std::vector<std::pair<int64_t, std::string>> by_count;
  for (const std::string& tag : tags) {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COALESCE(SUM(count), 0) FROM trace_tag_counts "
                                           "WHERE project_id = ? AND tag = ?",
                                           {project_id, tag}));
    by_count.emplace_back(row ? row->Int(0) : 0, tag);
  }
  std::sort(by_count.begin(), by_count.end());
  return by_count;
}

// Sums the counter rows of `table` that `where` selects into `list.total`.
// On PostgreSQL the rows are deltas, so many of them ask for compaction.
Result<void> SumCounters(Connection& c, const std::string& table, Where& where, RowList& list) {
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COALESCE(SUM(count), 0), COUNT(*) FROM " + table + " WHERE " +
                                             where.sql(),
                                         where.params()));
  list.total = row ? row->Int(0) : 0;
  list.compaction_due = row && row->Int(1) > kMaxTraceCountRows;
  return Ok();
}

// Adds "carries every tag in `tags`" to `where`. The rarest tag becomes an
// IN over the tag index, so counting reads only its traces. The other tags
// become point lookups per trace. Returns whether the rarest tag is rare
// enough to drive the page read too.
Result<bool> AddTagConditions(Connection& c, int64_t project_id, const std::vector<std::string>& tags, Where& where) {
  TALLY_ASSIGN_OR_RETURN(by_count, TagsByCount(c, project_id, tags));
  const bool drives = !by_count.empty() && by_count.front().first <= kTagDriveLimit;
  for (size_t i = 0; i < by_count.size(); ++i) {
    const std::string& tag = by_count[i].second;
    if (i == 0) {
      where.Add("id IN (SELECT trace_id FROM trace_tags WHERE project_id = ? AND tag = ?)", {project_id, tag});
      continue;
    }
    where.Add("EXISTS (SELECT 1 FROM trace_tags t WHERE t.project_id = traces.project_id AND t.trace_id = traces.id "
              "AND t.tag = ?)",
              {tag});
  }
  return drives;
}

// Whether every condition of the list is on a column that tag rows carry:
// tags, environments and the time window, in timestamp order.
bool FiltersOnlyTagColumns(const TraceQuery& query) {
  return !query.tags.empty() && query.order_column == "timestamp" && !query.user_id && !query.name &&
         !query.session_id && !query.version && !query.release && query.filters.empty() && !query.search;
}

// Lists traces whose conditions FiltersOnlyTagColumns accepts from the tag
// index (project_id, tag, timestamp, trace_id, environment) alone. The
// rarest tag's range is walked in the list's order. Each further tag is a
// lookup of the same (timestamp, trace_id) in its own range. Only the page's
// traces are read from the traces table. With one tag and no time window
// the total comes from trace_tag_counts.
Result<RowList> ListTracesByTags(Connection& c, int64_t project_id, const TraceQuery& query) {
  const bool sqlite = c.dialect() == store::Dialect::kSqlite;
  TALLY_ASSIGN_OR_RETURN(by_count, TagsByCount(c, project_id, query.tags));

  Where where("g.project_id = ? AND g.tag = ?");
  where.params().push_back(project_id);
  where.params().push_back(by_count.front().second);
  where.AnyOf("g.environment", query.environments);
  if (query.from_timestamp) where.Add("g.timestamp >= ?", {*query.from_timestamp});
  if (query.to_timestamp) where.Add("g.timestamp < ?", {*query.to_timestamp});
  // Each further tag is a scalar subquery, not an EXISTS, because
  // PostgreSQL turns an EXISTS into a semi-join. The generic plan of the
  // cached prepared statement cannot see which tag is rare, so it merges the
  // rare tag's range with the common tag's whole range. SQLite would pick
  // the unique primary key (project_id, trace_id, tag) for the lookup, but
  // there the entries of traces close in time are scattered over the file.
  const std::string other_tags = sqlite ? "trace_tags h INDEXED BY trace_tags_project_tag_time" : "trace_tags h";
  for (size_t i = 1; i < by_count.size(); ++i) {
    where.Add("(SELECT 1 FROM " + other_tags +
                  " WHERE h.project_id = g.project_id AND h.tag = ? AND h.timestamp = g.timestamp "
                  "AND h.trace_id = g.trace_id) = 1",
              {by_count[i].second});
  }

  RowList list;
  if (by_count.size() == 1 && !query.from_timestamp && !query.to_timestamp) {
    Where count_where("project_id = ? AND tag = ?");
    count_where.params().push_back(project_id);
    count_where.params().push_back(by_count.front().second);
    count_where.AnyOf("environment", query.environments);
    TALLY_TRY(SumCounters(c, "trace_tag_counts", count_where, list));
  } else {
    TALLY_ASSIGN_OR_RETURN(total, c.QueryOne("SELECT COUNT(*) FROM trace_tags g WHERE " + where.sql(), where.params()));
    list.total = total ? total->Int(0) : 0;
  }

  Params page_params = where.params();
  page_params.push_back(query.page.limit);
  page_params.push_back((query.page.page - 1) * query.page.limit);
  const std::string direction = query.descending ? " DESC" : " ASC";
  TALLY_ASSIGN_OR_RETURN(ids, c.Query("SELECT g.trace_id FROM trace_tags g WHERE " + where.sql() +
                                          " ORDER BY g.timestamp" + direction + ", g.trace_id DESC LIMIT ? OFFSET ?",
                                      std::move(page_params)));
  if (ids.empty()) return list;

  Params trace_params{project_id};
  for (const Row& id : ids) trace_params.emplace_back(id.Text(0));
  TALLY_ASSIGN_OR_RETURN(traces, c.Query(fmt::format("SELECT {} FROM traces WHERE project_id = ? AND id IN ({})",
                                                     kTraceColumns, Placeholders(ids.size())),
                                         std::move(trace_params)));
  std::map<std::string, Row> by_id;
  for (Row& trace : traces) {
    std::string id = trace.Text(0);
    by_id.emplace(std::move(id), std::move(trace));
  }
  for (const Row& id : ids) {
    auto found = by_id.find(id.Text(0));
    if (found != by_id.end()) list.rows.push_back(std::move(found->second));
  }
  return list;
}

// Whether the list filters on nothing but, optionally, a name and
// environments, so that its total is a sum of counter rows.
bool FiltersOnlyNameAndEnvironment(const TraceQuery& query) {
  return !query.user_id && !query.session_id && !query.version && !query.release && !query.from_timestamp &&
         !query.to_timestamp && query.tags.empty() && query.filters.empty() && !query.search;
}

// Adds the free-text search of `text` over the trace's own columns.
// NOTE: no index serves a substring search, so it reads every trace that
// the other conditions leave, with its input and output text. On a project
// of millions of traces, narrow it with a time window.
void AddSearch(Where& where, store::Dialect dialect, const std::string& text) {
  std::string lowered = text;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const char* find = dialect == store::Dialect::kPostgres ? "strpos" : "instr";
  std::string sql = "(";
  Params params;
  for (const char* column : {"id", "name", "user_id", "session_id", "tags", "metadata", "input", "output"}) {
    if (!params.empty()) sql += " OR ";
    sql += fmt::format("{}(lower(COALESCE({}, '')), CAST(? AS TEXT)) > 0", find, column);
    params.emplace_back(lowered);
  }
  where.Add(sql + ")", std::move(params));
}

}  // namespace

Result<RowList> ListTraces(Connection& c, int64_t project_id, const TraceQuery& query) {
  if (FiltersOnlyTagColumns(query)) return ListTracesByTags(c, project_id, query);

  Where where("project_id = ?");
  where.params().push_back(project_id);
  where.Equal("user_id", query.user_id);
  where.Equal("name", query.name);
  where.Equal("session_id", query.session_id);
  where.Equal("version", query.version);
  where.Equal("release", query.release);
  if (query.from_timestamp) where.Add("timestamp >= ?", {*query.from_timestamp});
  if (query.to_timestamp) where.Add("timestamp < ?", {*query.to_timestamp});
  where.AnyOf("environment", query.environments);
  TALLY_ASSIGN_OR_RETURN(tags_drive, AddTagConditions(c, project_id, query.tags, where));
  AddFilters(where, c.dialect(), query.filters, TraceFilterSql(c.dialect()));
  if (query.search) AddSearch(where, c.dialect(), *query.search);

  // SQLite has no statistics unless ANALYZE ran, so it prefers walking the
  // index of the ORDER BY column over a selective filter's index, which reads
  // the whole project to find a few traces. A unary + keeps the order column
  // out of index selection when such a filter drives the query. (The
  // (column, timestamp) indexes serve user and session filters in timestamp
  // order, and a heavy user's first page should still come from them.)
  const bool selective = tags_drive || ((query.user_id || query.session_id) && query.order_column != "timestamp");
  const std::string order_key = (selective && c.dialect() == store::Dialect::kSqlite ? "+" : "") + query.order_column;
  const std::string order = order_key + (query.descending ? " DESC" : " ASC") + ", id DESC";
  const bool counted = FiltersOnlyNameAndEnvironment(query);
  TALLY_ASSIGN_OR_RETURN(list, RunList(c, fmt::format("SELECT {}", kTraceColumns), "FROM traces WHERE " + where.sql(),
                                       std::move(where.params()), order, query.page, !counted));
  if (counted) {
    // The trigger-kept trace_counts and trace_name_counts spare counting
    // every trace of the project or of the name.
    Where count_where("project_id = ?");
    count_where.params().push_back(project_id);
    count_where.Equal("name", query.name);
    count_where.AnyOf("environment", query.environments);
    TALLY_TRY(SumCounters(c, query.name ? "trace_name_counts" : "trace_counts", count_where, list));
  }
  return list;
}

Result<void> CompactTraceCounts(Connection& c, int64_t project_id) {
  if (c.dialect() != store::Dialect::kPostgres) return Ok();

  // One compaction per project at a time, because two would lock the same
  // delta rows in whatever order their scans met them. The key is a hash, so
  // a rare collision only leaves one project's deltas for the next list.
  TALLY_ASSIGN_OR_RETURN(locked, c.QueryOne("SELECT pg_try_advisory_xact_lock(hashtextextended('trace_counts', ?))",
                                            {project_id}));
  if (!locked || !locked->Bool(0)) return Ok();

  // One statement per table, so every snapshot sees either the deltas or
  // their sums. Deltas that other transactions insert meanwhile are not in
  // the statement's snapshot, so they are neither deleted nor summed.
  TALLY_TRY(c.Execute("WITH moved AS (DELETE FROM trace_counts WHERE project_id = ? RETURNING *) "
                      "INSERT INTO trace_counts (project_id, environment, count) "
                      "SELECT project_id, environment, SUM(count) FROM moved GROUP BY project_id, environment "
                      "HAVING SUM(count) <> 0",
                      {project_id}));
  TALLY_TRY(c.Execute("WITH moved AS (DELETE FROM trace_tag_counts WHERE project_id = ? RETURNING *) "
                      "INSERT INTO trace_tag_counts (project_id, tag, environment, count) "
                      "SELECT project_id, tag, environment, SUM(count) FROM moved "
                      "GROUP BY project_id, tag, environment HAVING SUM(count) <> 0",
                      {project_id}));
  TALLY_TRY(c.Execute("WITH moved AS (DELETE FROM trace_name_counts WHERE project_id = ? RETURNING *) "
                      "INSERT INTO trace_name_counts (project_id, name, environment, count) "
                      "SELECT project_id, name, environment, SUM(count) FROM moved "
                      "GROUP BY project_id, name, environment HAVING SUM(count) <> 0",
                      {project_id}));
  return Ok();
}

Result<std::map<std::string, TraceAggregates>> LoadTraceAggregates(Connection& c, int64_t project_id,
                                                                   const std::vector<std::string>& trace_ids) {
  std::map<std::string, TraceAggregates> out;
  if (trace_ids.empty()) return out;
  for (const auto& id : trace_ids) out[id];
  Params params{project_id};
  params.insert(params.end(), trace_ids.begin(), trace_ids.end());
  const std::string in = "(" + Placeholders(trace_ids.size()) + ")";

  // trace_id leads both ORDER BYs so the (trace_id, time) indexes serve
  // them. Ordered by time alone, SQLite without statistics walks the
  // project's whole time index instead.
  std::map<std::string, std::pair<Micros, Micros>> spans;
  TALLY_TRY(c.ForEach("SELECT trace_id, id, start_time, end_time, total_cost FROM observations "
                      "WHERE project_id = ? AND trace_id IN " + in + " ORDER BY trace_id, start_time, id",
                      params, [&](const Row& row) {
                        TraceAggregates& aggregate = out[row.Text(0)];
                        aggregate.observation_ids.push_back(row.Text(1));
                        aggregate.total_cost += row.Double(4);
                        const Micros start = row.Int(2);
                        const Micros end = row.IsNull(3) ? start : row.Int(3);
                        auto [it, inserted] = spans.try_emplace(row.Text(0), start, end);
                        if (!inserted) {
                          it->second.first = std::min(it->second.first, start);
                          it->second.second = std::max(it->second.second, end);
                        }
                        return true;
                      }));
  for (const auto& [id, span] : spans) out[id].latency = static_cast<double>(span.second - span.first) / 1e6;
  TALLY_TRY(c.ForEach("SELECT trace_id, id FROM scores WHERE project_id = ? AND trace_id IN " + in +
                          " ORDER BY trace_id, timestamp, id",
                      params, [&](const Row& row) {
                        out[row.Text(0)].score_ids.push_back(row.Text(1));
                        return true;
                      }));
  return out;
}

// ----- Observations -----

Result<std::optional<Row>> FindObservation(Connection& c, int64_t project_id, const std::string& id) {
  return c.QueryOne(
      fmt::format("SELECT {} FROM observations o WHERE o.project_id = ? AND o.id = ?", kObservationColumns),
      {project_id, id});
}

Result<std::vector<Row>> ObservationsOfTrace(Connection& c, int64_t project_id, const std::string& trace_id) {
  return c.Query(fmt::format("SELECT {} FROM observations o WHERE o.project_id = ? AND o.trace_id = ? "
                             "ORDER BY o.start_time, o.id",
                             kObservationColumns),
                 {project_id, trace_id});
}

Result<RowList> ListObservations(Connection& c, int64_t project_id, const ObservationQuery& query, bool count) {
  Where where("o.project_id = ?");
  where.params().push_back(project_id);
  where.Equal("o.name", query.name);
  where.Equal("o.type", query.type);
  where.Equal("o.trace_id", query.trace_id);
  where.Equal("o.level", query.level);
  where.Equal("o.version", query.version);
  if (query.roots_only) {
    where.Add("o.parent_observation_id IS NULL");
  } else {
    where.Equal("o.parent_observation_id", query.parent_observation_id);
  }
  if (query.is_root) {
    where.Add(*query.is_root ? "(o.is_app_root = 1 OR o.parent_observation_id IS NULL)"
                             : "(o.is_app_root = 0 AND o.parent_observation_id IS NOT NULL)");
  }
  where.AnyOf("o.environment", query.environments);
  if (query.from_start_time) where.Add("o.start_time >= ?", {*query.from_start_time});
  if (query.to_start_time) where.Add("o.start_time < ?", {*query.to_start_time});
  if (query.user_id || query.session_id) {
    Where trace("t.project_id = o.project_id AND t.id = o.trace_id");
    trace.Equal("t.user_id", query.user_id);
    trace.Equal("t.session_id", query.session_id);
    where.Add("EXISTS (SELECT 1 FROM traces t WHERE " + trace.sql() + ")", std::move(trace.params()));
  }
  AddFilters(where, c.dialect(), query.filters, ObservationFilterSql());
  if (query.after) {
    where.Add("(o.start_time < ? OR (o.start_time = ? AND o.id < ?))",
              {query.after->first, query.after->first, query.after->second});
  }
  return RunList(c, fmt::format("SELECT {}", kObservationColumns), "FROM observations o WHERE " + where.sql(),
                 std::move(where.params()), "o.start_time DESC, o.id DESC", query.page, count);
}

// ----- Scores -----

Result<std::optional<Row>> FindScore(Connection& c, int64_t project_id, const std::string& id) {
  return c.QueryOne(fmt::format("SELECT {} FROM scores s WHERE s.project_id = ? AND s.id = ?", kScoreColumns),
                    {project_id, id});
}

Result<std::vector<Row>> ScoresOfTrace(Connection& c, int64_t project_id, const std::string& trace_id) {
  return c.Query(fmt::format("SELECT {} FROM scores s WHERE s.project_id = ? AND s.trace_id = ? "
                             "ORDER BY s.timestamp, s.id",
                             kScoreColumns),
                 {project_id, trace_id});
}

Result<std::map<std::string, Row>> LoadScoreTraces(Connection& c, int64_t project_id,
                                                   const std::vector<std::string>& trace_ids) {
  std::map<std::string, Row> out;
  if (trace_ids.empty()) return out;
  Params params{project_id};
  params.insert(params.end(), trace_ids.begin(), trace_ids.end());
  TALLY_TRY(c.ForEach("SELECT id, user_id, tags, environment, session_id FROM traces WHERE project_id = ? AND id IN (" +
                          Placeholders(trace_ids.size()) + ")",
                      params, [&](const Row& row) {
                        out.emplace(row.Text(0), row);
                        return true;
                      }));
  return out;
}

Result<RowList> ListScores(Connection& c, int64_t project_id, const ScoreQuery& query, bool count) {
  Where where("s.project_id = ?");
  where.params().push_back(project_id);
  where.Equal("s.name", query.name);
  where.Equal("s.source", query.source);
  where.Equal("s.config_id", query.config_id);
  where.Equal("s.session_id", query.session_id);
  where.Equal("s.dataset_run_id", query.dataset_run_id);
  where.Equal("s.trace_id", query.trace_id);
  where.Equal("s.queue_id", query.queue_id);
  where.Equal("s.data_type", query.data_type);
  where.Equal("s.author_user_id", query.author_user_id);
  where.Equal("s.string_value", query.string_value);
  where.AnyOf("s.id", query.ids);
  where.AnyOf("s.observation_id", query.observation_ids);
  where.AnyOf("s.environment", query.environments);
  if (query.exclude_corrections) where.Add("s.data_type <> 'CORRECTION'");
  if (query.from_timestamp) where.Add("s.timestamp >= ?", {*query.from_timestamp});
  if (query.to_timestamp) where.Add("s.timestamp < ?", {*query.to_timestamp});
  if (query.value_operator && query.value) where.Add("s.value " + *query.value_operator + " ?", {*query.value});
  if (query.value_min) where.Add("s.value >= ?", {*query.value_min});
  if (query.value_max) where.Add("s.value <= ?", {*query.value_max});
  if (query.user_id || !query.trace_tags.empty()) {
    Where trace("t.project_id = s.project_id AND t.id = s.trace_id");
    trace.Equal("t.user_id", query.user_id);
    for (const std::string& tag : query.trace_tags) {
      trace.Add("EXISTS (SELECT 1 FROM trace_tags g WHERE g.project_id = t.project_id AND g.trace_id = t.id AND "
                "g.tag = ?)",
                {tag});
    }
    where.Add("EXISTS (SELECT 1 FROM traces t WHERE " + trace.sql() + ")", std::move(trace.params()));
  }
  if (query.after) {
    where.Add("(s.timestamp < ? OR (s.timestamp = ? AND s.id < ?))",
              {query.after->first, query.after->first, query.after->second});
  }
  return RunList(c, fmt::format("SELECT {}", kScoreColumns), "FROM scores s WHERE " + where.sql(),
                 std::move(where.params()), "s.timestamp DESC, s.id DESC", query.page, count);
}

// ----- Sessions -----

Result<std::optional<Row>> FindSession(Connection& c, int64_t project_id, const std::string& id) {
  return c.QueryOne("SELECT id, created_at, environment FROM trace_sessions WHERE project_id = ? AND id = ?",
                    {project_id, id});
}

Result<RowList> ListSessions(Connection& c, int64_t project_id, const SessionQuery& query) {
  Where where("project_id = ?");
  where.params().push_back(project_id);
  if (query.from_timestamp) where.Add("created_at >= ?", {*query.from_timestamp});
  if (query.to_timestamp) where.Add("created_at < ?", {*query.to_timestamp});
  where.AnyOf("environment", query.environments);
  return RunList(c, "SELECT id, created_at, environment", "FROM trace_sessions WHERE " + where.sql(),
                 std::move(where.params()), "created_at DESC, id DESC", query.page, true);
}

Result<std::vector<Row>> TracesOfSession(Connection& c, int64_t project_id, const std::string& session_id) {
  return c.Query(fmt::format("SELECT {} FROM traces WHERE project_id = ? AND session_id = ? ORDER BY timestamp, id",
                             kTraceColumns),
                 {project_id, session_id});
}

// ----- Deletes -----

Result<int64_t> DeleteTraces(Connection& c, int64_t project_id, const std::vector<std::string>& trace_ids) {
  // Ingestion of the same trace holds this lock while it writes the traces
  // row and then its trace_tags rows. Taking it first, and deleting in that
  // same order below, makes a delete wait for the ingestion instead of
  // deadlocking with it on PostgreSQL.
  std::set<std::pair<EntityKind, std::string>> traces;
  for (const std::string& id : trace_ids) traces.emplace(EntityKind::kTrace, id);
  TALLY_TRY(LockEntities(c, project_id, traces));

  int64_t deleted = 0;
  for (const std::string& id : trace_ids) {
    const Params params{project_id, id};
    TALLY_TRY(c.Execute("DELETE FROM tracing_events WHERE project_id = ? AND entity_kind = 'observation' AND entity_id "
                        "IN (SELECT id FROM observations WHERE project_id = ? AND trace_id = ?)",
                        {project_id, project_id, id}));
    TALLY_TRY(c.Execute("DELETE FROM tracing_events WHERE project_id = ? AND entity_kind = 'score' AND entity_id "
                        "IN (SELECT id FROM scores WHERE project_id = ? AND trace_id = ?)",
                        {project_id, project_id, id}));
    TALLY_TRY(c.Execute("DELETE FROM tracing_events WHERE project_id = ? AND entity_kind = 'trace' AND entity_id = ?",
                        params));
    TALLY_TRY(c.Execute("DELETE FROM comments WHERE project_id = ? AND object_type = 'OBSERVATION' AND object_id "
                        "IN (SELECT id FROM observations WHERE project_id = ? AND trace_id = ?)",
                        {project_id, project_id, id}));
    TALLY_TRY(c.Execute("DELETE FROM comments WHERE project_id = ? AND object_type = 'TRACE' AND object_id = ?", params));
    TALLY_TRY(c.Execute("DELETE FROM observations WHERE project_id = ? AND trace_id = ?", params));
    TALLY_TRY(c.Execute("DELETE FROM scores WHERE project_id = ? AND trace_id = ?", params));
    TALLY_ASSIGN_OR_RETURN(count, c.Execute("DELETE FROM traces WHERE project_id = ? AND id = ?", params));
    TALLY_TRY(c.Execute("DELETE FROM trace_tags WHERE project_id = ? AND trace_id = ?", params));
    deleted += count;
  }
  return deleted;
}

Result<bool> DeleteScore(Connection& c, int64_t project_id, const std::string& id) {
  TALLY_TRY(c.Execute("DELETE FROM tracing_events WHERE project_id = ? AND entity_kind = 'score' AND entity_id = ?",
                      {project_id, id}));
  TALLY_ASSIGN_OR_RETURN(count, c.Execute("DELETE FROM scores WHERE project_id = ? AND id = ?", {project_id, id}));
  return count > 0;
}

}  // namespace tally::tracing
