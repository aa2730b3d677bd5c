#include "evals/metrics_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "evals/metrics_sql.h"
#include "evals/metrics_views.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Dialect;
using store::Params;
using store::Row;

namespace {

constexpr Micros kDay = 86'400'000'000;

// A number cell as JSON: integers stay integers (counts), reals stay reals.
bj::value NumberCell(const Row& row, size_t index) {
  const store::Value& cell = row.at(index);
  if (std::holds_alternative<int64_t>(cell)) return std::get<int64_t>(cell);
  if (std::holds_alternative<double>(cell)) return std::get<double>(cell);
  if (std::holds_alternative<std::string>(cell)) {
    // PostgreSQL returns NUMERIC aggregates as text.
    const std::string& text = std::get<std::string>(cell);
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && !text.empty()) return number;
  }
  return nullptr;
}

bj::value DimensionCell(const Row& row, size_t index, ColumnKind kind) {
  if (row.IsNull(index)) return nullptr;
  switch (kind) {
    case ColumnKind::kNumber: return NumberCell(row, index);
    case ColumnKind::kBoolean: return row.Int(index) != 0;
    case ColumnKind::kTags: {
      boost::system::error_code ec;
      bj::value tags = bj::parse(row.Text(index), ec);
      if (ec || !tags.is_array()) return bj::array{};
      return tags;
    }
    case ColumnKind::kText: return bj::string(row.Text(index));
  }
  return nullptr;
}

// A histogram cell: the JSON array of [lower, upper, count] the SQL built,
// sorted by lower bound.
bj::value HistogramCell(const Row& row, size_t index) {
  if (row.IsNull(index)) return bj::array{};
  boost::system::error_code ec;
  bj::value parsed = bj::parse(row.Text(index), ec);
  if (ec || !parsed.is_array()) return bj::array{};
  bj::array& bins = parsed.as_array();
  std::sort(bins.begin(), bins.end(), [](const bj::value& a, const bj::value& b) {
    return a.as_array()[0].to_number<double>() < b.as_array()[0].to_number<double>();
  });
  return parsed;
}

std::string DailyTraceConditions(const DailyMetricsFilter& filter, Params& params) {
  std::string where = "t.project_id = ?";
  if (filter.trace_name) {
    where += " AND t.name = ?";
    params.push_back(*filter.trace_name);
  }
  if (filter.user_id) {
    where += " AND t.user_id = ?";
    params.push_back(*filter.user_id);
  }
  if (!filter.environments.empty()) {
    where += " AND t.environment IN (";
    for (size_t i = 0; i < filter.environments.size(); ++i) {
      where += i ? ", ?" : "?";
      params.push_back(filter.environments[i]);
    }
    where += ")";
  }
  for (const auto& tag : filter.tags) {
    where += " AND EXISTS (SELECT 1 FROM trace_tags g WHERE g.project_id = t.project_id AND g.trace_id = t.id "
             "AND g.tag = ?)";
    params.push_back(tag);
  }
  if (filter.from) {
    where += " AND t.timestamp >= ?";
    params.push_back(*filter.from);
  }
  if (filter.to) {
    where += " AND t.timestamp < ?";
    params.push_back(*filter.to);
  }
  return where;
}

std::string DayText(int64_t day) { return FormatIsoMillis(day * kDay).substr(0, 10); }

}  // namespace

Result<bj::array> RunMetricsQuery(store::Connection& connection, int64_t project_id, const MetricsQuery& query) {
  TALLY_ASSIGN_OR_RETURN(compiled, CompileMetricsQuery(query, project_id, connection.dialect()));
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(compiled.sql, compiled.params));

  const ViewDef& view = ViewOf(query.view);
  bj::array data;
  for (const Row& row : rows) {
    bj::object out;
    size_t column = 0;
    for (const auto& name : query.dimensions) {
      out[name] = DimensionCell(row, column++, view.FindDimension(name, query.version)->kind);
    }
    if (query.granularity) {
      out["time_dimension"] = row.IsNull(column) ? bj::value(nullptr) : bj::value(FormatIsoMillis(row.Int(column)));
      ++column;
    }
    for (const auto& metric : query.metrics) {
      out[metric.OutputName()] =
          metric.aggregation == Aggregation::kHistogram ? HistogramCell(row, column) : NumberCell(row, column);
      ++column;
    }
    data.push_back(std::move(out));
  }
  return data;
}

Result<bj::object> LoadDailyMetrics(store::Connection& connection, int64_t project_id,
                                    const DailyMetricsFilter& filter) {
  const std::string day = fmt::format("(t.timestamp / {})", kDay);

  Params count_params{project_id};
  const std::string where = DailyTraceConditions(filter, count_params);
  TALLY_ASSIGN_OR_RETURN(total_row, connection.QueryOne(fmt::format("SELECT COUNT(DISTINCT {}) FROM traces t WHERE {}",
                                                                    day, where),
                                                        count_params));
  const int64_t total_days = total_row ? total_row->Int(0) : 0;

  // The page of days, newest first, with their trace counts.
  Params day_params = count_params;
  day_params.push_back(filter.limit);
  day_params.push_back((filter.page - 1) * filter.limit);
  TALLY_ASSIGN_OR_RETURN(day_rows, connection.Query(fmt::format("SELECT {0} AS day, COUNT(*) FROM traces t WHERE {1} "
                                                                "GROUP BY {0} ORDER BY day DESC LIMIT ? OFFSET ?",
                                                                day, where),
                                                    day_params));

  std::map<int64_t, bj::object, std::greater<>> days;
  for (const Row& row : day_rows) {
    bj::object entry;
    entry["date"] = DayText(row.Int(0));
    entry["countTraces"] = row.Int(1);
    entry["countObservations"] = 0;
    entry["totalCost"] = 0.0;
    entry["usage"] = bj::array{};
    days.emplace(row.Int(0), std::move(entry));
  }

  if (!days.empty()) {
    // Observations of the page's traces, per day and model.
    const ViewDef& observations = ViewOf(MetricsView::kObservations);
    const Dialect dialect = connection.dialect();
    Params usage_params{project_id, project_id};
    std::string usage_where = DailyTraceConditions(filter, usage_params);
    usage_where += " AND t.timestamp >= ? AND t.timestamp < ?";
    usage_params.push_back(days.rbegin()->first * kDay);
    usage_params.push_back((days.begin()->first + 1) * kDay);
    const std::string sql = fmt::format(
        "SELECT {0} AS day, o.model, COUNT(*), COUNT(DISTINCT o.trace_id), SUM(o.total_cost), SUM({1}), SUM({2}), "
        "SUM({3}) FROM observations o JOIN traces t ON t.project_id = o.project_id AND t.id = o.trace_id "
        "WHERE o.project_id = ? AND {4} GROUP BY {0}, o.model ORDER BY day DESC, o.model",
        day, observations.FindMeasure("inputTokens")->Sql(dialect),
        observations.FindMeasure("outputTokens")->Sql(dialect), observations.FindMeasure("totalTokens")->Sql(dialect),
        usage_where);
    TALLY_ASSIGN_OR_RETURN(usage_rows, connection.Query(sql, usage_params));
    for (const Row& row : usage_rows) {
      auto found = days.find(row.Int(0));
      if (found == days.end()) continue;
      bj::object& entry = found->second;
      entry["countObservations"] = entry["countObservations"].as_int64() + row.Int(2);
      entry["totalCost"] = entry["totalCost"].as_double() + row.Double(4);
      if (row.IsNull(1)) continue;
      bj::object usage;
      usage["model"] = row.Text(1);
      usage["inputUsage"] = static_cast<int64_t>(row.Double(5));
      usage["outputUsage"] = static_cast<int64_t>(row.Double(6));
      usage["totalUsage"] = static_cast<int64_t>(row.Double(7));
      usage["countObservations"] = row.Int(2);
      usage["countTraces"] = row.Int(3);
      usage["totalCost"] = row.Double(4);
      entry["usage"].as_array().push_back(std::move(usage));
    }
  }

  bj::array data;
  for (auto& [key, entry] : days) data.push_back(std::move(entry));
  bj::object meta;
  meta["page"] = filter.page;
  meta["limit"] = filter.limit;
  meta["totalItems"] = total_days;
  meta["totalPages"] = (total_days + filter.limit - 1) / filter.limit;
  bj::object body;
  body["data"] = std::move(data);
  body["meta"] = std::move(meta);
  return body;
}

}  // namespace tally::evals
