// Evaluator rules (LLM-as-a-judge) and their executions: storage, request
// parsing and JSON shapes.
//
// A rule names an LLM connection, a prompt template whose {{variables}} map
// to fields of the evaluated trace, a target filter over traces (the
// `filter` conditions of GET /api/public/traces), a sampling rate, a delay
// and the score it writes. The scheduler (evaluators_jobs.h) creates one
// execution per (rule, matching trace); the execution records the job, the
// written score or the error.
//
// Variable sources: "input", "output", "metadata" (the whole object),
// "metadata.<key>" (one key), "expected_output" (of the dataset item the
// trace ran for, through a dataset run item). An optional "jsonPath"
// ("$.a.b[0]") selects inside the value, and an optional "observationName"
// reads the first observation of that name in the trace instead of the trace.
//
// Thread-safety: free functions over the connection they are given.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "evals/evaluators_judge.h"
#include "store/database.h"

namespace tally::evals {

struct VariableMapping {
  std::string variable;
  std::string source;  // input, output, metadata, metadata.<key>, expected_output
  std::optional<std::string> json_path;
  std::optional<std::string> observation_name;
};

inline constexpr const char* kRuleActive = "ACTIVE";
inline constexpr const char* kRuleInactive = "INACTIVE";

struct EvaluatorRule {
  std::string id;
  int64_t project_id = 0;
  std::string name;
  std::string connection_id;
  std::string prompt;
  std::vector<VariableMapping> variables;
  std::string filter = "[]";  // JSON text of the filter conditions
  double sampling = 1;        // fraction of matching traces, 0 < sampling ≤ 1
  int64_t delay_ms = 0;
  std::string score_name;
  ScoreDefinition score;
  std::string status = kRuleActive;
  Micros scanned_until = 0;
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct EvaluatorExecution {
  std::string id;
  std::string rule_id;
  std::string trace_id;
  std::string status;  // pending, succeeded, failed, skipped
  std::optional<int64_t> job_id;
  std::optional<std::string> score_id;
  std::optional<std::string> error;
  int64_t attempts = 0;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// Parses a POST body into a rule (project, ids and times unset). Fails with
// kInvalidArgument naming the field for a missing name, connection, prompt
// or score name, and for a template variable without a mapping or a mapping
// without a variable. The same holds for an unknown source, a sampling rate
// outside (0, 1], a negative delay, an unknown data type, CATEGORICAL
// without categories, and a filter that GET /api/public/traces rejects.
[[nodiscard]] Result<EvaluatorRule> ParseEvaluatorRule(const std::string& body);

[[nodiscard]] Result<void> InsertRule(store::Connection& connection, const EvaluatorRule& rule);
[[nodiscard]] Result<std::optional<EvaluatorRule>> FindRule(store::Connection& connection, int64_t project_id,
                                                            const std::string& id);
[[nodiscard]] Result<std::vector<EvaluatorRule>> ListRules(store::Connection& connection, int64_t project_id);
// Every active rule of every project, for the scheduler.
[[nodiscard]] Result<std::vector<EvaluatorRule>> ListActiveRules(store::Connection& connection);
// Sets ACTIVE or INACTIVE; false when there is no such rule.
[[nodiscard]] Result<bool> SetRuleStatus(store::Connection& connection, int64_t project_id, const std::string& id,
                                         const std::string& status);
// Deletes the rule and its executions (scores it wrote stay); false when
// there was no such rule.
[[nodiscard]] Result<bool> DeleteRule(store::Connection& connection, int64_t project_id, const std::string& id);

[[nodiscard]] Result<std::optional<EvaluatorExecution>> FindExecution(store::Connection& connection, int64_t project_id,
                                                                      const std::string& id);
// Executions of a rule, newest first.
[[nodiscard]] Result<std::pair<std::vector<EvaluatorExecution>, int64_t>> ListExecutions(
    store::Connection& connection, int64_t project_id, const std::string& rule_id, int64_t offset, int64_t limit);
// Records an attempt's outcome. `error` empty on success.
[[nodiscard]] Result<void> RecordExecution(store::Connection& connection, int64_t project_id, const std::string& id,
                                           const std::string& status, const std::optional<std::string>& score_id,
                                           const std::optional<std::string>& error);

boost::json::object EvaluatorRuleJson(const EvaluatorRule& rule);
boost::json::object EvaluatorExecutionJson(const EvaluatorExecution& execution);

}  // namespace tally::evals
