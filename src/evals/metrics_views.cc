#include "evals/metrics_views.h"

#include <fmt/format.h>

#include <algorithm>

namespace tally::evals {

namespace {

// A dimension written the same way in both dialects.
DimensionDef Same(std::string name, std::string sql, unsigned joins = kJoinNone, ColumnKind kind = ColumnKind::kText,
                  bool high_cardinality = false) {
  return DimensionDef{std::move(name), sql, sql, joins, kind, high_cardinality, false};
}

// "YYYY-MM" (or "YYYY-MM-DD" when `day`) of a microsecond timestamp, in UTC.
DimensionDef DatePart(std::string name, const std::string& column, bool day) {
  return DimensionDef{
      std::move(name),
      fmt::format("strftime('{}', {} / 1000000, 'unixepoch')", day ? "%Y-%m-%d" : "%Y-%m", column),
      fmt::format("to_char(to_timestamp({} / 1000000.0) AT TIME ZONE 'UTC', '{}')", column,
                  day ? "YYYY-MM-DD" : "YYYY-MM"),
      kJoinNone, ColumnKind::kText, false, false};
}

MeasureDef SameMeasure(std::string name, std::string sql, unsigned joins = kJoinNone) {
  return MeasureDef{std::move(name), sql, sql, joins, false};
}

// The sum of the numbers in a usage or cost JSON column whose key contains
// `part`: "input" covers input_cached_tokens and input_audio too, as the
// tracing API counts them.
MeasureDef JsonKeySum(std::string name, const std::string& column, const std::string& part) {
  return MeasureDef{
      std::move(name),
      fmt::format("(SELECT SUM(j.value) FROM json_each({}) j WHERE instr(j.key, '{}') > 0)", column, part),
      fmt::format("(SELECT SUM(CAST(j.value AS DOUBLE PRECISION)) FROM jsonb_each_text(CAST({} AS JSONB)) j "
                  "WHERE strpos(j.key, '{}') > 0)",
                  column, part),
      kJoinNone, false};
}

// One number of a JSON column by its key.
MeasureDef JsonKey(std::string name, const std::string& column, const std::string& key) {
  return MeasureDef{std::move(name), fmt::format("json_extract({}, '$.{}')", column, key),
                    fmt::format("CAST(CAST({} AS JSONB) ->> '{}' AS DOUBLE PRECISION)", column, key), kJoinNone,
                    false};
}

// `numerator` per second of the observation's duration; NULL while the
// observation is open or took no time.
MeasureDef PerSecond(std::string name, const MeasureDef& numerator) {
  auto per_second = [](const std::string& value) {
    return fmt::format("({}) * 1000000.0 / NULLIF(o.end_time - o.start_time, 0)", value);
  };
  return MeasureDef{std::move(name), per_second(numerator.sqlite), per_second(numerator.postgres), kJoinNone, false};
}

ViewDef MakeTracesView() {
  ViewDef view;
  view.view = MetricsView::kTraces;
  view.name = "traces";
  view.from = "traces t";
  view.alias = "t";
  view.time_column = "t.timestamp";
  view.time_name = "timestamp";
  view.trace_id = "t.id";
  view.metadata = "t.metadata";
  view.dimensions = {
      Same("id", "t.id", kJoinNone, ColumnKind::kText, true),
      Same("name", "t.name"),
      Same("tags", "t.tags", kJoinNone, ColumnKind::kTags),
      Same("userId", "t.user_id", kJoinNone, ColumnKind::kText, true),
      Same("sessionId", "t.session_id", kJoinNone, ColumnKind::kText, true),
      Same("release", "t.release"),
      Same("version", "t.version"),
      Same("environment", "t.environment"),
      DatePart("timestampMonth", "t.timestamp", false),
  };

  // Per-trace figures come from the trace's observations, read through the
  // (project_id, trace_id) index one trace at a time.
  const std::string of_trace = "FROM observations x WHERE x.project_id = t.project_id AND x.trace_id = t.id";
  const MeasureDef tokens = JsonKey("", "x.usage_details", "total");
  view.measures = {
      SameMeasure("count", "1"),
      SameMeasure("observationsCount", "(SELECT COUNT(*) " + of_trace + ")"),
      SameMeasure("scoresCount",
                  "(SELECT COUNT(*) FROM scores y WHERE y.project_id = t.project_id AND y.trace_id = t.id)"),
      MeasureDef{"uniqueUserIds", "t.user_id", "t.user_id", kJoinNone, true},
      MeasureDef{"uniqueSessionIds", "t.session_id", "t.session_id", kJoinNone, true},
      SameMeasure("latency", "(SELECT (MAX(COALESCE(x.end_time, x.start_time)) - MIN(x.start_time)) / 1000.0 " +
                                 of_trace + ")"),
      MeasureDef{"totalTokens", "(SELECT SUM(" + tokens.sqlite + ") " + of_trace + ")",
                 "(SELECT SUM(" + tokens.postgres + ") " + of_trace + ")", kJoinNone, false},
      SameMeasure("totalCost", "(SELECT SUM(x.total_cost) " + of_trace + ")"),
  };
  return view;
}

ViewDef MakeObservationsView() {
  ViewDef view;
  view.view = MetricsView::kObservations;
  view.name = "observations";
  view.from = "observations o";
  view.alias = "o";
  view.time_column = "o.start_time";
  view.time_name = "startTime";
  view.trace_id = "o.trace_id";
  view.metadata = "o.metadata";
  view.dimensions = {
      Same("id", "o.id", kJoinNone, ColumnKind::kText, true),
      Same("traceId", "o.trace_id", kJoinNone, ColumnKind::kText, true),
      Same("traceName", "t.name", kJoinTrace),
      Same("environment", "o.environment"),
      Same("parentObservationId", "o.parent_observation_id", kJoinNone, ColumnKind::kText, true),
      Same("type", "o.type"),
      Same("name", "o.name"),
      Same("level", "o.level"),
      Same("version", "o.version"),
      Same("tags", "t.tags", kJoinTrace, ColumnKind::kTags),
      Same("providedModelName", "o.model"),
      Same("promptName", "o.prompt_name"),
      Same("promptVersion", "o.prompt_version", kJoinNone, ColumnKind::kNumber),
      Same("userId", "t.user_id", kJoinTrace, ColumnKind::kText, true),
      Same("sessionId", "t.session_id", kJoinTrace, ColumnKind::kText, true),
      Same("traceRelease", "t.release", kJoinTrace),
      Same("traceVersion", "t.version", kJoinTrace),
      DatePart("startTimeMonth", "o.start_time", false),
  };
  DimensionDef is_root = Same("isRootObservation", "CASE WHEN o.parent_observation_id IS NULL THEN 1 ELSE 0 END",
                              kJoinNone, ColumnKind::kBoolean);
  is_root.v2_only = true;
  DimensionDef release = Same("release", "t.release", kJoinTrace);
  release.v2_only = true;
  view.dimensions.push_back(is_root);
  view.dimensions.push_back(release);

  const MeasureDef input_tokens = JsonKeySum("inputTokens", "o.usage_details", "input");
  const MeasureDef output_tokens = JsonKeySum("outputTokens", "o.usage_details", "output");
  const MeasureDef total_tokens = JsonKey("totalTokens", "o.usage_details", "total");
  view.measures = {
      SameMeasure("count", "1"),
      SameMeasure("latency", "(o.end_time - o.start_time) / 1000.0"),
      SameMeasure("streamingLatency", "(o.end_time - o.completion_start_time) / 1000.0"),
      SameMeasure("timeToFirstToken", "(o.completion_start_time - o.start_time) / 1000.0"),
      input_tokens,
      output_tokens,
      total_tokens,
      PerSecond("outputTokensPerSecond", output_tokens),
      PerSecond("tokensPerSecond", total_tokens),
      JsonKeySum("inputCost", "o.cost_details", "input"),
      JsonKeySum("outputCost", "o.cost_details", "output"),
      SameMeasure("totalCost", "o.total_cost"),
      SameMeasure("countScores", "(SELECT COUNT(*) FROM scores y WHERE y.project_id = o.project_id "
                                 "AND y.trace_id = o.trace_id AND y.observation_id = o.id)"),
  };
  // Tool definitions and calls are not extracted from generations at
  // ingestion, so there is nothing to group or count by.
  view.unsupported = {"toolNames", "calledToolNames", "toolDefinitions", "toolCalls"};
  return view;
}

ViewDef MakeScoresView(MetricsView kind) {
  ViewDef view;
  view.view = kind;
  view.from = "scores s";
  view.alias = "s";
  view.time_column = "s.timestamp";
  view.time_name = "timestamp";
  view.trace_id = "s.trace_id";
  view.metadata = "s.metadata";
  view.dimensions = {
      Same("id", "s.id", kJoinNone, ColumnKind::kText, true),
      Same("traceId", "s.trace_id", kJoinNone, ColumnKind::kText, true),
      Same("observationId", "s.observation_id", kJoinNone, ColumnKind::kText, true),
      Same("environment", "s.environment"),
      Same("name", "s.name"),
      Same("source", "s.source"),
      Same("dataType", "s.data_type"),
      Same("configId", "s.config_id"),
      DatePart("timestampMonth", "s.timestamp", false),
      DatePart("timestampDay", "s.timestamp", true),
      Same("traceName", "t.name", kJoinTrace),
      Same("tags", "t.tags", kJoinTrace, ColumnKind::kTags),
      Same("userId", "t.user_id", kJoinTrace, ColumnKind::kText, true),
      Same("sessionId", "COALESCE(s.session_id, t.session_id)", kJoinTrace, ColumnKind::kText, true),
      Same("traceRelease", "t.release", kJoinTrace),
      Same("traceVersion", "t.version", kJoinTrace),
      Same("observationName", "o.name", kJoinObservation),
      Same("observationModelName", "o.model", kJoinObservation),
      Same("observationPromptName", "o.prompt_name", kJoinObservation),
      Same("observationPromptVersion", "o.prompt_version", kJoinObservation, ColumnKind::kNumber),
  };
  view.measures = {SameMeasure("count", "1")};
  switch (kind) {
    case MetricsView::kScoresNumeric:
      view.name = "scores-numeric";
      view.scope = "s.data_type = 'NUMERIC'";
      view.dimensions.push_back(Same("value", "s.value", kJoinNone, ColumnKind::kNumber));
      view.measures.push_back(SameMeasure("value", "s.value"));
      break;
    case MetricsView::kScoresBoolean:
      view.name = "scores-boolean";
      view.scope = "s.data_type = 'BOOLEAN'";
      view.dimensions.push_back(Same("value", "s.value", kJoinNone, ColumnKind::kNumber));
      view.dimensions.push_back(
          Same("booleanValue", "CASE WHEN s.value <> 0 THEN 1 ELSE 0 END", kJoinNone, ColumnKind::kBoolean));
      view.measures.push_back(SameMeasure("value", "s.value"));
      break;
    default:
      view.name = "scores-categorical";
      view.scope = "s.data_type = 'CATEGORICAL'";
      view.dimensions.push_back(Same("stringValue", "s.string_value"));
      break;
  }
  return view;
}

// Tally's own view of a labeling project's annotations (cancelled ones
// excluded), for throughput dashboards.
ViewDef MakeAnnotationsView() {
  ViewDef view;
  view.view = MetricsView::kAnnotations;
  view.name = "annotations";
  view.from = "annotations a";
  view.alias = "a";
  view.time_column = "a.created_at";
  view.time_name = "createdAt";
  view.metadata = "'{}'";
  view.scope = "a.was_cancelled = 0";
  view.dimensions = {
      Same("completedBy", "a.completed_by", kJoinNone, ColumnKind::kNumber),
      Same("groundTruth", "a.ground_truth", kJoinNone, ColumnKind::kBoolean),
      DatePart("createdAtMonth", "a.created_at", false),
  };
  view.measures = {
      SameMeasure("count", "1"),
      SameMeasure("leadTime", "a.lead_time"),
      SameMeasure("tasks", "a.task_id"),
  };
  return view;
}

}  // namespace

const DimensionDef* ViewDef::FindDimension(std::string_view name, MetricsApiVersion version) const {
  for (const auto& dimension : dimensions) {
    if (dimension.name != name) continue;
    if (dimension.v2_only && version != MetricsApiVersion::kV2) continue;
    return &dimension;
  }
  return nullptr;
}

const MeasureDef* ViewDef::FindMeasure(std::string_view name) const {
  for (const auto& measure : measures) {
    if (measure.name == name) return &measure;
  }
  return nullptr;
}

bool ViewDef::IsUnsupported(std::string_view name) const {
  return std::find(unsupported.begin(), unsupported.end(), name) != unsupported.end();
}

const ViewDef& ViewOf(MetricsView view) {
  static const ViewDef traces = MakeTracesView();
  static const ViewDef observations = MakeObservationsView();
  static const ViewDef numeric = MakeScoresView(MetricsView::kScoresNumeric);
  static const ViewDef boolean = MakeScoresView(MetricsView::kScoresBoolean);
  static const ViewDef categorical = MakeScoresView(MetricsView::kScoresCategorical);
  static const ViewDef annotations = MakeAnnotationsView();
  switch (view) {
    case MetricsView::kTraces: return traces;
    case MetricsView::kObservations: return observations;
    case MetricsView::kScoresNumeric: return numeric;
    case MetricsView::kScoresBoolean: return boolean;
    case MetricsView::kScoresCategorical: return categorical;
    case MetricsView::kAnnotations: return annotations;
  }
  return observations;
}

std::optional<MetricsView> ParseViewName(std::string_view name) {
  if (name == "traces") return MetricsView::kTraces;
  if (name == "observations") return MetricsView::kObservations;
  if (name == "scores-numeric") return MetricsView::kScoresNumeric;
  if (name == "scores-boolean") return MetricsView::kScoresBoolean;
  if (name == "scores-categorical") return MetricsView::kScoresCategorical;
  if (name == "annotations") return MetricsView::kAnnotations;
  return std::nullopt;
}

std::string JoinClauses(const ViewDef& view, unsigned joins) {
  std::string sql;
  if ((joins & kJoinTrace) && view.view != MetricsView::kTraces) {
    sql += fmt::format(" LEFT JOIN traces t ON t.project_id = {0}.project_id AND t.id = {0}.trace_id", view.alias);
  }
  if ((joins & kJoinObservation) && view.view != MetricsView::kObservations) {
    sql += fmt::format(" LEFT JOIN observations o ON o.project_id = {0}.project_id AND o.id = {0}.observation_id",
                       view.alias);
  }
  return sql;
}

}  // namespace tally::evals
