#include "jobs/job_queue.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "core/log.h"

namespace tally::jobs {

namespace bj = boost::json;
using store::Connection;
using store::Params;
using store::Row;

namespace {

// Column list shared by every statement that returns a whole job, in the
// order ReadJob expects.
constexpr std::string_view kJobColumns =
    "id, kind, payload, status, attempts, max_attempts, progress, error, result, organization_id, project_id, "
    "created_by, worker_id, run_at, lease_until, created_at, started_at, finished_at, updated_at";

enum JobColumn : size_t {
  kId,
  kKind,
  kPayload,
  kStatus,
  kAttempts,
  kMaxAttempts,
  kProgress,
  kError,
  kResult,
  kOrganizationId,
  kProjectId,
  kCreatedBy,
  kWorkerId,
  kRunAt,
  kLeaseUntil,
  kCreatedAt,
  kStartedAt,
  kFinishedAt,
  kUpdatedAt,
};

// Matches only the claim a lease was issued for: a requeued job has another
// status, and a job claimed again has another worker_id or attempt count.
constexpr std::string_view kLeaseGuard = "id = ? AND status = 'running' AND worker_id = ? AND attempts = ?";

constexpr std::string_view kLeaseExpiredMessage =
    "The worker running this job stopped responding before it finished (its lease expired).";

Params LeaseParams(const JobLease& lease) {
  return {lease.job_id, lease.worker_id, static_cast<int64_t>(lease.attempt)};
}

// Appends the lease guard's parameters after a statement's own.
Params WithLease(Params params, const JobLease& lease) {
  for (auto& value : LeaseParams(lease)) params.push_back(std::move(value));
  return params;
}

Result<bj::value> ParseStoredJson(const std::string& text, int64_t job_id, std::string_view column) {
  boost::system::error_code ec;
  bj::value value = bj::parse(text, ec);
  if (ec) return Error::Internal(fmt::format("job {} has invalid JSON in {}: {}", job_id, column, ec.message()));
  return value;
}

Result<Job> ReadJob(const Row& row) {
  Job job;
  job.id = row.Int(kId);
  job.kind = row.Text(kKind);

  TALLY_ASSIGN_OR_RETURN(payload, ParseStoredJson(row.Text(kPayload, "{}"), job.id, "payload"));
  job.payload = std::move(payload);

  const std::string status = row.Text(kStatus);
  const auto parsed_status = ParseJobStatus(status);
  if (!parsed_status) return Error::Internal(fmt::format("job {} has unknown status \"{}\"", job.id, status));
  job.status = *parsed_status;

  job.attempts = static_cast<int>(row.Int(kAttempts));
  job.max_attempts = static_cast<int>(row.Int(kMaxAttempts));
  job.progress = static_cast<int>(row.Int(kProgress));
  job.error = row.OptionalText(kError);
  if (auto result = row.OptionalText(kResult)) {
    TALLY_ASSIGN_OR_RETURN(value, ParseStoredJson(*result, job.id, "result"));
    job.result = std::move(value);
  }
  job.organization_id = row.OptionalInt(kOrganizationId);
  job.project_id = row.OptionalInt(kProjectId);
  job.created_by = row.OptionalInt(kCreatedBy);
  job.worker_id = row.OptionalText(kWorkerId);
  job.run_at = row.Int(kRunAt);
  job.lease_until = row.OptionalInt(kLeaseUntil);
  job.created_at = row.Int(kCreatedAt);
  job.started_at = row.OptionalInt(kStartedAt);
  job.finished_at = row.OptionalInt(kFinishedAt);
  job.updated_at = row.Int(kUpdatedAt);
  return job;
}

// Kinds appear unquoted in log lines and metric labels, so they are limited
// to characters that need no escaping there.
bool IsValidKind(std::string_view kind) {
  if (kind.empty() || kind.size() > 64) return false;
  return std::all_of(kind.begin(), kind.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 character,
// because PostgreSQL rejects invalid UTF-8 in a TEXT column.
std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

Result<std::string> SerializeBounded(const bj::value& value, std::string_view what) {
  std::string text = json::Serialize(value);
  if (text.size() > JobQueue::kMaxJsonBytes) {
    return Error::TooLarge(fmt::format("The job {} is {} bytes, over the limit of {} bytes. Store large data "
                                       "elsewhere and pass a reference to it.",
                                       what, text.size(), JobQueue::kMaxJsonBytes));
  }
  return text;
}

// Returns why a guarded UPDATE matched no row. A cancelled job is reported as
// cancelled even when another claim held it, so the worker stops either way.
Result<LeaseOutcome> ExplainMiss(Connection& connection, const JobLease& lease) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT status FROM jobs WHERE id = ?", {lease.job_id}));
  if (row && row->Text(0) == JobStatusName(JobStatus::kCancelled)) return LeaseOutcome::kCancelled;
  return LeaseOutcome::kLost;
}

// Runs an UPDATE guarded by `lease` and reports whether it took effect.
Result<LeaseOutcome> UpdateUnderLease(Connection& connection, std::string_view set_clause, Params params,
                                      const JobLease& lease) {
  const std::string sql = fmt::format("UPDATE jobs SET {} WHERE {}", set_clause, kLeaseGuard);
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(sql, WithLease(std::move(params), lease)));
  if (changed == 1) return LeaseOutcome::kApplied;
  return ExplainMiss(connection, lease);
}

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

}  // namespace

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kQueued: return "queued";
    case JobStatus::kRunning: return "running";
    case JobStatus::kSucceeded: return "succeeded";
    case JobStatus::kFailed: return "failed";
    case JobStatus::kCancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<JobStatus> ParseJobStatus(std::string_view name) {
  for (JobStatus status : kAllJobStatuses) {
    if (JobStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view LeaseOutcomeName(LeaseOutcome outcome) {
  switch (outcome) {
    case LeaseOutcome::kApplied: return "applied";
    case LeaseOutcome::kCancelled: return "cancelled";
    case LeaseOutcome::kLost: return "lost";
  }
  return "unknown";
}

std::chrono::microseconds RetryPolicy::DelayAfter(int attempt) const {
  // Doubling stops once the cap is reached, which also keeps the product from
  // overflowing for large attempt numbers.
  std::chrono::microseconds delay = base_delay;
  for (int i = 1; i < attempt && delay < max_delay; ++i) delay *= 2;
  return std::min(delay, max_delay);
}

JobQueue::JobQueue(store::Database& database, RetryPolicy retry) : database_(database), retry_(retry) {}

// ---------------------------------------------------------------------------
// Producers

Result<int64_t> JobQueue::Enqueue(std::string_view kind, const bj::value& payload, const EnqueueOptions& options,
                                  Micros now) {
  return database_.Write([&](Connection& connection) { return EnqueueIn(connection, kind, payload, options, now); });
}

Result<int64_t> JobQueue::EnqueueIn(Connection& connection, std::string_view kind, const bj::value& payload,
                                    const EnqueueOptions& options, Micros now) {
  if (!IsValidKind(kind)) {
    return Error::InvalidField("kind", fmt::format("must be 1 to 64 characters of a-z, 0-9, '_', '.' or '-', got \"{}\"",
                                                   TruncateUtf8(kind, 80)));
  }
  if (options.max_attempts < 1 || options.max_attempts > kMaxAttemptsLimit) {
    return Error::InvalidField("max_attempts", fmt::format("must be between 1 and {}, got {}", kMaxAttemptsLimit,
                                                           options.max_attempts));
  }
  if (options.delay.count() < 0) {
    return Error::InvalidField("delay", fmt::format("must not be negative, got {} µs", options.delay.count()));
  }
  TALLY_ASSIGN_OR_RETURN(payload_text, SerializeBounded(payload, "payload"));

  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, progress, organization_id, "
               "project_id, created_by, run_at, created_at, updated_at) "
               "VALUES (?, ?, 'queued', 0, ?, 0, ?, ?, ?, ?, ?, ?) RETURNING id",
               {std::string(kind), std::move(payload_text), static_cast<int64_t>(options.max_attempts),
                store::OrNull(options.organization_id), store::OrNull(options.project_id),
                store::OrNull(options.created_by), now + options.delay.count(), now, now}));
  if (!row) return Error::Internal("INSERT INTO jobs returned no id");
  return row->Int(0);
}

Result<Job> JobQueue::Get(int64_t job_id) {
  return database_.Read([&](Connection& connection) -> Result<Job> {
    TALLY_ASSIGN_OR_RETURN(
        row, connection.QueryOne(fmt::format("SELECT {} FROM jobs WHERE id = ?", kJobColumns), {job_id}));
    if (!row) return Error::NotFound(fmt::format("Job {} not found", job_id));
    return ReadJob(*row);
  });
}

// ---------------------------------------------------------------------------
// Workers

Result<std::optional<ClaimedJob>> JobQueue::Claim(std::string_view worker_id, const std::vector<std::string>& kinds,
                                                  std::chrono::microseconds lease, Micros now) {
  if (kinds.empty()) return std::optional<ClaimedJob>();
  if (worker_id.empty()) return Error::Invalid("A worker id is required to claim a job");
  const bool postgres = database_.dialect() == store::Dialect::kPostgres;
  const std::string kind_list = Placeholders(kinds.size());

  Params due_params{now};
  for (const auto& kind : kinds) due_params.emplace_back(kind);

  // Idle workers poll. On SQLite a claim takes the database's one write lock,
  // so a read on a WAL snapshot checks for work first and keeps idle polling
  // from delaying request writes. PostgreSQL row locks make that unnecessary.
  if (!postgres) {
    TALLY_ASSIGN_OR_RETURN(due, database_.Read([&](Connection& connection) {
      return connection.QueryOne(
          fmt::format("SELECT 1 FROM jobs WHERE status = 'queued' AND run_at <= ? AND kind IN ({}) LIMIT 1",
                      kind_list),
          due_params);
    }));
    if (!due) return std::optional<ClaimedJob>();
  }

  // SKIP LOCKED lets concurrent PostgreSQL claimers pass over a row another
  // transaction is taking instead of waiting for it and then finding it gone.
  // SQLite's write transaction already excludes every other writer.
  const std::string sql = fmt::format(
      "UPDATE jobs SET status = 'running', worker_id = ?, attempts = attempts + 1, progress = 0, "
      "lease_until = ?, started_at = ?, updated_at = ? "
      "WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ? AND kind IN ({}) "
      "ORDER BY run_at, id LIMIT 1{}) AND status = 'queued' "
      "RETURNING {}",
      kind_list, postgres ? " FOR UPDATE SKIP LOCKED" : "", kJobColumns);
  Params params{std::string(worker_id), now + lease.count(), now, now};
  for (auto& value : due_params) params.push_back(std::move(value));

  return database_.Write([&](Connection& connection) -> Result<std::optional<ClaimedJob>> {
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, params));
    if (!row) return std::optional<ClaimedJob>();
    TALLY_ASSIGN_OR_RETURN(job, ReadJob(*row));
    JobLease job_lease{job.id, std::string(worker_id), job.attempts};
    return std::optional<ClaimedJob>(ClaimedJob{std::move(job), std::move(job_lease)});
  });
}

Result<LeaseOutcome> JobQueue::ExtendLease(const JobLease& lease, std::chrono::microseconds duration, Micros now) {
  return database_.Write([&](Connection& connection) {
    return UpdateUnderLease(connection, "lease_until = ?, updated_at = ?", {now + duration.count(), now}, lease);
  });
}

Result<LeaseOutcome> JobQueue::ReportProgress(const JobLease& lease, int percent, Micros now) {
  const int64_t clamped = std::clamp(percent, 0, 100);
  return database_.Write([&](Connection& connection) {
    return UpdateUnderLease(connection, "progress = ?, updated_at = ?", {clamped, now}, lease);
  });
}

Result<LeaseOutcome> JobQueue::Succeed(const JobLease& lease, const bj::value& result, Micros now) {
  TALLY_ASSIGN_OR_RETURN(result_text, SerializeBounded(result, "result"));
  return database_.Write([&](Connection& connection) {
    return UpdateUnderLease(connection,
                            "status = 'succeeded', result = ?, error = NULL, progress = 100, lease_until = NULL, "
                            "finished_at = ?, updated_at = ?",
                            {std::move(result_text), now, now}, lease);
  });
}

Result<FailOutcome> JobQueue::Fail(const JobLease& lease, std::string_view message, FailureKind kind, Micros now) {
  const std::string error = TruncateUtf8(message, kMaxErrorBytes);
  const Micros retry_at = now + retry_.DelayAfter(lease.attempt).count();

  return database_.Write([&](Connection& connection) -> Result<FailOutcome> {
    // The attempt count is compared in SQL rather than taken from the lease,
    // so the decision uses the row's max_attempts as stored.
    if (kind == FailureKind::kTransient) {
      const std::string retry_sql = fmt::format(
          "UPDATE jobs SET status = 'queued', error = ?, run_at = ?, lease_until = NULL, updated_at = ? "
          "WHERE {} AND attempts < max_attempts",
          kLeaseGuard);
      TALLY_ASSIGN_OR_RETURN(requeued, connection.Execute(retry_sql, WithLease({error, retry_at, now}, lease)));
      if (requeued == 1) return FailOutcome{LeaseOutcome::kApplied, true, retry_at};
    }

    TALLY_ASSIGN_OR_RETURN(
        outcome, UpdateUnderLease(connection,
                                  "status = 'failed', error = ?, lease_until = NULL, finished_at = ?, updated_at = ?",
                                  {error, now, now}, lease));
    return FailOutcome{outcome, false, 0};
  });
}

Result<LeaseOutcome> JobQueue::Release(const JobLease& lease, Micros now) {
  return database_.Write([&](Connection& connection) {
    return UpdateUnderLease(connection,
                            "status = 'queued', attempts = attempts - 1, progress = 0, run_at = ?, "
                            "lease_until = NULL, updated_at = ?",
                            {now, now}, lease);
  });
}

// ---------------------------------------------------------------------------
// Users and operators

Result<Job> JobQueue::Cancel(int64_t job_id, Micros now) {
  return database_.Write([&](Connection& connection) -> Result<Job> {
    TALLY_ASSIGN_OR_RETURN(
        cancelled,
        connection.QueryOne(fmt::format("UPDATE jobs SET status = 'cancelled', lease_until = NULL, finished_at = ?, "
                                        "updated_at = ? WHERE id = ? AND status IN ('queued', 'running') "
                                        "RETURNING {}",
                                        kJobColumns),
                            {now, now, job_id}));
    if (cancelled) {
      TALLY_ASSIGN_OR_RETURN(job, ReadJob(*cancelled));
      TALLY_LOG_INFO("event=job_cancelled job_id={} kind={} attempt={}", job.id, job.kind, job.attempts);
      return job;
    }

    // Nothing matched: the job is missing or already finished.
    TALLY_ASSIGN_OR_RETURN(
        row, connection.QueryOne(fmt::format("SELECT {} FROM jobs WHERE id = ?", kJobColumns), {job_id}));
    if (!row) return Error::NotFound(fmt::format("Job {} not found", job_id));
    TALLY_ASSIGN_OR_RETURN(job, ReadJob(*row));
    if (job.status == JobStatus::kCancelled) return job;
    return Error::Conflict(fmt::format("Job {} already {}. Only queued or running jobs can be cancelled.", job_id,
                                       JobStatusName(job.status)));
  });
}

Result<RequeueReport> JobQueue::RequeueExpired(Micros now) {
  return database_.Write([&](Connection& connection) -> Result<RequeueReport> {
    RequeueReport report;

    // Out of attempts first, so the second statement only matches jobs that
    // may run again. On PostgreSQL a concurrent RequeueExpired or heartbeat
    // makes these UPDATEs re-check their WHERE clause after the row lock, so
    // each expired job is recovered once and a renewed lease is left alone.
    TALLY_ASSIGN_OR_RETURN(
        failed, connection.Query("UPDATE jobs SET status = 'failed', error = ?, lease_until = NULL, finished_at = ?, "
                                 "updated_at = ? "
                                 "WHERE status = 'running' AND lease_until < ? AND attempts >= max_attempts "
                                 "RETURNING id, kind, attempts, worker_id",
                                 {std::string(kLeaseExpiredMessage), now, now, now}));
    for (const Row& row : failed) {
      TALLY_LOG_ERROR("event=job_lease_expired job_id={} kind={} attempt={} worker_id={} action=failed", row.Int(0),
                      row.Text(1), row.Int(2), row.Text(3));
    }
    report.failed = static_cast<int64_t>(failed.size());

    TALLY_ASSIGN_OR_RETURN(
        requeued, connection.Query("UPDATE jobs SET status = 'queued', error = ?, run_at = ?, lease_until = NULL, "
                                   "updated_at = ? "
                                   "WHERE status = 'running' AND lease_until < ? AND attempts < max_attempts "
                                   "RETURNING id, kind, attempts, worker_id",
                                   {std::string(kLeaseExpiredMessage), now, now, now}));
    for (const Row& row : requeued) {
      TALLY_LOG_WARN("event=job_lease_expired job_id={} kind={} attempt={} worker_id={} action=requeued", row.Int(0),
                     row.Text(1), row.Int(2), row.Text(3));
    }
    report.requeued = static_cast<int64_t>(requeued.size());
    return report;
  });
}

Result<std::map<JobStatus, int64_t>> JobQueue::CountByStatus() {
  return database_.Read([&](Connection& connection) -> Result<std::map<JobStatus, int64_t>> {
    std::map<JobStatus, int64_t> counts;
    for (JobStatus status : kAllJobStatuses) counts[status] = 0;

    TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT status, COUNT(*) FROM jobs GROUP BY status"));
    for (const Row& row : rows) {
      // The CHECK constraint allows only known statuses, so nothing is skipped.
      if (auto status = ParseJobStatus(row.Text(0))) counts[*status] = row.Int(1);
    }
    return counts;
  });
}

Result<int64_t> JobQueue::PurgeFinished(Micros finished_before) {
  // In batches, each its own transaction, so a first purge of a long
  // history never holds the write lock for long.
  constexpr int64_t kBatch = 1000;
  int64_t purged = 0;
  for (;;) {
    TALLY_ASSIGN_OR_RETURN(deleted, database_.Write([&](Connection& connection) {
      return connection.Execute(
          "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled')"
          " AND finished_at < ? LIMIT ?)",
          {finished_before, kBatch});
    }));
    purged += deleted;
    if (deleted < kBatch) return purged;
  }
}

}  // namespace tally::jobs
