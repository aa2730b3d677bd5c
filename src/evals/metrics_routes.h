// HTTP routes of the Langfuse metrics API under /api/public:
//   GET /metrics?query=<JSON>      query language v1 (views incl. traces)
//   GET /v2/metrics?query=<JSON>   v2 (no traces view; high-cardinality rules;
//                                  row_limit 100 when absent)
//   GET /metrics/daily             per-day trace, observation, cost and usage
//
// All need a project key pair (Basic) and read only that project's data.
// Validation failures are 400s naming the query field
// ("query.metrics.0.aggregation").
//
// Thread-safety: register before the server starts.
#pragma once

#include "http/router.h"
#include "store/database.h"

namespace tally::evals {

// `database` must outlive the router.
void AddMetricsRoutes(http::Router& router, store::Database& database);

}  // namespace tally::evals
