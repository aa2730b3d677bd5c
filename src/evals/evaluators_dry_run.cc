// A dry run of an LLM-as-a-judge rule on one trace. The rule as the editor
// contains it (saved or not) is filled from the trace and sent to its LLM
// connection. The rendered prompt and the verdict are returned, and no
// score or execution is stored, so authors see what the judge reads and
// returns before the rule scores real traffic.
#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/json.h"
#include "core/log.h"
#include "evals/evaluators.h"
#include "evals/evaluators_jobs.h"
#include "evals/evaluators_judge.h"
#include "evals/evaluators_routes.h"
#include "evals/llm_connections.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr const char* kDryRunRequestSchema = R"({
  "type": "object", "required": ["traceId", "connectionId", "prompt", "variableMapping", "scoreDataType"],
  "description": "the fields of an evaluator rule (name and scoreName may be left out) plus the trace to judge",
  "properties": {
    "traceId": {"type": "string"}, "connectionId": {"type": "string"},
    "prompt": {"type": "string"}, "variableMapping": {"type": "array"},
    "scoreDataType": {"type": "string", "enum": ["NUMERIC", "BOOLEAN", "CATEGORICAL"]},
    "scoreCategories": {"type": "array", "items": {"type": "string"}}
  }
})";

constexpr const char* kDryRunResponseSchema = R"({
  "type": "object", "required": ["traceId", "variables", "prompt", "verdict", "error"],
  "properties": {
    "traceId": {"type": "string"},
    "variables": {"type": "object", "description": "variable name to the text inserted for it"},
    "prompt": {"type": "string", "description": "the template with every variable filled, as sent to the judge"},
    "verdict": {"type": ["object", "null"], "properties": {
      "value": {"type": ["number", "null"]}, "stringValue": {"type": ["string", "null"]},
      "reasoning": {"type": "string"}}},
    "error": {"type": ["string", "null"], "description": "why the judge gave no verdict: an HTTP error, a timeout or an unreadable reply"}
  }
})";

// Placeholder names for a rule that has none yet; a dry run stores nothing,
// so they are never seen outside this request.
constexpr const char* kUnsavedRuleName = "dry run";

struct DryRunRequest {
  std::string trace_id;
  EvaluatorRule rule;
};

Result<DryRunRequest> ParseDryRun(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(text));
  TALLY_ASSIGN_OR_RETURN(trace_id, json::RequireString(body, "traceId"));
  if (trace_id.empty()) return Error::InvalidField("traceId", "Must not be empty: name the trace to judge");
  body.erase("traceId");
  for (const char* key : {"name", "scoreName"}) {
    const bj::value* value = body.if_contains(key);
    if (!value || (value->is_string() && value->as_string().empty())) body[key] = kUnsavedRuleName;
  }
  TALLY_ASSIGN_OR_RETURN(rule, ParseEvaluatorRule(json::Serialize(body)));
  return DryRunRequest{.trace_id = std::move(trace_id), .rule = std::move(rule)};
}

struct JudgeMaterial {
  LlmConnection llm;
  std::map<std::string, std::string> variables;
};

// Checks the caller, the connection and the trace, and reads every mapped
// variable from the trace, in one read transaction.
Result<JudgeMaterial> LoadMaterial(store::Database& database, const http::Request& request, int64_t project_id,
                                   const DryRunRequest& dry_run) {
  return database.Read([&](store::Connection& connection) -> Result<JudgeMaterial> {
    // The manager role, as for creating a rule: a dry run spends the
    // connection's credits.
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(llm, FindLlmConnection(connection, project_id, dry_run.rule.connection_id));
    if (!llm) {
      return Error::InvalidField("connectionId",
                                 fmt::format("LLM connection '{}' not found in this project", dry_run.rule.connection_id));
    }
    TALLY_ASSIGN_OR_RETURN(trace, connection.QueryOne("SELECT 1 FROM traces WHERE project_id = ? AND id = ?",
                                                      {project_id, dry_run.trace_id}));
    if (!trace) return Error::NotFound(fmt::format("Trace '{}' not found in this project", dry_run.trace_id));
    JudgeMaterial material{.llm = std::move(*llm)};
    for (const VariableMapping& mapping : dry_run.rule.variables) {
      auto value = ReadVariable(connection, project_id, dry_run.trace_id, mapping);
      if (!value) {
        return Error::InvalidField("variableMapping", fmt::format("Variable '{}': {}", mapping.variable,
                                                                  value.error().message));
      }
      material.variables[mapping.variable] = TemplateText(*value);
    }
    return material;
  });
}

bj::value VerdictJson(const JudgeVerdict& verdict) {
  return bj::object{{"value", verdict.value ? bj::value(*verdict.value) : bj::value(nullptr)},
                    {"stringValue", verdict.string_value ? bj::value(*verdict.string_value) : bj::value(nullptr)},
                    {"reasoning", verdict.reasoning}};
}

Result<http::Response> DryRunRoute(store::Database& database, const core::SecretBox& secret_box,
                                   const integrations::OutboundClient& client, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(dry_run, ParseDryRun(request.body));
  TALLY_ASSIGN_OR_RETURN(material, LoadMaterial(database, request, project_id, dry_run));

  const std::string prompt = RenderTemplate(dry_run.rule.prompt, material.variables);
  // The judge is called outside the transaction: it may take the
  // connection's whole timeout.
  auto verdict = CallJudge(material.llm, prompt, dry_run.rule.score, secret_box, client);
  if (!verdict) {
    TALLY_LOG_WARN("event=evaluator_dry_run_failed request_id={} project_id={} trace_id={} error=\"{}\" detail=\"{}\"",
                   request.request_id, project_id, dry_run.trace_id, verdict.error().message, verdict.error().detail);
  } else {
    TALLY_LOG_INFO("event=evaluator_dry_run request_id={} project_id={} trace_id={} connection_id={}",
                   request.request_id, project_id, dry_run.trace_id, material.llm.id);
  }

  bj::object variables;
  for (const auto& [name, text] : material.variables) variables[name] = text;
  return http::Response::Json(bj::object{{"traceId", dry_run.trace_id},
                                         {"variables", std::move(variables)},
                                         {"prompt", prompt},
                                         {"verdict", verdict ? VerdictJson(*verdict) : bj::value(nullptr)},
                                         {"error", verdict ? bj::value(nullptr) : bj::value(verdict.error().message)}});
}

}  // namespace

void AddEvaluatorDryRunRoute(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                             const integrations::OutboundClient& client) {
  router.Add({.method = "POST",
              .pattern = "/api/evals/{project_id:int}/evaluators/dry-run",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Judge one trace with a rule's template and connection without storing a score",
                      .tag = "Evaluators",
                      .request_schema = kDryRunRequestSchema,
                      .response_schema = kDryRunResponseSchema},
              .handler = [&database, &secret_box, &client](http::Request& request) {
                return DryRunRoute(database, secret_box, client, request);
              }});
}

}  // namespace tally::evals
