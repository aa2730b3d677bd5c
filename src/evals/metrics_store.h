// Runs metrics queries and the daily metrics rollup against the stored
// traces, observations and scores of one project.
//
// Thread-safety: stateless functions on a borrowed Connection.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "evals/metrics_query.h"
#include "store/database.h"

namespace tally::evals {

// Runs `query` as one statement and returns the response rows: one key per
// dimension (named after the field), `time_dimension` (ISO bucket start)
// when a time dimension was requested, and `<aggregation>_<measure>` per
// metric. Fails with InvalidField for a filter that does not fit the view.
[[nodiscard]] Result<boost::json::array> RunMetricsQuery(store::Connection& connection, int64_t project_id,
                                                         const MetricsQuery& query);

struct DailyMetricsFilter {
  std::optional<std::string> trace_name;
  std::optional<std::string> user_id;
  std::vector<std::string> tags;          // a trace must have all of them
  std::vector<std::string> environments;  // any of them
  std::optional<Micros> from;             // inclusive
  std::optional<Micros> to;               // exclusive
  int64_t page = 1;
  int64_t limit = 50;
};

// The `data` and `meta` of GET /api/public/metrics/daily: one entry per UTC
// day that has traces, newest first, with trace and observation counts,
// cost, and usage per model. Observations count on the day of their trace.
[[nodiscard]] Result<boost::json::object> LoadDailyMetrics(store::Connection& connection, int64_t project_id,
                                                           const DailyMetricsFilter& filter);

}  // namespace tally::evals
