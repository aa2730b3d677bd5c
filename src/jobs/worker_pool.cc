#include "jobs/worker_pool.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "core/crypto.h"
#include "core/log.h"

namespace tally::jobs {

namespace bj = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// Transient codes may clear on their own: a busy database, a conflicting
// concurrent write, an unexpected fault. Every other code describes the
// job's input or permissions, which a retry would meet again.
FailureKind ClassifyFailure(Errc code) {
  switch (code) {
    case Errc::kUnavailable:
    case Errc::kInternal:
    case Errc::kConflict:
      return FailureKind::kTransient;
    default:
      return FailureKind::kPermanent;
  }
}

// The text stored in jobs.error, which users read. A validation error's
// message alone ("Validation error") would hide which field was wrong.
std::string UserMessage(const Error& error) {
  if (error.fields.empty()) return error.message;
  std::vector<std::string> fields;
  for (const auto& field : error.fields) fields.push_back(fmt::format("{}: {}", field.field, field.message));
  return fmt::format("{} ({})", error.message, fmt::join(fields, "; "));
}

std::string DefaultWorkerName() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof(host), "unknown");
  InitCrypto();
  return fmt::format("{}-{}-{}", host, getpid(), RandomHex(3));
}

int64_t Milliseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

// Retries a final write (succeed, fail, release) while the database is busy
// or unreachable. Giving up leaves the job running until its lease expires,
// and then it runs again, so a few short retries are worth their delay.
template <class F>
auto WithWriteRetries(F&& write) -> decltype(write()) {
  constexpr int kTries = 4;
  auto delay = std::chrono::milliseconds(100);
  auto result = write();
  for (int attempt = 1; attempt < kTries && !result && result.error().code == Errc::kUnavailable; ++attempt) {
    std::this_thread::sleep_for(delay);
    delay *= 2;
    result = write();
  }
  return result;
}

}  // namespace

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone: return "none";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kLeaseLost: return "lease_lost";
    case StopReason::kShutdown: return "shutdown";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// JobContext

JobContext::JobContext(JobQueue& queue, Job job, JobLease lease)
    : queue_(queue), job_(std::move(job)), lease_(std::move(lease)), last_progress_(job_.progress) {}

Result<void> JobContext::ReportProgress(int percent) {
  if (stop_requested()) return StopError();

  const int clamped = std::clamp(percent, 0, 100);
  if (clamped == last_progress_) return Ok();

  auto outcome = queue_.ReportProgress(lease_, clamped);
  if (!outcome) {
    TALLY_LOG_WARN("event=job_progress_failed job_id={} kind={} code={} detail=\"{}\"", job_.id, job_.kind,
                   ErrcName(outcome.error().code), outcome.error().detail);
    return Ok();
  }

  switch (*outcome) {
    case LeaseOutcome::kApplied:
      last_progress_ = clamped;
      return Ok();
    case LeaseOutcome::kCancelled:
      RequestStop(StopReason::kCancelled);
      return StopError();
    case LeaseOutcome::kLost:
      RequestStop(StopReason::kLeaseLost);
      return StopError();
  }
  return Ok();
}

void JobContext::RequestStop(StopReason reason) {
  StopReason expected = StopReason::kNone;
  stop_reason_.compare_exchange_strong(expected, reason);
}

Error JobContext::StopError() const {
  switch (stop_reason()) {
    case StopReason::kCancelled:
      return Error::Conflict(fmt::format("Job {} was cancelled", job_.id));
    case StopReason::kLeaseLost:
      return Error::Conflict(fmt::format("Job {} is no longer leased to worker {}", job_.id, lease_.worker_id));
    case StopReason::kShutdown:
      return Error::Unavailable(fmt::format("The worker is shutting down, so job {} will run again later", job_.id));
    case StopReason::kNone:
      break;
  }
  return Error::Internal(fmt::format("StopError called for job {} without a stop request", job_.id));
}

// ---------------------------------------------------------------------------
// WorkerPool: set-up and shutdown

WorkerPool::WorkerPool(JobQueue& queue, WorkerPoolOptions options) : queue_(queue), options_(std::move(options)) {
  if (options_.worker_name.empty()) options_.worker_name = DefaultWorkerName();
}

WorkerPool::~WorkerPool() { Stop(std::chrono::milliseconds(0)); }

void WorkerPool::Register(std::string kind, JobHandler handler) {
  std::lock_guard lock(mutex_);
  if (started_) throw std::logic_error("WorkerPool::Register called after Start for kind " + kind);
  if (kind.empty()) throw std::invalid_argument("WorkerPool::Register needs a non-empty job kind");
  if (!handler) throw std::invalid_argument("WorkerPool::Register got an empty handler for kind " + kind);
  if (handlers_.contains(kind)) throw std::invalid_argument("WorkerPool::Register got kind " + kind + " twice");
  kinds_.push_back(kind);
  handlers_.emplace(std::move(kind), std::move(handler));
}

void WorkerPool::Start() {
  if (options_.threads < 1) throw std::invalid_argument("WorkerPoolOptions::threads must be at least 1");
  if (options_.idle_poll.count() <= 0 || options_.requeue_interval.count() <= 0 || options_.heartbeat.count() <= 0 ||
      options_.purge_interval.count() <= 0) {
    throw std::invalid_argument(
        "WorkerPoolOptions idle_poll, heartbeat, requeue_interval and purge_interval must be positive");
  }
  if (options_.heartbeat * 2 >= options_.lease) {
    throw std::invalid_argument(fmt::format("WorkerPoolOptions::heartbeat ({} ms) must be under half the lease ({} ms)",
                                            options_.heartbeat.count(), options_.lease.count()));
  }

  std::lock_guard lock(mutex_);
  if (started_) throw std::logic_error("WorkerPool::Start called twice");
  started_ = true;
  for (int i = 0; i < options_.threads; ++i) worker_threads_.emplace_back([this, i] { WorkerLoop(i); });
  maintenance_thread_ = std::thread([this] { MaintenanceLoop(); });

  TALLY_LOG_INFO("event=job_pool_started worker_name={} threads={} kinds={}", options_.worker_name, options_.threads,
                 fmt::join(kinds_, ","));
}

void WorkerPool::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_generation_;
  }
  wake_.notify_all();
}

bool WorkerPool::Stop(std::chrono::milliseconds grace) {
  bool finished_in_time = true;
  {
    std::unique_lock lock(mutex_);
    if (!started_ || stop_called_) return true;
    stop_called_ = true;
    stopping_ = true;
    ++wake_generation_;
    wake_.notify_all();

    // Idle workers exit at the wake-up above. A worker between Claim and
    // RunJob finds stopping_ set and releases its job, so running jobs are
    // the only thing worth the grace period.
    finished_in_time = drained_.wait_for(lock, grace, [&] { return active_.empty(); });
    if (!finished_in_time) {
      TALLY_LOG_WARN("event=job_pool_stop_grace_expired worker_name={} running_jobs={} grace_ms={}",
                     options_.worker_name, active_.size(), grace.count());
      for (auto& [key, context] : active_) context->RequestStop(StopReason::kShutdown);
    }
  }

  // Workers first: the maintenance thread keeps their leases alive until the
  // last handler has returned and its outcome is stored.
  for (auto& thread : worker_threads_) thread.join();
  {
    std::lock_guard lock(mutex_);
    maintenance_stopping_ = true;
  }
  maintenance_.notify_all();
  maintenance_thread_.join();

  TALLY_LOG_INFO("event=job_pool_stopped worker_name={} finished_in_time={}", options_.worker_name, finished_in_time);
  return finished_in_time;
}

int WorkerPool::running_jobs() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(active_.size());
}

// ---------------------------------------------------------------------------
// Worker threads

void WorkerPool::WorkerLoop(int index) {
  const std::string worker_id = fmt::format("{}/{}", options_.worker_name, index);
  int64_t consecutive_failures = 0;

  while (true) {
    uint64_t generation = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      generation = wake_generation_;
    }

    auto claimed = queue_.Claim(worker_id, kinds_, options_.lease);
    if (!claimed) {
      // A database outage fails every poll of every thread. Logging only the
      // 1st, 2nd, 4th, 8th … failure in a row keeps the log readable.
      ++consecutive_failures;
      if ((consecutive_failures & (consecutive_failures - 1)) == 0) {
        TALLY_LOG_WARN("event=job_claim_failed worker_id={} consecutive_failures={} code={} detail=\"{}\"",
                       worker_id, consecutive_failures, ErrcName(claimed.error().code), claimed.error().detail);
      }
      SleepUntilWoken(generation);
      continue;
    }
    consecutive_failures = 0;

    if (!*claimed) {
      SleepUntilWoken(generation);
      continue;
    }
    RunJob(std::move(**claimed));
  }
}

void WorkerPool::SleepUntilWoken(uint64_t seen_generation) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || wake_generation_ != seen_generation; });
}

void WorkerPool::RunJob(ClaimedJob claimed) {
  auto context = std::make_shared<JobContext>(queue_, std::move(claimed.job), std::move(claimed.lease));
  const int64_t job_id = context->job_id();
  const std::pair<int64_t, int> key{job_id, context->attempt()};

  // A claim that raced with Stop goes straight back: Stop promises that no
  // handler starts after it began.
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) accepted = active_.emplace(key, context).second;
  }
  if (!accepted) {
    auto released = WithWriteRetries([&] { return queue_.Release(context->lease()); });
    if (!released) {
      TALLY_LOG_ERROR("event=job_release_failed job_id={} kind={} code={} detail=\"{}\"", job_id, context->kind(),
                      ErrcName(released.error().code), released.error().detail);
    }
    return;
  }

  TALLY_LOG_INFO("event=job_started job_id={} kind={} attempt={} max_attempts={} worker_id={}", job_id,
                 context->kind(), context->attempt(), context->max_attempts(), context->lease().worker_id);
  const auto started = Clock::now();

  Result<bj::value> outcome = Error::Internal("handler did not run");
  try {
    outcome = handlers_.at(context->kind())(*context);
  } catch (const std::exception& exception) {
    // Handlers should return errors, but one that throws must not take the
    // worker thread down with it.
    outcome = Error::Internal(fmt::format("handler threw: {}", exception.what()));
  } catch (...) {
    outcome = Error::Internal("handler threw a non-standard exception");
  }

  RecordOutcome(*context, outcome, Clock::now() - started);

  {
    std::lock_guard lock(mutex_);
    active_.erase(key);
  }
  drained_.notify_all();
}

void WorkerPool::RecordOutcome(JobContext& context, const Result<bj::value>& outcome, Clock::duration elapsed) {
  const int64_t duration_ms = Milliseconds(elapsed);

  // The row no longer belongs to this worker, so whatever the handler
  // returned is dropped.
  switch (context.stop_reason()) {
    case StopReason::kCancelled:
      TALLY_LOG_INFO("event=job_stopped reason=cancelled job_id={} kind={} attempt={} duration_ms={}",
                     context.job_id(), context.kind(), context.attempt(), duration_ms);
      return;
    case StopReason::kLeaseLost:
      TALLY_LOG_WARN("event=job_stopped reason=lease_lost job_id={} kind={} attempt={} duration_ms={}",
                     context.job_id(), context.kind(), context.attempt(), duration_ms);
      return;
    case StopReason::kShutdown:
    case StopReason::kNone:
      break;
  }

  if (outcome) {
    RecordSuccess(context, *outcome, duration_ms);
    return;
  }

  if (context.stop_reason() == StopReason::kShutdown) {
    auto released = WithWriteRetries([&] { return queue_.Release(context.lease()); });
    if (released && *released == LeaseOutcome::kApplied) {
      TALLY_LOG_INFO("event=job_released reason=shutdown job_id={} kind={} attempt={} duration_ms={}",
                     context.job_id(), context.kind(), context.attempt(), duration_ms);
    } else if (released) {
      TALLY_LOG_WARN("event=job_release_skipped job_id={} kind={} lease={}", context.job_id(), context.kind(),
                     LeaseOutcomeName(*released));
    } else {
      TALLY_LOG_ERROR("event=job_release_failed job_id={} kind={} code={} detail=\"{}\"", context.job_id(),
                      context.kind(), ErrcName(released.error().code), released.error().detail);
    }
    return;
  }

  RecordFailure(context, outcome.error(), duration_ms);
}

void WorkerPool::RecordSuccess(JobContext& context, const bj::value& result, int64_t duration_ms) {
  auto stored = WithWriteRetries([&] { return queue_.Succeed(context.lease(), result); });

  if (!stored && stored.error().code == Errc::kPayloadTooLarge) {
    // Retrying would produce the same oversized result.
    RecordFailure(context, stored.error(), duration_ms);
    return;
  }
  if (!stored) {
    TALLY_LOG_ERROR("event=job_outcome_unrecorded job_id={} kind={} attempt={} code={} detail=\"{}\"",
                    context.job_id(), context.kind(), context.attempt(), ErrcName(stored.error().code),
                    stored.error().detail);
    return;
  }

  switch (*stored) {
    case LeaseOutcome::kApplied:
      TALLY_LOG_INFO("event=job_succeeded job_id={} kind={} attempt={} duration_ms={}", context.job_id(),
                     context.kind(), context.attempt(), duration_ms);
      break;
    case LeaseOutcome::kCancelled:
      TALLY_LOG_INFO("event=job_stopped reason=cancelled job_id={} kind={} attempt={} duration_ms={}",
                     context.job_id(), context.kind(), context.attempt(), duration_ms);
      break;
    case LeaseOutcome::kLost:
      TALLY_LOG_WARN("event=job_stopped reason=lease_lost job_id={} kind={} attempt={} duration_ms={}",
                     context.job_id(), context.kind(), context.attempt(), duration_ms);
      break;
  }
}

void WorkerPool::RecordFailure(JobContext& context, const Error& error, int64_t duration_ms) {
  const FailureKind kind = ClassifyFailure(error.code);
  auto stored = WithWriteRetries([&] { return queue_.Fail(context.lease(), UserMessage(error), kind); });
  if (!stored) {
    TALLY_LOG_ERROR("event=job_outcome_unrecorded job_id={} kind={} attempt={} code={} detail=\"{}\"",
                    context.job_id(), context.kind(), context.attempt(), ErrcName(stored.error().code),
                    stored.error().detail);
    return;
  }

  if (stored->lease != LeaseOutcome::kApplied) {
    TALLY_LOG_INFO("event=job_stopped reason={} job_id={} kind={} attempt={} duration_ms={}",
                   LeaseOutcomeName(stored->lease), context.job_id(), context.kind(), context.attempt(),
                   duration_ms);
    return;
  }

  // The error message is client-safe but may quote user input, so logs carry
  // only the code and the detail meant for operators.
  if (stored->will_retry) {
    TALLY_LOG_WARN(
        "event=job_retry job_id={} kind={} attempt={} max_attempts={} duration_ms={} retry_in_ms={} code={} "
        "detail=\"{}\"",
        context.job_id(), context.kind(), context.attempt(), context.max_attempts(), duration_ms,
        (stored->retry_at - NowMicros()) / 1000, ErrcName(error.code), error.detail);
    return;
  }

  // A permanent failure means the caller's input is at fault. Running out of
  // attempts on transient errors is what an operator should look at.
  if (kind == FailureKind::kPermanent) {
    TALLY_LOG_WARN("event=job_failed job_id={} kind={} attempt={} max_attempts={} duration_ms={} retryable=false "
                   "code={} detail=\"{}\"",
                   context.job_id(), context.kind(), context.attempt(), context.max_attempts(), duration_ms,
                   ErrcName(error.code), error.detail);
  } else {
    TALLY_LOG_ERROR("event=job_failed job_id={} kind={} attempt={} max_attempts={} duration_ms={} retryable=true "
                    "code={} detail=\"{}\"",
                    context.job_id(), context.kind(), context.attempt(), context.max_attempts(), duration_ms,
                    ErrcName(error.code), error.detail);
  }
}

// ---------------------------------------------------------------------------
// Maintenance thread: heartbeats and recovery of expired leases

void WorkerPool::MaintenanceLoop() {
  auto next_heartbeat = Clock::now() + options_.heartbeat;
  auto next_requeue = Clock::now();  // recover a dead process's jobs right at start-up
  auto next_purge = Clock::now() + options_.purge_interval;

  while (true) {
    {
      std::unique_lock lock(mutex_);
      maintenance_.wait_until(lock, std::min({next_heartbeat, next_requeue, next_purge}),
                              [&] { return maintenance_stopping_; });
      if (maintenance_stopping_) return;
    }

    const auto now = Clock::now();
    if (now >= next_heartbeat) {
      HeartbeatAll();
      next_heartbeat = now + options_.heartbeat;
    }
    if (now >= next_requeue) {
      RequeueExpiredJobs();
      next_requeue = now + options_.requeue_interval;
    }
    if (now >= next_purge) {
      PurgeFinishedJobs();
      next_purge = now + options_.purge_interval;
    }
  }
}

void WorkerPool::PurgeFinishedJobs() {
  if (options_.keep_finished.count() <= 0) return;
  const Micros before =
      NowMicros() - std::chrono::duration_cast<std::chrono::microseconds>(options_.keep_finished).count();
  auto purged = queue_.PurgeFinished(before);
  if (!purged) {
    TALLY_LOG_WARN("event=job_purge_failed worker_name={} code={} detail=\"{}\"", options_.worker_name,
                   ErrcName(purged.error().code), purged.error().detail);
    return;
  }
  if (*purged > 0) TALLY_LOG_INFO("event=jobs_purged worker_name={} jobs={}", options_.worker_name, *purged);
}

void WorkerPool::HeartbeatAll() {
  std::vector<std::shared_ptr<JobContext>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, context] : active_) running.push_back(context);
  }

  for (auto& context : running) {
    // A job being stopped for shutdown keeps its lease until the handler
    // returns. A cancelled or lost job has no lease left to keep.
    const StopReason reason = context->stop_reason();
    if (reason == StopReason::kCancelled || reason == StopReason::kLeaseLost) continue;

    auto outcome = queue_.ExtendLease(context->lease(), options_.lease);
    if (!outcome) {
      TALLY_LOG_WARN("event=job_heartbeat_failed job_id={} kind={} code={} detail=\"{}\"", context->job_id(),
                     context->kind(), ErrcName(outcome.error().code), outcome.error().detail);
      continue;
    }
    if (*outcome == LeaseOutcome::kCancelled) {
      TALLY_LOG_INFO("event=job_cancel_seen job_id={} kind={} attempt={}", context->job_id(), context->kind(),
                     context->attempt());
      context->RequestStop(StopReason::kCancelled);
    } else if (*outcome == LeaseOutcome::kLost) {
      TALLY_LOG_WARN("event=job_lease_lost job_id={} kind={} attempt={} worker_id={}", context->job_id(),
                     context->kind(), context->attempt(), context->lease().worker_id);
      context->RequestStop(StopReason::kLeaseLost);
    }
  }
}

void WorkerPool::RequeueExpiredJobs() {
  auto report = queue_.RequeueExpired();
  if (!report) {
    TALLY_LOG_WARN("event=job_requeue_failed worker_name={} code={} detail=\"{}\"", options_.worker_name,
                   ErrcName(report.error().code), report.error().detail);
    return;
  }
  if (report->requeued > 0 || report->failed > 0) {
    TALLY_LOG_INFO("event=job_requeue_expired worker_name={} requeued={} failed={}", options_.worker_name,
                   report->requeued, report->failed);
    // Requeued jobs are due now, so idle workers here may take them at once.
    if (report->requeued > 0) Wake();
  }
}

}  // namespace tally::jobs
