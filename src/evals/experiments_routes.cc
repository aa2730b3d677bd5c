#include "evals/experiments_routes.h"

#include "accounts/project_access.h"
#include "evals/experiments.h"
#include "tracing/route_helpers.h"

namespace tally::evals {

namespace {

constexpr const char* kComparisonSchema = R"({
  "type": "object", "required": ["dataset", "baseline", "scoreNames", "runs", "items", "meta"],
  "properties": {
    "dataset": {"type": "object", "description": "the Langfuse Dataset object"},
    "baseline": {"type": "string", "description": "name of the run the deltas are taken against"},
    "scoreNames": {"type": "array", "items": {"type": "string"}},
    "runs": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": "string"}, "name": {"type": "string"}, "isBaseline": {"type": "boolean"},
      "aggregates": {"type": "object", "description": "itemCount, latency {mean, p50, p95} in seconds, totalCost, scores {name: {count, mean, categories?}}"},
      "deltas": {"type": "object", "description": "latency {mean, p50, p95}, totalCost and score means minus the baseline's; null where either side is missing"},
      "runScores": {"type": "array", "description": "scores attached to the run itself"}}}},
    "items": {"type": "array", "items": {"type": "object", "properties": {
      "datasetItemId": {"type": "string"}, "input": {}, "expectedOutput": {},
      "runs": {"type": "object", "description": "run name to {traceId, observationId, output, latency, cost, scores[]} or null when the run has no result for the item"}}}},
    "meta": {"type": "object", "description": "page, limit, totalItems, totalPages over dataset items"}
  }
})";

Result<http::Response> CompareRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  auto dataset_name = tracing::TextParam(request, "datasetName");
  if (!dataset_name) return Error::InvalidField("datasetName", "Required: add ?datasetName=<dataset name> to the URL");
  ExperimentQuery query{.dataset_name = *dataset_name,
                        .run_names = tracing::ListParam(request, "runs"),
                        .baseline = tracing::TextParam(request, "baseline"),
                        .page = page.page,
                        .limit = page.limit};
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(comparison, CompareRuns(connection, project_id, query));
    return http::Response::Json(comparison);
  });
}

}  // namespace

void AddExperimentRoutes(http::Router& router, store::Database& database) {
  router.Add({.method = "GET",
              .pattern = "/api/evals/{project_id:int}/experiments",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Compare runs of a dataset per item: outputs, latency, cost, scores, aggregates and deltas",
                      .tag = "Datasets",
                      .response_schema = kComparisonSchema,
                      .query = {"datasetName", "runs", "baseline", "page", "limit"}},
              .handler = [&database](http::Request& request) { return CompareRoute(database, request); }});
}

}  // namespace tally::evals
