#include "tracing/event.h"

#include <gtest/gtest.h>

#include "tracing/usage.h"

namespace tally::tracing {
namespace {

namespace bj = boost::json;

bj::value Raw(const std::string& type, bj::object body, std::string timestamp = "2026-01-05T10:00:00.000Z") {
  return bj::object{{"id", "e1"}, {"type", type}, {"timestamp", timestamp}, {"body", std::move(body)}};
}

TEST(NormalizeEnvironment, Table) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Production", "production"}, {"langfuse-x", "x"},     {"langfuselangfuse_dev", "dev"}, {"my env", "default"},
      {"", "default"},              {"langfuse", "default"}, {std::string(50, 'a'), std::string(40, 'a')},
      {"stage_2-b", "stage_2-b"}};
  for (const auto& [input, expected] : cases) EXPECT_EQ(NormalizeEnvironment(input), expected) << input;
}

TEST(ValidateEvent, TraceNormalized) {
  auto event = ValidateEvent(Raw("trace-create", {{"id", "t-1"}, {"timestamp", "2026-01-05T11:00:00.123456+01:00"},
                                                  {"metadata", "plain"}, {"environment", "Langfuse-Prod"}}),
                             false);
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->outcome, ValidatedEvent::Outcome::kStore);
  EXPECT_EQ(event->event.entity_id, "t-1");
  EXPECT_EQ(event->event.body.at("timestamp"), "2026-01-05T10:00:00.123Z");
  EXPECT_EQ(event->event.body.at("environment"), "prod");
  EXPECT_EQ(event->event.body.at("metadata"), (bj::object{{"metadata", "plain"}}));
}

TEST(ValidateEvent, RejectsBadInput) {
  struct Case {
    bj::value raw;
    std::string why;
  };
  const std::vector<Case> cases = {
      {Raw("span-create", {{"id", "s"}}, "2026-01-05 10:00:00"), "space instead of T"},
      {Raw("span-create", {{"id", "s"}}, "2026-01-05T10:00:00"), "naive timestamp"},
      {Raw("span-create", {{"id", "s"}, {"startTime", "2026-01-05T10:00:00+0530"}}), "offset without colon"},
      {Raw("span-create", {{"traceId", "t"}}), "observation without id"},
      {Raw("span-create", {{"id", "s"}, {"level", "warning"}}), "lowercase level"},
      {Raw("generation-create", {{"id", "g"}, {"promptName", "p"}}), "prompt name without version"},
      {Raw("generation-create", {{"id", "g"}, {"usageDetails", "12"}}), "usageDetails not an object"},
      {Raw("generation-create", {{"id", "g"}, {"usage", {{"input", 1.5}}}}), "fractional legacy count"},
      {Raw("nonsense-create", {{"id", "x"}}), "unknown type"},
      {Raw("dataset-run-item-create", {{"id", "x"}}), "internal type"},
      {Raw("trace-create", {{"id", std::string("a\0b", 3)}}), "NUL in id"},
      {Raw("trace-create", {{"id", std::string(801, 'x')}}), "id too long"},
      {Raw("score-create", {{"id", "s"}, {"name", "n"}}), "score without value"},
      {bj::value("not an object"), "event not an object"},
  };
  for (const auto& c : cases) {
    auto event = ValidateEvent(c.raw, false);
    EXPECT_FALSE(event) << c.why;
  }
}

TEST(ValidateEvent, IdLengthCountsCharactersAsJavaScriptDoes) {
  auto id_of = [](const std::string& unit, int count) {
    std::string id;
    for (int i = 0; i < count; ++i) id += unit;
    return id;
  };
  // Two bytes each in UTF-8, one unit each in UTF-16: 802 bytes is 401 characters.
  EXPECT_TRUE(ValidateEvent(Raw("trace-create", {{"id", id_of("é", 401)}}), false));
  // An emoji is two UTF-16 units: 400 of them fill the 800 allowed.
  EXPECT_TRUE(ValidateEvent(Raw("trace-create", {{"id", id_of("😀", 400)}}), false));
  EXPECT_FALSE(ValidateEvent(Raw("trace-create", {{"id", id_of("😀", 401)}}), false));
  EXPECT_FALSE(ValidateEvent(Raw("trace-create", {{"id", id_of("a", 801)}}), false));
}

TEST(ValidateEvent, PublicKeyOnlyScores) {
  auto span = ValidateEvent(Raw("span-create", {{"id", "s"}}), true);
  ASSERT_FALSE(span);
  EXPECT_EQ(span.error().code, Errc::kUnauthorized);
  auto score = ValidateEvent(Raw("score-create", {{"id", "s"}, {"name", "n"}, {"value", 1}, {"traceId", "t"}}), true);
  EXPECT_TRUE(score);
}

TEST(ValidateEvent, DropsAndSilences) {
  auto log = ValidateEvent(Raw("sdk-log", {{"log", "x"}}), false);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->outcome, ValidatedEvent::Outcome::kSilent);
  auto trace = ValidateEvent(Raw("trace-create", {{"name", "no id"}}), false);
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->outcome, ValidatedEvent::Outcome::kDrop);
}

TEST(ValidateEvent, LegacyObservationTakesTypeFromBody) {
  auto event = ValidateEvent(Raw("observation-create", {{"id", "o"}, {"type", "EVENT"}}), false);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event.body.at("type"), "EVENT");
  EXPECT_FALSE(ValidateEvent(Raw("observation-create", {{"id", "o"}, {"type", "AGENT"}}), false));
}

bj::object UsageOf(bj::object body) {
  auto parsed = ParseUsage(body);
  EXPECT_TRUE(parsed);
  return parsed ? parsed->usage : bj::object();
}

TEST(ParseUsage, Shapes) {
  EXPECT_EQ(UsageOf({{"usage", {{"input", 120}, {"output", 30}}}}),
            (bj::object{{"input", 120}, {"output", 30}, {"total", 150}}));
  EXPECT_EQ(UsageOf({{"usage", {{"promptTokens", 10}, {"completionTokens", 5}, {"totalTokens", 15}, {"input", 99}}}}),
            (bj::object{{"input", 10}, {"output", 5}, {"total", 15}}));
  EXPECT_EQ(UsageOf({{"usageDetails",
                      {{"prompt_tokens", 100},
                       {"completion_tokens", 30},
                       {"total_tokens", 130},
                       {"prompt_tokens_details", {{"cached_tokens", 20}}},
                       {"completion_tokens_details", {{"reasoning_tokens", 10}}}}}}),
            (bj::object{{"input_cached_tokens", 20},
                        {"output_reasoning_tokens", 10},
                        {"input", 80},
                        {"output", 20},
                        {"total", 130}}));
  EXPECT_EQ(UsageOf({{"usageDetails", {{"input_tokens", 7}, {"output_tokens", 3}, {"total_tokens", 10}}}}),
            (bj::object{{"input", 7}, {"output", 3}, {"total", 10}}));
  EXPECT_EQ(UsageOf({{"usageDetails", {{"input", "12abc"}, {"output", -1}, {"x", 1.5}, {"y", "no"}}}}),
            (bj::object{{"input", 12}}));
}

TEST(ParseUsage, DropsCountsBeyondExactIntegers) {
  EXPECT_EQ(UsageOf({{"usageDetails", {{"input", 9007199254740991LL}, {"output", 9007199254740992LL}, {"x", 1e300}}}}),
            (bj::object{{"input", 9007199254740991LL}}));
}

TEST(ParseUsage, CostDetailsDropInvalidValues) {
  bj::object body{{"costDetails", {{"input", 0.1}, {"output", -1}, {"total", "x"}}}};
  auto parsed = ParseUsage(body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->cost, (bj::object{{"input", 0.1}}));
}

}  // namespace
}  // namespace tally::tracing
