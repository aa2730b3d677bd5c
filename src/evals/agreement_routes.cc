#include "evals/agreement_routes.h"

#include <fmt/format.h>

#include <charconv>

#include "accounts/project_access.h"
#include "core/log.h"
#include "evals/agreement_store.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr const char* kAgreementSchema = R"({
  "type": "object", "required": ["project", "tasks_with_overlap", "agreement", "controls", "tasks"],
  "properties": {"project": {"type": "integer"}, "tasks_with_overlap": {"type": "integer"},
                 "agreement": {"type": ["number", "null"]},
                 "controls": {"type": "array", "items": {"type": "object", "required": ["from_name", "type", "tasks"]}},
                 "tasks": {"type": "array", "items": {"type": "object", "required": ["task", "annotations", "agreement"]}}}
})";

constexpr const char* kStatsSchema = R"({
  "type": "array", "items": {"type": "object", "required": ["user", "tasks", "annotations", "mean_lead_time",
    "agreement_with_others", "agreement_with_ground_truth"]}
})";

constexpr int64_t kMaxPageSize = 1000;

// A positive integer query parameter, `fallback` when absent.
Result<int64_t> PositiveParam(const http::Request& request, std::string_view key, int64_t fallback, int64_t max) {
  auto text = request.Query(key);
  if (!text) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 || value > max) {
    return Error::InvalidField(std::string(key), fmt::format("must be an integer from 1 to {}", max));
  }
  return value;
}

Result<http::Response> AgreementRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
  TALLY_ASSIGN_OR_RETURN(page, PositiveParam(request, "page", 1, 1'000'000'000));
  TALLY_ASSIGN_OR_RETURN(page_size, PositiveParam(request, "page_size", 100, kMaxPageSize));
  TALLY_ASSIGN_OR_RETURN(body, database.Read([&](store::Connection& c) -> Result<bj::object> {
    TALLY_TRY(accounts::AuthorizeProject(c, request.principal, project_id, accounts::Role::kAnnotator));
    return LoadProjectAgreement(c, project_id, page, page_size);
  }));
  TALLY_LOG_DEBUG("event=agreement_computed request_id={} project_id={} tasks={}", request.request_id, project_id,
                  body.at("tasks_with_overlap").as_int64());
  return http::Response::Json(body);
}

Result<http::Response> AnnotatorStatsRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
  TALLY_ASSIGN_OR_RETURN(stats, database.Read([&](store::Connection& c) -> Result<bj::array> {
    TALLY_TRY(accounts::AuthorizeProject(c, request.principal, project_id, accounts::Role::kManager));
    return LoadAnnotatorStats(c, project_id);
  }));
  return http::Response::Json(stats);
}

}  // namespace

void AddAgreementRoutes(http::Router& router, store::Database& database) {
  router.Add({.method = "GET",
              .pattern = "/api/projects/{id:int}/agreement",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Inter-annotator agreement of a project, per control and per task",
                      .tag = "Agreement",
                      .response_schema = kAgreementSchema,
                      .query = {"page", "page_size"}},
              .handler = [&database](http::Request& request) { return AgreementRoute(database, request); }});
  router.Add({.method = "GET",
              .pattern = "/api/projects/{id:int}/annotators/stats",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Per-annotator tasks, lead time and agreement",
                      .tag = "Agreement",
                      .response_schema = kStatsSchema},
              .handler = [&database](http::Request& request) { return AnnotatorStatsRoute(database, request); }});
}

}  // namespace tally::evals
