#include "jobs/job_queue.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "jobs/job_metrics.h"
#include "jobs/job_test_util.h"
#include "store/testing/test_databases.h"

namespace tally::jobs {
namespace {

namespace bj = boost::json;
using namespace std::chrono_literals;
using testing::CreateOrganization;
using testing::CreateProject;
using testing::Migrate;

// A fixed start time, so expected lease and retry times are exact.
constexpr Micros kT0 = 1'700'000'000'000'000;
constexpr Micros kSecond = 1'000'000;

const std::vector<std::string> kEchoKinds = {"echo"};

class JobQueueTest : public ::testing::TestWithParam<std::string> {};

Job MustGet(JobQueue& queue, int64_t id) {
  auto job = queue.Get(id);
  EXPECT_TRUE(job) << job.error().detail;
  return job ? *job : Job{};
}

ClaimedJob MustClaim(JobQueue& queue, const std::string& worker_id, std::chrono::microseconds lease, Micros now) {
  auto claimed = queue.Claim(worker_id, kEchoKinds, lease, now);
  EXPECT_TRUE(claimed) << claimed.error().detail;
  if (!claimed) return {};
  EXPECT_TRUE(claimed->has_value()) << "no job was due at " << now;
  return *claimed ? **claimed : ClaimedJob{};
}

bool NothingDue(JobQueue& queue, Micros now) {
  auto claimed = queue.Claim("probe", kEchoKinds, 1s, now);
  EXPECT_TRUE(claimed) << claimed.error().detail;
  return claimed && !claimed->has_value();
}

TEST_P(JobQueueTest, EnqueueClaimSucceed) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  const int64_t organization = CreateOrganization(test->db(), "Acme");
  const int64_t project = CreateProject(test->db(), organization, "Invoices");
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{{"task_ids", bj::array{1, 2}}},
                          {.organization_id = organization, .project_id = project, .max_attempts = 2}, kT0);
  ASSERT_TRUE(id) << id.error().detail;

  Job queued = MustGet(queue, *id);
  EXPECT_EQ(queued.kind, "echo");
  EXPECT_EQ(queued.status, JobStatus::kQueued);
  EXPECT_EQ(queued.payload, (bj::object{{"task_ids", bj::array{1, 2}}}));
  EXPECT_EQ(queued.attempts, 0);
  EXPECT_EQ(queued.max_attempts, 2);
  EXPECT_EQ(queued.organization_id, organization);
  EXPECT_EQ(queued.project_id, project);
  EXPECT_EQ(queued.run_at, kT0);
  EXPECT_EQ(queued.created_at, kT0);
  EXPECT_FALSE(queued.started_at);

  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0 + kSecond);
  EXPECT_EQ(claimed.job.id, *id);
  EXPECT_EQ(claimed.job.status, JobStatus::kRunning);
  EXPECT_EQ(claimed.job.attempts, 1);
  EXPECT_EQ(claimed.job.worker_id, "worker-a");
  EXPECT_EQ(claimed.job.lease_until, kT0 + 31 * kSecond);
  EXPECT_EQ(claimed.job.started_at, kT0 + kSecond);
  EXPECT_EQ(claimed.lease.job_id, *id);
  EXPECT_EQ(claimed.lease.worker_id, "worker-a");
  EXPECT_EQ(claimed.lease.attempt, 1);
  EXPECT_TRUE(NothingDue(queue, kT0 + kSecond));

  auto stored = queue.Succeed(claimed.lease, bj::object{{"exported", 2}}, kT0 + 2 * kSecond);
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_EQ(*stored, LeaseOutcome::kApplied);

  Job done = MustGet(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  ASSERT_TRUE(done.result);
  EXPECT_EQ(*done.result, (bj::object{{"exported", 2}}));
  EXPECT_EQ(done.progress, 100);
  EXPECT_EQ(done.finished_at, kT0 + 2 * kSecond);
  EXPECT_FALSE(done.lease_until);
  EXPECT_FALSE(done.error);
  EXPECT_TRUE(done.is_finished());
}

TEST_P(JobQueueTest, GetMissingJobIsNotFound) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto job = queue.Get(12345);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, Errc::kNotFound);
}

TEST_P(JobQueueTest, EnqueueRejectsInvalidInput) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  struct Case {
    std::string name;
    std::string kind;
    EnqueueOptions options;
    Errc code;
  };
  const std::vector<Case> cases = {
      {"empty kind", "", {}, Errc::kInvalidArgument},
      {"kind with space", "export csv", {}, Errc::kInvalidArgument},
      {"upper-case kind", "Export", {}, Errc::kInvalidArgument},
      {"kind over 64 characters", std::string(65, 'a'), {}, Errc::kInvalidArgument},
      {"zero max_attempts", "echo", {.max_attempts = 0}, Errc::kInvalidArgument},
      {"max_attempts over limit", "echo", {.max_attempts = 101}, Errc::kInvalidArgument},
      {"negative delay", "echo", {.delay = -1s}, Errc::kInvalidArgument},
      {"unknown organization", "echo", {.organization_id = 999}, Errc::kConflict},
  };
  for (const Case& c : cases) {
    auto id = queue.Enqueue(c.kind, bj::object{}, c.options, kT0);
    ASSERT_FALSE(id) << c.name;
    EXPECT_EQ(id.error().code, c.code) << c.name;
  }

  auto too_large = queue.Enqueue("echo", bj::string(std::string(JobQueue::kMaxJsonBytes, 'x')), {}, kT0);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, Errc::kPayloadTooLarge);

  auto counts = queue.CountByStatus();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at(JobStatus::kQueued), 0);
}

TEST_P(JobQueueTest, DelayedJobWaitsForRunAt) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.delay = 10s}, kT0);
  ASSERT_TRUE(id);
  EXPECT_EQ(MustGet(queue, *id).run_at, kT0 + 10 * kSecond);

  EXPECT_TRUE(NothingDue(queue, kT0 + 10 * kSecond - 1));
  EXPECT_EQ(MustClaim(queue, "worker-a", 30s, kT0 + 10 * kSecond).job.id, *id);
}

TEST_P(JobQueueTest, ClaimTakesOnlyListedKindsOldestFirst) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto later = queue.Enqueue("echo", bj::object{}, {.delay = 2s}, kT0);
  auto other_kind = queue.Enqueue("export", bj::object{}, {}, kT0);
  auto sooner = queue.Enqueue("echo", bj::object{}, {.delay = 1s}, kT0);
  ASSERT_TRUE(later);
  ASSERT_TRUE(other_kind);
  ASSERT_TRUE(sooner);

  auto none = queue.Claim("worker-a", {}, 30s, kT0 + 5 * kSecond);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  EXPECT_EQ(MustClaim(queue, "worker-a", 30s, kT0 + 5 * kSecond).job.id, *sooner);
  EXPECT_EQ(MustClaim(queue, "worker-a", 30s, kT0 + 5 * kSecond).job.id, *later);
  EXPECT_TRUE(NothingDue(queue, kT0 + 5 * kSecond));

  auto exported = queue.Claim("worker-b", {"import", "export"}, 30s, kT0 + 5 * kSecond);
  ASSERT_TRUE(exported);
  ASSERT_TRUE(exported->has_value());
  EXPECT_EQ((*exported)->job.id, *other_kind);
}

TEST(RetryPolicyTest, DoublesFromBaseUpToCap) {
  RetryPolicy policy{.base_delay = 2s, .max_delay = 60s};
  EXPECT_EQ(policy.DelayAfter(1), 2s);
  EXPECT_EQ(policy.DelayAfter(2), 4s);
  EXPECT_EQ(policy.DelayAfter(3), 8s);
  EXPECT_EQ(policy.DelayAfter(5), 32s);
  EXPECT_EQ(policy.DelayAfter(6), 60s);
  EXPECT_EQ(policy.DelayAfter(1000), 60s);
  EXPECT_EQ(policy.DelayAfter(0), 2s);
}

TEST_P(JobQueueTest, TransientFailureRetriesWithBackoffThenFails) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db(), {.base_delay = 2s, .max_delay = 60s});

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 3}, kT0);
  ASSERT_TRUE(id);

  // Attempt 1 fails: back in the queue 2 s later, error kept.
  ClaimedJob first = MustClaim(queue, "worker-a", 30s, kT0);
  auto failed = queue.Fail(first.lease, "The ML backend timed out", FailureKind::kTransient, kT0 + kSecond);
  ASSERT_TRUE(failed) << failed.error().detail;
  EXPECT_EQ(failed->lease, LeaseOutcome::kApplied);
  EXPECT_TRUE(failed->will_retry);
  EXPECT_EQ(failed->retry_at, kT0 + 3 * kSecond);

  Job retrying = MustGet(queue, *id);
  EXPECT_EQ(retrying.status, JobStatus::kQueued);
  EXPECT_EQ(retrying.attempts, 1);
  EXPECT_EQ(retrying.error, "The ML backend timed out");
  EXPECT_EQ(retrying.run_at, kT0 + 3 * kSecond);
  EXPECT_FALSE(retrying.lease_until);
  EXPECT_TRUE(NothingDue(queue, kT0 + 3 * kSecond - 1));

  // Attempt 2 fails: the delay doubles to 4 s.
  ClaimedJob second = MustClaim(queue, "worker-b", 30s, kT0 + 3 * kSecond);
  EXPECT_EQ(second.lease.attempt, 2);
  EXPECT_EQ(second.job.progress, 0);
  failed = queue.Fail(second.lease, "The ML backend timed out", FailureKind::kTransient, kT0 + 4 * kSecond);
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->will_retry);
  EXPECT_EQ(failed->retry_at, kT0 + 8 * kSecond);

  // Attempt 3 is the last: the job fails for good.
  ClaimedJob third = MustClaim(queue, "worker-a", 30s, kT0 + 8 * kSecond);
  EXPECT_EQ(third.lease.attempt, 3);
  failed = queue.Fail(third.lease, "The ML backend is unreachable", FailureKind::kTransient, kT0 + 9 * kSecond);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->lease, LeaseOutcome::kApplied);
  EXPECT_FALSE(failed->will_retry);

  Job done = MustGet(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_EQ(done.attempts, 3);
  EXPECT_EQ(done.error, "The ML backend is unreachable");
  EXPECT_EQ(done.finished_at, kT0 + 9 * kSecond);
  EXPECT_TRUE(NothingDue(queue, kT0 + 3600 * kSecond));
}

TEST_P(JobQueueTest, PermanentFailureSkipsRetries) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 5}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);

  auto failed = queue.Fail(claimed.lease, "Project 7 not found", FailureKind::kPermanent, kT0 + kSecond);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->lease, LeaseOutcome::kApplied);
  EXPECT_FALSE(failed->will_retry);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kFailed);
  EXPECT_EQ(MustGet(queue, *id).attempts, 1);
}

TEST_P(JobQueueTest, FailTruncatesLongMessageAtCharacterBoundary) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 1}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);

  // "é" is two bytes, so the byte limit falls inside one of them.
  std::string message = "x";
  while (message.size() < JobQueue::kMaxErrorBytes + 10) message += "é";
  auto failed = queue.Fail(claimed.lease, message, FailureKind::kPermanent, kT0);
  ASSERT_TRUE(failed) << failed.error().detail;

  Job done = MustGet(queue, *id);
  ASSERT_TRUE(done.error);
  EXPECT_EQ(done.error->size(), JobQueue::kMaxErrorBytes - 1);
  EXPECT_EQ(message.substr(0, done.error->size()), *done.error);
}

TEST_P(JobQueueTest, ExpiredLeaseRequeuesJobOfDeadWorker) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 3}, kT0);
  ASSERT_TRUE(id);
  // The worker claims with a 1 s lease and then never heartbeats: it died.
  ClaimedJob dead = MustClaim(queue, "worker-dead", 1s, kT0);

  auto early = queue.RequeueExpired(kT0 + kSecond);
  ASSERT_TRUE(early) << early.error().detail;
  EXPECT_EQ(early->requeued, 0);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kRunning);

  auto report = queue.RequeueExpired(kT0 + kSecond + 1);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->requeued, 1);
  EXPECT_EQ(report->failed, 0);

  Job requeued = MustGet(queue, *id);
  EXPECT_EQ(requeued.status, JobStatus::kQueued);
  EXPECT_EQ(requeued.run_at, kT0 + kSecond + 1);
  EXPECT_FALSE(requeued.lease_until);
  ASSERT_TRUE(requeued.error);
  EXPECT_NE(requeued.error->find("lease expired"), std::string::npos) << *requeued.error;

  ClaimedJob next = MustClaim(queue, "worker-b", 30s, kT0 + 2 * kSecond);
  EXPECT_EQ(next.job.id, *id);
  EXPECT_EQ(next.lease.attempt, 2);

  auto again = queue.RequeueExpired(kT0 + 3 * kSecond);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->requeued, 0);
}

TEST_P(JobQueueTest, ExpiredLeaseFailsJobOutOfAttempts) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 2}, kT0);
  ASSERT_TRUE(id);

  MustClaim(queue, "worker-dead-1", 1s, kT0);
  auto first = queue.RequeueExpired(kT0 + 2 * kSecond);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->requeued, 1);

  MustClaim(queue, "worker-dead-2", 1s, kT0 + 2 * kSecond);
  auto second = queue.RequeueExpired(kT0 + 4 * kSecond);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->requeued, 0);
  EXPECT_EQ(second->failed, 1);

  Job done = MustGet(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.finished_at, kT0 + 4 * kSecond);
  ASSERT_TRUE(done.error);
  EXPECT_NE(done.error->find("lease expired"), std::string::npos);
}

TEST_P(JobQueueTest, HeartbeatKeepsLease) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 1s, kT0);

  auto extended = queue.ExtendLease(claimed.lease, 1s, kT0 + kSecond / 2);
  ASSERT_TRUE(extended) << extended.error().detail;
  EXPECT_EQ(*extended, LeaseOutcome::kApplied);
  EXPECT_EQ(MustGet(queue, *id).lease_until, kT0 + 3 * kSecond / 2);

  auto report = queue.RequeueExpired(kT0 + 5 * kSecond / 4);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->requeued, 0);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kRunning);
}

TEST_P(JobQueueTest, StaleWorkerCannotTouchReclaimedJob) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob stale = MustClaim(queue, "worker-a", 1s, kT0);
  ASSERT_TRUE(queue.RequeueExpired(kT0 + 2 * kSecond));
  ClaimedJob fresh = MustClaim(queue, "worker-b", 30s, kT0 + 2 * kSecond);
  ASSERT_TRUE(queue.ReportProgress(fresh.lease, 40, kT0 + 3 * kSecond));

  // Every write by the worker that lost its lease is rejected.
  auto progress = queue.ReportProgress(stale.lease, 90, kT0 + 3 * kSecond);
  ASSERT_TRUE(progress);
  EXPECT_EQ(*progress, LeaseOutcome::kLost);
  auto heartbeat = queue.ExtendLease(stale.lease, 30s, kT0 + 3 * kSecond);
  ASSERT_TRUE(heartbeat);
  EXPECT_EQ(*heartbeat, LeaseOutcome::kLost);
  auto succeeded = queue.Succeed(stale.lease, bj::string("stale"), kT0 + 3 * kSecond);
  ASSERT_TRUE(succeeded);
  EXPECT_EQ(*succeeded, LeaseOutcome::kLost);
  auto failed = queue.Fail(stale.lease, "stale", FailureKind::kPermanent, kT0 + 3 * kSecond);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->lease, LeaseOutcome::kLost);
  auto released = queue.Release(stale.lease, kT0 + 3 * kSecond);
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, LeaseOutcome::kLost);

  Job running = MustGet(queue, *id);
  EXPECT_EQ(running.status, JobStatus::kRunning);
  EXPECT_EQ(running.worker_id, "worker-b");
  EXPECT_EQ(running.progress, 40);
  EXPECT_EQ(running.lease_until, kT0 + 32 * kSecond);

  auto stored = queue.Succeed(fresh.lease, bj::string("fresh"), kT0 + 4 * kSecond);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, LeaseOutcome::kApplied);
  Job done = MustGet(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.result, bj::value("fresh"));
}

TEST_P(JobQueueTest, SameWorkerIdOldAttemptIsFenced) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  // One worker id claims the job twice; only the attempt number tells the
  // two claims apart.
  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob old_claim = MustClaim(queue, "worker-a", 1s, kT0);
  ASSERT_TRUE(queue.RequeueExpired(kT0 + 2 * kSecond));
  ClaimedJob new_claim = MustClaim(queue, "worker-a", 30s, kT0 + 2 * kSecond);
  EXPECT_EQ(new_claim.lease.attempt, 2);

  auto stale = queue.Succeed(old_claim.lease, bj::string("old"), kT0 + 3 * kSecond);
  ASSERT_TRUE(stale);
  EXPECT_EQ(*stale, LeaseOutcome::kLost);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kRunning);
}

TEST_P(JobQueueTest, CancelQueuedJob) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);

  auto cancelled = queue.Cancel(*id, kT0 + kSecond);
  ASSERT_TRUE(cancelled) << cancelled.error().detail;
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);
  EXPECT_EQ(cancelled->finished_at, kT0 + kSecond);
  EXPECT_TRUE(NothingDue(queue, kT0 + 2 * kSecond));

  // A second cancel is a no-op that returns the job as it is.
  auto again = queue.Cancel(*id, kT0 + 5 * kSecond);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, JobStatus::kCancelled);
  EXPECT_EQ(again->finished_at, kT0 + kSecond);
}

TEST_P(JobQueueTest, CancelRunningJobStopsItsWorker) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);

  auto cancelled = queue.Cancel(*id, kT0 + kSecond);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);
  EXPECT_FALSE(cancelled->lease_until);

  auto progress = queue.ReportProgress(claimed.lease, 50, kT0 + 2 * kSecond);
  ASSERT_TRUE(progress);
  EXPECT_EQ(*progress, LeaseOutcome::kCancelled);
  auto heartbeat = queue.ExtendLease(claimed.lease, 30s, kT0 + 2 * kSecond);
  ASSERT_TRUE(heartbeat);
  EXPECT_EQ(*heartbeat, LeaseOutcome::kCancelled);
  auto succeeded = queue.Succeed(claimed.lease, bj::string("late"), kT0 + 3 * kSecond);
  ASSERT_TRUE(succeeded);
  EXPECT_EQ(*succeeded, LeaseOutcome::kCancelled);
  auto failed = queue.Fail(claimed.lease, "late", FailureKind::kTransient, kT0 + 3 * kSecond);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->lease, LeaseOutcome::kCancelled);

  Job done = MustGet(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kCancelled);
  EXPECT_FALSE(done.result);
  EXPECT_EQ(done.finished_at, kT0 + kSecond);

  // A cancelled job holds no lease, so recovery leaves it alone.
  auto report = queue.RequeueExpired(kT0 + 3600 * kSecond);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->requeued + report->failed, 0);
}

TEST_P(JobQueueTest, CancelFinishedOrMissingJobFails) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);
  ASSERT_TRUE(queue.Succeed(claimed.lease, nullptr, kT0));

  auto finished = queue.Cancel(*id, kT0 + kSecond);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().code, Errc::kConflict);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kSucceeded);

  auto missing = queue.Cancel(*id + 1000, kT0 + kSecond);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
}

TEST_P(JobQueueTest, ProgressIsClamped) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);

  const std::vector<std::pair<int, int>> cases = {{42, 42}, {-5, 0}, {150, 100}, {0, 0}, {100, 100}, {-2147483647, 0}};
  for (const auto& [reported, stored] : cases) {
    auto outcome = queue.ReportProgress(claimed.lease, reported, kT0);
    ASSERT_TRUE(outcome) << reported;
    EXPECT_EQ(*outcome, LeaseOutcome::kApplied) << reported;
    EXPECT_EQ(MustGet(queue, *id).progress, stored) << reported;
  }
}

TEST_P(JobQueueTest, ReleaseGivesAttemptBack) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {.max_attempts = 1}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);
  ASSERT_TRUE(queue.ReportProgress(claimed.lease, 30, kT0));

  auto released = queue.Release(claimed.lease, kT0 + kSecond);
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, LeaseOutcome::kApplied);

  Job queued = MustGet(queue, *id);
  EXPECT_EQ(queued.status, JobStatus::kQueued);
  EXPECT_EQ(queued.attempts, 0);
  EXPECT_EQ(queued.progress, 0);
  EXPECT_EQ(queued.run_at, kT0 + kSecond);

  // The single allowed attempt is still available.
  EXPECT_EQ(MustClaim(queue, "worker-b", 30s, kT0 + kSecond).lease.attempt, 1);
}

TEST_P(JobQueueTest, OversizedResultIsRejected) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto id = queue.Enqueue("echo", bj::object{}, {}, kT0);
  ASSERT_TRUE(id);
  ClaimedJob claimed = MustClaim(queue, "worker-a", 30s, kT0);

  auto stored = queue.Succeed(claimed.lease, bj::string(std::string(JobQueue::kMaxJsonBytes, 'x')), kT0);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, Errc::kPayloadTooLarge);
  EXPECT_EQ(MustGet(queue, *id).status, JobStatus::kRunning);
}

TEST_P(JobQueueTest, EnqueueInRollsBackWithCaller) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  int64_t enqueued_id = 0;
  auto failed = test->db().Write([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(id, JobQueue::EnqueueIn(connection, "echo", bj::object{}, {}, kT0));
    enqueued_id = id;
    return Error::Conflict("the caller's own change failed");
  });
  ASSERT_FALSE(failed);
  ASSERT_GT(enqueued_id, 0);

  auto job = queue.Get(enqueued_id);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, Errc::kNotFound);
}

TEST_P(JobQueueTest, CountsAndMetricsCoverEveryStatus) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue.Enqueue("echo", bj::object{}, {}, kT0));
  ClaimedJob running = MustClaim(queue, "worker-a", 30s, kT0);
  ClaimedJob succeeded = MustClaim(queue, "worker-a", 30s, kT0);
  ASSERT_TRUE(queue.Succeed(succeeded.lease, nullptr, kT0));

  auto counts = queue.CountByStatus();
  ASSERT_TRUE(counts) << counts.error().detail;
  EXPECT_EQ(counts->size(), kAllJobStatuses.size());
  EXPECT_EQ(counts->at(JobStatus::kQueued), 1);
  EXPECT_EQ(counts->at(JobStatus::kRunning), 1);
  EXPECT_EQ(counts->at(JobStatus::kSucceeded), 1);
  EXPECT_EQ(counts->at(JobStatus::kFailed), 0);
  EXPECT_EQ(counts->at(JobStatus::kCancelled), 0);

  auto text = RenderJobMetrics(queue);
  ASSERT_TRUE(text) << text.error().detail;
  EXPECT_EQ(*text,
            "# HELP tally_jobs Jobs in the queue by status.\n"
            "# TYPE tally_jobs gauge\n"
            "tally_jobs{status=\"queued\"} 1\n"
            "tally_jobs{status=\"running\"} 1\n"
            "tally_jobs{status=\"succeeded\"} 1\n"
            "tally_jobs{status=\"failed\"} 0\n"
            "tally_jobs{status=\"cancelled\"} 0\n");

  std::string scraped;
  JobMetricsSource(queue)(scraped);
  EXPECT_EQ(scraped, *text);
}

TEST_P(JobQueueTest, PurgeFinishedDeletesOnlyOldFinishedJobs) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  auto old_done = queue.Enqueue("echo", bj::object{}, {}, kT0);
  auto new_done = queue.Enqueue("echo", bj::object{}, {}, kT0);
  auto still_queued = queue.Enqueue("echo", bj::object{}, {}, kT0 + 10 * kSecond);
  ASSERT_TRUE(old_done);
  ASSERT_TRUE(new_done);
  ASSERT_TRUE(still_queued);
  ASSERT_TRUE(queue.Cancel(*old_done, kT0 + kSecond));
  ASSERT_TRUE(queue.Cancel(*new_done, kT0 + 5 * kSecond));

  auto purged = queue.PurgeFinished(kT0 + 3 * kSecond);
  ASSERT_TRUE(purged) << purged.error().detail;
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(queue.Get(*old_done));
  EXPECT_TRUE(queue.Get(*new_done));
  EXPECT_TRUE(queue.Get(*still_queued));
}

TEST_P(JobQueueTest, ConcurrentClaimersTakeEachJobOnce) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());

  // A second Database on the same URL stands in for a second process.
  auto second_db = store::Database::Open(test->url());
  ASSERT_TRUE(second_db) << second_db.error().detail;
  JobQueue first(test->db());
  JobQueue second(**second_db);

  constexpr int kJobs = 100;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(first.Enqueue("echo", bj::object{{"n", i}}, {}, kT0));

  std::mutex mutex;
  std::multiset<int64_t> claimed_ids;
  std::atomic<int> errors{0};
  auto claim_all = [&](JobQueue& queue, std::string worker_id) {
    while (true) {
      auto claimed = queue.Claim(worker_id, kEchoKinds, 30s, kT0);
      if (!claimed) {
        // A busy database may refuse a claim; give up only if it keeps doing so.
        if (++errors > 100) return;
        continue;
      }
      if (!*claimed) return;
      std::lock_guard lock(mutex);
      claimed_ids.insert((*claimed)->job.id);
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(claim_all, std::ref(first), "a/0");
  threads.emplace_back(claim_all, std::ref(first), "a/1");
  threads.emplace_back(claim_all, std::ref(second), "b/0");
  threads.emplace_back(claim_all, std::ref(second), "b/1");
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(claimed_ids.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<int64_t>(claimed_ids.begin(), claimed_ids.end()).size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(errors.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::jobs
