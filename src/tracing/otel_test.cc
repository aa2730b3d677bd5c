// OTLP decoding and mapping against the requests the npm SDKs send.
#include "tracing/otel.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::tracing {
namespace {

namespace bj = boost::json;

// Captured SDK requests live in the shared reference folder named by
// TALLY_SHARED_DIR; tests that need them skip without it.
std::optional<bj::object> LoadCapture(const std::string& relative) {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  if (!shared) return std::nullopt;
  std::ifstream file(std::string(shared) + "/reference/langfuse-sdk-captures/" + relative);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return bj::parse(text.str()).as_object();
}

const bj::object* FindObservationEvent(const std::vector<bj::value>& events, std::string_view name) {
  for (const auto& event : events) {
    const bj::object& body = event.at("body").as_object();
    if (event.at("type") != "trace-create" && body.contains("name") && body.at("name").is_string() && body.at("name").as_string() == name) return &body;
  }
  return nullptr;
}

TEST(OtlpJson, V5CaptureMapsToObservations) {
  auto capture = LoadCapture("v5-tracing-otel/002-POST-otel_v1_traces.json");
  if (!capture) GTEST_SKIP() << "SDK captures not available";
  auto spans = DecodeOtlpJson(json::Serialize(capture->at("body")));
  ASSERT_TRUE(spans) << spans.error().message;
  ASSERT_EQ(spans->size(), 6u);

  const auto events = MapSpansToEvents(*spans, 0);
  const bj::object* generation = FindObservationEvent(events, "llm-call");
  ASSERT_NE(generation, nullptr);
  EXPECT_EQ(generation->at("model"), "gpt-4o");
  EXPECT_EQ(generation->at("promptName"), "movie-critic");
  EXPECT_EQ(generation->at("promptVersion"), 3);
  for (const auto& event : events) {
    auto validated = ValidateEvent(event, false);
    EXPECT_TRUE(validated) << json::Serialize(event);
  }
}

TEST(OtlpProtobuf, GzipCaptureDecodes) {
  auto capture = LoadCapture("v5-otel-protobuf-gzip/001-POST-otel_v1_traces.json");
  if (!capture) GTEST_SKIP() << "SDK captures not available";
  auto bytes = Base64Decode(capture->at("body").as_string());
  ASSERT_TRUE(bytes);
  auto spans = DecodeOtlpProtobuf(*bytes);
  ASSERT_TRUE(spans) << spans.error().message;
  ASSERT_FALSE(spans->empty());
  const auto events = MapSpansToEvents(*spans, 0);
  bool found_foreign_generation = false;
  for (const auto& event : events) {
    const bj::object& body = event.at("body").as_object();
    if (event.at("type") == "generation-create" && body.contains("usageDetails") &&
        body.at("usageDetails") == bj::object{{"input", 11}, {"output", 4}}) {
      found_foreign_generation = true;
    }
    EXPECT_EQ(body.at("id").as_string().size() == 16 || body.at("id").as_string().size() == 32, true);
  }
  EXPECT_TRUE(found_foreign_generation);
}

TEST(OtlpJson, RejectsStructuralErrors) {
  EXPECT_FALSE(DecodeOtlpJson("not json"));
  EXPECT_FALSE(DecodeOtlpJson(R"({"resourceSpans": {}})"));
  EXPECT_FALSE(DecodeOtlpJson(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": "ab"}]}]}]})"));
  auto empty = DecodeOtlpJson(R"({"resourceSpans": []})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(DecodeOtlpProtobuf("\xff\xff\xff"));
}

TEST(Gunzip, RejectsCorruptAndOversized) {
  EXPECT_FALSE(Gunzip("not gzip", 1 << 20));
}

TEST(OtlpJson, TraceAttributesFromChildAndRoot) {
  const char* body = R"({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{
    "scope": {"name": "langfuse-sdk", "version": "5.11.1"},
    "spans": [
      {"traceId": "aa", "spanId": "02", "parentSpanId": "01", "name": "child", "startTimeUnixNano": "1796413305452000000",
       "endTimeUnixNano": "1796413305453999999", "attributes": [
         {"key": "user.id", "value": {"stringValue": "u-1"}},
         {"key": "langfuse.trace.tags", "value": {"arrayValue": {"values": [{"stringValue": "prod"}]}}},
         {"key": "langfuse.observation.completion_start_time", "value": {"stringValue": "\"2026-12-04T19:41:55.729Z\""}},
         {"key": "langfuse.observation.level", "value": {"stringValue": "warn"}}]},
      {"traceId": "aa", "spanId": "01", "name": "root", "startTimeUnixNano": 1796413305451000000,
       "endTimeUnixNano": 1796413305460000000, "attributes": [
         {"key": "langfuse.trace.input", "value": {"stringValue": "{\"q\":1}"}}]}]}]}]})";
  auto spans = DecodeOtlpJson(body);
  ASSERT_TRUE(spans) << spans.error().message;
  const auto events = MapSpansToEvents(*spans, 0);
  ASSERT_EQ(events.size(), 4u);
  const bj::object& child = events[0].at("body").as_object();
  EXPECT_EQ(child.at("completionStartTime"), "2026-12-04T19:41:55.729Z");
  EXPECT_EQ(child.at("level"), "WARNING");
  EXPECT_EQ(child.at("startTime"), "2026-12-04T19:41:45.452Z");
  const bj::object& child_trace = events[1].at("body").as_object();
  EXPECT_EQ(child_trace.at("userId"), "u-1");
  EXPECT_EQ(child_trace.at("tags"), (bj::array{"prod"}));
  const bj::object& root_trace = events[3].at("body").as_object();
  EXPECT_EQ(root_trace.at("name"), "root");
  EXPECT_EQ(root_trace.at("input"), "{\"q\":1}");
}

}  // namespace
}  // namespace tally::tracing
