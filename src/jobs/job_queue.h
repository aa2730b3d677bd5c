// JobQueue: the durable queue of background work (imports, exports, ML
// predictions, webhook deliveries), stored as rows of the `jobs` table.
//
// Lifecycle of a job:
//
//   Enqueue ─► queued ──Claim──► running ──Succeed──────────────────► succeeded
//                ▲  │              │  ├─Fail, attempts left────────► queued (run_at = now + backoff)
//                │  │              │  ├─Fail, none left or permanent► failed
//                │  │              │  ├─Release (worker stopping)──► queued (attempt given back)
//                │  │              │  └─Cancel────────────────────► cancelled
//                │  └─Cancel──► cancelled
//                └─RequeueExpired: lease_until passed, attempts left (else failed)
//
// Delivery is at least once. A worker can die after its handler's side
// effects but before Succeed commits, which leaves the job `running`. Once its
// lease passes, RequeueExpired puts it back and another worker runs it again,
// so job handlers must be idempotent.
//
// Fencing. Claim returns a JobLease: job id, worker id and attempt number.
// Every later write by that worker names the lease, and its UPDATE matches
// status = 'running', worker_id and attempts together. A worker whose lease
// expired, and whose job was requeued and claimed again, matches no row, so it
// cannot overwrite the new owner's progress or result. Such a write returns
// LeaseOutcome::kLost instead of an error, and kCancelled when a user
// cancelled the job. Both tell the worker to stop.
//
// Time. Every method that depends on the clock takes `now` in microseconds
// since the Unix epoch, defaulting to NowMicros(), so tests can move time
// without sleeping. Processes sharing one database must keep their clocks
// roughly in step, because a lease is an absolute time. A clock that runs
// ahead makes other processes' leases look expired early.
//
// Thread-safety: a JobQueue holds no mutable state. Every method may be called
// from any thread, and any number of processes may share one database.
//
// Errors: storage failures come from store::Database unchanged
// (Errc::kUnavailable when the database is busy or unreachable, kInternal
// otherwise). Each method lists its own further errors.
#pragma once

#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::jobs {

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

inline constexpr std::array<JobStatus, 5> kAllJobStatuses = {
    JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded, JobStatus::kFailed, JobStatus::kCancelled};

// Lowercase name stored in the status column and shown by the API: "queued", …
std::string_view JobStatusName(JobStatus status);

// Parses a name from JobStatusName. Returns nullopt for any other text.
std::optional<JobStatus> ParseJobStatus(std::string_view name);

// One row of the jobs table.
struct Job {
  int64_t id = 0;
  std::string kind;
  boost::json::value payload;
  JobStatus status = JobStatus::kQueued;
  int attempts = 0;      // claims so far, including the current one while running
  int max_attempts = 0;
  int progress = 0;      // 0–100, reset to 0 at every claim
  std::optional<std::string> error;          // client-safe message of the last failure
  std::optional<boost::json::value> result;  // set on success
  std::optional<int64_t> organization_id;
  std::optional<int64_t> project_id = std::nullopt;
  std::optional<int64_t> created_by = std::nullopt;
  std::optional<std::string> worker_id;  // the current or last worker to run it
  Micros run_at = 0;                     // not claimed before this time
  std::optional<Micros> lease_until;     // set while running
  Micros created_at = 0;
  std::optional<Micros> started_at;      // start of the latest attempt
  std::optional<Micros> finished_at;     // set once succeeded, failed or cancelled
  Micros updated_at = 0;

  bool is_finished() const {
    return status == JobStatus::kSucceeded || status == JobStatus::kFailed || status == JobStatus::kCancelled;
  }
};

struct EnqueueOptions {
  std::optional<int64_t> organization_id = std::nullopt;  // jobs without one are visible to no user
  std::optional<int64_t> project_id = std::nullopt;
  std::optional<int64_t> created_by = std::nullopt;
  // Claims allowed before the job fails for good, 1 to kMaxAttemptsLimit.
  int max_attempts = 3;
  // Time from now until the job may be claimed. Must not be negative.
  std::chrono::microseconds delay{0};
};

// The right to write to one running job, returned by Claim.
struct JobLease {
  int64_t job_id = 0;
  std::string worker_id;
  int attempt = 0;  // the attempts column at claim time, used as a fencing token
};

struct ClaimedJob {
  Job job;
  JobLease lease;
};

// Result of a write guarded by a lease.
enum class LeaseOutcome {
  kApplied,    // the worker still held the lease and the write took effect
  kCancelled,  // nothing was written because the job was cancelled
  kLost,       // nothing was written because the lease expired or another claim owns the job
};

std::string_view LeaseOutcomeName(LeaseOutcome outcome);

// Whether a failure may succeed on a later attempt.
enum class FailureKind {
  kTransient,  // retried with backoff while attempts remain
  kPermanent,  // fails the job now: bad payload, missing project, no permission
};

struct FailOutcome {
  LeaseOutcome lease = LeaseOutcome::kApplied;
  bool will_retry = false;  // true when the job went back to queued
  Micros retry_at = 0;      // its new run_at when will_retry
};

struct RequeueReport {
  int64_t requeued = 0;  // expired jobs put back in the queue
  int64_t failed = 0;    // expired jobs that had used all their attempts
};

// Exponential backoff between attempts.
struct RetryPolicy {
  std::chrono::microseconds base_delay = std::chrono::seconds(2);
  std::chrono::microseconds max_delay = std::chrono::minutes(10);

  // Delay after failed attempt number `attempt` (1-based):
  // base_delay × 2^(attempt − 1), at most max_delay.
  std::chrono::microseconds DelayAfter(int attempt) const;
};

class JobQueue {
 public:
  static constexpr int kMaxAttemptsLimit = 100;
  // Bound on a serialized payload or result. Each lives in one row that every
  // Get reads, so large inputs belong in storage with a reference here.
  static constexpr size_t kMaxJsonBytes = 1 << 20;
  // Bound on a stored error message, in bytes. Longer messages are cut at a
  // UTF-8 character boundary.
  static constexpr size_t kMaxErrorBytes = 4096;

  explicit JobQueue(store::Database& database, RetryPolicy retry = {});

  // Inserts a queued job and returns its id. Fails with kInvalidArgument for
  // a kind outside [a-z0-9_.-]{1,64}, max_attempts outside 1–100 or a negative
  // delay, and with kPayloadTooLarge for a payload over kMaxJsonBytes.
  // kConflict means organization_id, project_id or created_by names no row.
  [[nodiscard]] Result<int64_t> Enqueue(std::string_view kind, const boost::json::value& payload,
                                        const EnqueueOptions& options = {}, Micros now = NowMicros());

  // Enqueue inside a write transaction the caller holds. The job then exists
  // only if the caller's own change commits.
  [[nodiscard]] static Result<int64_t> EnqueueIn(store::Connection& connection, std::string_view kind,
                                                 const boost::json::value& payload,
                                                 const EnqueueOptions& options = {}, Micros now = NowMicros());

  // Reads one job. Fails with kNotFound when there is no job with that id.
  [[nodiscard]] Result<Job> Get(int64_t job_id);

  // Takes the oldest due queued job whose kind is in `kinds` (due means
  // run_at <= now): sets it running under `worker_id` until now + lease,
  // counts the attempt and resets progress. Returns nullopt when no job is due
  // or `kinds` is empty. Two claimers never take the same job: PostgreSQL
  // skips rows another transaction has locked, and SQLite has one writer.
  [[nodiscard]] Result<std::optional<ClaimedJob>> Claim(std::string_view worker_id,
                                                        const std::vector<std::string>& kinds,
                                                        std::chrono::microseconds lease, Micros now = NowMicros());

  // Moves lease_until to now + duration (the heartbeat).
  [[nodiscard]] Result<LeaseOutcome> ExtendLease(const JobLease& lease, std::chrono::microseconds duration,
                                                 Micros now = NowMicros());

  // Records progress, clamped to 0–100.
  [[nodiscard]] Result<LeaseOutcome> ReportProgress(const JobLease& lease, int percent, Micros now = NowMicros());

  // Marks the job succeeded with `result`, progress 100 and finished_at.
  // Fails with kPayloadTooLarge, writing nothing, when the result exceeds
  // kMaxJsonBytes.
  [[nodiscard]] Result<LeaseOutcome> Succeed(const JobLease& lease, const boost::json::value& result,
                                             Micros now = NowMicros());

  // Records a failed attempt with a client-safe `message`. A transient
  // failure with attempts left goes back to queued at now + backoff. Any
  // other failure ends the job as failed.
  [[nodiscard]] Result<FailOutcome> Fail(const JobLease& lease, std::string_view message, FailureKind kind,
                                         Micros now = NowMicros());

  // Puts a running job back in the queue, due now, and gives its attempt
  // back. For a worker that stops before the job finished (shutdown), so the
  // interruption does not count against max_attempts.
  [[nodiscard]] Result<LeaseOutcome> Release(const JobLease& lease, Micros now = NowMicros());

  // Cancels a queued or running job and returns it as stored afterwards. A
  // running job's worker learns of it at its next heartbeat or progress
  // report. Cancelling a cancelled job returns it unchanged. Fails with
  // kNotFound when there is no such job and kConflict when it already
  // succeeded or failed.
  [[nodiscard]] Result<Job> Cancel(int64_t job_id, Micros now = NowMicros());

  // Recovers jobs whose worker stopped heartbeating: running jobs with
  // lease_until < now go back to queued, due now, or to failed when they have
  // used max_attempts. Both get an error saying the lease expired. Safe to
  // run from every process at once.
  [[nodiscard]] Result<RequeueReport> RequeueExpired(Micros now = NowMicros());

  // Number of jobs in each status, every status present (zero when none).
  [[nodiscard]] Result<std::map<JobStatus, int64_t>> CountByStatus();

  // Deletes succeeded, failed and cancelled jobs that finished before
  // `finished_before`, and returns how many it deleted.
  [[nodiscard]] Result<int64_t> PurgeFinished(Micros finished_before);

  const RetryPolicy& retry_policy() const { return retry_; }

 private:
  store::Database& database_;
  RetryPolicy retry_;
};

}  // namespace tally::jobs
