// Compiles a checked MetricsQuery into one SQL statement for a dialect.
//
// Shape of the statement (CTEs, so it stays one statement):
//   base     one row per view row in range: the dimension values d0…, the
//            time bucket tb, and one measure value m0… per metric;
//   agg      the plain aggregates (sum, avg, count, min, max, uniq) and, on
//            PostgreSQL, the percentiles (percentile_cont) grouped by the
//            keys d0…, tb;
//   pc<i>    SQLite only: percentile i from ROW_NUMBER/COUNT windows over
//            the sorted values of each group, interpolated between the two
//            nearest ranks exactly as percentile_cont does, so both
//            dialects return the same number;
//   hg<i>    histogram i: `bins` equal-width buckets between the group's
//            min and max, aggregated into a JSON array of [lower, upper, count];
// and the final SELECT merges the parts per group (UNION ALL + GROUP BY,
// which matches NULL keys where a join would not).
//
// Result columns: d0…d(n-1), tb (only with a time dimension), c0…c(m-1) in
// the order of query.dimensions and query.metrics.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "evals/metrics_query.h"
#include "store/database.h"

namespace tally::evals {

struct CompiledMetricsQuery {
  std::string sql;
  store::Params params;
};

// Fails with InvalidField ("query.filters.2.operator", …) for a filter whose
// column, type, operator or value does not fit the view.
[[nodiscard]] Result<CompiledMetricsQuery> CompileMetricsQuery(const MetricsQuery& query, int64_t project_id,
                                                               store::Dialect dialect);

// The bucket start (microseconds) of a timestamp column for a granularity.
// Weeks start on Monday, months on the 1st, all in UTC.
std::string TimeBucketSql(const std::string& column, Granularity granularity, store::Dialect dialect);

}  // namespace tally::evals
