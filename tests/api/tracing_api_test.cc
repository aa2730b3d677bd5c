// The Langfuse-compatible tracing API end to end: ingestion, OTLP, reads,
// scores, score configs and models over real HTTP against a real
// `tally serve`, on SQLite and on PostgreSQL.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/crypto.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

namespace bj = boost::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TallyProcess;

constexpr const char* kPublicKey = "pk-lf-tracing-test";
constexpr const char* kSecretKey = "sk-lf-tracing-test-secret-0001";

std::optional<bj::object> LoadCapture(const std::string& relative) {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  if (!shared) return std::nullopt;
  std::ifstream file(std::string(shared) + "/reference/langfuse-sdk-captures/" + relative);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return bj::parse(text.str()).as_object();
}

std::string Gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

bj::value Event(const std::string& id, const std::string& type, bj::object body,
                const std::string& timestamp = "2026-01-05T10:00:00.000Z") {
  return bj::object{{"id", id}, {"type", type}, {"timestamp", timestamp}, {"body", std::move(body)}};
}

class TracingApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    server_ = std::make_unique<TallyProcess>(testing::ServeOptions{
        .database_url = database_->url(),
        .environment = {{"TALLY_INIT_USER_EMAIL", "admin@example.com"},
                        {"TALLY_INIT_PROJECT_NAME", "Tracing"},
                        {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                        {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}}});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  std::string Basic() const { return "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey); }

  HttpResponse Get(const std::string& path) { return client_->Get(path, {Basic()}); }
  HttpResponse Post(const std::string& path, const bj::value& body) {
    return client_->Post(path, bj::serialize(body), {Basic()});
  }
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    std::vector<std::string> headers = {}) {
    headers.push_back(Basic());
    return client_->Send(method, path, body, headers);
  }
  HttpResponse Ingest(std::initializer_list<bj::value> events) {
    return Post("/api/public/ingestion", bj::object{{"batch", bj::array(events.begin(), events.end())}});
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(TracingApiTest, V3SdkBatchBuildsOneTrace) {
  auto capture = LoadCapture("v3-langfuse/004-POST-ingestion.json");
  if (!capture) GTEST_SKIP() << "SDK captures not available";
  // The captured generation links movie-critic-chat version 3; a link to a
  // version the project lacks would be dropped.
  std::string prompt_id;
  for (int version = 1; version <= 3; ++version) {
    auto created = Post("/api/public/v2/prompts",
                        bj::object{{"name", "movie-critic-chat"}, {"type", "chat"},
                                   {"prompt", bj::array{bj::object{{"role", "system"}, {"content", "Critic"}}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    prompt_id = std::string(created.Json().at("id").as_string());
  }
  auto response = Post("/api/public/ingestion", capture->at("body"));
  ASSERT_EQ(response.status, 207) << response.body;
  EXPECT_EQ(response.Json().at("successes").as_array().size(), 10u);
  EXPECT_TRUE(response.Json().at("errors").as_array().empty());

  // A resend of the identical batch changes nothing.
  ASSERT_EQ(Post("/api/public/ingestion", capture->at("body")).status, 207);

  auto list = Get("/api/public/traces");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(list.Json().at("meta"), (bj::object{{"page", 1}, {"limit", 50}, {"totalItems", 1}, {"totalPages", 1}}));
  const std::string id(list.Json().at("data").at(0).at("id").as_string());

  auto detail = Get("/api/public/traces/" + id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const bj::object trace = detail.Json().as_object();
  EXPECT_EQ(trace.at("name"), "chat-app-session");
  EXPECT_EQ(trace.at("output"), (bj::object{{"answer", "Yes!"}}));
  EXPECT_EQ(trace.at("timestamp"), "2026-12-04T19:41:20.111Z");
  EXPECT_EQ(trace.at("scores").as_array().size(), 3u);
  ASSERT_EQ(trace.at("observations").as_array().size(), 3u);
  EXPECT_DOUBLE_EQ(trace.at("totalCost").to_number<double>(), 0.0009);
  bool found_generation = false;
  for (const auto& observation : trace.at("observations").as_array()) {
    if (observation.at("type") != "GENERATION") continue;
    found_generation = true;
    EXPECT_EQ(observation.at("promptId"), bj::value(prompt_id));
    EXPECT_EQ(observation.at("promptName"), "movie-critic-chat");
    EXPECT_EQ(observation.at("promptVersion"), 3);
    EXPECT_EQ(observation.at("model"), "gpt-4o");
    EXPECT_EQ(observation.at("usageDetails").at("input_cached_tokens"), 20);
    EXPECT_EQ(observation.at("promptTokens"), 120);
  }
  EXPECT_TRUE(found_generation);
}

TEST_P(TracingApiTest, PerEventErrorsAndWholeRequestErrors) {
  auto response = Ingest({Event("good", "trace-create", {{"id", "t-1"}, {"unknownField", 1}}),
                          Event("naive", "span-create", {{"id", "s-1"}, {"traceId", "t-1"}}, "2026-01-05T10:00:00"),
                          Event("future", "span-create", {{"id", "s-2"}, {"traceId", "t-1"}}, "9999-12-31T23:59:59.999Z"),
                          Event("nanos", "span-create", {{"id", "s-3"}, {"traceId", "t-1"}}, "2026-01-05T10:00:00.123456789Z"),
                          Event("type", "bogus-create", {{"id", "x"}})});
  ASSERT_EQ(response.status, 207) << response.body;
  EXPECT_EQ(response.Json().at("successes").as_array().size(), 3u);
  ASSERT_EQ(response.Json().at("errors").as_array().size(), 2u);
  EXPECT_EQ(response.Json().at("errors").at(0).at("id"), "naive");
  EXPECT_EQ(response.Json().at("errors").at(0).at("status"), 400);
  EXPECT_EQ(response.Json().at("errors").at(0).at("message"), "Invalid request data");

  auto nanos = Get("/api/public/observations/s-3");
  ASSERT_EQ(nanos.status, 200) << nanos.body;
  EXPECT_EQ(nanos.Json().at("startTime"), "2026-01-05T10:00:00.123Z");

  EXPECT_EQ(Send("POST", "/api/public/ingestion", "{\"batch\": 1}", {"Content-Type: application/json"}).status, 400);
  EXPECT_EQ(Send("POST", "/api/public/ingestion", "not json", {"Content-Type: application/json"}).status, 400);
  EXPECT_EQ(Send("POST", "/api/public/ingestion", "{\"batch\":[{\"id\":\"\xff\xfe\"}]}",
                 {"Content-Type: application/json"}).status,
            400);
  auto empty = Post("/api/public/ingestion", bj::object{{"batch", bj::array()}});
  ASSERT_EQ(empty.status, 207);
  EXPECT_EQ(empty.Json(), (bj::object{{"successes", bj::array()}, {"errors", bj::array()}}));

  const std::string huge(5 * 1024 * 1024, 'x');
  EXPECT_EQ(Send("POST", "/api/public/ingestion", "{\"batch\":[],\"pad\":\"" + huge + "\"}",
                 {"Content-Type: application/json"}).status,
            413);
}

// Text that PostgreSQL cannot compress inside an index entry: `count`
// pseudo-random characters, ASCII letters or (`wide`) three-byte CJK
// characters.
std::string IncompressibleText(size_t count, bool wide = false) {
  std::string text;
  uint32_t state = 12345;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1103515245u + 12345u;
    const uint32_t pick = (state >> 16) & 0x7FFF;
    if (!wide) {
      text += static_cast<char>('a' + pick % 26);
      continue;
    }
    const uint32_t code_point = 0x4E00 + pick % 0x5000;
    text += static_cast<char>(0xE0 | (code_point >> 12));
    text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return text;
}

// Values over the length limits are per-event 400s naming the field, and
// the rest of the batch is stored. On PostgreSQL a 3000-character tag or
// user id used to exceed the btree entry limit and fail the whole batch.
TEST_P(TracingApiTest, OverlongIndexedFieldsRejectedPerEvent) {
  const std::string long_text = IncompressibleText(3000);
  auto response = Ingest({
      Event("tag", "trace-create", {{"id", "t-tag"}, {"tags", {"short", long_text}}}),
      Event("user", "trace-create", {{"id", "t-user"}, {"userId", long_text}}),
      Event("session", "trace-create", {{"id", "t-session"}, {"sessionId", long_text}}),
      Event("release", "trace-create", {{"id", "t-release"}, {"release", long_text}}),
      Event("version", "span-create", {{"id", "s-version"}, {"traceId", "t-ok"}, {"version", long_text}}),
      Event("score", "score-create", {{"id", "sc-1"}, {"traceId", "t-ok"}, {"name", "q"}, {"value", 1},
                                      {"sessionId", long_text}}),
      Event("ok", "trace-create", {{"id", "t-ok"}, {"tags", {"fine"}}, {"userId", "u-1"}}),
  });
  ASSERT_EQ(response.status, 207) << response.body;
  const bj::value body = response.Json();
  const bj::array& errors = body.at("errors").as_array();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"tag", "body.tags.1"},     {"user", "body.userId"},       {"session", "body.sessionId"},
      {"release", "body.release"}, {"version", "body.version"}, {"score", "body.sessionId"}};
  ASSERT_EQ(errors.size(), expected.size()) << response.body;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(errors[i].at("id"), bj::value(expected[i].first));
    EXPECT_EQ(errors[i].at("status"), 400);
    const std::string detail(errors[i].at("error").as_string());
    EXPECT_TRUE(detail.starts_with(expected[i].second + ":")) << detail;
  }
  EXPECT_EQ(body.at("successes").as_array().size(), 1u);

  auto stored = Get("/api/public/traces/t-ok");
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.Json().at("tags"), (bj::array{"fine"}));
  EXPECT_EQ(Get("/api/public/traces/t-tag").status, 404);
  EXPECT_EQ(Get("/api/public/traces/t-user").status, 404);
}

// OpenTelemetry spans go through the same limits: a span whose user.id is
// too long is skipped, and the other spans of the export are stored.
TEST_P(TracingApiTest, OtlpOverlongAttributeSkipsSpan) {
  const std::string long_user = IncompressibleText(3000);
  auto span = [](const std::string& trace_id, const std::string& span_id, const std::string& user) {
    return bj::object{{"traceId", trace_id},
                      {"spanId", span_id},
                      {"name", "step"},
                      {"startTimeUnixNano", "1767607200000000000"},
                      {"endTimeUnixNano", "1767607201000000000"},
                      {"attributes", bj::array{bj::object{{"key", "user.id"},
                                                          {"value", bj::object{{"stringValue", user}}}}}}};
  };
  const std::string long_trace(32, 'a');
  const std::string good_trace(32, 'b');
  const bj::object request{
      {"resourceSpans",
       bj::array{bj::object{{"scopeSpans", bj::array{bj::object{
                                                {"spans", bj::array{span(long_trace, std::string(16, 'c'), long_user),
                                                                    span(good_trace, std::string(16, 'd'), "u-1")}}}}}}}}};
  auto response = Send("POST", "/api/public/otel/v1/traces", bj::serialize(request), {"Content-Type: application/json"});
  ASSERT_EQ(response.status, 200) << response.body;

  auto good = Get("/api/public/traces/" + good_trace);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.Json().at("userId"), "u-1");
  auto skipped = Get("/api/public/traces/" + long_trace);
  if (skipped.status == 200) EXPECT_NE(skipped.Json().at("userId"), bj::value(long_user));
}

// Values at the limits fit PostgreSQL's indexes even next to the longest
// trace id allowed (800 three-byte characters).
TEST_P(TracingApiTest, LongestAllowedFieldsAreStored) {
  const std::string trace_id = IncompressibleText(800, /*wide=*/true);
  const std::string tag = IncompressibleText(200);
  const std::string user = IncompressibleText(1000);
  auto response = Ingest({Event("max", "trace-create", {{"id", trace_id}, {"tags", {tag}}, {"userId", user},
                                                        {"sessionId", user}, {"name", user}})});
  ASSERT_EQ(response.status, 207) << response.body;
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;

  auto by_tag = Get("/api/public/traces?tags=" + tag);
  ASSERT_EQ(by_tag.status, 200) << by_tag.body;
  ASSERT_EQ(by_tag.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(by_tag.Json().at("data").at(0).at("userId"), bj::value(user));
}

// Deleting traces while the same traces are ingested must never fail. On
// PostgreSQL the delete used to lock trace_tags before traces, the reverse
// of ingestion, and some requests failed with a deadlock as 503.
TEST_P(TracingApiTest, DeleteDuringIngestionNeverFails) {
  const std::vector<std::string> ids = {"t-1", "t-2", "t-3"};
  constexpr int kIngesters = 4;
  constexpr int kDeleters = 2;
  constexpr int kRequests = 150;
  std::vector<std::vector<std::string>> failures(kIngesters + kDeleters);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kIngesters + kDeleters; ++w) {
    threads.emplace_back([&, w] {
      HttpClient client(server_->base_url());
      ready.fetch_add(1);
      while (ready.load() < kIngesters + kDeleters) std::this_thread::yield();
      for (int n = 0; n < kRequests; ++n) {
        HttpResponse response;
        if (w < kIngesters) {
          bj::array batch;
          for (size_t i = 0; i < ids.size(); ++i) {
            // Each ingester walks the traces in its own order.
            const std::string& id = ids[(i + static_cast<size_t>(w)) % ids.size()];
            batch.push_back(Event(fmt::format("e-{}-{}-{}", w, n, i), "trace-create",
                                  {{"id", id}, {"tags", {"a", "b", fmt::format("n{}", n % 5)}}}));
          }
          response = client.Post("/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}), {Basic()});
          if (response.status == 207 && !response.Json().at("errors").as_array().empty()) response.status = 0;
        } else {
          const std::string body = w % 2 == 0 ? R"({"traceIds":["t-3","t-1","t-2"]})" : R"({"traceIds":["t-2","t-3","t-1"]})";
          response = client.Send("DELETE", "/api/public/traces", body, {Basic(), "Content-Type: application/json"});
        }
        const int expected = w < kIngesters ? 207 : 200;
        if (response.status != expected) failures[w].push_back(fmt::format("{} {}", response.status, response.body));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (size_t w = 0; w < failures.size(); ++w) {
    EXPECT_TRUE(failures[w].empty()) << "client " << w << ": " << failures[w].size() << " failed, first: "
                                     << (failures[w].empty() ? "" : failures[w].front());
  }
}

TEST_P(TracingApiTest, DeepAndLargeInputStored) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  const std::string large(1024 * 1024, 'a');
  const std::string batch = R"({"batch":[{"id":"e1","type":"trace-create","timestamp":"2026-01-05T10:00:00Z",
    "body":{"id":"t-deep","input":)" + deep + R"(,"output":")" + large + R"("}}]})";
  auto response = Send("POST", "/api/public/ingestion", batch, {"Content-Type: application/json"});
  ASSERT_EQ(response.status, 207) << response.body.substr(0, 500);
  EXPECT_TRUE(response.Json().at("errors").as_array().empty());
  auto trace = Get("/api/public/traces/t-deep");
  ASSERT_EQ(trace.status, 200);
  bj::parse_options options;
  options.max_depth = 1000;
  const bj::value parsed = bj::parse(trace.body, {}, options);
  EXPECT_EQ(parsed.at("output").as_string().size(), large.size());
  const bj::value* level = &parsed.at("input");
  int depth = 0;
  while (level->is_array() && !level->as_array().empty()) {
    level = &level->as_array().front();
    ++depth;
  }
  EXPECT_EQ(depth, 199);
}

TEST_P(TracingApiTest, PublicKeyMayOnlyWriteScores) {
  const std::string bearer = std::string("Authorization: Bearer ") + kPublicKey;
  const std::string batch = bj::serialize(bj::object{
      {"batch", bj::array{Event("score", "score-create", {{"id", "sc-1"}, {"name", "n"}, {"value", 1}, {"traceId", "t"}}),
                          Event("span", "span-create", {{"id", "s-1"}, {"traceId", "t"}})}}});
  auto response = client_->Post("/api/public/ingestion", batch, {bearer});
  ASSERT_EQ(response.status, 207) << response.body;
  ASSERT_EQ(response.Json().at("successes").as_array().size(), 1u);
  ASSERT_EQ(response.Json().at("errors").as_array().size(), 1u);
  EXPECT_EQ(response.Json().at("errors").at(0).at("status"), 401);

  auto direct = client_->Post("/api/public/scores", R"({"name":"direct","value":0.5,"traceId":"t"})", {bearer});
  ASSERT_EQ(direct.status, 200) << direct.body;
  EXPECT_FALSE(direct.Json().at("id").as_string().empty());
  EXPECT_EQ(client_->Get("/api/public/traces", {bearer}).status, 403);
  EXPECT_EQ(client_->Get("/api/public/traces").status, 401);
}

TEST_P(TracingApiTest, TraceListFiltersOrderAndDelete) {
  auto response = Ingest({
      Event("a", "trace-create", {{"id", "t-a"}, {"name", "alpha"}, {"userId", "u-1"}, {"tags", {"x", "y"}},
                                  {"environment", "production"}, {"timestamp", "2026-01-05T10:00:00Z"}}),
      Event("b", "trace-create", {{"id", "t-b"}, {"name", "beta"}, {"userId", "u-2"}, {"tags", {"x"}},
                                  {"timestamp", "2026-01-05T11:00:00Z"}}),
      Event("c", "trace-create", {{"id", "t-c"}, {"name", "gamma"}, {"sessionId", "s-1"},
                                  {"timestamp", "2026-01-05T12:00:00Z"}}),
      Event("g", "generation-create", {{"id", "g-1"}, {"traceId", "t-a"}, {"startTime", "2026-01-05T10:00:00Z"},
                                       {"endTime", "2026-01-05T10:00:02Z"}, {"costDetails", {{"total", 0.5}}}}),
  });
  ASSERT_EQ(response.status, 207);
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;

  auto all = Get("/api/public/traces?limit=2");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json().at("data").at(0).at("id"), "t-c") << "newest first";
  EXPECT_EQ(all.Json().at("meta").at("totalPages"), 2);
  EXPECT_EQ(Get("/api/public/traces?tags=x&tags=y").Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/public/traces?tags=x").Json().at("data").as_array().size(), 2u);
  EXPECT_EQ(Get("/api/public/traces?userId=u-2").Json().at("data").at(0).at("id"), "t-b");
  EXPECT_EQ(Get("/api/public/traces?environment=production").Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/public/traces?fromTimestamp=2026-01-05T11:00:00Z").Json().at("data").as_array().size(), 2u);
  EXPECT_EQ(Get("/api/public/traces?orderBy=name.asc").Json().at("data").at(0).at("name"), "alpha");
  EXPECT_EQ(Get("/api/public/traces?limit=101").status, 400);
  // A page whose offset would not fit in 64 bits is refused, not wrapped
  // round to the first page.
  auto far = Get("/api/public/traces?page=9223372036854775807&limit=100");
  EXPECT_EQ(far.status, 400) << far.body;
  EXPECT_NE(far.body.find("page"), std::string::npos) << far.body;
  auto last_allowed = Get("/api/public/traces?page=1000000000&limit=100");
  ASSERT_EQ(last_allowed.status, 200) << last_allowed.body;
  EXPECT_TRUE(last_allowed.Json().at("data").as_array().empty());
  EXPECT_EQ(Get("/api/public/traces?orderBy=bogus.asc").status, 400);
  EXPECT_EQ(Get("/api/public/traces?fromTimestamp=2026-01-05").status, 400);

  // Structured filters, alone and overriding a simple filter on one column.
  auto filtered = [&](const std::string& conditions, const std::string& extra = "") {
    std::string encoded;
    for (unsigned char c : conditions) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        encoded += static_cast<char>(c);
      } else {
        encoded += fmt::format("%{:02X}", c);
      }
    }
    return Get("/api/public/traces?filter=" + encoded + extra);
  };
  auto contains = filtered(R"([{"type":"string","column":"name","operator":"starts with","value":"al"}])");
  ASSERT_EQ(contains.status, 200) << contains.body;
  EXPECT_EQ(contains.Json().at("meta").at("totalItems"), 1);
  auto tags_any = filtered(R"([{"type":"arrayOptions","column":"tags","operator":"none of","value":["y"]}])");
  EXPECT_EQ(tags_any.Json().at("meta").at("totalItems"), 2);
  auto override_simple =
      filtered(R"([{"type":"stringOptions","column":"userId","operator":"any of","value":["u-1","u-2"]}])", "&userId=u-9");
  EXPECT_EQ(override_simple.Json().at("meta").at("totalItems"), 2);
  auto after_time = filtered(R"([{"type":"datetime","column":"timestamp","operator":">=","value":"2026-01-05T11:30:00Z"}])");
  EXPECT_EQ(after_time.Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(Get("/api/public/traces?filter=nope").status, 400);
  auto not_a_list = filtered(R"({"type":"string","column":"name","operator":"=","value":"alpha"})");
  EXPECT_EQ(not_a_list.status, 400);
  EXPECT_NE(not_a_list.body.find("JSON array of conditions"), std::string::npos) << not_a_list.body;
  auto misspelt_level = filtered(R"([{"type":"stringOptions","column":"level","operator":"any of","value":["NOPE"]}])");
  EXPECT_EQ(misspelt_level.status, 400);
  EXPECT_NE(misspelt_level.body.find("levels are DEBUG"), std::string::npos) << misspelt_level.body;
  EXPECT_EQ(filtered(R"([{"type":"stringOptions","column":"level","operator":"any of","value":["ERROR"]}])").status, 200);
  EXPECT_EQ(filtered(R"([{"type":"numberObject","column":"metadata","key":"a","operator":"=","value":1}])").status, 400);
  EXPECT_EQ(filtered(R"([{"type":"string","column":"name","operator":"like","value":"a"}])").status, 400);
  auto observation_filter = Get("/api/public/observations?filter=" +
                                std::string("%5B%7B%22type%22%3A%22number%22%2C%22column%22%3A%22totalCost%22%2C%22"
                                            "operator%22%3A%22%3E%22%2C%22value%22%3A0.1%7D%5D"));
  ASSERT_EQ(observation_filter.status, 200) << observation_filter.body;
  EXPECT_EQ(observation_filter.Json().at("meta").at("totalItems"), 1);

  auto alpha = Get("/api/public/traces?name=alpha").Json().at("data").at(0);
  EXPECT_DOUBLE_EQ(alpha.at("latency").to_number<double>(), 2.0);
  EXPECT_DOUBLE_EQ(alpha.at("totalCost").to_number<double>(), 0.5);
  EXPECT_EQ(alpha.at("observations"), (bj::array{"g-1"}));
  auto slim = Get("/api/public/traces?name=alpha&fields=core").Json().at("data").at(0);
  EXPECT_EQ(slim.at("latency"), -1);
  EXPECT_TRUE(slim.at("observations").as_array().empty());

  auto sessions = Get("/api/public/sessions");
  ASSERT_EQ(sessions.status, 200);
  EXPECT_EQ(sessions.Json().at("data").at(0).at("id"), "s-1");
  auto session = Get("/api/public/sessions/s-1");
  ASSERT_EQ(session.status, 200);
  EXPECT_EQ(session.Json().at("traces").at(0).at("id"), "t-c");

  auto missing = Get("/api/public/traces/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("error"), "LangfuseNotFoundError");
  EXPECT_EQ(Send("DELETE", "/api/public/traces/t-a", "").status, 200);
  EXPECT_EQ(Get("/api/public/traces/t-a").status, 404);
  EXPECT_EQ(Get("/api/public/observations/g-1").status, 404);
  auto bulk = Send("DELETE", "/api/public/traces", R"({"traceIds":["t-b","t-c"]})", {"Content-Type: application/json"});
  EXPECT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(Get("/api/public/traces").Json().at("meta").at("totalItems"), 0);
  EXPECT_EQ(Send("DELETE", "/api/public/traces", R"({"traceIds":[]})", {"Content-Type: application/json"}).status, 400);
}

// Percent-encodes a query value, for structured filters and searches.
std::string Encode(const std::string& text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return encoded;
}

// Sorted ids of a trace list response.
std::vector<std::string> TraceIds(const HttpResponse& response) {
  std::vector<std::string> ids;
  const bj::value body = response.Json();
  for (const auto& trace : body.at("data").as_array()) ids.emplace_back(trace.at("id").as_string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_P(TracingApiTest, TraceListAggregateFiltersAndSearch) {
  // slow: 3 s, one ERROR span, cost 0.2, helpfulness 0.9, label "good".
  // fast: 0.5 s, a WARNING span, cost 0.01, helpfulness 0.2 and 0.4.
  // bare: no observations and no scores.
  auto response = Ingest({
      Event("t1", "trace-create", {{"id", "slow"}, {"name", "Checkout Agent"}, {"metadata", {{"tier", "gold"}}},
                                   {"input", "Where is my ORDER 17?"}, {"timestamp", "2026-01-05T10:00:00Z"}}),
      Event("t2", "trace-create", {{"id", "fast"}, {"name", "search"}, {"metadata", {{"tier", "free"}}},
                                   {"output", {{"answer", "blue whale"}}}, {"timestamp", "2026-01-05T11:00:00Z"}}),
      Event("t3", "trace-create", {{"id", "bare"}, {"name", "idle"}, {"timestamp", "2026-01-05T12:00:00Z"}}),
      Event("o1", "span-create", {{"id", "slow-1"}, {"traceId", "slow"}, {"startTime", "2026-01-05T10:00:00Z"},
                                  {"endTime", "2026-01-05T10:00:03Z"}, {"level", "ERROR"}}),
      Event("o2", "generation-create", {{"id", "slow-2"}, {"traceId", "slow"}, {"startTime", "2026-01-05T10:00:01Z"},
                                        {"endTime", "2026-01-05T10:00:02Z"}, {"costDetails", {{"total", 0.2}}}}),
      Event("o3", "generation-create", {{"id", "fast-1"}, {"traceId", "fast"}, {"startTime", "2026-01-05T11:00:00Z"},
                                        {"endTime", "2026-01-05T11:00:00.500Z"}, {"level", "WARNING"},
                                        {"costDetails", {{"total", 0.01}}}}),
      Event("s1", "score-create", {{"id", "s1"}, {"traceId", "slow"}, {"name", "helpfulness"}, {"value", 0.9}}),
      Event("s2", "score-create", {{"id", "s2"}, {"traceId", "fast"}, {"name", "helpfulness"}, {"value", 0.2}}),
      Event("s3", "score-create", {{"id", "s3"}, {"traceId", "fast"}, {"name", "helpfulness"}, {"value", 0.4}}),
      Event("s4", "score-create", {{"id", "s4"}, {"traceId", "slow"}, {"name", "label"}, {"value", "good"},
                                   {"dataType", "CATEGORICAL"}}),
  });
  ASSERT_EQ(response.status, 207);
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;

  auto filtered = [&](const std::string& conditions) {
    auto list = Get("/api/public/traces?filter=" + Encode(conditions));
    EXPECT_EQ(list.status, 200) << conditions << ": " << list.body;
    return list.status == 200 ? TraceIds(list) : std::vector<std::string>{"error"};
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(filtered(R"([{"type":"number","column":"latency","operator":">=","value":1}])"), Ids({"slow"}));
  EXPECT_EQ(filtered(R"([{"type":"number","column":"latency","operator":"<","value":1}])"), Ids({"bare", "fast"}));
  EXPECT_EQ(filtered(R"([{"type":"number","column":"totalCost","operator":">","value":0.05}])"), Ids({"slow"}));
  EXPECT_EQ(filtered(R"([{"type":"stringOptions","column":"level","operator":"any of","value":["ERROR","WARNING"]}])"),
            Ids({"fast", "slow"}));
  EXPECT_EQ(filtered(R"([{"type":"stringOptions","column":"level","operator":"none of","value":["ERROR"]}])"),
            Ids({"bare", "fast"}));
  // The average of fast's two scores is 0.3.
  EXPECT_EQ(filtered(R"([{"type":"numberObject","column":"scores_avg","key":"helpfulness","operator":">","value":0.25}])"),
            Ids({"fast", "slow"}));
  EXPECT_EQ(filtered(R"([{"type":"numberObject","column":"scores_avg","key":"helpfulness","operator":">","value":0.35}])"),
            Ids({"slow"}));
  EXPECT_EQ(filtered(R"([{"type":"numberObject","column":"scores_avg","key":"other","operator":">=","value":0}])"), Ids());
  EXPECT_EQ(
      filtered(R"([{"type":"categoryOptions","column":"score_categories","key":"label","operator":"any of","value":["good"]}])"),
      Ids({"slow"}));
  EXPECT_EQ(
      filtered(R"([{"type":"categoryOptions","column":"score_categories","key":"label","operator":"none of","value":["good"]}])"),
      Ids({"bare", "fast"}));
  EXPECT_EQ(filtered(R"([{"type":"stringObject","column":"metadata","key":"tier","operator":"=","value":"gold"}])"),
            Ids({"slow"}));
  EXPECT_EQ(filtered(R"([{"type":"stringObject","column":"metadata","key":"tier","operator":"ends with","value":"ee"}])"),
            Ids({"fast"}));
  EXPECT_EQ(
      filtered(R"([{"type":"stringObject","column":"metadata","key":"tier","operator":"does not contain","value":"o"}])"),
      Ids({"bare", "fast"}));
  // Two conditions combine with AND.
  EXPECT_EQ(filtered(R"([{"type":"number","column":"latency","operator":"<","value":1},
                         {"type":"numberObject","column":"scores","key":"helpfulness","operator":"<","value":1}])"),
            Ids({"fast"}));

  auto rejected = [&](const std::string& conditions) {
    return Get("/api/public/traces?filter=" + Encode(conditions));
  };
  auto no_key = rejected(R"([{"type":"numberObject","column":"scores_avg","operator":">","value":1}])");
  EXPECT_EQ(no_key.status, 400) << no_key.body;
  EXPECT_NE(no_key.body.find(R"("path":["filter",0,"key"])"), std::string::npos) << no_key.body;
  auto no_score_name =
      rejected(R"([{"type":"categoryOptions","column":"score_categories","operator":"any of","value":["good"]}])");
  EXPECT_EQ(no_score_name.status, 400) << no_score_name.body;
  EXPECT_NE(no_score_name.body.find(R"("path":["filter",0,"key"])"), std::string::npos) << no_score_name.body;
  EXPECT_EQ(rejected(R"([{"type":"number","column":"latency","operator":">","value":"1"}])").status, 400);
  EXPECT_EQ(rejected(R"([{"type":"stringObject","column":"metadata","key":7,"operator":"=","value":"x"}])").status, 400);

  // Free-text search over names, ids, metadata, input and output.
  auto search = [&](const std::string& text) {
    auto list = Get("/api/public/traces?searchQuery=" + Encode(text));
    EXPECT_EQ(list.status, 200) << list.body;
    return TraceIds(list);
  };
  EXPECT_EQ(search("checkout"), Ids({"slow"})) << "names, ignoring case";
  EXPECT_EQ(search("order 17"), Ids({"slow"})) << "input text";
  EXPECT_EQ(search("WHALE"), Ids({"fast"})) << "output JSON";
  EXPECT_EQ(search("gold"), Ids({"slow"})) << "metadata values";
  EXPECT_EQ(search("bar"), Ids({"bare"})) << "ids";
  EXPECT_EQ(search("100%_"), Ids()) << "LIKE wildcards are plain text";
  auto counted = Get("/api/public/traces?searchQuery=a&limit=1");
  ASSERT_EQ(counted.status, 200) << counted.body;
  EXPECT_EQ(counted.Json().at("meta").at("totalItems"), 3) << "each trace has an a in its name or id";
  EXPECT_EQ(Get("/api/public/traces?searchQuery=" + std::string(1001, 'x')).status, 400);
}

TEST_P(TracingApiTest, ObservationsV2CursorPaging) {
  std::vector<bj::value> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(Event("e" + std::to_string(i), "span-create",
                           {{"id", "s-" + std::to_string(i)}, {"traceId", "t"}, {"input", "in"},
                            {"startTime", "2026-01-05T10:00:0" + std::to_string(i) + "Z"}}));
  }
  auto response = Post("/api/public/ingestion", bj::object{{"batch", bj::array(events.begin(), events.end())}});
  ASSERT_EQ(response.status, 207);

  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto listed = Get("/api/public/v2/observations?limit=2&fields=core,io" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(listed.status, 200) << listed.body;
    const bj::value page_json = listed.Json();
    for (const auto& item : page_json.at("data").as_array()) {
      seen.emplace_back(item.at("id").as_string());
      EXPECT_EQ(item.at("input"), "in");
    }
    const bj::object& meta = page_json.at("meta").as_object();
    if (!meta.contains("cursor")) break;
    cursor = std::string(meta.at("cursor").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"s-4", "s-3", "s-2", "s-1", "s-0"}));
  EXPECT_EQ(Get("/api/public/v2/observations?cursor=%%%").status, 400);
  EXPECT_EQ(Get("/api/public/observations?type=SPAN&limit=3").Json().at("meta").at("totalItems"), 5);
}

TEST_P(TracingApiTest, ScoresConfigsAndVersions) {
  auto config = Post("/api/public/score-configs",
                     bj::object{{"name", "quality"}, {"dataType", "CATEGORICAL"},
                                {"categories", {{{"label", "good"}, {"value", 1}}, {{"label", "bad"}, {"value", 0}}}}});
  ASSERT_EQ(config.status, 200) << config.body;
  const std::string config_id(config.Json().at("id").as_string());
  EXPECT_EQ(Post("/api/public/score-configs", bj::object{{"name", "x"}, {"dataType", "CATEGORICAL"}}).status, 400);
  EXPECT_EQ(Post("/api/public/score-configs", bj::object{{"name", "bad/name"}, {"dataType", "NUMERIC"}}).status, 400);
  auto boolean = Post("/api/public/score-configs", bj::object{{"name", "ok"}, {"dataType", "BOOLEAN"}});
  ASSERT_EQ(boolean.status, 200);
  EXPECT_EQ(boolean.Json().at("categories").as_array().size(), 2u);

  auto response = Ingest({
      Event("n", "score-create", {{"id", "sc-n"}, {"name", "accuracy"}, {"value", 0.75}, {"traceId", "t"}}),
      Event("c", "score-create", {{"id", "sc-c"}, {"name", "x"}, {"value", "good"}, {"configId", config_id},
                                  {"traceId", "t"}, {"observationId", "o"}}),
      Event("wrong", "score-create", {{"id", "sc-w"}, {"name", "x"}, {"value", "meh"}, {"configId", config_id},
                                      {"traceId", "t"}}),
      Event("b", "score-create", {{"id", "sc-b"}, {"name", "flag"}, {"value", 0}, {"dataType", "BOOLEAN"},
                                  {"sessionId", "s"}}),
  });
  ASSERT_EQ(response.status, 207);
  EXPECT_EQ(response.Json().at("errors").as_array().size(), 1u) << response.body;

  auto categorical = Get("/api/public/scores/sc-c");
  ASSERT_EQ(categorical.status, 200) << categorical.body;
  EXPECT_EQ(categorical.Json().at("name"), "quality");
  EXPECT_EQ(categorical.Json().at("stringValue"), "good");
  EXPECT_EQ(categorical.Json().at("value"), 1);

  auto v1 = Get("/api/public/scores?name=accuracy");
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(v1.Json().at("data").at(0).at("value"), 0.75);
  ASSERT_EQ(Ingest({Event("t", "trace-create", {{"id", "t"}, {"userId", "u-7"}, {"tags", {"gold"}}})}).status, 207);
  auto v2 = Get("/api/public/v2/scores?userId=u-7&traceTags=gold");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(v2.Json().at("meta").at("totalItems"), 2);
  EXPECT_EQ(v2.Json().at("data").at(0).at("trace").at("userId"), "u-7");
  EXPECT_EQ(v2.Json().at("data").at(0).at("trace").at("tags"), (bj::array{"gold"}));
  EXPECT_EQ(Get("/api/public/v2/scores?fields=score&userId=u-7").status, 400);
  EXPECT_EQ(Get("/api/public/v2/scores?filter=%5B%7B%22type%22%3A%22string%22%2C%22column%22%3A%22name%22%2C%22"
                "operator%22%3A%22%3D%22%2C%22value%22%3A%22x%22%7D%5D")
                .status,
            400);
  EXPECT_EQ(Get("/api/public/v2/scores?filter=%5B%5D").status, 200);
  EXPECT_FALSE(Get("/api/public/v2/scores?fields=score").Json().at("data").at(0).as_object().contains("trace"));

  auto v3 = Get("/api/public/v3/scores?fields=subject&dataType=boolean");
  ASSERT_EQ(v3.status, 200) << v3.body;
  EXPECT_EQ(v3.Json().at("data").at(0).at("value"), false);
  EXPECT_EQ(v3.Json().at("data").at(0).at("subject"), (bj::object{{"kind", "session"}, {"id", "s"}}));
  EXPECT_EQ(Get("/api/public/v3/scores?page=1").status, 400);
  EXPECT_EQ(Get("/api/public/v3/scores?observationId=o").status, 400);

  auto deleted = Send("DELETE", "/api/public/scores/sc-n", "");
  EXPECT_EQ(deleted.status, 202);
  EXPECT_EQ(Get("/api/public/scores/sc-n").status, 404);

  auto archived = Send("PATCH", "/api/public/score-configs/" + config_id, R"({"isArchived":true})",
                       {"Content-Type: application/json"});
  ASSERT_EQ(archived.status, 200) << archived.body;
  EXPECT_EQ(archived.Json().at("isArchived"), true);
  auto after = client_->Post("/api/public/scores",
                             bj::serialize(bj::object{{"name", "x"}, {"value", "good"}, {"configId", config_id}, {"traceId", "t"}}),
                             {Basic()});
  EXPECT_EQ(after.status, 400);
}

TEST_P(TracingApiTest, ProjectModelOverridesManagedPrice) {
  auto model = Post("/api/public/models", bj::object{{"modelName", "gpt-4o-custom"}, {"matchPattern", "(?i)^gpt-4o$"},
                                                     {"unit", "TOKENS"}, {"inputPrice", 1.0}, {"outputPrice", 2.0}});
  ASSERT_EQ(model.status, 200) << model.body;
  const std::string model_id(model.Json().at("id").as_string());
  EXPECT_EQ(model.Json().at("isLangfuseManaged"), false);
  EXPECT_EQ(Post("/api/public/models", bj::object{{"modelName", "x"}, {"matchPattern", "("}, {"inputPrice", 1}}).status,
            400);

  ASSERT_EQ(Ingest({Event("g", "generation-create", {{"id", "g-1"}, {"traceId", "t"}, {"model", "GPT-4o"},
                                                     {"usage", {{"input", 3}, {"output", 2}}}})})
                .status,
            207);
  auto generation = Get("/api/public/observations/g-1");
  ASSERT_EQ(generation.status, 200) << generation.body;
  EXPECT_EQ(generation.Json().at("modelId").as_string(), model_id);
  EXPECT_EQ(generation.Json().at("calculatedTotalCost"), 7);
  EXPECT_EQ(generation.Json().at("inputPrice"), 1);

  auto listed = Get("/api/public/models");
  ASSERT_EQ(listed.status, 200);
  EXPECT_GE(listed.Json().at("meta").at("totalItems").as_int64(), 2);
  EXPECT_EQ(Get("/api/public/models/b9854a5c92dc496b997d99d20").Json().at("isLangfuseManaged"), true);
  EXPECT_EQ(Send("DELETE", "/api/public/models/b9854a5c92dc496b997d99d20", "").status, 404);
  EXPECT_EQ(Send("DELETE", "/api/public/models/" + model_id, "").status, 200);
  EXPECT_EQ(Get("/api/public/models/" + model_id).status, 404);
}

TEST_P(TracingApiTest, OtlpCapturesInEveryEncoding) {
  auto json_capture = LoadCapture("v5-tracing-otel/002-POST-otel_v1_traces.json");
  auto proto_capture = LoadCapture("v5-otel-protobuf-gzip/001-POST-otel_v1_traces.json");
  if (!json_capture || !proto_capture) GTEST_SKIP() << "SDK captures not available";

  const std::string json_body = bj::serialize(json_capture->at("body"));
  auto plain = Send("POST", "/api/public/otel/v1/traces", json_body, {"Content-Type: application/json"});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.Json(), bj::object());
  auto gzipped = Send("POST", "/api/public/otel/v1/traces", Gzip(json_body),
                      {"Content-Type: application/json; charset=utf-8", "Content-Encoding: gzip"});
  ASSERT_EQ(gzipped.status, 200) << gzipped.body;
  auto bytes = Base64Decode(proto_capture->at("body").as_string());
  ASSERT_TRUE(bytes);
  auto proto = Send("POST", "/api/public/otel/v1/traces", Gzip(*bytes),
                    {"Content-Type: application/x-protobuf", "Content-Encoding: gzip"});
  ASSERT_EQ(proto.status, 200) << proto.body;

  auto trace = Get("/api/public/traces/24b5405157757726697f16356ea322a1");
  ASSERT_EQ(trace.status, 200) << trace.body;
  EXPECT_EQ(trace.Json().at("userId"), "user-123");
  EXPECT_EQ(trace.Json().at("sessionId"), "session-abc");
  EXPECT_EQ(trace.Json().at("observations").as_array().size(), 6u);
  auto generation = Get("/api/public/observations/8b3f9318e0589b9f");
  ASSERT_EQ(generation.status, 200) << generation.body;
  EXPECT_EQ(generation.Json().at("type"), "GENERATION");
  EXPECT_EQ(generation.Json().at("parentObservationId"), "eccac5d2e0a5709f");

  EXPECT_EQ(Send("POST", "/api/public/otel/v1/traces", "{}", {"Content-Type: text/plain"}).status, 400);
  EXPECT_EQ(Send("POST", "/api/public/otel/v1/traces", "garbage", {"Content-Type: application/x-protobuf",
                                                                   "Content-Encoding: gzip"}).status,
            400);
  EXPECT_EQ(Send("POST", "/api/public/otel/v1/traces", R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]})",
                 {"Content-Type: application/json"}).status,
            400);
  EXPECT_EQ(Send("POST", "/api/public/otel/v1/traces", R"({"resourceSpans":[]})", {"Content-Type: application/json"}).status,
            200);
}

TEST_P(TracingApiTest, TraceListTotalsAndDrivenOrder) {
  auto response = Ingest({
      Event("1", "trace-create", {{"id", "t-1"}, {"name", "c"}, {"userId", "u"}, {"tags", {"x"}},
                                  {"environment", "production"}, {"timestamp", "2026-01-05T10:00:01Z"}}),
      Event("2", "trace-create", {{"id", "t-2"}, {"name", "a"}, {"userId", "u"}, {"tags", {"x", "y"}},
                                  {"environment", "production"}, {"timestamp", "2026-01-05T10:00:02Z"}}),
      Event("3", "trace-create", {{"id", "t-3"}, {"name", "b"}, {"userId", "u"}, {"tags", {"y"}},
                                  {"environment", "staging"}, {"timestamp", "2026-01-05T10:00:03Z"}}),
      // A repeated create of t-1 updates it and must not count it twice.
      Event("4", "trace-create", {{"id", "t-1"}, {"release", "r1"}}, "2026-01-05T10:00:05.000Z"),
  });
  ASSERT_EQ(response.status, 207) << response.body;
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;

  auto ids = [&](const std::string& query) {
    auto list = Get("/api/public/traces?" + query);
    EXPECT_EQ(list.status, 200) << list.body;
    std::vector<std::string> out;
    const bj::value body = list.Json();
    for (const auto& trace : body.at("data").as_array()) out.emplace_back(trace.at("id").as_string());
    return out;
  };
  auto total = [&](const std::string& query) -> int64_t {
    auto list = Get("/api/public/traces?" + query);
    EXPECT_EQ(list.status, 200) << list.body;
    const bj::value body = list.Json();
    return body.at("meta").at("totalItems").to_number<int64_t>();
  };

  EXPECT_EQ(total(""), 3);
  EXPECT_EQ(total("environment=production"), 2);
  EXPECT_EQ(total("environment=production&environment=staging"), 3);
  EXPECT_EQ(total("environment=nowhere"), 0);
  EXPECT_EQ(total("tags=x"), 2);
  EXPECT_EQ(total("tags=y&tags=x"), 1);
  EXPECT_EQ(total("tags=absent"), 0);

  EXPECT_EQ(ids("tags=x"), (std::vector<std::string>{"t-2", "t-1"}));
  EXPECT_EQ(ids("tags=x&orderBy=timestamp.asc"), (std::vector<std::string>{"t-1", "t-2"}));
  EXPECT_EQ(ids("tags=y&orderBy=name.asc"), (std::vector<std::string>{"t-2", "t-3"}));
  EXPECT_EQ(ids("userId=u&orderBy=name.asc"), (std::vector<std::string>{"t-2", "t-3", "t-1"}));
  EXPECT_EQ(ids("userId=u&orderBy=name.desc&limit=2"), (std::vector<std::string>{"t-1", "t-3"}));
  EXPECT_EQ(ids("userId=u&page=2&limit=2"), (std::vector<std::string>{"t-1"}));

  ASSERT_EQ(Send("DELETE", "/api/public/traces/t-3", "").status, 200);
  EXPECT_EQ(total(""), 2);
  EXPECT_EQ(total("environment=staging"), 0);
}

// Lists filtered only by tags, environments and a time window are read from
// the tag index and counted from tag counters. Adding `userId`, which every
// trace here shares, sends the same filter through the traces table, so the
// two plans must return the same page and total.
TEST_P(TracingApiTest, TraceListByTagsMatchesTraceRows) {
  auto trace = [](const std::string& id, bj::array tags, const std::string& environment, const std::string& time) {
    return Event("create-" + id, "trace-create",
                 {{"id", id}, {"userId", "u"}, {"tags", std::move(tags)}, {"environment", environment},
                  {"timestamp", time}},
                 "2026-01-05T10:00:00.500Z");
  };
  // t-2 and t-3 share a timestamp, so the id breaks the tie.
  auto response = Ingest({
      trace("t-1", {"x"}, "production", "2026-01-05T10:00:01Z"),
      trace("t-2", {"x", "y"}, "production", "2026-01-05T10:00:02Z"),
      trace("t-3", {"x", "y"}, "staging", "2026-01-05T10:00:02Z"),
      trace("t-4", {"y"}, "production", "2026-01-05T10:00:04Z"),
      trace("t-5", {"y", "x"}, "production", "2026-01-05T10:00:05Z"),
  });
  ASSERT_EQ(response.status, 207) << response.body;
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;

  struct Listed {
    std::vector<std::string> ids;
    int64_t total = -1;
  };
  auto list = [&](const std::string& query) {
    auto answer = Get("/api/public/traces?" + query);
    EXPECT_EQ(answer.status, 200) << query << ": " << answer.body;
    Listed out;
    if (answer.status != 200) return out;
    const bj::value body = answer.Json();
    for (const auto& item : body.at("data").as_array()) out.ids.emplace_back(item.at("id").as_string());
    out.total = body.at("meta").at("totalItems").to_number<int64_t>();
    return out;
  };
  auto expect_list = [&](const std::string& query, const std::vector<std::string>& ids, int64_t total) {
    const Listed by_tags = list(query);
    EXPECT_EQ(by_tags.ids, ids) << query;
    EXPECT_EQ(by_tags.total, total) << query;
    const Listed by_rows = list(query + "&userId=u");
    EXPECT_EQ(by_rows.ids, ids) << query << "&userId=u";
    EXPECT_EQ(by_rows.total, total) << query << "&userId=u";
  };

  expect_list("tags=x", {"t-5", "t-3", "t-2", "t-1"}, 4);
  expect_list("tags=x&environment=production", {"t-5", "t-2", "t-1"}, 3);
  expect_list("tags=x&environment=production&environment=staging", {"t-5", "t-3", "t-2", "t-1"}, 4);
  expect_list("tags=x&environment=nowhere", {}, 0);
  expect_list("tags=x&tags=y", {"t-5", "t-3", "t-2"}, 3);
  expect_list("tags=y&tags=x&environment=staging", {"t-3"}, 1);
  expect_list("tags=x&tags=absent", {}, 0);
  expect_list("tags=x&fromTimestamp=2026-01-05T10:00:02Z&toTimestamp=2026-01-05T10:00:05Z", {"t-3", "t-2"}, 2);
  expect_list("tags=x&orderBy=timestamp.asc", {"t-1", "t-3", "t-2", "t-5"}, 4);
  expect_list("tags=x&limit=2&page=2", {"t-2", "t-1"}, 4);
  expect_list("tags=x&tags=y&limit=2&page=2", {"t-2"}, 3);
  expect_list("tags=x&limit=2&page=3", {}, 4);

  // A later event adds tag y to t-1. An event dated before t-4's create
  // gives t-4 its first, and therefore kept, timestamp and environment, and
  // the tag rows must follow both.
  response = Ingest({
      Event("tag-t-1", "trace-create", {{"id", "t-1"}, {"tags", {"y"}}}, "2026-01-05T10:00:06.000Z"),
      Event("early-t-4", "trace-create",
            {{"id", "t-4"}, {"tags", {"x"}}, {"environment", "staging"}, {"timestamp", "2026-01-05T09:00:00Z"}},
            "2026-01-05T09:59:00.000Z"),
  });
  ASSERT_EQ(response.status, 207) << response.body;
  ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;
  const Listed t4 = list("userId=u&environment=staging&fromTimestamp=2026-01-05T09:00:00Z"
                         "&toTimestamp=2026-01-05T09:00:01Z");
  ASSERT_EQ(t4.ids, (std::vector<std::string>{"t-4"})) << "the earlier event should set t-4's time and environment";

  expect_list("tags=x&tags=y", {"t-5", "t-3", "t-2", "t-1", "t-4"}, 5);
  expect_list("tags=y&environment=production", {"t-5", "t-2", "t-1"}, 3);
  expect_list("tags=x&environment=staging", {"t-3", "t-4"}, 2);

  ASSERT_EQ(Send("DELETE", "/api/public/traces/t-2", "").status, 200);
  expect_list("tags=x", {"t-5", "t-3", "t-1", "t-4"}, 4);
  expect_list("tags=y&environment=production", {"t-5", "t-1"}, 2);
}

// PostgreSQL keeps the trace, tag and name counters as delta rows, one or more per
// write statement, and a list that sums more than 1,000 of them folds them
// after it has responded. The totals must be the same before and after the fold.
TEST_P(TracingApiTest, TraceCountsStayExactThroughCompaction) {
  // Every third trace is named "third", and the others have no name.
  constexpr int kTraces = 1050;
  for (int first = 0; first < kTraces; first += 50) {
    bj::array batch;
    for (int i = first; i < first + 50; ++i) {
      bj::object trace{{"id", fmt::format("bulk-{}", i)},
                       {"tags", {"bulk"}},
                       {"environment", i % 2 == 0 ? "production" : "staging"}};
      if (i % 3 == 0) trace["name"] = "third";
      batch.push_back(Event(fmt::format("bulk-{}", i), "trace-create", std::move(trace)));
    }
    auto response = Post("/api/public/ingestion", bj::object{{"batch", std::move(batch)}});
    ASSERT_EQ(response.status, 207) << response.body;
    ASSERT_TRUE(response.Json().at("errors").as_array().empty()) << response.body;
  }

  auto total = [&](const std::string& query) -> int64_t {
    auto list = Get("/api/public/traces?limit=1&" + query);
    EXPECT_EQ(list.status, 200) << list.body;
    if (list.status != 200) return -1;
    return list.Json().at("meta").at("totalItems").to_number<int64_t>();
  };
  auto counter_rows = [&](const std::string& table) -> int64_t {
    auto counted = database_->db().Read([&](store::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM " + table); });
    EXPECT_TRUE(counted) << counted.error().detail;
    return counted && *counted ? (*counted)->Int(0) : -1;
  };
  const bool deltas = GetParam() == "postgres";
  if (deltas) {
    EXPECT_GT(counter_rows("trace_counts"), 1000);
    EXPECT_GT(counter_rows("trace_tag_counts"), 1000);
  }

  // The first list sums the deltas and then folds them.
  EXPECT_EQ(total(""), kTraces);
  EXPECT_LE(counter_rows("trace_counts"), 2);
  EXPECT_EQ(total(""), kTraces);
  EXPECT_EQ(total("environment=staging"), kTraces / 2);

  EXPECT_EQ(total("tags=bulk"), kTraces);
  EXPECT_LE(counter_rows("trace_tag_counts"), 2);
  EXPECT_EQ(total("tags=bulk"), kTraces);
  EXPECT_EQ(total("tags=bulk&environment=production"), kTraces / 2);
  EXPECT_EQ(total("name=third"), kTraces / 3);
  EXPECT_EQ(total("name=third&environment=production"), kTraces / 6);

  // bulk-0 is a production "third". bulk-3 is a staging "third" that a
  // later event renames.
  ASSERT_EQ(Send("DELETE", "/api/public/traces/bulk-0", "").status, 200);
  auto renamed = Ingest({Event("rename-bulk-3", "trace-create", {{"id", "bulk-3"}, {"name", "renamed"}},
                               "2026-01-05T11:00:00.000Z")});
  ASSERT_EQ(renamed.status, 207) << renamed.body;
  EXPECT_EQ(total(""), kTraces - 1);
  EXPECT_EQ(total("tags=bulk&environment=production"), kTraces / 2 - 1);
  EXPECT_EQ(total("tags=bulk&environment=staging"), kTraces / 2);
  EXPECT_EQ(total("name=third"), kTraces / 3 - 2);
  EXPECT_EQ(total("name=third&environment=production"), kTraces / 6 - 1);
  EXPECT_EQ(total("name=renamed&environment=staging"), 1);
  EXPECT_EQ(total("name=renamed&environment=production"), 0);
  EXPECT_EQ(total("name=absent"), 0);
}

TEST_P(TracingApiTest, LegacyWriteEndpointsUseIngestion) {
  auto trace = Post("/api/public/traces", bj::object{{"name", "legacy"}, {"userId", "u-1"}, {"tags", {"b", "a"}}});
  ASSERT_EQ(trace.status, 200) << trace.body;
  const std::string generated_id(trace.Json().at("id").as_string());
  EXPECT_FALSE(generated_id.empty());
  auto generated = Get("/api/public/traces/" + generated_id);
  ASSERT_EQ(generated.status, 200) << generated.body;
  EXPECT_EQ(generated.Json().at("name"), "legacy");
  EXPECT_EQ(generated.Json().at("tags"), (bj::array{"a", "b"}));

  auto named = Post("/api/public/traces", bj::object{{"id", "lt-1"}, {"name", "named"}});
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(named.Json().at("id"), "lt-1");

  // Spans: created with spanId, then updated by spanId; the update keeps
  // what it does not repeat.
  auto span = Post("/api/public/spans", bj::object{{"spanId", "sp-1"}, {"traceId", "lt-1"}, {"name", "step"},
                                                   {"startTime", "2026-01-05T10:00:00.000Z"}, {"input", {{"q", 1}}}});
  ASSERT_EQ(span.status, 200) << span.body;
  EXPECT_EQ(span.Json().at("id"), "sp-1");
  auto span_update = Send("PATCH", "/api/public/spans",
                          R"({"spanId":"sp-1","endTime":"2026-01-05T10:00:02.000Z","output":"done"})");
  ASSERT_EQ(span_update.status, 200) << span_update.body;
  EXPECT_EQ(span_update.Json().at("id"), "sp-1");
  auto stored_span = Get("/api/public/observations/sp-1");
  ASSERT_EQ(stored_span.status, 200) << stored_span.body;
  EXPECT_EQ(stored_span.Json().at("type"), "SPAN");
  EXPECT_EQ(stored_span.Json().at("name"), "step");
  EXPECT_EQ(stored_span.Json().at("traceId"), "lt-1");
  EXPECT_EQ(stored_span.Json().at("input"), (bj::object{{"q", 1}}));
  EXPECT_EQ(stored_span.Json().at("output"), "done");
  EXPECT_EQ(stored_span.Json().at("endTime"), "2026-01-05T10:00:02.000Z");

  // Generations: prompt and completion are input and output; usage is costed
  // as on the batch path.
  auto generation = Post("/api/public/generations",
                         bj::object{{"id", "gen-1"}, {"traceId", "lt-1"}, {"parentObservationId", "sp-1"},
                                    {"model", "gpt-4o"}, {"traceIdType", "LANGFUSE"},
                                    {"startTime", "2026-01-05T10:00:00.500Z"},
                                    {"prompt", bj::array{bj::object{{"role", "user"}, {"content", "hi"}}}},
                                    {"usage", {{"input", 1000}, {"output", 100}}}});
  ASSERT_EQ(generation.status, 200) << generation.body;
  EXPECT_EQ(generation.Json().at("id"), "gen-1");
  auto generation_update = Send("PATCH", "/api/public/generations",
                                R"({"generationId":"gen-1","completion":{"role":"assistant","content":"hello"},
                                    "endTime":"2026-01-05T10:00:01.000Z"})");
  ASSERT_EQ(generation_update.status, 200) << generation_update.body;
  auto stored_generation = Get("/api/public/observations/gen-1");
  ASSERT_EQ(stored_generation.status, 200) << stored_generation.body;
  const bj::value generation_json = stored_generation.Json();
  const bj::object& observed = generation_json.as_object();
  EXPECT_EQ(observed.at("type"), "GENERATION");
  EXPECT_EQ(observed.at("parentObservationId"), "sp-1");
  EXPECT_EQ(observed.at("input"), (bj::array{bj::object{{"role", "user"}, {"content", "hi"}}}));
  EXPECT_EQ(observed.at("output"), (bj::object{{"role", "assistant"}, {"content", "hello"}}));
  EXPECT_EQ(observed.at("usageDetails").at("input"), 1000);
  EXPECT_EQ(observed.at("usageDetails").at("output"), 100);
  EXPECT_GT(observed.at("calculatedTotalCost").to_number<double>(), 0.0);

  auto event = Post("/api/public/events", bj::object{{"traceId", "lt-1"}, {"name", "click"}});
  ASSERT_EQ(event.status, 200) << event.body;
  auto stored_event = Get("/api/public/observations/" + std::string(event.Json().at("id").as_string()));
  ASSERT_EQ(stored_event.status, 200) << stored_event.body;
  EXPECT_EQ(stored_event.Json().at("type"), "EVENT");
  EXPECT_EQ(Get("/api/public/traces/lt-1").Json().at("observations").as_array().size(), 3u);

  // A generation without a traceId gets one wrapper trace for create and update.
  ASSERT_EQ(Post("/api/public/generations", bj::object{{"id", "orphan"}, {"name", "alone"}}).status, 200);
  ASSERT_EQ(Send("PATCH", "/api/public/generations", R"({"generationId":"orphan","completion":"x"})").status, 200);
  auto orphan = Get("/api/public/observations/orphan");
  ASSERT_EQ(orphan.status, 200) << orphan.body;
  EXPECT_EQ(orphan.Json().at("output"), "x");
  const std::string wrapper_id(orphan.Json().at("traceId").as_string());
  EXPECT_EQ(Get("/api/public/traces/" + wrapper_id).status, 200);
}

TEST_P(TracingApiTest, LegacyWriteEndpointsRejectBadInput) {
  auto no_id = Send("PATCH", "/api/public/spans", R"({"output":"x"})");
  EXPECT_EQ(no_id.status, 400) << no_id.body;
  EXPECT_NE(no_id.body.find("spanId"), std::string::npos) << no_id.body;
  auto generation_no_id = Send("PATCH", "/api/public/generations", R"({"completion":"x"})");
  EXPECT_EQ(generation_no_id.status, 400) << generation_no_id.body;
  EXPECT_NE(generation_no_id.body.find("generationId"), std::string::npos) << generation_no_id.body;

  auto two_ids = Send("PATCH", "/api/public/generations", R"({"generationId":"g-1","id":"g-2"})");
  EXPECT_EQ(two_ids.status, 400) << two_ids.body;
  auto two_inputs = Send("POST", "/api/public/generations", R"({"prompt":"a","input":"b"})");
  EXPECT_EQ(two_inputs.status, 400) << two_inputs.body;
  EXPECT_NE(two_inputs.body.find("prompt"), std::string::npos) << two_inputs.body;

  auto bad_level = Send("POST", "/api/public/spans", R"({"traceId":"t","level":"loud"})");
  EXPECT_EQ(bad_level.status, 400) << bad_level.body;
  EXPECT_NE(bad_level.body.find("level"), std::string::npos) << bad_level.body;
  auto bad_time = Send("POST", "/api/public/events", R"({"traceId":"t","startTime":"2026-01-05 10:00:00"})");
  EXPECT_EQ(bad_time.status, 400) << bad_time.body;
  EXPECT_EQ(Send("POST", "/api/public/traces", "[]").status, 400);
  EXPECT_EQ(Send("POST", "/api/public/traces", "not json").status, 400);

  // Nothing of a rejected request was stored.
  EXPECT_EQ(Get("/api/public/observations").Json().at("data").as_array().size(), 0u);

  const std::string bearer = std::string("Authorization: Bearer ") + kPublicKey;
  EXPECT_EQ(client_->Post("/api/public/traces", R"({"name":"x"})", {bearer}).status, 403);
  EXPECT_EQ(client_->Post("/api/public/spans", R"({"name":"x"})").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
