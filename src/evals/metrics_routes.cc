#include "evals/metrics_routes.h"

#include <fmt/format.h>

#include "core/log.h"
#include "evals/metrics_store.h"
#include "evals/metrics_views.h"
#include "tracing/route_helpers.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr const char* kMetricsSchema = R"({
  "type": "object", "required": ["data"],
  "properties": {"data": {"type": "array", "items": {"type": "object"}}}
})";

constexpr const char* kDailySchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array", "items": {"type": "object", "required": ["date", "countTraces",
    "countObservations", "totalCost", "usage"]}}, "meta": {"type": "object"}}
})";

Result<http::Response> MetricsRoute(store::Database& database, http::Request& request, MetricsApiVersion version) {
  auto text = request.Query("query");
  if (!text || text->empty()) {
    return Error::InvalidField("query", "is required: send the metrics query as URL-encoded JSON");
  }
  boost::system::error_code ec;
  bj::value json = bj::parse(*text, ec);
  if (ec) return Error::InvalidField("query", fmt::format("is not valid JSON: {}", ec.message()));
  TALLY_ASSIGN_OR_RETURN(query, ParseMetricsQuery(json, version));

  const int64_t project_id = request.principal.project_id;
  const auto started = std::chrono::steady_clock::now();
  TALLY_ASSIGN_OR_RETURN(data, database.Read([&](store::Connection& c) { return RunMetricsQuery(c, project_id, query); }));
  [[maybe_unused]] const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  TALLY_LOG_DEBUG("event=metrics_query request_id={} project_id={} view={} rows={} duration_ms={}", request.request_id,
                  project_id, ViewOf(query.view).name, data.size(), elapsed);
  bj::object body;
  body["data"] = std::move(data);
  return http::Response::Json(body);
}

Result<http::Response> DailyMetricsRoute(store::Database& database, http::Request& request) {
  DailyMetricsFilter filter;
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  filter.page = page.page;
  filter.limit = page.limit;
  filter.trace_name = tracing::TextParam(request, "traceName");
  filter.user_id = tracing::TextParam(request, "userId");
  filter.tags = tracing::ListParam(request, "tags");
  filter.environments = tracing::ListParam(request, "environment");
  TALLY_ASSIGN_OR_RETURN(from, tracing::ParseTimeParam(request, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, tracing::ParseTimeParam(request, "toTimestamp"));
  filter.from = from;
  filter.to = to;
  if (from && to && *from >= *to) {
    return Error::InvalidField("fromTimestamp", "fromTimestamp must be before toTimestamp");
  }
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(body, database.Read([&](store::Connection& c) { return LoadDailyMetrics(c, project_id, filter); }));
  return http::Response::Json(body);
}

}  // namespace

void AddMetricsRoutes(http::Router& router, store::Database& database) {
  auto add = [&](std::string pattern, std::string summary, MetricsApiVersion version) {
    router.Add({.method = "GET",
                .pattern = std::move(pattern),
                .auth = http::Auth::kProjectKey,
                .doc = {.summary = std::move(summary), .tag = "Metrics", .response_schema = kMetricsSchema,
                        .query = {"query"}},
                .handler = [&database, version](http::Request& request) {
                  return MetricsRoute(database, request, version);
                }});
  };
  add("/api/public/metrics", "Run a metrics query (v1 query language)", MetricsApiVersion::kV1);
  add("/api/public/v2/metrics", "Run a metrics query (v2 query language)", MetricsApiVersion::kV2);
  router.Add({.method = "GET",
              .pattern = "/api/public/metrics/daily",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Daily trace, observation, cost and usage totals",
                      .tag = "Metrics",
                      .response_schema = kDailySchema,
                      .query = {"page", "limit", "traceName", "userId", "tags", "environment", "fromTimestamp",
                                "toTimestamp"}},
              .handler = [&database](http::Request& request) { return DailyMetricsRoute(database, request); }});
}

}  // namespace tally::evals
