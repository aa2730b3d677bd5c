#include "evals/evaluators_routes.h"

#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "evals/dataset_runs.h"
#include "evals/evaluators.h"
#include "evals/evaluators_builtin.h"
#include "evals/experiments.h"
#include "evals/llm_connections.h"
#include "tracing/ingestion.h"
#include "tracing/route_helpers.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr const char* kRuleSchema = R"({
  "type": "object", "required": ["id", "name", "connectionId", "prompt", "variableMapping", "sampling", "delayMs", "scoreName", "scoreDataType", "status"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "connectionId": {"type": "string"},
    "prompt": {"type": "string", "description": "judge prompt with {{variable}} placeholders"},
    "variableMapping": {"type": "array", "items": {"type": "object", "properties": {
      "variable": {"type": "string"},
      "source": {"type": "string", "description": "input, output, metadata, metadata.<key> or expected_output"},
      "jsonPath": {"type": "string"}, "observationName": {"type": "string"}}}},
    "filter": {"type": "array", "description": "conditions as in the filter parameter of GET /api/public/traces"},
    "sampling": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "delayMs": {"type": "integer", "minimum": 0},
    "scoreName": {"type": "string"}, "scoreDataType": {"type": "string", "enum": ["NUMERIC", "BOOLEAN", "CATEGORICAL"]},
    "scoreCategories": {"type": "array", "items": {"type": "string"}},
    "status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
  }
})";

constexpr const char* kListSchema = R"({"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}})";

constexpr const char* kStatusSchema = R"({
  "type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]}}
})";

constexpr const char* kExecutionsSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "string"}, "traceId": {"type": "string"},
    "status": {"type": "string", "enum": ["pending", "succeeded", "failed"]},
    "jobId": {"type": ["integer", "null"]}, "scoreId": {"type": ["string", "null"]},
    "error": {"type": ["string", "null"]}, "attempts": {"type": "integer"}}}},
    "meta": {"type": "object"}}
})";

constexpr const char* kRunEvaluationSchema = R"({
  "type": "object", "required": ["datasetName", "runName", "evaluator"],
  "properties": {
    "datasetName": {"type": "string"}, "runName": {"type": "string"},
    "evaluator": {"type": "object", "description": "{type: exact_match | regex | json_validity | contains | numeric_tolerance | levenshtein_similarity, ...options}"},
    "scoreName": {"type": "string", "description": "default: the evaluator type"}
  }
})";

constexpr const char* kRunEvaluationResultSchema = R"({
  "type": "object", "required": ["scored", "scores", "failures"],
  "properties": {
    "scored": {"type": "integer"},
    "scores": {"type": "array", "items": {"type": "object", "properties": {
      "datasetItemId": {"type": "string"}, "traceId": {"type": "string"}, "scoreId": {"type": "string"},
      "value": {"type": "number"}, "comment": {"type": "string"}}}},
    "failures": {"type": "array", "items": {"type": "object", "properties": {
      "datasetItemId": {"type": "string"}, "error": {"type": "string"}}}}
  }
})";

// Score events per ingestion call when scoring a run.
constexpr size_t kScoresPerBatch = 500;

Result<int64_t> AuthorizedProject(store::Connection& connection, const http::Request& request, accounts::Role role) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, role));
  return project_id;
}

Result<http::Response> CreateRuleRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(rule, ParseEvaluatorRule(request.body));
  TALLY_TRY(database.Write([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(llm, FindLlmConnection(connection, project_id, rule.connection_id));
    if (!llm) return Error::InvalidField("connectionId", fmt::format("LLM connection '{}' not found in this project",
                                                                     rule.connection_id));
    TALLY_ASSIGN_OR_RETURN(taken, connection.QueryOne("SELECT 1 FROM evaluator_rules WHERE project_id = ? AND name = ?",
                                                      {project_id, rule.name}));
    if (taken) return Error::Conflict(fmt::format("An evaluator rule named '{}' already exists", rule.name));
    const Micros now = NowMicros();
    rule.id = NewUuidV7();
    rule.project_id = project_id;
    rule.scanned_until = now;  // only traces ingested from now on
    rule.created_at = now;
    rule.updated_at = now;
    return InsertRule(connection, rule);
  }));
  TALLY_LOG_INFO("event=evaluator_rule_created request_id={} project_id={} rule_id={}", request.request_id,
                 rule.project_id, rule.id);
  return http::Response::Json(EvaluatorRuleJson(rule), 201);
}

Result<http::Response> ListRulesRoute(store::Database& database, const http::Request& request) {
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(rules, ListRules(connection, project_id));
    bj::array data;
    for (const EvaluatorRule& rule : rules) data.push_back(EvaluatorRuleJson(rule));
    return http::Response::Json(bj::object{{"data", std::move(data)}});
  });
}

Result<http::Response> GetRuleRoute(store::Database& database, const http::Request& request) {
  const std::string id = request.path_params.at("id");
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(rule, FindRule(connection, project_id, id));
    if (!rule) return Error::NotFound(fmt::format("Evaluator rule '{}' not found", id));
    return http::Response::Json(EvaluatorRuleJson(*rule));
  });
}

Result<http::Response> PatchRuleRoute(store::Database& database, const http::Request& request) {
  const std::string id = request.path_params.at("id");
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(status, json::RequireString(body, "status"));
  if (status != kRuleActive && status != kRuleInactive) return Error::InvalidField("status", "Use ACTIVE or INACTIVE");
  return database.Write([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(changed, SetRuleStatus(connection, project_id, id, status));
    if (!changed) return Error::NotFound(fmt::format("Evaluator rule '{}' not found", id));
    TALLY_ASSIGN_OR_RETURN(rule, FindRule(connection, project_id, id));
    return http::Response::Json(EvaluatorRuleJson(*rule));
  });
}

Result<http::Response> DeleteRuleRoute(store::Database& database, const http::Request& request) {
  const std::string id = request.path_params.at("id");
  TALLY_TRY(database.Write([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(deleted, DeleteRule(connection, project_id, id));
    if (!deleted) return Error::NotFound(fmt::format("Evaluator rule '{}' not found", id));
    return Ok();
  }));
  TALLY_LOG_INFO("event=evaluator_rule_deleted request_id={} rule_id={}", request.request_id, id);
  return http::Response::NoContent();
}

Result<http::Response> ListExecutionsRoute(store::Database& database, const http::Request& request) {
  const std::string id = request.path_params.at("id");
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(project_id, AuthorizedProject(connection, request, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(rule, FindRule(connection, project_id, id));
    if (!rule) return Error::NotFound(fmt::format("Evaluator rule '{}' not found", id));
    TALLY_ASSIGN_OR_RETURN(list, ListExecutions(connection, project_id, id, (page.page - 1) * page.limit, page.limit));
    bj::array data;
    for (const EvaluatorExecution& execution : list.first) data.push_back(EvaluatorExecutionJson(execution));
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", tracing::PageMeta(page, list.second)}});
  });
}

// ---------------------------------------------------------------------------
// Built-in evaluators over a dataset run

struct RunEvaluation {
  std::string dataset_name, run_name, score_name;
  BuiltinEvaluator evaluator;
};

Result<RunEvaluation> ParseRunEvaluation(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(text));
  RunEvaluation evaluation;
  TALLY_ASSIGN_OR_RETURN(dataset_name, json::RequireString(body, "datasetName"));
  TALLY_ASSIGN_OR_RETURN(run_name, json::RequireString(body, "runName"));
  const bj::value* config = body.if_contains("evaluator");
  if (!config) return Error::InvalidField("evaluator", "Required: an object such as {\"type\": \"exact_match\"}");
  auto evaluator = ParseBuiltinEvaluator(*config);
  if (!evaluator) {
    Error error = evaluator.error();
    for (FieldError& field : error.fields) {
      if (field.field != "evaluator") field.field = "evaluator." + field.field;
    }
    return error;
  }
  TALLY_ASSIGN_OR_RETURN(score_name, json::OptionalString(body, "scoreName"));
  evaluation.dataset_name = std::move(dataset_name);
  evaluation.run_name = std::move(run_name);
  evaluation.evaluator = std::move(*evaluator);
  evaluation.score_name = score_name && !score_name->empty() ? *score_name : evaluation.evaluator.type;
  return evaluation;
}

Result<http::Response> RunEvaluationRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(evaluation, ParseRunEvaluation(request.body));

  struct Scored {
    RunItemOutput output;
    bj::value expected;
  };
  std::vector<Scored> targets;
  int64_t project_id = 0;
  TALLY_TRY(database.Read([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(authorized, AuthorizedProject(connection, request, accounts::Role::kManager));
    project_id = authorized;
    TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetByName(connection, project_id, evaluation.dataset_name));
    if (!dataset) return Error::NotFound(fmt::format("Dataset '{}' not found", evaluation.dataset_name));
    TALLY_ASSIGN_OR_RETURN(run, FindRun(connection, project_id, *dataset, evaluation.run_name));
    if (!run) {
      return Error::NotFound(fmt::format("Dataset run '{}' not found in dataset '{}'", evaluation.run_name, dataset->name));
    }
    TALLY_ASSIGN_OR_RETURN(outputs, LoadRunOutputs(connection, project_id, *run));
    for (RunItemOutput& output : outputs) {
      TALLY_ASSIGN_OR_RETURN(item, FindDatasetItem(connection, project_id, output.run_item.dataset_item_id));
      targets.push_back(Scored{std::move(output), item ? ParseStoredJson(item->expected_output) : bj::value(nullptr)});
    }
    return Ok();
  }));

  bj::array events, scores, failures;
  for (const Scored& target : targets) {
    const DatasetRunItem& run_item = target.output.run_item;
    auto score = EvaluateBuiltin(evaluation.evaluator, target.output.output, target.expected);
    if (!score) {
      failures.push_back(bj::object{{"datasetItemId", run_item.dataset_item_id}, {"error", score.error().message}});
      continue;
    }
    // One score per (run item, score name): evaluating the run again replaces it.
    const std::string score_id = "builtin-" + Sha256Hex(run_item.id + ":" + evaluation.score_name).substr(0, 32);
    bj::object body{{"id", score_id},
                    {"traceId", run_item.trace_id},
                    {"name", evaluation.score_name},
                    {"value", score->value},
                    {"dataType", score->data_type},
                    {"source", "EVAL"},
                    {"comment", score->comment},
                    {"metadata", {{"evaluator", evaluation.evaluator.type}, {"datasetRunId", run_item.dataset_run_id}}}};
    if (run_item.observation_id) body["observationId"] = *run_item.observation_id;
    events.push_back(bj::object{{"id", score_id + "-event"},
                                {"type", "score-create"},
                                {"timestamp", FormatIsoMillis(NowMicros())},
                                {"body", std::move(body)}});
    scores.push_back(bj::object{{"datasetItemId", run_item.dataset_item_id},
                                {"traceId", run_item.trace_id},
                                {"scoreId", score_id},
                                {"value", score->value},
                                {"comment", score->comment}});
  }
  for (size_t begin = 0; begin < events.size(); begin += kScoresPerBatch) {
    const size_t end = std::min(events.size(), begin + kScoresPerBatch);
    bj::array batch(events.begin() + begin, events.begin() + end);
    TALLY_ASSIGN_OR_RETURN(ingested, tracing::IngestBatch(database, project_id, batch, false));
    if (!ingested.errors.empty()) {
      return Error::Internal(fmt::format("built-in score rejected by ingestion: {}", ingested.errors[0].error));
    }
  }

  TALLY_LOG_INFO("event=dataset_run_evaluated request_id={} project_id={} evaluator={} scored={} failed={}",
                 request.request_id, project_id, evaluation.evaluator.type, scores.size(), failures.size());
  return http::Response::Json(bj::object{{"scored", static_cast<int64_t>(scores.size())},
                                         {"scores", std::move(scores)},
                                         {"failures", std::move(failures)}});
}

}  // namespace

void AddEvaluatorRoutes(http::Router& router, store::Database& database) {
  auto bind = [&database](Result<http::Response> (*handler)(store::Database&, const http::Request&)) {
    return [&database, handler](http::Request& request) { return handler(database, request); };
  };
  const std::string base = "/api/evals/{project_id:int}/evaluators";
  router.Add({.method = "POST", .pattern = base, .auth = http::Auth::kUser,
              .doc = {.summary = "Create an LLM-as-a-judge evaluator rule for traces ingested from now on",
                      .tag = "Evaluators", .request_schema = kRuleSchema, .response_schema = kRuleSchema,
                      .success_status = 201},
              .handler = bind(CreateRuleRoute)});
  router.Add({.method = "GET", .pattern = base, .auth = http::Auth::kUser,
              .doc = {.summary = "List the project's evaluator rules", .tag = "Evaluators", .response_schema = kListSchema},
              .handler = bind(ListRulesRoute)});
  router.Add({.method = "GET", .pattern = base + "/{id}", .auth = http::Auth::kUser,
              .doc = {.summary = "Get an evaluator rule", .tag = "Evaluators", .response_schema = kRuleSchema},
              .handler = bind(GetRuleRoute)});
  router.Add({.method = "PATCH", .pattern = base + "/{id}", .auth = http::Auth::kUser,
              .doc = {.summary = "Activate or deactivate an evaluator rule", .tag = "Evaluators",
                      .request_schema = kStatusSchema, .response_schema = kRuleSchema},
              .handler = bind(PatchRuleRoute)});
  router.Add({.method = "DELETE", .pattern = base + "/{id}", .auth = http::Auth::kUser,
              .doc = {.summary = "Delete an evaluator rule and its executions; its scores stay", .tag = "Evaluators",
                      .success_status = 204},
              .handler = bind(DeleteRuleRoute)});
  router.Add({.method = "GET", .pattern = base + "/{id}/executions", .auth = http::Auth::kUser,
              .doc = {.summary = "List a rule's executions with their job, score or error, newest first",
                      .tag = "Evaluators", .response_schema = kExecutionsSchema, .query = {"page", "limit"}},
              .handler = bind(ListExecutionsRoute)});
  router.Add({.method = "POST", .pattern = "/api/evals/{project_id:int}/datasets/run-evaluations",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Score every item of a dataset run with a built-in evaluator",
                      .tag = "Evaluators", .request_schema = kRunEvaluationSchema,
                      .response_schema = kRunEvaluationResultSchema},
              .handler = bind(RunEvaluationRoute)});
}

}  // namespace tally::evals
