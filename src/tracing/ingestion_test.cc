// Ingestion against real databases: one write per batch, idempotent resends,
// cross-batch merges and cost, on SQLite and PostgreSQL.
#include "tracing/ingestion.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/migrations.h"
#include "store/testing/test_databases.h"
#include "tracing/trace_store.h"

namespace tally::tracing {
namespace {

namespace bj = boost::json;

constexpr int64_t kProject = 7;

class IngestionTest : public ::testing::TestWithParam<std::string> {
 protected:
  bj::array Batch(std::initializer_list<bj::value> events) { return bj::array(events.begin(), events.end()); }

  static bj::value Event(std::string id, std::string type, std::string timestamp, bj::object body) {
    return bj::object{{"id", id}, {"type", type}, {"timestamp", timestamp}, {"body", std::move(body)}};
  }

  std::optional<store::Row> Observation(store::Database& db, const std::string& id) {
    auto row = db.Read([&](store::Connection& c) { return FindObservation(c, kProject, id); });
    EXPECT_TRUE(row) << row.error().detail;
    return row ? *row : std::nullopt;
  }
};

TEST_P(IngestionTest, StoresValidEventsAndReportsInvalid) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  ASSERT_TRUE(store::Migrator(database->db()).Up());

  auto result = IngestBatch(
      database->db(), kProject,
      Batch({Event("e1", "trace-create", "2026-01-05T10:00:00.000Z", {{"id", "t-1"}, {"name", "chat"}, {"sessionId", "s-1"}}),
             Event("e2", "span-create", "2026-01-05 10:00:00", {{"id", "s-9"}, {"traceId", "t-1"}}),
             Event("e3", "generation-create", "2026-01-05T10:00:00.010Z",
                   {{"id", "g-1"}, {"traceId", "t-1"}, {"model", "gpt-4o"}, {"usageDetails", {{"input", 100}, {"output", 30}}}}),
             bj::object{{"type", "sdk-log"}, {"id", "log"}, {"timestamp", "2026-01-05T10:00:00Z"}, {"body", {{"log", 1}}}}}),
      false);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->successes.size(), 2u);
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].id, "e2");
  EXPECT_EQ(result->errors[0].status, 400);

  auto generation = Observation(database->db(), "g-1");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->Text(generation->Column("usage_details")), R"({"input":100,"output":30,"total":130})");
  EXPECT_DOUBLE_EQ(generation->Double(generation->Column("total_cost")), 0.00055);
  EXPECT_EQ(generation->Text(generation->Column("internal_model_id")), "b9854a5c92dc496b997d99d20");

  auto session = database->db().Read([](store::Connection& c) { return FindSession(c, kProject, "s-1"); });
  ASSERT_TRUE(session);
  EXPECT_TRUE(*session);
}

TEST_P(IngestionTest, ResendIsIdempotentAndLaterBatchMerges) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  ASSERT_TRUE(store::Migrator(database->db()).Up());
  const bj::array first = Batch({Event("u1", "span-update", "2026-01-05T10:00:02.000Z",
                                       {{"id", "s-1"}, {"traceId", "t-1"}, {"endTime", "2026-01-05T10:00:02.000Z"}})});
  ASSERT_TRUE(IngestBatch(database->db(), kProject, first, false));
  ASSERT_TRUE(IngestBatch(database->db(), kProject, first, false));
  ASSERT_TRUE(IngestBatch(database->db(), kProject,
                          Batch({Event("c1", "span-create", "2026-01-05T10:00:00.000Z",
                                       {{"id", "s-1"}, {"traceId", "t-1"}, {"name", "retrieve"}}),
                                 Event("c1", "span-create", "2026-01-05T10:00:00.000Z",
                                       {{"id", "s-1"}, {"traceId", "t-1"}, {"name", "retrieve"}})}),
                          false));

  auto span = Observation(database->db(), "s-1");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->Text(span->Column("name")), "retrieve");
  EXPECT_FALSE(span->IsNull(span->Column("end_time")));
  auto count = database->db().Read([](store::Connection& c) {
    return c.QueryOne("SELECT COUNT(*) FROM tracing_events WHERE project_id = ?", {kProject});
  });
  ASSERT_TRUE(count);
  EXPECT_EQ((*count)->Int(0), 2);
}

TEST_P(IngestionTest, ObservationWithoutTraceGetsWrapperTrace) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  ASSERT_TRUE(store::Migrator(database->db()).Up());
  ASSERT_TRUE(IngestBatch(database->db(), kProject,
                          Batch({Event("c", "event-create", "2026-01-05T10:00:00.000Z", {{"id", "ev-1"}}),
                                 Event("u", "span-update", "2026-01-05T10:00:00.000Z", {{"id", "sp-1"}})}),
                          false));
  auto event = Observation(database->db(), "ev-1");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->Text(event->Column("trace_id")), "ev-1");
  auto trace = database->db().Read([](store::Connection& c) { return FindTrace(c, kProject, "ev-1"); });
  ASSERT_TRUE(trace);
  EXPECT_TRUE(*trace);
}

TEST_P(IngestionTest, ScoresCheckedAgainstRules) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  ASSERT_TRUE(store::Migrator(database->db()).Up());
  auto result = IngestBatch(
      database->db(), kProject,
      Batch({Event("ok", "score-create", "2026-01-05T10:00:00.000Z", {{"id", "sc-1"}, {"name", "n"}, {"value", 0.9}, {"traceId", "t"}}),
             Event("bool", "score-create", "2026-01-05T10:00:00.000Z",
                   {{"id", "sc-2"}, {"name", "b"}, {"value", 1}, {"dataType", "BOOLEAN"}, {"traceId", "t"}}),
             Event("two-subjects", "score-create", "2026-01-05T10:00:00.000Z",
                   {{"id", "sc-3"}, {"name", "n"}, {"value", 1}, {"traceId", "t"}, {"sessionId", "s"}}),
             Event("bad-bool", "score-create", "2026-01-05T10:00:00.000Z",
                   {{"id", "sc-4"}, {"name", "n"}, {"value", 2}, {"dataType", "BOOLEAN"}, {"traceId", "t"}}),
             Event("no-config", "score-create", "2026-01-05T10:00:00.000Z",
                   {{"id", "sc-5"}, {"name", "n"}, {"value", 1}, {"configId", "missing"}, {"traceId", "t"}})}),
      false);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->successes.size(), 2u);
  EXPECT_EQ(result->errors.size(), 3u);
  auto score = database->db().Read([](store::Connection& c) { return FindScore(c, kProject, "sc-2"); });
  ASSERT_TRUE(score);
  ASSERT_TRUE(*score);
  EXPECT_EQ((*score)->Text((*score)->Column("string_value")), "True");
}

TEST_P(IngestionTest, ConcurrentBatchesKeepEveryField) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  ASSERT_TRUE(store::Migrator(database->db()).Up());

  // Eight writers each set one metadata key of the same trace at once; a
  // fold that missed another writer's events would drop keys.
  constexpr int kWriters = 8;
  std::vector<std::thread> writers;
  std::atomic<int> failures = 0;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      auto batch = Batch({Event("e" + std::to_string(i), "trace-create", "2026-01-05T10:00:00.000Z",
                                {{"id", "t-shared"}, {"metadata", {{"k" + std::to_string(i), i}}}})});
      if (!IngestBatch(database->db(), kProject, batch, false)) ++failures;
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures, 0);

  auto trace = database->db().Read([](store::Connection& c) { return FindTrace(c, kProject, "t-shared"); });
  ASSERT_TRUE(trace);
  ASSERT_TRUE(*trace);
  auto metadata = bj::parse((*trace)->Text((*trace)->Column("metadata"))).as_object();
  EXPECT_EQ(metadata.size(), static_cast<size_t>(kWriters));
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestionTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::tracing
