#include "evals/evaluators_jobs.h"

#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "evals/datasets.h"
#include "evals/evaluators.h"
#include "evals/llm_connections.h"
#include "jobs/job_queue.h"
#include "tracing/filter.h"
#include "tracing/ingestion.h"
#include "tracing/trace_store.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Row;

namespace {

// Judge replies larger than this are not chat completions worth reading.
constexpr size_t kMaxJudgeResponseBytes = 1 << 20;

// ---------------------------------------------------------------------------
// Scheduling

// The rule's deterministic sampling decision for a trace.
bool Sampled(const EvaluatorRule& rule, const std::string& trace_id) {
  if (rule.sampling >= 1) return true;
  const std::string digest = Sha256Hex(rule.id + ":" + trace_id);
  const double draw = static_cast<double>(std::stoull(digest.substr(0, 8), nullptr, 16)) / 4294967296.0;
  return draw < rule.sampling;
}

// Judge traces live in the environment "langfuse-llm-as-a-judge", which
// ingestion stores as "llm-as-a-judge"; evaluating them could loop.
bool EvaluatesEnvironment(const std::string& environment) {
  return !environment.starts_with("langfuse") && environment != "llm-as-a-judge";
}

Result<bool> MatchesFilter(store::Connection& connection, const EvaluatorRule& rule,
                           const std::vector<tracing::FilterCondition>& filters, const std::string& trace_id) {
  if (filters.empty()) return true;
  tracing::TraceQuery query;
  query.page = tracing::Page{.page = 1, .limit = 1};
  query.filters = filters;
  query.filters.push_back(tracing::FilterCondition{.type = "string", .column = "id", .op = "=", .value = bj::value(trace_id)});
  TALLY_ASSIGN_OR_RETURN(list, tracing::ListTraces(connection, rule.project_id, query));
  return !list.rows.empty();
}

// Scans one rule in one write transaction; returns the executions created.
Result<int> ScanRule(store::Database& database, const EvaluatorRule& rule, const SchedulerOptions& options) {
  TALLY_ASSIGN_OR_RETURN(filters, tracing::ParseFilter(rule.filter, tracing::TraceFilterColumns()));
  const Micros horizon = NowMicros() - std::chrono::duration_cast<std::chrono::microseconds>(options.settle).count();
  return database.Write([&](store::Connection& connection) -> Result<int> {
    TALLY_ASSIGN_OR_RETURN(candidates, connection.Query("SELECT id, environment, created_at FROM traces "
                                                        "WHERE project_id = ? AND created_at > ? AND created_at <= ? "
                                                        "ORDER BY created_at, id LIMIT ?",
                                                        {rule.project_id, rule.scanned_until, horizon,
                                                         static_cast<int64_t>(options.batch)}));
    if (candidates.empty()) return 0;
    TALLY_ASSIGN_OR_RETURN(project, accounts::FindProjectRef(connection, rule.project_id));
    if (!project) return 0;

    int created = 0;
    Micros scanned_until = rule.scanned_until;
    for (const Row& candidate : candidates) {
      const std::string trace_id = candidate.Text(0);
      scanned_until = std::max(scanned_until, candidate.Int(2));
      if (!EvaluatesEnvironment(candidate.Text(1)) || !Sampled(rule, trace_id)) continue;
      TALLY_ASSIGN_OR_RETURN(matches, MatchesFilter(connection, rule, filters, trace_id));
      if (!matches) continue;

      const std::string execution_id = NewUuidV7();
      const Micros now = NowMicros();
      TALLY_ASSIGN_OR_RETURN(inserted, connection.Execute(
                                           "INSERT INTO evaluator_executions (project_id, id, rule_id, trace_id, status, "
                                           "created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?) "
                                           "ON CONFLICT (project_id, rule_id, trace_id) DO NOTHING",
                                           {rule.project_id, execution_id, rule.id, trace_id, now, now}));
      if (inserted == 0) continue;  // another process took this trace
      jobs::EnqueueOptions enqueue{.organization_id = project->organization_id,
                                   .project_id = rule.project_id,
                                   .max_attempts = kJudgeAttempts,
                                   .delay = std::chrono::milliseconds(rule.delay_ms)};
      TALLY_ASSIGN_OR_RETURN(job_id, jobs::JobQueue::EnqueueIn(connection, kEvaluatorJobKind,
                                                               bj::object{{"projectId", rule.project_id},
                                                                          {"executionId", execution_id}},
                                                               enqueue));
      TALLY_TRY(connection.Execute("UPDATE evaluator_executions SET job_id = ? WHERE project_id = ? AND id = ?",
                                   {job_id, rule.project_id, execution_id}));
      ++created;
    }
    TALLY_TRY(connection.Execute("UPDATE evaluator_rules SET scanned_until = ? WHERE project_id = ? AND id = ? "
                                 "AND scanned_until < ?",
                                 {scanned_until, rule.project_id, rule.id, scanned_until}));
    return created;
  });
}

// ---------------------------------------------------------------------------
// Judging

struct JudgeInputs {
  EvaluatorExecution execution;
  EvaluatorRule rule;
  LlmConnection llm;
  std::map<std::string, std::string> variables;
};

}  // namespace

Result<bj::value> ReadVariable(store::Connection& connection, int64_t project_id, const std::string& trace_id,
                               const VariableMapping& mapping) {
  std::optional<std::string> text;
  if (mapping.source == "expected_output") {
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT i.expected_output FROM dataset_run_items r JOIN "
                                                    "dataset_items i ON i.project_id = r.project_id AND "
                                                    "i.id = r.dataset_item_id WHERE r.project_id = ? AND "
                                                    "r.trace_id = ? ORDER BY r.created_at DESC LIMIT 1",
                                                    {project_id, trace_id}));
    if (row) text = row->OptionalText(0);
  } else {
    const std::string column = mapping.source.starts_with("metadata") ? "metadata" : mapping.source;
    std::optional<Row> row;
    if (mapping.observation_name) {
      TALLY_ASSIGN_OR_RETURN(found, connection.QueryOne(fmt::format("SELECT {} FROM observations WHERE project_id = ? "
                                                                    "AND trace_id = ? AND name = ? "
                                                                    "ORDER BY start_time, id LIMIT 1",
                                                                    column),
                                                        {project_id, trace_id, *mapping.observation_name}));
      row = std::move(found);
    } else {
      TALLY_ASSIGN_OR_RETURN(found, connection.QueryOne(fmt::format("SELECT {} FROM traces WHERE project_id = ? AND "
                                                                    "id = ?",
                                                                    column),
                                                        {project_id, trace_id}));
      row = std::move(found);
    }
    if (row) text = row->OptionalText(0);
  }

  bj::value value = ParseStoredJson(text);
  if (mapping.source.starts_with("metadata.")) {
    const std::string key = mapping.source.substr(9);
    const bj::value* entry = value.is_object() ? value.as_object().if_contains(key) : nullptr;
    value = entry ? *entry : bj::value(nullptr);
  }
  if (mapping.json_path) {
    // A JSON text stored inside a string is read as that JSON, so paths
    // reach into outputs that the application logged as serialized JSON.
    if (value.is_string()) {
      boost::system::error_code ec;
      bj::value inner = bj::parse(value.as_string(), ec);
      if (!ec) value = std::move(inner);
    }
    TALLY_ASSIGN_OR_RETURN(selected, SelectJsonPath(value, *mapping.json_path));
    value = std::move(selected);
  }
  return value;
}

Result<JudgeVerdict> CallJudge(const LlmConnection& llm, const std::string& prompt, const ScoreDefinition& score,
                               const core::SecretBox& secret_box, const integrations::OutboundClient& client) {
  TALLY_ASSIGN_OR_RETURN(api_key, secret_box.Open(llm.api_key_sealed));
  integrations::OutboundRequest request{
      .method = "POST",
      .url = llm.base_url + "/chat/completions",
      .headers = {{"Authorization", "Bearer " + api_key}, {"Content-Type", "application/json"}},
      .body = json::Serialize(BuildChatRequest(llm.model, prompt, score)),
      .timeout = llm.timeout,
      .max_response_bytes = kMaxJudgeResponseBytes};
  TALLY_ASSIGN_OR_RETURN(response, client.Send(request));
  if (response.status < 200 || response.status >= 300) {
    return Error::Unavailable(fmt::format("LLM connection '{}' returned HTTP {}", llm.name, response.status));
  }
  return ParseJudgeReply(response.body, score);
}

namespace {

Result<std::optional<JudgeInputs>> LoadJudgeInputs(store::Database& database, int64_t project_id,
                                                   const std::string& execution_id) {
  return database.Read([&](store::Connection& connection) -> Result<std::optional<JudgeInputs>> {
    TALLY_ASSIGN_OR_RETURN(execution, FindExecution(connection, project_id, execution_id));
    if (!execution) return std::optional<JudgeInputs>();
    TALLY_ASSIGN_OR_RETURN(rule, FindRule(connection, project_id, execution->rule_id));
    if (!rule) return std::optional<JudgeInputs>();
    TALLY_ASSIGN_OR_RETURN(llm, FindLlmConnection(connection, project_id, rule->connection_id));
    if (!llm) return Error::NotFound(fmt::format("LLM connection '{}' of evaluator rule '{}' not found",
                                                 rule->connection_id, rule->name));
    JudgeInputs inputs{.execution = std::move(*execution), .rule = std::move(*rule), .llm = std::move(*llm)};
    for (const VariableMapping& mapping : inputs.rule.variables) {
      TALLY_ASSIGN_OR_RETURN(value, ReadVariable(connection, project_id, inputs.execution.trace_id, mapping));
      inputs.variables[mapping.variable] = TemplateText(value);
    }
    return std::optional<JudgeInputs>(std::move(inputs));
  });
}

Result<JudgeVerdict> AskJudge(const JudgeInputs& inputs, const core::SecretBox& secret_box,
                              const integrations::OutboundClient& client) {
  return CallJudge(inputs.llm, RenderTemplate(inputs.rule.prompt, inputs.variables), inputs.rule.score, secret_box,
                   client);
}

// Writes the verdict as a score through ingestion, as any EVAL score would
// arrive, so reads, live events and score configs treat it alike.
Result<std::string> WriteScore(store::Database& database, const JudgeInputs& inputs, const JudgeVerdict& verdict) {
  const std::string score_id = inputs.execution.id;
  bj::object body{{"id", score_id},
                  {"traceId", inputs.execution.trace_id},
                  {"name", inputs.rule.score_name},
                  {"dataType", inputs.rule.score.data_type},
                  {"source", "EVAL"},
                  {"comment", verdict.reasoning},
                  {"metadata", {{"evaluatorRuleId", inputs.rule.id}, {"evaluatorExecutionId", inputs.execution.id},
                                {"model", inputs.llm.model}}}};
  if (inputs.rule.score.data_type == kCategorical) {
    body["value"] = *verdict.string_value;
  } else {
    body["value"] = *verdict.value;
  }
  bj::array batch{bj::object{{"id", "evaluator-" + inputs.execution.id},
                             {"type", "score-create"},
                             {"timestamp", FormatIsoMillis(NowMicros())},
                             {"body", std::move(body)}}};
  TALLY_ASSIGN_OR_RETURN(result, tracing::IngestBatch(database, inputs.rule.project_id, batch, false));
  if (!result.errors.empty()) {
    return Error::Invalid(fmt::format("Score '{}' was rejected: {}", inputs.rule.score_name, result.errors[0].error));
  }
  return score_id;
}

Result<bj::value> RunEvaluatorJob(store::Database& database, const core::SecretBox& secret_box,
                                  const integrations::OutboundClient& client, jobs::JobContext& context) {
  const bj::value& payload = context.payload();
  if (!payload.is_object() || !payload.as_object().contains("projectId") || !payload.as_object().contains("executionId")) {
    return Error::Invalid("Evaluator job payload needs projectId and executionId");
  }
  const int64_t project_id = payload.at("projectId").to_number<int64_t>();
  const std::string execution_id(payload.at("executionId").as_string());

  auto inputs = LoadJudgeInputs(database, project_id, execution_id);
  if (inputs && !*inputs) return bj::object{{"skipped", "the execution or its rule was deleted"}};

  Result<JudgeVerdict> verdict = inputs ? AskJudge(**inputs, secret_box, client) : Result<JudgeVerdict>(inputs.error());
  Result<std::string> score_id = verdict ? WriteScore(database, **inputs, *verdict) : Result<std::string>(verdict.error());
  if (!score_id) {
    const Error& error = score_id.error();
    TALLY_LOG_WARN("event=evaluator_failed job_id={} project_id={} execution_id={} attempt={} error=\"{}\" detail=\"{}\"",
                   context.job_id(), project_id, execution_id, context.attempt(), error.message, error.detail);
    TALLY_TRY(database.Write([&](store::Connection& connection) {
      return RecordExecution(connection, project_id, execution_id, "failed", std::nullopt, error.message);
    }));
    return error;
  }

  TALLY_TRY(database.Write([&](store::Connection& connection) {
    return RecordExecution(connection, project_id, execution_id, "succeeded", *score_id, std::nullopt);
  }));
  TALLY_LOG_INFO("event=evaluator_scored job_id={} project_id={} execution_id={} rule_id={} trace_id={}",
                 context.job_id(), project_id, execution_id, (*inputs)->rule.id, (*inputs)->execution.trace_id);
  return bj::object{{"scoreId", *score_id}};
}

}  // namespace

void RegisterEvaluatorJobs(jobs::WorkerPool& pool, store::Database& database, const core::SecretBox& secret_box,
                           const integrations::OutboundClient& client) {
  pool.Register(kEvaluatorJobKind, [&database, &secret_box, &client](jobs::JobContext& context) {
    return RunEvaluatorJob(database, secret_box, client, context);
  });
}

EvaluatorScheduler::EvaluatorScheduler(store::Database& database, SchedulerOptions options)
    : database_(database), options_(options) {}

EvaluatorScheduler::~EvaluatorScheduler() { Stop(); }

void EvaluatorScheduler::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void EvaluatorScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int> EvaluatorScheduler::ScanOnce() {
  TALLY_ASSIGN_OR_RETURN(rules, database_.Read([](store::Connection& connection) { return ListActiveRules(connection); }));
  int created = 0;
  for (const EvaluatorRule& rule : rules) {
    auto scanned = ScanRule(database_, rule, options_);
    if (!scanned) {
      TALLY_LOG_WARN("event=evaluator_scan_failed project_id={} rule_id={} error=\"{}\" detail=\"{}\"", rule.project_id,
                     rule.id, scanned.error().message, scanned.error().detail);
      continue;
    }
    if (*scanned > 0) {
      TALLY_LOG_INFO("event=evaluator_executions_scheduled project_id={} rule_id={} count={}", rule.project_id, rule.id,
                     *scanned);
    }
    created += *scanned;
  }
  return created;
}

void EvaluatorScheduler::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (auto scanned = ScanOnce(); !scanned) {
      TALLY_LOG_WARN("event=evaluator_scan_failed error=\"{}\" detail=\"{}\"", scanned.error().message,
                     scanned.error().detail);
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace tally::evals
