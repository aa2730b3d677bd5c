#include "evals/evaluators.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "tracing/filter.h"
#include "tracing/trace_store.h"

namespace tally::evals {

namespace bj = boost::json;
using store::OrNull;
using store::Row;

namespace {

constexpr const char* kRuleColumns =
    "id, project_id, name, connection_id, prompt, variable_mapping, filter, sampling, delay_ms, score_name, "
    "score_data_type, score_categories, status, scanned_until, created_at, updated_at";

constexpr const char* kExecutionColumns =
    "id, rule_id, trace_id, status, job_id, score_id, error, attempts, created_at, updated_at";

// A judge may wait at most a day after the trace arrives.
constexpr int64_t kMaxDelayMs = 24LL * 3600 * 1000;

bj::array MappingJson(const std::vector<VariableMapping>& mappings) {
  bj::array out;
  for (const VariableMapping& mapping : mappings) {
    bj::object entry{{"variable", mapping.variable}, {"source", mapping.source}};
    if (mapping.json_path) entry["jsonPath"] = *mapping.json_path;
    if (mapping.observation_name) entry["observationName"] = *mapping.observation_name;
    out.push_back(std::move(entry));
  }
  return out;
}

bool KnownSource(const std::string& source) {
  return source == "input" || source == "output" || source == "metadata" || source == "expected_output" ||
         (source.starts_with("metadata.") && source.size() > 9);
}

Result<std::vector<VariableMapping>> ParseMappings(const bj::value* value) {
  if (!value || !value->is_array()) {
    return Error::InvalidField("variableMapping", "Send an array of {variable, source, jsonPath?, observationName?}");
  }
  std::vector<VariableMapping> mappings;
  for (size_t i = 0; i < value->as_array().size(); ++i) {
    const std::string field = fmt::format("variableMapping.{}", i);
    const bj::value& entry = value->as_array()[i];
    if (!entry.is_object()) return Error::InvalidField(field, "Expected an object {variable, source}");
    const bj::object& object = entry.as_object();
    VariableMapping mapping;
    auto variable = json::RequireString(object, "variable");
    if (!variable) return Error::InvalidField(field + ".variable", "Required: the template variable's name");
    mapping.variable = *variable;
    auto source = json::RequireString(object, "source");
    if (!source || !KnownSource(*source)) {
      return Error::InvalidField(field + ".source",
                                 "Use input, output, metadata, metadata.<key> or expected_output");
    }
    mapping.source = *source;
    auto json_path = json::OptionalString(object, "jsonPath");
    if (!json_path) return Error::InvalidField(field + ".jsonPath", "Expected a string such as $.answer");
    if (*json_path && !(*json_path)->starts_with('$')) {
      return Error::InvalidField(field + ".jsonPath", "Must start with '$', e.g. $.answer");
    }
    mapping.json_path = *json_path;
    auto observation_name = json::OptionalString(object, "observationName");
    if (!observation_name) return Error::InvalidField(field + ".observationName", "Expected an observation name");
    mapping.observation_name = *observation_name;
    mappings.push_back(std::move(mapping));
  }
  return mappings;
}

Result<ScoreDefinition> ParseScoreDefinition(const bj::object& body) {
  ScoreDefinition definition;
  TALLY_ASSIGN_OR_RETURN(data_type, json::OptionalString(body, "scoreDataType"));
  definition.data_type = data_type.value_or(kNumeric);
  if (definition.data_type != kNumeric && definition.data_type != kBoolean && definition.data_type != kCategorical) {
    return Error::InvalidField("scoreDataType", "Use NUMERIC, BOOLEAN or CATEGORICAL");
  }
  const bj::value* categories = body.if_contains("scoreCategories");
  if (definition.data_type == kCategorical) {
    if (!categories || !categories->is_array() || categories->as_array().empty()) {
      return Error::InvalidField("scoreCategories", "CATEGORICAL scores need a non-empty array of category names");
    }
    for (const bj::value& category : categories->as_array()) {
      if (!category.is_string() || category.as_string().empty()) {
        return Error::InvalidField("scoreCategories", "Each category must be a non-empty string");
      }
      definition.categories.emplace_back(category.as_string());
    }
  }
  return definition;
}

// Every template variable needs a mapping and every mapping a variable, so a
// typo fails when the rule is saved rather than in each judge call.
Result<void> CheckMappingsCoverTemplate(const std::string& prompt, const std::vector<VariableMapping>& mappings) {
  const std::vector<std::string> variables = TemplateVariables(prompt);
  for (const std::string& variable : variables) {
    bool mapped = false;
    for (const VariableMapping& mapping : mappings) mapped = mapped || mapping.variable == variable;
    if (!mapped) {
      return Error::InvalidField("variableMapping",
                                 fmt::format("Template variable '{}' has no mapping; add {{\"variable\": \"{}\", "
                                             "\"source\": \"input\"}} or similar",
                                             variable, variable));
    }
  }
  for (const VariableMapping& mapping : mappings) {
    if (std::find(variables.begin(), variables.end(), mapping.variable) == variables.end()) {
      return Error::InvalidField("variableMapping",
                                 fmt::format("Variable '{}' does not appear in the prompt as {{{{{}}}}}", mapping.variable,
                                             mapping.variable));
    }
  }
  return Ok();
}

EvaluatorRule RuleFromRow(const Row& row) {
  EvaluatorRule rule{.id = row.Text(0),
                     .project_id = row.Int(1),
                     .name = row.Text(2),
                     .connection_id = row.Text(3),
                     .prompt = row.Text(4),
                     .filter = row.Text(6),
                     .sampling = row.Double(7),
                     .delay_ms = row.Int(8),
                     .score_name = row.Text(9),
                     .status = row.Text(12),
                     .scanned_until = row.Int(13),
                     .created_at = row.Int(14),
                     .updated_at = row.Int(15)};
  rule.score.data_type = row.Text(10);
  // Both JSON columns were written by InsertRule from checked values.
  const bj::value mappings = bj::parse(row.Text(5));
  if (auto parsed = ParseMappings(&mappings)) rule.variables = std::move(*parsed);
  if (auto categories = row.OptionalText(11)) {
    for (const bj::value& category : bj::parse(*categories).as_array()) {
      rule.score.categories.emplace_back(category.as_string());
    }
  }
  return rule;
}

EvaluatorExecution ExecutionFromRow(const Row& row) {
  return EvaluatorExecution{.id = row.Text(0),
                            .rule_id = row.Text(1),
                            .trace_id = row.Text(2),
                            .status = row.Text(3),
                            .job_id = row.OptionalInt(4),
                            .score_id = row.OptionalText(5),
                            .error = row.OptionalText(6),
                            .attempts = row.Int(7),
                            .created_at = row.Int(8),
                            .updated_at = row.Int(9)};
}

bj::value OptionalText(const std::optional<std::string>& text) { return text ? bj::value(*text) : bj::value(nullptr); }

}  // namespace

Result<EvaluatorRule> ParseEvaluatorRule(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(text));
  EvaluatorRule rule;
  for (auto [key, target] : {std::pair{"name", &rule.name}, std::pair{"connectionId", &rule.connection_id},
                             std::pair{"prompt", &rule.prompt}, std::pair{"scoreName", &rule.score_name}}) {
    TALLY_ASSIGN_OR_RETURN(value, json::RequireString(body, key));
    if (value.empty()) return Error::InvalidField(key, "Must not be empty");
    *target = std::move(value);
  }
  TALLY_ASSIGN_OR_RETURN(mappings, ParseMappings(body.if_contains("variableMapping")));
  rule.variables = std::move(mappings);
  TALLY_TRY(CheckMappingsCoverTemplate(rule.prompt, rule.variables));

  if (const bj::value* filter = body.if_contains("filter"); filter && !filter->is_null()) {
    rule.filter = json::Serialize(*filter);
    auto parsed = tracing::ParseFilter(rule.filter, tracing::TraceFilterColumns());
    if (!parsed) {
      Error error = parsed.error();
      if (error.fields.empty()) error.fields.push_back({"filter", error.message});
      return error;
    }
  }
  TALLY_ASSIGN_OR_RETURN(sampling, json::OptionalNumber(body, "sampling"));
  rule.sampling = sampling.value_or(1);
  if (!(rule.sampling > 0 && rule.sampling <= 1)) {
    return Error::InvalidField("sampling", "Must be a fraction greater than 0 and at most 1");
  }
  TALLY_ASSIGN_OR_RETURN(delay_ms, json::OptionalInt(body, "delayMs"));
  rule.delay_ms = delay_ms.value_or(10000);
  if (rule.delay_ms < 0 || rule.delay_ms > kMaxDelayMs) {
    return Error::InvalidField("delayMs", fmt::format("Must be between 0 and {} milliseconds", kMaxDelayMs));
  }
  TALLY_ASSIGN_OR_RETURN(score, ParseScoreDefinition(body));
  rule.score = std::move(score);
  TALLY_ASSIGN_OR_RETURN(status, json::OptionalString(body, "status"));
  rule.status = status.value_or(kRuleActive);
  if (rule.status != kRuleActive && rule.status != kRuleInactive) {
    return Error::InvalidField("status", "Use ACTIVE or INACTIVE");
  }
  return rule;
}

Result<void> InsertRule(store::Connection& connection, const EvaluatorRule& rule) {
  std::optional<std::string> categories;
  if (rule.score.data_type == kCategorical) {
    bj::array list;
    for (const std::string& category : rule.score.categories) list.push_back(bj::value(category));
    categories = json::Serialize(list);
  }
  TALLY_TRY(connection.Execute(
      fmt::format("INSERT INTO evaluator_rules ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kRuleColumns),
      {rule.id, rule.project_id, rule.name, rule.connection_id, rule.prompt, json::Serialize(MappingJson(rule.variables)),
       rule.filter, rule.sampling, rule.delay_ms, rule.score_name, rule.score.data_type, OrNull(categories), rule.status,
       rule.scanned_until, rule.created_at, rule.updated_at}));
  return Ok();
}

Result<std::optional<EvaluatorRule>> FindRule(store::Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM evaluator_rules WHERE project_id = ? "
                                                              "AND id = ?",
                                                              kRuleColumns),
                                                  {project_id, id}));
  if (!row) return std::optional<EvaluatorRule>();
  return std::optional<EvaluatorRule>(RuleFromRow(*row));
}

Result<std::vector<EvaluatorRule>> ListRules(store::Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM evaluator_rules WHERE project_id = ? "
                                                            "ORDER BY name",
                                                            kRuleColumns),
                                                {project_id}));
  std::vector<EvaluatorRule> rules;
  for (const Row& row : rows) rules.push_back(RuleFromRow(row));
  return rules;
}

Result<std::vector<EvaluatorRule>> ListActiveRules(store::Connection& connection) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM evaluator_rules WHERE status = 'ACTIVE' "
                                                            "ORDER BY project_id, id",
                                                            kRuleColumns)));
  std::vector<EvaluatorRule> rules;
  for (const Row& row : rows) rules.push_back(RuleFromRow(row));
  return rules;
}

Result<bool> SetRuleStatus(store::Connection& connection, int64_t project_id, const std::string& id,
                           const std::string& status) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("UPDATE evaluator_rules SET status = ?, updated_at = ? "
                                                     "WHERE project_id = ? AND id = ?",
                                                     {status, NowMicros(), project_id, id}));
  return changed > 0;
}

Result<bool> DeleteRule(store::Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_TRY(connection.Execute("DELETE FROM evaluator_executions WHERE project_id = ? AND rule_id = ?", {project_id, id}));
  TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM evaluator_rules WHERE project_id = ? AND id = ?",
                                                     {project_id, id}));
  return deleted > 0;
}

Result<std::optional<EvaluatorExecution>> FindExecution(store::Connection& connection, int64_t project_id,
                                                        const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM evaluator_executions WHERE "
                                                              "project_id = ? AND id = ?",
                                                              kExecutionColumns),
                                                  {project_id, id}));
  if (!row) return std::optional<EvaluatorExecution>();
  return std::optional<EvaluatorExecution>(ExecutionFromRow(*row));
}

Result<std::pair<std::vector<EvaluatorExecution>, int64_t>> ListExecutions(store::Connection& connection,
                                                                          int64_t project_id, const std::string& rule_id,
                                                                          int64_t offset, int64_t limit) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM evaluator_executions WHERE project_id = ? "
                                                            "AND rule_id = ? ORDER BY created_at DESC, id DESC "
                                                            "LIMIT ? OFFSET ?",
                                                            kExecutionColumns),
                                                {project_id, rule_id, limit, offset}));
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(*) FROM evaluator_executions WHERE project_id = ? "
                                                    "AND rule_id = ?",
                                                    {project_id, rule_id}));
  std::vector<EvaluatorExecution> executions;
  for (const Row& row : rows) executions.push_back(ExecutionFromRow(row));
  return std::make_pair(std::move(executions), count ? count->Int(0) : 0);
}

Result<void> RecordExecution(store::Connection& connection, int64_t project_id, const std::string& id,
                             const std::string& status, const std::optional<std::string>& score_id,
                             const std::optional<std::string>& error) {
  TALLY_TRY(connection.Execute("UPDATE evaluator_executions SET status = ?, score_id = ?, error = ?, "
                               "attempts = attempts + 1, updated_at = ? WHERE project_id = ? AND id = ?",
                               {status, OrNull(score_id), OrNull(error), NowMicros(), project_id, id}));
  return Ok();
}

bj::object EvaluatorRuleJson(const EvaluatorRule& rule) {
  bj::array categories;
  for (const std::string& category : rule.score.categories) categories.push_back(bj::value(category));
  return bj::object{{"id", rule.id},
                    {"name", rule.name},
                    {"connectionId", rule.connection_id},
                    {"prompt", rule.prompt},
                    {"variableMapping", MappingJson(rule.variables)},
                    {"filter", bj::parse(rule.filter)},
                    {"sampling", rule.sampling},
                    {"delayMs", rule.delay_ms},
                    {"scoreName", rule.score_name},
                    {"scoreDataType", rule.score.data_type},
                    {"scoreCategories", std::move(categories)},
                    {"status", rule.status},
                    {"createdAt", FormatIsoMillis(rule.created_at)},
                    {"updatedAt", FormatIsoMillis(rule.updated_at)}};
}

bj::object EvaluatorExecutionJson(const EvaluatorExecution& execution) {
  return bj::object{{"id", execution.id},
                    {"ruleId", execution.rule_id},
                    {"traceId", execution.trace_id},
                    {"status", execution.status},
                    {"jobId", execution.job_id ? bj::value(*execution.job_id) : bj::value(nullptr)},
                    {"scoreId", OptionalText(execution.score_id)},
                    {"error", OptionalText(execution.error)},
                    {"attempts", execution.attempts},
                    {"createdAt", FormatIsoMillis(execution.created_at)},
                    {"updatedAt", FormatIsoMillis(execution.updated_at)}};
}

}  // namespace tally::evals
