// WorkerPool: threads that claim jobs from a JobQueue and run the handler
// registered for each job's kind.
//
// How it works:
//   - Each of `threads` worker threads loops: claim one due job of a
//     registered kind, run its handler, record the outcome, repeat. With
//     nothing due it sleeps for idle_poll or until Wake().
//   - One maintenance thread extends the lease of every running job each
//     `heartbeat`, and calls RequeueExpired each `requeue_interval` to
//     recover jobs whose process died. Every process runs it. That is safe
//     because the queue's UPDATEs are guarded.
//   - A handler's success becomes Succeed. Its error becomes Fail: transient
//     codes (kUnavailable, kInternal, kConflict) are retried with backoff and
//     every other code fails the job at once, because a bad payload or a
//     missing project will not fix itself. A handler that throws is treated
//     as kInternal.
//   - When a heartbeat or progress report finds the job cancelled or its
//     lease lost, the job's stop flag is set. The handler should notice
//     through ReportProgress's error or stop_requested() and return. Its
//     outcome is then discarded, since the row no longer belongs to it.
//
// Typical use in `tally serve` or `tally worker`:
//   jobs::JobQueue queue(database);
//   jobs::WorkerPool pool(queue, {.threads = 2});
//   pool.Register("export", RunExportJob);
//   pool.Start();
//   ...   // after an in-process Enqueue: pool.Wake();
//   pool.Stop(std::chrono::seconds(30));  // before the database closes
//
// Thread-safety: Register before Start, from one thread. Wake, Stop,
// running_jobs and worker_name are safe from any thread. A JobContext
// belongs to the thread running its handler, except RequestStop and
// stop_requested, which any thread may call.
#pragma once

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/result.h"
#include "jobs/job_queue.h"

namespace tally::jobs {

// Reason a running handler is asked to stop.
enum class StopReason {
  kNone,
  kCancelled,  // a user cancelled the job
  kLeaseLost,  // the lease expired and the job may already run elsewhere
  kShutdown,   // the pool is stopping and its grace period has passed
};

std::string_view StopReasonName(StopReason reason);

// A running job as its handler reads it, plus progress and stop signals.
class JobContext {
 public:
  JobContext(JobQueue& queue, Job job, JobLease lease);

  int64_t job_id() const { return job_.id; }
  const std::string& kind() const { return job_.kind; }
  const boost::json::value& payload() const { return job_.payload; }
  std::optional<int64_t> organization_id() const { return job_.organization_id; }
  std::optional<int64_t> project_id() const { return job_.project_id; }
  std::optional<int64_t> created_by() const { return job_.created_by; }
  int attempt() const { return lease_.attempt; }  // 1 on the first run
  int max_attempts() const { return job_.max_attempts; }
  const Job& job() const { return job_; }
  const JobLease& lease() const { return lease_; }

  // Records progress, clamped to 0–100. Writes only when the clamped value
  // changed, so calling it once per item of a large import is cheap.
  // Returns kConflict when the job was cancelled or its lease was lost, and
  // kUnavailable when the pool is shutting down: the handler should return
  // that error. A failed database write is logged and not returned, because
  // progress is advisory and the heartbeat tracks ownership on its own.
  [[nodiscard]] Result<void> ReportProgress(int percent);

  // True once the handler should stop. stop_reason() gives the reason.
  bool stop_requested() const { return stop_reason_.load() != StopReason::kNone; }
  StopReason stop_reason() const { return stop_reason_.load(); }

  // Asks the handler to stop. The first reason is kept. Called by the pool.
  void RequestStop(StopReason reason);

  // The error ReportProgress returns for the current stop reason.
  Error StopError() const;

 private:
  JobQueue& queue_;
  Job job_;
  JobLease lease_;
  std::atomic<StopReason> stop_reason_{StopReason::kNone};
  int last_progress_ = 0;  // last value written; only the handler's thread uses it
};

// Runs one job. Returns the result stored on the job, or an error whose code
// decides between retry and failure (see the top of this file) and whose
// message users see in the job's error field.
using JobHandler = std::function<Result<boost::json::value>(JobContext&)>;

struct WorkerPoolOptions {
  // Worker threads, each running one job at a time. At least 1.
  int threads = 2;
  // Prefix of the worker ids written to jobs.worker_id. Empty picks
  // "<hostname>-<pid>-<random hex>"; thread i appends "/i".
  std::string worker_name = {};
  // Sleep between claims while no job is due. Wake() cuts it short.
  std::chrono::milliseconds idle_poll{500};
  // How long a claim or heartbeat keeps a job. A process that stops
  // heartbeating loses its jobs to other workers after this long.
  std::chrono::milliseconds lease{60'000};
  // Lease renewal period. Must be under half the lease, so one slow or failed
  // renewal does not let the lease run out.
  std::chrono::milliseconds heartbeat{15'000};
  // Period of RequeueExpired. Recovery of a dead worker's job takes up to
  // lease + requeue_interval.
  std::chrono::milliseconds requeue_interval{30'000};
  // Finished jobs (succeeded, failed, cancelled) are deleted once they are
  // this old, checked each purge_interval, so the jobs table does not grow
  // forever. A zero keep_finished keeps them all.
  std::chrono::milliseconds keep_finished{std::chrono::hours(24 * 14)};
  std::chrono::milliseconds purge_interval{std::chrono::hours(1)};
};

class WorkerPool {
 public:
  WorkerPool(JobQueue& queue, WorkerPoolOptions options = {});

  // Stops with no grace period if still running (see Stop).
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Adds the handler for `kind`. Throws std::invalid_argument for an empty
  // kind or handler or a kind registered twice, and std::logic_error after
  // Start: these are programming errors found at start-up.
  void Register(std::string kind, JobHandler handler);

  // Starts the worker and maintenance threads. Throws std::invalid_argument
  // for options that cannot work (no threads, a heartbeat of half the lease
  // or more) and std::logic_error when called twice.
  void Start();

  // Makes idle workers claim now instead of at their next poll. Call it after
  // an Enqueue in this process; other processes find the job by polling.
  void Wake();

  // Stops claiming and waits up to `grace` for running jobs to finish. Then it
  // requests a stop from the remaining handlers (StopReason::kShutdown) and
  // waits for them to return. A job whose handler returns an error after that request is
  // released back to the queue without using up an attempt. Returns true when
  // every job finished within `grace`. Returns at once when not running.
  //
  // NOTE: Stop cannot interrupt a handler that never checks stop_requested()
  // or ReportProgress, and waits for it. The heartbeat keeps its lease alive
  // meanwhile. If the process is killed instead, the lease expires and
  // another process runs the job again.
  bool Stop(std::chrono::milliseconds grace);

  // Jobs whose handlers are running now.
  int running_jobs() const;

  const std::string& worker_name() const { return options_.worker_name; }

 private:
  void WorkerLoop(int index);
  void RunJob(ClaimedJob claimed);
  void RecordOutcome(JobContext& context, const Result<boost::json::value>& outcome,
                     std::chrono::steady_clock::duration elapsed);
  void RecordSuccess(JobContext& context, const boost::json::value& result, int64_t duration_ms);
  void RecordFailure(JobContext& context, const Error& error, int64_t duration_ms);
  void MaintenanceLoop();
  void PurgeFinishedJobs();
  void HeartbeatAll();
  void RequeueExpiredJobs();
  void SleepUntilWoken(uint64_t seen_generation);

  JobQueue& queue_;
  WorkerPoolOptions options_;
  std::map<std::string, JobHandler> handlers_;  // fixed after Start
  std::vector<std::string> kinds_;              // handler keys, fixed after Start

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  std::condition_variable wake_;         // idle workers wait here
  std::condition_variable drained_;      // Stop waits here for running jobs to finish
  std::condition_variable maintenance_;  // the maintenance thread sleeps here
  bool started_ = false;
  bool stop_called_ = false;
  bool stopping_ = false;            // set by Stop: no new claims
  bool maintenance_stopping_ = false;
  uint64_t wake_generation_ = 0;     // bumped by Wake so no wake-up is missed
  // Running jobs by (job id, attempt). The attempt keeps two claims of one
  // job apart: a thread whose lease was lost may still be running it while
  // another thread here holds the new claim.
  std::map<std::pair<int64_t, int>, std::shared_ptr<JobContext>> active_;

  // Started by Start, joined by Stop.
  std::vector<std::thread> worker_threads_;
  std::thread maintenance_thread_;
};

}  // namespace tally::jobs
