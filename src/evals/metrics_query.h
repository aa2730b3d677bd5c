// The Langfuse metrics query language: a JSON query over one view (traces,
// observations or scores) with dimensions, aggregated measures, filters, an
// optional time dimension and a time range, as `GET /api/public/metrics`
// and `/api/public/v2/metrics` accept it in their `query` parameter.
//
// ParseMetricsQuery checks a query against the view catalogue
// (metrics_views.h) and returns it resolved: every name is known, `auto`
// granularity is replaced by a concrete one, and limits are in range.
// CompileMetricsQuery (metrics_sql.h) turns the result into one SQL
// statement per dialect.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tally::evals {

// kDashboard is Tally's own dashboards: v1 rules plus the annotations view
// of labeling projects, which the Langfuse API does not have.
enum class MetricsApiVersion { kV1, kV2, kDashboard };

enum class MetricsView { kTraces, kObservations, kScoresNumeric, kScoresBoolean, kScoresCategorical, kAnnotations };

enum class Aggregation { kSum, kAvg, kCount, kMax, kMin, kP50, kP75, kP90, kP95, kP99, kHistogram, kUniq };

enum class Granularity { kMinute, kHour, kDay, kWeek, kMonth };

struct MetricSpec {
  std::string measure;
  Aggregation aggregation = Aggregation::kCount;

  // The response key: "<aggregation>_<measure>", e.g. "p95_latency".
  std::string OutputName() const;
};

// One condition of `filters`, checked against its column and type.
struct MetricsFilter {
  std::string column;
  std::string op;    // as sent: "=", "any of", "contains", …
  std::string type;  // "string", "stringOptions", "number", "datetime", …
  std::optional<std::string> key;  // metadata key for the *Object types
  boost::json::value value;
};

struct MetricsOrder {
  std::string field;  // a dimension, a metric output name or "time_dimension"
  bool descending = false;
};

struct MetricsQuery {
  MetricsApiVersion version = MetricsApiVersion::kV1;
  MetricsView view = MetricsView::kObservations;
  std::vector<std::string> dimensions;
  std::vector<MetricSpec> metrics;
  std::vector<MetricsFilter> filters;
  std::optional<Granularity> granularity;  // set when a time dimension is requested
  Micros from = 0;                         // inclusive
  Micros to = 0;                           // exclusive
  std::vector<MetricsOrder> order_by;
  std::optional<int64_t> row_limit;        // v2 fills in 100 when absent
  int64_t bins = 10;                       // histogram buckets
};

// Parses and checks the decoded `query` JSON. Every failure is an
// InvalidField error naming the offending key ("query.metrics.0.measure")
// and what to send instead.
[[nodiscard]] Result<MetricsQuery> ParseMetricsQuery(const boost::json::value& query, MetricsApiVersion version);

// Names as the query language spells them.
std::string_view AggregationName(Aggregation aggregation);
std::string_view GranularityName(Granularity granularity);

// Whether an aggregation is a percentile, and its fraction (0.95 for p95).
std::optional<double> PercentileFraction(Aggregation aggregation);

// The bucket width of `auto` for a range: the finest of minute, hour, day,
// week and month that gives at most 100 buckets (about 50 on average), so a
// chart neither shows a handful of points nor thousands.
Granularity AutoGranularity(Micros from, Micros to);

}  // namespace tally::evals
