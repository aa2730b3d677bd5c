// Tally's own per-version metrics of a prompt, for the UI: what the
// generations linked to each version cost, how fast they were and how they
// scored, and two versions side by side. The numbers come from
// tracing/prompt_metrics.h; this file only resolves versions and shapes JSON.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <cmath>

#include "accounts/project_access.h"
#include "core/log.h"
#include "prompts/prompt_request.h"
#include "prompts/routes.h"
#include "tracing/prompt_metrics.h"

namespace tally::prompts {

namespace bj = boost::json;
using tracing::PromptVersionMetrics;

namespace {

constexpr const char* kVersionMetricsSchema = R"({
  "type": "object",
  "properties": {
    "version": {"type": "integer"}, "promptId": {"type": "string"},
    "labels": {"type": "array", "items": {"type": "string"}},
    "createdAt": {"type": "string", "format": "date-time"},
    "generationCount": {"type": "integer", "description": "Generations linked to this version"},
    "latency": {"type": "object", "description": "Seconds from start to end of generations that ended",
                "properties": {"median": {"type": ["number", "null"]}, "p95": {"type": ["number", "null"]}}},
    "tokens": {"type": "object", "properties": {"input": {"type": "integer"}, "output": {"type": "integer"},
                                                "total": {"type": "integer"}}},
    "totalCost": {"type": "number", "description": "USD"},
    "scores": {"type": "array", "description": "Mean of each NUMERIC or BOOLEAN score on the generations or their traces",
               "items": {"type": "object", "properties": {"name": {"type": "string"}, "mean": {"type": "number"},
                                                          "count": {"type": "integer"}}}}
  }
})";

std::string ListSchema() {
  return fmt::format(R"({{"type": "object", "required": ["name", "versions"],
  "properties": {{"name": {{"type": "string"}}, "versions": {{"type": "array", "items": {}}}}}}})",
                     kVersionMetricsSchema);
}

std::string CompareSchema() {
  return fmt::format(R"({{"type": "object", "required": ["name", "left", "right", "difference"],
  "properties": {{"name": {{"type": "string"}}, "left": {0}, "right": {0},
    "difference": {{"type": "object", "description": "right minus left; null where either side has no value",
      "properties": {{"generationCount": {{"type": "integer"}}, "latencyMedian": {{"type": ["number", "null"]}},
        "latencyP95": {{"type": ["number", "null"]}}, "inputTokens": {{"type": "integer"}},
        "outputTokens": {{"type": "integer"}}, "totalTokens": {{"type": "integer"}}, "totalCost": {{"type": "number"}},
        "scores": {{"type": "array", "items": {{"type": "object", "properties": {{"name": {{"type": "string"}},
          "left": {{"type": ["number", "null"]}}, "right": {{"type": ["number", "null"]}},
          "difference": {{"type": ["number", "null"]}}}}}}}}}}}}}}}})",
                     kVersionMetricsSchema);
}

bj::value OptionalNumber(std::optional<double> value) { return value ? bj::value(*value) : bj::value(nullptr); }

bj::object VersionMetricsJson(const VersionRef& ref, const PromptVersionMetrics& metrics) {
  bj::array scores;
  for (const auto& [name, score] : metrics.scores) {
    scores.push_back(bj::object{{"name", name}, {"mean", score.mean}, {"count", score.count}});
  }
  return bj::object{
      {"version", ref.version},
      {"promptId", ref.id},
      {"labels", bj::array(ref.labels.begin(), ref.labels.end())},
      {"createdAt", FormatIsoMillis(ref.created_at)},
      {"generationCount", metrics.generation_count},
      {"latency", bj::object{{"median", OptionalNumber(metrics.latency_median)},
                             {"p95", OptionalNumber(metrics.latency_p95)}}},
      {"tokens", bj::object{{"input", metrics.input_tokens},
                            {"output", metrics.output_tokens},
                            {"total", metrics.total_tokens}}},
      {"totalCost", metrics.total_cost},
      {"scores", std::move(scores)},
  };
}

std::optional<double> Difference(std::optional<double> left, std::optional<double> right) {
  if (!left || !right) return std::nullopt;
  return *right - *left;
}

bj::object DifferenceJson(const PromptVersionMetrics& left, const PromptVersionMetrics& right) {
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>> scores;
  for (const auto& [name, score] : left.scores) scores[name].first = score.mean;
  for (const auto& [name, score] : right.scores) scores[name].second = score.mean;
  bj::array score_rows;
  for (const auto& [name, means] : scores) {
    score_rows.push_back(bj::object{{"name", name},
                                    {"left", OptionalNumber(means.first)},
                                    {"right", OptionalNumber(means.second)},
                                    {"difference", OptionalNumber(Difference(means.first, means.second))}});
  }
  return bj::object{
      {"generationCount", right.generation_count - left.generation_count},
      {"latencyMedian", OptionalNumber(Difference(left.latency_median, right.latency_median))},
      {"latencyP95", OptionalNumber(Difference(left.latency_p95, right.latency_p95))},
      {"inputTokens", right.input_tokens - left.input_tokens},
      {"outputTokens", right.output_tokens - left.output_tokens},
      {"totalTokens", right.total_tokens - left.total_tokens},
      {"totalCost", right.total_cost - left.total_cost},
      {"scores", std::move(score_rows)},
  };
}

struct NameMetrics {
  std::vector<VersionRef> versions;
  std::map<std::string, PromptVersionMetrics> by_id;
};

// Checks the caller may read the project and loads every version of the
// `name` query parameter with its metrics, in one read snapshot.
Result<NameMetrics> LoadNameMetrics(store::Database& database, const http::Request& request, int64_t project_id,
                                    const std::string& name) {
  return database.Read([&](store::Connection& c) -> Result<NameMetrics> {
    TALLY_TRY(accounts::AuthorizeProject(c, request.principal, project_id, accounts::Role::kAnnotator));
    NameMetrics result;
    TALLY_ASSIGN_OR_RETURN(versions, ListVersionRefs(c, project_id, name));
    std::vector<std::string> ids;
    for (const VersionRef& ref : versions) ids.push_back(ref.id);
    TALLY_ASSIGN_OR_RETURN(by_id, tracing::LoadPromptVersionMetrics(c, project_id, ids));
    result.versions = std::move(versions);
    result.by_id = std::move(by_id);
    return result;
  });
}

Result<std::string> RequiredName(const http::Request& request) {
  auto name = request.Query("name");
  if (!name || name->empty()) return Error::InvalidField("name", "Missing prompt name: add ?name=<prompt name> to the URL");
  return std::string(*name);
}

Result<http::Response> MetricsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(name, RequiredName(request));
  TALLY_ASSIGN_OR_RETURN(loaded, LoadNameMetrics(database, request, project_id, name));
  if (loaded.versions.empty()) return Error::NotFound(fmt::format("Prompt not found: '{}'", name));

  bj::array versions;
  for (const VersionRef& ref : loaded.versions) versions.push_back(VersionMetricsJson(ref, loaded.by_id[ref.id]));
  return http::Response::Json(bj::object{{"name", name}, {"versions", std::move(versions)}});
}

Result<int64_t> RequiredVersion(const http::Request& request, std::string_view key) {
  TALLY_ASSIGN_OR_RETURN(version, IntParam(request, key));
  if (!version) {
    return Error::InvalidField(std::string(key), fmt::format("Missing version: add ?{}=<version number> to the URL", key));
  }
  return *version;
}

Result<http::Response> CompareRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(name, RequiredName(request));
  TALLY_ASSIGN_OR_RETURN(left_version, RequiredVersion(request, "left"));
  TALLY_ASSIGN_OR_RETURN(right_version, RequiredVersion(request, "right"));
  TALLY_ASSIGN_OR_RETURN(loaded, LoadNameMetrics(database, request, project_id, name));

  auto find = [&](int64_t version) -> const VersionRef* {
    for (const VersionRef& ref : loaded.versions) {
      if (ref.version == version) return &ref;
    }
    return nullptr;
  };
  const VersionRef* left = find(left_version);
  const VersionRef* right = find(right_version);
  if (!left || !right) {
    return Error::NotFound(
        fmt::format("Prompt '{}' version {} not found in project", name, left ? right_version : left_version));
  }
  const PromptVersionMetrics& left_metrics = loaded.by_id[left->id];
  const PromptVersionMetrics& right_metrics = loaded.by_id[right->id];
  return http::Response::Json(bj::object{{"name", name},
                                         {"left", VersionMetricsJson(*left, left_metrics)},
                                         {"right", VersionMetricsJson(*right, right_metrics)},
                                         {"difference", DifferenceJson(left_metrics, right_metrics)}});
}

}  // namespace

void AddPromptMetricsRoutes(http::Router& router, store::Database& database) {
  router.Add({.method = "GET",
              .pattern = "/api/prompts/{project_id:int}/metrics",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Per-version metrics of a prompt from the generations linked to each version",
                      .tag = "Prompts",
                      .response_schema = ListSchema(),
                      .query = {"name"}},
              .handler = [&database](http::Request& request) { return MetricsRoute(database, request); }});
  router.Add({.method = "GET",
              .pattern = "/api/prompts/{project_id:int}/metrics/compare",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Two versions of a prompt side by side, with right minus left",
                      .tag = "Prompts",
                      .response_schema = CompareSchema(),
                      .query = {"name", "left", "right"}},
              .handler = [&database](http::Request& request) { return CompareRoute(database, request); }});
}

}  // namespace tally::prompts
