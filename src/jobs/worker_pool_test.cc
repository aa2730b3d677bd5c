#include "jobs/worker_pool.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "jobs/job_test_util.h"
#include "store/testing/test_databases.h"

namespace tally::jobs {
namespace {

namespace bj = boost::json;
using namespace std::chrono_literals;
using testing::Migrate;
using testing::WaitFor;

// Short periods so leases expire and recover within a test's second or two.
WorkerPoolOptions FastOptions(int threads = 2) {
  return {.threads = threads,
          .idle_poll = 20ms,
          .lease = 1000ms,
          .heartbeat = 100ms,
          .requeue_interval = 50ms};
}

// Retries after 20 ms, 40 ms, … so retry tests finish quickly.
constexpr RetryPolicy kFastRetry{.base_delay = 20ms, .max_delay = 200ms};

class WorkerPoolTest : public ::testing::TestWithParam<std::string> {};

std::optional<Job> Find(JobQueue& queue, int64_t id) {
  auto job = queue.Get(id);
  if (!job) return std::nullopt;
  return *job;
}

bool HasStatus(JobQueue& queue, int64_t id, JobStatus status) {
  auto job = Find(queue, id);
  return job && job->status == status;
}

TEST_P(WorkerPoolTest, RunsJobAndStoresResult) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  pool.Register("echo", [](JobContext& context) -> Result<bj::value> {
    TALLY_TRY(context.ReportProgress(50));
    return bj::value(bj::object{{"echo", context.payload()}, {"attempt", context.attempt()}});
  });
  pool.Start();

  auto id = queue.Enqueue("echo", bj::object{{"text", "hi"}});
  ASSERT_TRUE(id);
  pool.Wake();

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }));
  Job done = *Find(queue, *id);
  ASSERT_TRUE(done.result);
  EXPECT_EQ(*done.result, (bj::object{{"echo", bj::object{{"text", "hi"}}}, {"attempt", 1}}));
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.progress, 100);
  ASSERT_TRUE(done.worker_id);
  EXPECT_TRUE(done.worker_id->starts_with(pool.worker_name() + "/")) << *done.worker_id;
  EXPECT_TRUE(pool.Stop(5s));
}

TEST_P(WorkerPoolTest, FinishedJobsArePurgedWhenOld) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPoolOptions options = FastOptions(1);
  options.keep_finished = 1500ms;
  options.purge_interval = 50ms;
  WorkerPool pool(queue, options);
  pool.Register("echo", [](JobContext&) -> Result<bj::value> { return bj::value(nullptr); });
  pool.Start();

  auto id = queue.Enqueue("echo", bj::object{});
  ASSERT_TRUE(id);
  pool.Wake();
  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }));

  // Kept while younger than keep_finished, then deleted by the maintenance thread.
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(Find(queue, *id).has_value());
  EXPECT_TRUE(WaitFor([&] { return !Find(queue, *id).has_value(); }));
  EXPECT_TRUE(pool.Stop(5s));
}

TEST_P(WorkerPoolTest, WakeCutsIdlePollShort) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPoolOptions options = FastOptions(1);
  options.idle_poll = 60s;
  WorkerPool pool(queue, options);
  pool.Register("echo", [](JobContext&) -> Result<bj::value> { return bj::value(nullptr); });
  pool.Start();
  // Let the worker find the queue empty and go to sleep for a minute.
  std::this_thread::sleep_for(100ms);

  auto id = queue.Enqueue("echo", bj::object{});
  ASSERT_TRUE(id);
  pool.Wake();

  EXPECT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }, 2s));
}

TEST_P(WorkerPoolTest, TransientErrorIsRetried) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db(), kFastRetry);
  WorkerPool pool(queue, FastOptions());
  pool.Register("flaky", [](JobContext& context) -> Result<bj::value> {
    if (context.attempt() < 3) return Error::Unavailable("The ML backend is busy");
    return bj::value("done");
  });
  pool.Start();

  auto id = queue.Enqueue("flaky", bj::object{}, {.max_attempts = 3});
  ASSERT_TRUE(id);

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }));
  Job done = *Find(queue, *id);
  EXPECT_EQ(done.attempts, 3);
  EXPECT_FALSE(done.error);
}

TEST_P(WorkerPoolTest, TransientErrorFailsAfterMaxAttempts) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db(), kFastRetry);
  WorkerPool pool(queue, FastOptions());
  std::atomic<int> runs{0};
  pool.Register("broken", [&](JobContext&) -> Result<bj::value> {
    ++runs;
    return Error::Unavailable("The ML backend is unreachable");
  });
  pool.Start();

  auto id = queue.Enqueue("broken", bj::object{}, {.max_attempts = 2});
  ASSERT_TRUE(id);

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kFailed); }));
  Job done = *Find(queue, *id);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.error, "The ML backend is unreachable");
  pool.Stop(5s);
  EXPECT_EQ(runs.load(), 2);
}

TEST_P(WorkerPoolTest, PermanentErrorFailsAtOnce) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db(), kFastRetry);
  WorkerPool pool(queue, FastOptions());
  pool.Register("import", [](JobContext&) -> Result<bj::value> {
    return Error::InvalidField("payload.format", "must be one of json, csv, tsv");
  });
  pool.Start();

  auto id = queue.Enqueue("import", bj::object{}, {.max_attempts = 5});
  ASSERT_TRUE(id);

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kFailed); }));
  Job done = *Find(queue, *id);
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.error, "Validation error (payload.format: must be one of json, csv, tsv)");
}

TEST_P(WorkerPoolTest, ThrowingHandlerFailsJobNotWorker) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db(), kFastRetry);
  WorkerPool pool(queue, FastOptions(1));
  pool.Register("throws", [](JobContext&) -> Result<bj::value> { throw std::runtime_error("boom"); });
  pool.Register("echo", [](JobContext&) -> Result<bj::value> { return bj::value(1); });
  pool.Start();

  auto thrown = queue.Enqueue("throws", bj::object{}, {.max_attempts = 1});
  ASSERT_TRUE(thrown);
  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *thrown, JobStatus::kFailed); }));
  EXPECT_EQ(Find(queue, *thrown)->error, "Internal server error");

  // The single worker thread survived and runs the next job.
  auto next = queue.Enqueue("echo", bj::object{});
  ASSERT_TRUE(next);
  EXPECT_TRUE(WaitFor([&] { return HasStatus(queue, *next, JobStatus::kSucceeded); }));
}

TEST_P(WorkerPoolTest, CancelStopsRunningHandler) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  std::atomic<bool> started{false};
  std::atomic<int> handler_code{-1};
  pool.Register("long", [&](JobContext& context) -> Result<bj::value> {
    started = true;
    for (int i = 0; i < 1000; ++i) {
      auto reported = context.ReportProgress(i % 100);
      if (!reported) {
        handler_code = static_cast<int>(reported.error().code);
        return reported.error();
      }
      std::this_thread::sleep_for(5ms);
    }
    return bj::value("finished without noticing the cancel");
  });
  pool.Start();

  auto id = queue.Enqueue("long", bj::object{});
  ASSERT_TRUE(id);
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));

  auto cancelled = queue.Cancel(*id);
  ASSERT_TRUE(cancelled) << cancelled.error().detail;
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);

  ASSERT_TRUE(WaitFor([&] { return handler_code.load() != -1; }, 2s));
  EXPECT_EQ(handler_code.load(), static_cast<int>(Errc::kConflict));
  ASSERT_TRUE(WaitFor([&] { return pool.running_jobs() == 0; }, 2s));

  Job done = *Find(queue, *id);
  EXPECT_EQ(done.status, JobStatus::kCancelled);
  EXPECT_FALSE(done.result);
}

TEST_P(WorkerPoolTest, HeartbeatCancelSetsStopFlag) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  std::atomic<bool> started{false};
  std::atomic<bool> saw_stop{false};
  pool.Register("quiet", [&](JobContext& context) -> Result<bj::value> {
    // Reports no progress: only the heartbeat can tell it about the cancel.
    started = true;
    for (int i = 0; i < 400 && !context.stop_requested(); ++i) std::this_thread::sleep_for(5ms);
    saw_stop = context.stop_reason() == StopReason::kCancelled;
    return bj::value(nullptr);
  });
  pool.Start();

  auto id = queue.Enqueue("quiet", bj::object{});
  ASSERT_TRUE(id);
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  ASSERT_TRUE(queue.Cancel(*id));

  ASSERT_TRUE(WaitFor([&] { return pool.running_jobs() == 0; }, 2s));
  EXPECT_TRUE(saw_stop.load());
  EXPECT_EQ(Find(queue, *id)->status, JobStatus::kCancelled);
}

TEST_P(WorkerPoolTest, HeartbeatKeepsLongJobLeased) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPoolOptions options = FastOptions(1);
  options.lease = 500ms;
  options.heartbeat = 100ms;
  WorkerPool pool(queue, options);
  std::atomic<int> runs{0};
  pool.Register("slow", [&](JobContext& context) -> Result<bj::value> {
    ++runs;
    // Over two leases long; the maintenance thread's RequeueExpired runs
    // meanwhile and must find the lease renewed every time.
    for (int i = 0; i < 60 && !context.stop_requested(); ++i) std::this_thread::sleep_for(20ms);
    return bj::value(static_cast<int>(context.stop_reason()));
  });
  pool.Start();

  auto id = queue.Enqueue("slow", bj::object{});
  ASSERT_TRUE(id);

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }, 5s));
  Job done = *Find(queue, *id);
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.result, bj::value(static_cast<int>(StopReason::kNone)));
  EXPECT_EQ(runs.load(), 1);
}

TEST_P(WorkerPoolTest, RecoversJobOfDeadWorker) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());

  // A worker of another process claims the job and dies without heartbeats.
  auto id = queue.Enqueue("echo", bj::object{});
  ASSERT_TRUE(id);
  auto dead = queue.Claim("dead-process/0", {"echo"}, 200ms);
  ASSERT_TRUE(dead);
  ASSERT_TRUE(*dead);

  WorkerPool pool(queue, FastOptions());
  pool.Register("echo", [](JobContext& context) -> Result<bj::value> { return bj::value(context.attempt()); });
  pool.Start();

  ASSERT_TRUE(WaitFor([&] { return HasStatus(queue, *id, JobStatus::kSucceeded); }, 5s));
  Job done = *Find(queue, *id);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.result, bj::value(2));
  EXPECT_NE(done.worker_id, "dead-process/0");
}

TEST_P(WorkerPoolTest, StopWaitsForRunningJob) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  std::atomic<bool> started{false};
  pool.Register("short", [&](JobContext&) -> Result<bj::value> {
    started = true;
    std::this_thread::sleep_for(300ms);
    return bj::value("done");
  });
  pool.Start();

  auto id = queue.Enqueue("short", bj::object{});
  ASSERT_TRUE(id);
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));

  EXPECT_TRUE(pool.Stop(5s));
  EXPECT_EQ(Find(queue, *id)->status, JobStatus::kSucceeded);
}

TEST_P(WorkerPoolTest, StopAfterGraceReleasesJob) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  std::atomic<bool> started{false};
  pool.Register("patient", [&](JobContext& context) -> Result<bj::value> {
    started = true;
    for (int i = 0; i < 500 && !context.stop_requested(); ++i) std::this_thread::sleep_for(5ms);
    if (context.stop_requested()) return context.StopError();
    return bj::value("ran to the end");
  });
  pool.Start();

  auto id = queue.Enqueue("patient", bj::object{}, {.max_attempts = 1});
  ASSERT_TRUE(id);
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));

  EXPECT_FALSE(pool.Stop(100ms));

  // Back in the queue with its only attempt unused, for the next process.
  Job released = *Find(queue, *id);
  EXPECT_EQ(released.status, JobStatus::kQueued);
  EXPECT_EQ(released.attempts, 0);
  EXPECT_FALSE(released.lease_until);
}

TEST_P(WorkerPoolTest, StoppedPoolClaimsNothing) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  pool.Register("echo", [](JobContext&) -> Result<bj::value> { return bj::value(nullptr); });
  pool.Start();
  EXPECT_TRUE(pool.Stop(1s));

  auto id = queue.Enqueue("echo", bj::object{});
  ASSERT_TRUE(id);
  pool.Wake();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(Find(queue, *id)->status, JobStatus::kQueued);
  EXPECT_TRUE(pool.Stop(1s));
}

// Every pool has its own Database on one URL, as separate processes would.
// Each job must run exactly once and all must succeed.
struct PoolLayout {
  int pools;
  int threads_per_pool;
};

class WorkerPoolsTest : public ::testing::TestWithParam<std::tuple<std::string, PoolLayout>> {};

TEST_P(WorkerPoolsTest, RunEachJobExactlyOnce) {
  const auto& [backend, layout] = GetParam();
  TALLY_OPEN_TEST_DATABASE(test, backend);
  Migrate(test->db());

  constexpr int kJobs = 200;
  JobQueue producer(test->db());
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(producer.Enqueue("count", bj::object{{"n", i}}));

  std::mutex mutex;
  std::map<int64_t, int> runs;
  auto handler = [&](JobContext& context) -> Result<bj::value> {
    {
      std::lock_guard lock(mutex);
      ++runs[context.job_id()];
    }
    TALLY_TRY(context.ReportProgress(50));
    // A little work per job keeps every pool busy long enough to take part.
    std::this_thread::sleep_for(2ms);
    return bj::value(context.payload().at("n"));
  };

  std::vector<std::unique_ptr<store::Database>> databases;
  std::vector<std::unique_ptr<JobQueue>> queues;
  std::vector<std::unique_ptr<WorkerPool>> pools;
  for (int i = 0; i < layout.pools; ++i) {
    auto database = store::Database::Open(test->url());
    ASSERT_TRUE(database) << database.error().detail;
    databases.push_back(std::move(*database));
    queues.push_back(std::make_unique<JobQueue>(*databases.back()));
    WorkerPoolOptions options = FastOptions(layout.threads_per_pool);
    options.worker_name = "pool-" + std::to_string(i);
    options.lease = 10s;  // no lease may expire here: a second run would be a real bug
    options.heartbeat = 1s;
    pools.push_back(std::make_unique<WorkerPool>(*queues.back(), options));
    pools.back()->Register("count", handler);
  }
  for (auto& pool : pools) pool->Start();

  const bool all_done = WaitFor(
      [&] {
        auto counts = producer.CountByStatus();
        return counts && counts->at(JobStatus::kSucceeded) + counts->at(JobStatus::kFailed) == kJobs;
      },
      60s);
  for (auto& pool : pools) EXPECT_TRUE(pool->Stop(5s));
  ASSERT_TRUE(all_done);

  auto counts = producer.CountByStatus();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at(JobStatus::kSucceeded), kJobs);
  EXPECT_EQ(runs.size(), static_cast<size_t>(kJobs));
  for (const auto& [job_id, count] : runs) EXPECT_EQ(count, 1) << "job " << job_id;

  // Every pool took part, so the test exercised concurrent claims.
  std::map<std::string, int> jobs_by_pool;
  for (const auto& [job_id, count] : runs) {
    auto job = producer.Get(job_id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->attempts, 1) << "job " << job_id;
    ++jobs_by_pool[job->worker_id->substr(0, job->worker_id->find('/'))];
  }
  EXPECT_EQ(jobs_by_pool.size(), static_cast<size_t>(layout.pools));
}

TEST(WorkerPoolSetupTest, RegisterRejectsMisuse) {
  std::string skip;
  auto test = store::testing::TestDatabase::Open("sqlite", skip);
  ASSERT_TRUE(test) << skip;
  JobQueue queue(test->db());
  WorkerPool pool(queue, FastOptions());
  auto noop = [](JobContext&) -> Result<bj::value> { return bj::value(nullptr); };

  pool.Register("echo", noop);
  EXPECT_THROW(pool.Register("echo", noop), std::invalid_argument);
  EXPECT_THROW(pool.Register("", noop), std::invalid_argument);
  EXPECT_THROW(pool.Register("empty", JobHandler()), std::invalid_argument);
}

TEST(WorkerPoolSetupTest, StartRejectsUnworkableOptions) {
  std::string skip;
  auto test = store::testing::TestDatabase::Open("sqlite", skip);
  ASSERT_TRUE(test) << skip;
  JobQueue queue(test->db());

  WorkerPoolOptions no_threads = FastOptions(0);
  EXPECT_THROW(WorkerPool(queue, no_threads).Start(), std::invalid_argument);

  WorkerPoolOptions slow_heartbeat = FastOptions();
  slow_heartbeat.heartbeat = slow_heartbeat.lease / 2;
  EXPECT_THROW(WorkerPool(queue, slow_heartbeat).Start(), std::invalid_argument);

  WorkerPool pool(queue, FastOptions());
  pool.Start();
  EXPECT_THROW(pool.Start(), std::logic_error);
  EXPECT_THROW(pool.Register("late", [](JobContext&) -> Result<bj::value> { return bj::value(nullptr); }),
               std::logic_error);
}

TEST(JobContextTest, ProgressAfterStopReturnsStopError) {
  std::string skip;
  auto test = store::testing::TestDatabase::Open("sqlite", skip);
  ASSERT_TRUE(test) << skip;
  Migrate(test->db());
  JobQueue queue(test->db());
  ASSERT_TRUE(queue.Enqueue("echo", bj::object{}));
  auto claimed = queue.Claim("worker-a", {"echo"}, 30s);
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(*claimed);

  JobContext context(queue, (*claimed)->job, (*claimed)->lease);
  EXPECT_TRUE(context.ReportProgress(10));
  context.RequestStop(StopReason::kShutdown);
  context.RequestStop(StopReason::kCancelled);  // the first reason is kept
  EXPECT_EQ(context.stop_reason(), StopReason::kShutdown);

  auto reported = context.ReportProgress(20);
  ASSERT_FALSE(reported);
  EXPECT_EQ(reported.error().code, Errc::kUnavailable);
  EXPECT_EQ(queue.Get(context.job_id())->progress, 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerPoolTest, ::testing::ValuesIn(store::testing::Backends()));

INSTANTIATE_TEST_SUITE_P(
    Backends, WorkerPoolsTest,
    ::testing::Combine(::testing::ValuesIn(store::testing::Backends()),
                       ::testing::Values(PoolLayout{2, 2}, PoolLayout{4, 2})),
    [](const auto& info) {
      const PoolLayout& layout = std::get<1>(info.param);
      return std::get<0>(info.param) + "_" + std::to_string(layout.pools) + "pools_" +
             std::to_string(layout.threads_per_pool) + "threads";
    });

}  // namespace
}  // namespace tally::jobs
