#include "tracing/fold.h"

#include <gtest/gtest.h>

namespace tally::tracing {
namespace {

namespace bj = boost::json;

Event Make(std::string id, std::string type, Micros timestamp, bj::object body) {
  auto raw = bj::object{{"id", id}, {"type", type}, {"timestamp", FormatIsoMillis(timestamp)}, {"body", std::move(body)}};
  auto validated = ValidateEvent(raw, false);
  EXPECT_TRUE(validated) << validated.error().message;
  return validated->event;
}

constexpr Micros kT = 1'767'607'200'000'000;  // 2026-01-05T10:00:00Z

TEST(FoldEvents, UpdateBeforeCreateAndLaterWins) {
  std::vector<Event> events = {
      Make("u", "generation-update", kT + 1000, {{"id", "g"}, {"traceId", "t"}, {"output", "hello"}, {"model", "gpt-4o"}}),
      Make("c", "generation-create", kT, {{"id", "g"}, {"traceId", "t"}, {"name", "llm"}, {"model", "old"},
                                          {"input", "hi"}, {"startTime", "2026-01-05T09:59:59.000Z"}}),
  };
  bj::object record = FoldEvents(events);
  EXPECT_EQ(record.at("name"), "llm");
  EXPECT_EQ(record.at("model"), "gpt-4o");
  EXPECT_EQ(record.at("input"), "hi");
  EXPECT_EQ(record.at("output"), "hello");
  EXPECT_EQ(record.at("startTime"), "2026-01-05T09:59:59.000Z");
  EXPECT_EQ(record.at("level"), "DEFAULT");
  EXPECT_EQ(record.at("type"), "GENERATION");
}

TEST(FoldEvents, OrderIndependent) {
  std::vector<Event> events = {
      Make("a", "trace-create", kT, {{"id", "t"}, {"name", "first"}, {"tags", {"b"}}, {"metadata", {{"k", {{"a", 1}}}}}}),
      Make("b", "trace-create", kT + 5, {{"id", "t"}, {"name", "second"}, {"tags", {"a"}},
                                         {"metadata", {{"k", {{"b", 2}}}}}}),
      Make("c", "trace-create", kT + 9, {{"id", "t"}, {"userId", "u"}, {"environment", "prod"}}),
  };
  bj::object forward = FoldEvents(events);
  std::reverse(events.begin(), events.end());
  EXPECT_EQ(FoldEvents(events), forward);
  EXPECT_EQ(forward.at("name"), "second");
  EXPECT_EQ(forward.at("tags"), (bj::array{"a", "b"}));
  EXPECT_EQ(forward.at("metadata"), (bj::object{{"k", {{"a", 1}, {"b", 2}}}}));
  EXPECT_EQ(forward.at("environment"), "default");  // fixed by the first event
  EXPECT_EQ(forward.at("timestamp").as_string(), FormatIsoMillis(kT));
  EXPECT_EQ(forward.at("userId"), "u");
}

TEST(FoldEvents, TiedCreatesUseEarlierBodyTime) {
  // The v3 SDK sends the original trace-create and the trace.update() one in
  // the same millisecond; the original (earlier body timestamp) folds first.
  std::vector<Event> events = {
      Make("z-update", "trace-create", kT, {{"id", "t"}, {"timestamp", "2026-01-05T10:00:00.500Z"}, {"output", "done"}}),
      Make("a-original", "trace-create", kT, {{"id", "t"}, {"timestamp", "2026-01-05T10:00:00.100Z"}, {"name", "n"}}),
  };
  bj::object record = FoldEvents(events);
  EXPECT_EQ(record.at("timestamp"), "2026-01-05T10:00:00.100Z");
  EXPECT_EQ(record.at("output"), "done");
}

TEST(FoldEvents, NullsAndFalsyIo) {
  std::vector<Event> events = {
      Make("a", "span-create", kT, {{"id", "s"}, {"name", "n"}, {"input", "x"}, {"parentObservationId", "p"}}),
      Make("b", "span-update", kT + 1, {{"id", "s"}, {"input", ""}, {"parentObservationId", nullptr}, {"name", nullptr}}),
  };
  bj::object record = FoldEvents(events);
  EXPECT_EQ(record.at("input"), "x");
  EXPECT_EQ(record.at("parentObservationId"), "p");
  EXPECT_TRUE(record.at("name").is_null());
}

TEST(FoldEvents, EndTimeClampedToStart) {
  std::vector<Event> events = {Make("a", "span-create", kT, {{"id", "s"}, {"startTime", "2026-01-05T10:00:01.000Z"},
                                                             {"endTime", "2026-01-05T10:00:00.000Z"}})};
  EXPECT_EQ(FoldEvents(events).at("endTime"), "2026-01-05T10:00:01.000Z");
}

}  // namespace
}  // namespace tally::tracing
