#include "evals/metrics_sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "evals/metrics_views.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Dialect;
using store::Params;
using store::Value;

namespace {

constexpr Micros kMinute = 60'000'000;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kDay = 24 * kHour;
// 1970-01-01 was a Thursday: weeks aligned to Monday start 4 days later.
constexpr Micros kMondayOffset = 4 * kDay;

std::string Field(size_t index, std::string_view key) { return fmt::format("query.filters.{}.{}", index, key); }

// Characters (code points) of UTF-8 text, as SQL's substr and length count them.
int64_t CodePoints(const std::string& text) {
  int64_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += i ? ", ?" : "?";
  return text;
}

struct Fragment {
  std::string sql;
  Params params;
  unsigned joins = kJoinNone;
};

Result<std::vector<std::string>> StringList(const bj::value& value, size_t index) {
  if (!value.is_array()) return Error::InvalidField(Field(index, "value"), "must be an array of strings");
  std::vector<std::string> items;
  for (const auto& item : value.as_array()) {
    if (!item.is_string()) return Error::InvalidField(Field(index, "value"), "must be an array of strings");
    items.emplace_back(item.as_string());
  }
  return items;
}

Result<std::string> StringValue(const bj::value& value, size_t index) {
  if (!value.is_string()) return Error::InvalidField(Field(index, "value"), "must be a string");
  return std::string(value.as_string());
}

Result<double> NumberValue(const bj::value& value, size_t index) {
  if (value.is_int64()) return static_cast<double>(value.as_int64());
  if (value.is_uint64()) return static_cast<double>(value.as_uint64());
  if (value.is_double()) return value.as_double();
  return Error::InvalidField(Field(index, "value"), "must be a number");
}

Result<std::string> ComparisonOperator(const std::string& op, size_t index, bool allow_equal) {
  if (op == ">" || op == "<" || op == ">=" || op == "<=") return op;
  if (allow_equal && op == "=") return op;
  return Error::InvalidField(Field(index, "operator"), allow_equal ? "must be one of =, >, <, >=, <="
                                                                   : "must be one of >, <, >=, <=");
}

// The SQL of a string operator applied to `expression`, whose own
// placeholders take `expression_params` each time it appears.
Result<Fragment> StringCondition(const std::string& expression, const Params& expression_params,
                                 const std::string& op, const std::string& text, Dialect dialect, size_t index) {
  const bool sqlite = dialect == Dialect::kSqlite;
  Fragment fragment;
  auto add_expression = [&] {
    fragment.sql += expression;
    fragment.params.insert(fragment.params.end(), expression_params.begin(), expression_params.end());
  };
  if (op == "=") {
    add_expression();
    fragment.sql += " = ?";
    fragment.params.push_back(text);
  } else if (op == "contains" || op == "does not contain") {
    if (op == "does not contain") {
      fragment.sql += "(";
      add_expression();
      fragment.sql += " IS NULL OR NOT ";
    }
    fragment.sql += sqlite ? "instr(" : "strpos(";
    add_expression();
    fragment.sql += ", ?) > 0";
    fragment.params.push_back(text);
    if (op == "does not contain") fragment.sql += ")";
  } else if (op == "starts with" || op == "ends with") {
    // Compare the first or last characters: unlike LIKE, no wildcard in
    // the value can widen the match, and case counts in both dialects.
    if (op == "starts with") fragment.sql += sqlite ? "substr(" : "left(";
    else fragment.sql += sqlite ? "substr(" : "right(";
    add_expression();
    if (op == "starts with") fragment.sql += sqlite ? ", 1, ?) = ?" : ", ?) = ?";
    else fragment.sql += sqlite ? ", -?) = ?" : ", ?) = ?";
    fragment.params.push_back(CodePoints(text));
    fragment.params.push_back(text);
    if (text.empty()) {
      fragment.sql = "(" + fragment.sql + " OR ? = '')";
      fragment.params.push_back(text);
    }
  } else {
    return Error::InvalidField(Field(index, "operator"),
                               "must be one of =, contains, does not contain, starts with, ends with");
  }
  return fragment;
}

// Conditions on the trace's tags, through the indexed trace_tags table.
Result<Fragment> TagsCondition(const ViewDef& view, const MetricsFilter& filter, int64_t project_id, size_t index) {
  TALLY_ASSIGN_OR_RETURN(tags, StringList(filter.value, index));
  if (tags.empty()) {
    if (filter.op == "none of") return Fragment{"1 = 1", {}};
    return Fragment{"1 = 0", {}};
  }
  Params params{project_id};
  params.insert(params.end(), tags.begin(), tags.end());
  const std::string lookup = fmt::format("FROM trace_tags g WHERE g.project_id = ? AND g.trace_id = {} AND g.tag IN ({})",
                                         view.trace_id, Placeholders(tags.size()));
  if (filter.op == "any of") return Fragment{"EXISTS (SELECT 1 " + lookup + ")", params};
  if (filter.op == "none of") return Fragment{"NOT EXISTS (SELECT 1 " + lookup + ")", params};
  if (filter.op == "all of") {
    const int64_t distinct = static_cast<int64_t>(std::set<std::string>(tags.begin(), tags.end()).size());
    params.push_back(distinct);
    return Fragment{"(SELECT COUNT(DISTINCT g.tag) " + lookup + ") = ?", params};
  }
  return Error::InvalidField(Field(index, "operator"), "must be one of any of, none of, all of");
}

// A value of the metadata JSON column by key, as text or as a number.
std::string MetadataSql(const ViewDef& view, Dialect dialect, bool numeric) {
  if (dialect == Dialect::kSqlite) return fmt::format("json_extract({}, ?)", view.metadata);
  if (numeric) return fmt::format("CAST(CAST({} AS JSONB) ->> CAST(? AS TEXT) AS DOUBLE PRECISION)", view.metadata);
  return fmt::format("(CAST({} AS JSONB) ->> CAST(? AS TEXT))", view.metadata);
}

Value MetadataKey(const std::string& key, Dialect dialect) {
  if (dialect == Dialect::kPostgres) return key;
  std::string escaped;
  for (char c : key) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return fmt::format("$.\"{}\"", escaped);
}

Result<Fragment> MetadataCondition(const ViewDef& view, const MetricsFilter& filter, Dialect dialect, size_t index) {
  if (!filter.key || filter.key->empty()) {
    return Error::InvalidField(Field(index, "key"), "is required for metadata filters: name the metadata key");
  }
  const Value key = MetadataKey(*filter.key, dialect);
  if (filter.type == "stringObject") {
    TALLY_ASSIGN_OR_RETURN(text, StringValue(filter.value, index));
    return StringCondition(MetadataSql(view, dialect, false), {key}, filter.op, text, dialect, index);
  }
  if (filter.type == "numberObject") {
    TALLY_ASSIGN_OR_RETURN(number, NumberValue(filter.value, index));
    TALLY_ASSIGN_OR_RETURN(op, ComparisonOperator(filter.op, index, true));
    return Fragment{fmt::format("{} {} ?", MetadataSql(view, dialect, true), op), {key, number}};
  }
  // booleanObject: SQLite's json_extract returns 1/0 for true/false;
  // PostgreSQL's ->> returns 'true'/'false'.
  if (!filter.value.is_bool()) return Error::InvalidField(Field(index, "value"), "must be true or false");
  if (filter.op != "=" && filter.op != "<>") return Error::InvalidField(Field(index, "operator"), "must be = or <>");
  const bool expected = filter.value.as_bool() == (filter.op == "=");
  if (dialect == Dialect::kSqlite) {
    return Fragment{fmt::format("{} = ?", MetadataSql(view, dialect, false)), {key, int64_t{expected ? 1 : 0}}};
  }
  return Fragment{fmt::format("{} = ?", MetadataSql(view, dialect, false)), {key, std::string(expected ? "true" : "false")}};
}

Result<Fragment> FilterCondition(const MetricsQuery& query, const ViewDef& view, const MetricsFilter& filter,
                                 int64_t project_id, Dialect dialect, size_t index) {
  const std::string& type = filter.type;

  if (type == "null") {
    const DimensionDef* dimension = view.FindDimension(filter.column, query.version);
    if (!dimension) {
      return Error::InvalidField(Field(index, "column"),
                                 fmt::format("'{}' is not a column of the {} view", filter.column, view.name));
    }
    if (filter.op != "is null" && filter.op != "is not null") {
      return Error::InvalidField(Field(index, "operator"), "must be is null or is not null");
    }
    return Fragment{fmt::format("{} {}", dimension->Sql(dialect), filter.op == "is null" ? "IS NULL" : "IS NOT NULL"),
                    {}, dimension->joins};
  }

  if (filter.column == "metadata") {
    if (type != "stringObject" && type != "numberObject" && type != "booleanObject") {
      return Error::InvalidField(Field(index, "type"),
                                 "metadata filters take type stringObject, numberObject or booleanObject");
    }
    return MetadataCondition(view, filter, dialect, index);
  }

  if (type == "datetime") {
    if (filter.column != view.time_name) {
      return Error::InvalidField(Field(index, "column"),
                                 fmt::format("datetime filters of the {} view take the column '{}'", view.name,
                                             view.time_name));
    }
    TALLY_ASSIGN_OR_RETURN(op, ComparisonOperator(filter.op, index, false));
    TALLY_ASSIGN_OR_RETURN(text, StringValue(filter.value, index));
    auto time = ParseIsoTimestamp(text);
    if (!time) return Error::InvalidField(Field(index, "value"), "must be an ISO 8601 datetime with a zone");
    return Fragment{fmt::format("{} {} ?", view.time_column, op), {*time}};
  }

  if (type == "number") {
    // A number filter may name a numeric dimension or any measure, compared
    // row by row before aggregation.
    std::string expression;
    unsigned joins = kJoinNone;
    if (const DimensionDef* dimension = view.FindDimension(filter.column, query.version);
        dimension && dimension->kind == ColumnKind::kNumber) {
      expression = dimension->Sql(dialect);
      joins = dimension->joins;
    } else if (const MeasureDef* measure = view.FindMeasure(filter.column); measure && !measure->distinct_count) {
      expression = measure->Sql(dialect);
      joins = measure->joins;
    } else {
      return Error::InvalidField(Field(index, "column"),
                                 fmt::format("'{}' is not a numeric column of the {} view", filter.column, view.name));
    }
    TALLY_ASSIGN_OR_RETURN(op, ComparisonOperator(filter.op, index, true));
    TALLY_ASSIGN_OR_RETURN(number, NumberValue(filter.value, index));
    return Fragment{fmt::format("({}) {} ?", expression, op), {number}, joins};
  }

  const DimensionDef* dimension = view.FindDimension(filter.column, query.version);
  if (!dimension) {
    return Error::InvalidField(Field(index, "column"),
                               fmt::format("'{}' is not a column of the {} view", filter.column, view.name));
  }
  const std::string expression = dimension->Sql(dialect);

  if (dimension->kind == ColumnKind::kTags) {
    if (type != "arrayOptions") return Error::InvalidField(Field(index, "type"), "tags filters take type arrayOptions");
    return TagsCondition(view, filter, project_id, index);
  }

  if (type == "boolean") {
    if (dimension->kind != ColumnKind::kBoolean) {
      return Error::InvalidField(Field(index, "column"), fmt::format("'{}' is not a boolean column", filter.column));
    }
    if (!filter.value.is_bool()) return Error::InvalidField(Field(index, "value"), "must be true or false");
    if (filter.op != "=" && filter.op != "<>") return Error::InvalidField(Field(index, "operator"), "must be = or <>");
    const bool expected = filter.value.as_bool() == (filter.op == "=");
    return Fragment{fmt::format("{} = ?", expression), {int64_t{expected ? 1 : 0}}, dimension->joins};
  }

  if (dimension->kind != ColumnKind::kText) {
    return Error::InvalidField(Field(index, "type"),
                               fmt::format("'{}' is not a text column; use a number or null filter", filter.column));
  }

  if (type == "string") {
    TALLY_ASSIGN_OR_RETURN(text, StringValue(filter.value, index));
    TALLY_ASSIGN_OR_RETURN(condition, StringCondition(expression, {}, filter.op, text, dialect, index));
    condition.joins = dimension->joins;
    return condition;
  }

  if (type == "stringOptions" || type == "categoryOptions") {
    TALLY_ASSIGN_OR_RETURN(options, StringList(filter.value, index));
    if (filter.op != "any of" && filter.op != "none of") {
      return Error::InvalidField(Field(index, "operator"), "must be any of or none of");
    }
    const bool any = filter.op == "any of";
    if (options.empty()) return Fragment{any ? "1 = 0" : "1 = 1", {}};
    Params params(options.begin(), options.end());
    const std::string in = fmt::format("{} IN ({})", expression, Placeholders(options.size()));
    if (any) return Fragment{in, params, dimension->joins};
    return Fragment{fmt::format("({} IS NULL OR NOT {})", expression, in), params, dimension->joins};
  }

  return Error::InvalidField(Field(index, "type"),
                             "must be one of string, stringOptions, categoryOptions, arrayOptions, number, datetime, "
                             "boolean, null, stringObject, numberObject, booleanObject");
}

// The SQL aggregate of one metric over base column `m`, or empty when the
// metric is computed in its own CTE (percentiles on SQLite, histograms).
std::string AggregateSql(const MetricSpec& metric, const MeasureDef& measure, const std::string& column,
                         Dialect dialect) {
  if (measure.distinct_count) return fmt::format("COUNT(DISTINCT {})", column);
  if (auto fraction = PercentileFraction(metric.aggregation)) {
    if (dialect == Dialect::kSqlite) return {};
    return fmt::format("percentile_cont({}) WITHIN GROUP (ORDER BY {})", *fraction, column);
  }
  switch (metric.aggregation) {
    case Aggregation::kSum: return fmt::format("SUM({})", column);
    case Aggregation::kAvg: return fmt::format("AVG({})", column);
    case Aggregation::kCount: return fmt::format("COUNT({})", column);
    case Aggregation::kMax: return fmt::format("MAX({})", column);
    case Aggregation::kMin: return fmt::format("MIN({})", column);
    case Aggregation::kUniq: return fmt::format("COUNT(DISTINCT {})", column);
    default: return {};
  }
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) text += separator;
    text += parts[i];
  }
  return text;
}

std::string Trimmed(const std::string& text) {
  return text.empty() || text.back() != ' ' ? text : text.substr(0, text.size() - 1);
}

std::string NullColumns(size_t count, size_t except, const std::string& value) {
  std::vector<std::string> columns;
  for (size_t i = 0; i < count; ++i) {
    columns.push_back(fmt::format("{} AS c{}", i == except ? value : "NULL", i));
  }
  return Join(columns, ", ");
}

}  // namespace

std::string TimeBucketSql(const std::string& column, Granularity granularity, Dialect dialect) {
  switch (granularity) {
    case Granularity::kMinute: return fmt::format("({0} / {1}) * {1}", column, kMinute);
    case Granularity::kHour: return fmt::format("({0} / {1}) * {1}", column, kHour);
    case Granularity::kDay: return fmt::format("({0} / {1}) * {1}", column, kDay);
    case Granularity::kWeek:
      return fmt::format("(({0} - {1}) / {2}) * {2} + {1}", column, kMondayOffset, 7 * kDay);
    case Granularity::kMonth:
      if (dialect == Dialect::kSqlite) {
        return fmt::format("CAST(strftime('%s', {} / 1000000, 'unixepoch', 'start of month') AS INTEGER) * 1000000",
                           column);
      }
      return fmt::format(
          "CAST(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp({} / 1000000.0) AT TIME ZONE 'UTC')) AS BIGINT) "
          "* 1000000",
          column);
  }
  return column;
}

Result<CompiledMetricsQuery> CompileMetricsQuery(const MetricsQuery& query, int64_t project_id, Dialect dialect) {
  const ViewDef& view = ViewOf(query.view);
  const bool sqlite = dialect == Dialect::kSqlite;
  unsigned joins = kJoinNone;

  // Keys: the dimensions, then the time bucket.
  std::vector<std::string> select;
  std::vector<std::string> keys;
  for (size_t i = 0; i < query.dimensions.size(); ++i) {
    const DimensionDef* dimension = view.FindDimension(query.dimensions[i], query.version);
    select.push_back(fmt::format("{} AS d{}", dimension->Sql(dialect), i));
    keys.push_back(fmt::format("d{}", i));
    joins |= dimension->joins;
  }
  if (query.granularity) {
    select.push_back(TimeBucketSql(view.time_column, *query.granularity, dialect) + " AS tb");
    keys.push_back("tb");
  }
  for (size_t i = 0; i < query.metrics.size(); ++i) {
    const MeasureDef* measure = view.FindMeasure(query.metrics[i].measure);
    select.push_back(fmt::format("{} AS m{}", measure->Sql(dialect), i));
    joins |= measure->joins;
  }

  // WHERE: project, view scope, time range, filters.
  Params where_params{project_id, query.from, query.to};
  std::string where =
      fmt::format("{0}.project_id = ? AND {1} >= ? AND {1} < ?", view.alias, view.time_column);
  if (!view.scope.empty()) where += " AND " + view.scope;
  for (size_t i = 0; i < query.filters.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(condition, FilterCondition(query, view, query.filters[i], project_id, dialect, i));
    where += " AND (" + condition.sql + ")";
    where_params.insert(where_params.end(), condition.params.begin(), condition.params.end());
    joins |= condition.joins;
  }

  CompiledMetricsQuery compiled;
  compiled.params = where_params;
  std::string& sql = compiled.sql;
  sql = fmt::format("WITH base AS (SELECT {} FROM {}{} WHERE {})", Join(select, ", "), view.from,
                    JoinClauses(view, joins), where);

  const std::string key_list = Join(keys, ", ");
  const std::string key_prefix = keys.empty() ? "" : key_list + ", ";
  const std::string group_by = keys.empty() ? "" : " GROUP BY " + key_list;
  const std::string partition = keys.empty() ? "" : "PARTITION BY " + key_list + " ";
  const size_t metric_count = query.metrics.size();

  // agg: every metric a plain aggregate computes; it also yields the row of
  // each group, so groups whose measures are all NULL still appear.
  std::vector<std::string> agg_columns;
  bool any_plain = false;
  for (size_t i = 0; i < metric_count; ++i) {
    const MeasureDef* measure = view.FindMeasure(query.metrics[i].measure);
    std::string aggregate = AggregateSql(query.metrics[i], *measure, fmt::format("m{}", i), dialect);
    any_plain = any_plain || !aggregate.empty();
    agg_columns.push_back(fmt::format("{} AS c{}", aggregate.empty() ? "NULL" : aggregate, i));
  }
  std::vector<std::string> parts;
  // Without a plain aggregate the agg pass is skipped, so SQLite streams
  // base into the one CTE that reads it instead of materializing it.
  if (any_plain) {
    sql += fmt::format(", agg AS (SELECT {}{} FROM base{})", key_prefix, Join(agg_columns, ", "), group_by);
    parts.push_back("SELECT * FROM agg");
  }

  for (size_t i = 0; i < metric_count; ++i) {
    const MetricSpec& metric = query.metrics[i];
    const MeasureDef* measure = view.FindMeasure(metric.measure);
    if (!AggregateSql(metric, *measure, "m", dialect).empty()) continue;
    const std::string value = fmt::format("m{}", i);

    if (auto fraction = PercentileFraction(metric.aggregation)) {
      // rn is 0-based over the non-NULL values because NULLs sort last. The
      // percentile lies between ranks floor(f*(n-1)) and the next, so only
      // those two rows of each group pass the WHERE. NULL rows stay in, so
      // a group whose values are all NULL still yields its row.
      const std::string rank = fmt::format("CAST({} * (n - 1) AS INTEGER)", *fraction);
      sql += fmt::format(
          ", pr{0} AS (SELECT {1}{2} AS v, ROW_NUMBER() OVER ({3}ORDER BY {2} NULLS LAST) - 1 AS rn, "
          "COUNT({2}) OVER ({4}) AS n FROM base)",
          i, key_prefix, value, partition, Trimmed(partition));
      sql += fmt::format(
          ", pc{0} AS (SELECT {1}{2} FROM pr{0} WHERE rn BETWEEN {3} AND {3} + 1{4})", i, key_prefix,
          NullColumns(metric_count, i,
                      fmt::format("MIN(v) + (MAX(v) - MIN(v)) * ({} * (MAX(n) - 1) - MAX({}))", *fraction, rank)),
          rank, group_by);
      parts.push_back(fmt::format("SELECT * FROM pc{}", i));
      continue;
    }

    // Histogram: equal-width bins between the group's min and max; a group
    // whose values are all equal gets one bin [v, v].
    const std::string bins = std::to_string(query.bins);
    const std::string bin =
        sqlite ? fmt::format("CASE WHEN hi = lo THEN 0 ELSE MIN({0} - 1, CAST((v - lo) * {0} / (hi - lo) AS INTEGER)) END",
                             bins)
               : fmt::format("CASE WHEN hi = lo THEN 0 ELSE LEAST({0} - 1, FLOOR((v - lo) * {0} / (hi - lo))) END", bins);
    const std::string triple =
        sqlite ? fmt::format("json_array(lo + b * (hi - lo) / {0}, lo + (b + 1) * (hi - lo) / {0}, k)", bins)
               : fmt::format("json_build_array(lo + b * (hi - lo) / {0}, lo + (b + 1) * (hi - lo) / {0}, k)", bins);
    const std::string array = sqlite ? fmt::format("json_group_array(json({}))", triple)
                                     : fmt::format("CAST(json_agg({} ORDER BY b) AS TEXT)", triple);
    sql += fmt::format(
        ", hr{0} AS (SELECT {1}CAST({2} AS DOUBLE PRECISION) AS v, MIN({2}) OVER ({3}) AS lo, MAX({2}) OVER ({3}) AS hi "
        "FROM base WHERE {2} IS NOT NULL)",
        i, key_prefix, value, Trimmed(partition));
    sql += fmt::format(", hb{0} AS (SELECT {1}lo, hi, {2} AS b, COUNT(*) AS k FROM hr{0} GROUP BY {1}lo, hi, {2}{3})", i,
                       key_prefix, bin, sqlite ? " ORDER BY b" : "");
    sql += fmt::format(", hg{0} AS (SELECT {1}{2} FROM hb{0}{3})", i, key_prefix,
                       NullColumns(metric_count, i, array), group_by);
    parts.push_back(fmt::format("SELECT * FROM hg{}", i));
  }

  // Final merge: one row per group with each metric from its part.
  std::vector<std::string> outer;
  for (const auto& key : keys) outer.push_back(key);
  for (size_t i = 0; i < metric_count; ++i) outer.push_back(fmt::format("MAX(c{0}) AS c{0}", i));
  const std::string merged = parts.size() == 1 ? parts[0].substr(std::string("SELECT * FROM ").size())
                                               : "(" + Join(parts, " UNION ALL ") + ") u";
  sql += fmt::format(" SELECT {} FROM {}{}", Join(outer, ", "), merged, group_by);

  // ORDER BY: as requested, then by time and dimensions for a stable order.
  std::vector<std::string> order;
  for (const auto& entry : query.order_by) {
    std::string column;
    if (entry.field == "time_dimension") column = "tb";
    for (size_t i = 0; i < query.dimensions.size(); ++i) {
      if (query.dimensions[i] == entry.field) column = fmt::format("d{}", i);
    }
    for (size_t i = 0; i < metric_count && column.empty(); ++i) {
      if (query.metrics[i].OutputName() == entry.field || query.metrics[i].measure == entry.field) {
        column = fmt::format("c{}", i);
      }
    }
    order.push_back(fmt::format("{} {} NULLS LAST", column, entry.descending ? "DESC" : "ASC"));
  }
  if (query.granularity) order.push_back("tb ASC NULLS LAST");
  for (size_t i = 0; i < query.dimensions.size(); ++i) order.push_back(fmt::format("d{} ASC NULLS LAST", i));
  if (!order.empty()) sql += " ORDER BY " + Join(order, ", ");
  if (query.row_limit) {
    sql += " LIMIT ?";
    compiled.params.push_back(*query.row_limit);
  } else {
    // NOTE: Langfuse's v1 returns every group when row_limit is absent.
    // This server stops at 10,000 rows, so a query grouped by an id cannot
    // build an unbounded response.
    sql += " LIMIT 10000";
  }
  return compiled;
}

}  // namespace tally::evals
