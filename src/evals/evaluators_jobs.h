// Running evaluator rules: the scheduler that finds new matching traces and
// the job that calls the judge and writes the score.
//
// Data flow:
//   EvaluatorScheduler (a thread in every serve/worker process, each tick):
//     for each active rule, traces of its project created after the rule's
//     scanned_until and at least `settle` ago ─ skip environments starting
//     with "langfuse" and "llm-as-a-judge" ─ target filter ─ sampling ─ INSERT execution (unique
//     per rule and trace, so processes racing on one rule make one) ─
//     enqueue job "evaluator.run" delayed by the rule's delay ─ advance
//     scanned_until.
//   Job "evaluator.run": load execution, rule, connection and trace ─ fill
//     the template ─ open the API key ─ POST {baseUrl}/chat/completions
//     through the outbound client ─ parse {reasoning, score} ─ ingest a
//     score-create event (source EVAL, comment = reasoning, id = execution
//     id, so a retried job rewrites the same score) ─ record the execution.
//
// Sampling is a hash of (rule id, trace id), not a random draw, so every
// process makes the same choice for a trace.
//
// Failures: an HTTP status other than 2xx or a timeout is kUnavailable and
// the job is retried (up to kJudgeAttempts); a reply that is not
// {reasoning, score} of the rule's type fails the job at once. Either way
// the execution records the error and no score is written.
//
// Thread-safety: EvaluatorScheduler owns one thread; Start and Stop are
// called from one thread. The job handler is safe on any worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/secret_box.h"
#include "evals/evaluators.h"
#include "evals/evaluators_judge.h"
#include "evals/llm_connections.h"
#include "integrations/outbound/client.h"
#include "jobs/worker_pool.h"
#include "store/database.h"

namespace tally::evals {

inline constexpr const char* kEvaluatorJobKind = "evaluator.run";
inline constexpr int kJudgeAttempts = 3;

// The value `mapping` reads from trace `trace_id` of the project (or from
// its first observation of the mapping's name), narrowed by the mapping's
// metadata key and JSON path. Null when the trace, the observation or the
// path does not exist. kInvalidArgument for a JSON path not starting with '$'.
[[nodiscard]] Result<boost::json::value> ReadVariable(store::Connection& connection, int64_t project_id,
                                                      const std::string& trace_id, const VariableMapping& mapping);

// Sends the rendered `prompt` to `llm` and reads its verdict. kUnavailable
// for a non-2xx status or a timeout, kInvalidArgument for a reply that is
// not {reasoning, score} of the score's type. Errors name the connection,
// never its key.
[[nodiscard]] Result<JudgeVerdict> CallJudge(const LlmConnection& llm, const std::string& prompt,
                                             const ScoreDefinition& score, const core::SecretBox& secret_box,
                                             const integrations::OutboundClient& client);

// Registers the "evaluator.run" job handler. Every argument must outlive
// the pool.
void RegisterEvaluatorJobs(jobs::WorkerPool& pool, store::Database& database, const core::SecretBox& secret_box,
                           const integrations::OutboundClient& client);

struct SchedulerOptions {
  // Time between scans of the active rules.
  std::chrono::milliseconds interval{1000};
  // Traces younger than this are left for the next scan, so a trace whose
  // write transaction commits late is not skipped by scanned_until.
  std::chrono::milliseconds settle{1000};
  // Traces one rule takes per scan; the rest wait for the next one.
  int batch = 200;
};

class EvaluatorScheduler {
 public:
  EvaluatorScheduler(store::Database& database, SchedulerOptions options = {});
  ~EvaluatorScheduler();  // stops the thread

  void Start();
  void Stop();

  // One scan of every active rule; returns the executions created. Start
  // calls it each interval; tests may call it directly.
  [[nodiscard]] Result<int> ScanOnce();

 private:
  void Run();

  store::Database& database_;
  SchedulerOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace tally::evals
