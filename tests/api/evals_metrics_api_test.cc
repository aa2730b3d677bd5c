// The metrics, dashboards and agreement APIs through a real `tally serve`,
// on SQLite and on PostgreSQL.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "core/crypto.h"
#include "labeling_fixture.h"

namespace tally {
namespace {

constexpr const char* kPublicKey = "pk-lf-metrics-test";
constexpr const char* kSecretKey = "sk-lf-metrics-test-secret-0001";

std::string Escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class EvalsMetricsApiTest : public LabelingApiTest {
 protected:
  void SetUp() override {
    StartServer({{"TALLY_INIT_PROJECT_NAME", "Tracing"},
                 {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                 {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}});
  }

  std::string Basic() const {
    return "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey);
  }

  testing::HttpResponse PublicGet(const std::string& path) { return client_->Get(path, {Basic()}); }

  int64_t TracingProjectId() {
    auto response = PublicGet("/api/public/projects");
    EXPECT_EQ(response.status, 200) << response.body;
    return std::stoll(std::string(response.Json().at("data").at(0).at("id").as_string()));
  }

  // Ingests one trace with generations of the given latencies (ms) on
  // `model`, starting at 2026-01-05T10:00:00Z plus `offset_minutes`.
  void IngestGenerations(const std::string& trace_id, const std::string& model, const std::vector<int>& latencies,
                         int offset_minutes = 0) {
    bj::array batch;
    auto at = [&](int minute, int millis) {
      return fmt::format("2026-01-05T10:{:02}:{:02}.{:03}Z", minute, millis / 1000, millis % 1000);
    };
    batch.push_back(bj::object{{"id", NewUuidV4()}, {"type", "trace-create"}, {"timestamp", at(offset_minutes, 0)},
                               {"body", bj::object{{"id", trace_id}, {"name", "chat"}, {"timestamp", at(offset_minutes, 0)}}}});
    for (size_t i = 0; i < latencies.size(); ++i) {
      batch.push_back(bj::object{
          {"id", NewUuidV4()},
          {"type", "generation-create"},
          {"timestamp", at(offset_minutes, 0)},
          {"body", bj::object{{"id", fmt::format("{}-g{}", trace_id, i)},
                              {"traceId", trace_id},
                              {"name", "llm"},
                              {"model", model},
                              {"startTime", at(offset_minutes, 0)},
                              {"endTime", at(offset_minutes, latencies[i])},
                              {"usageDetails", bj::object{{"input", 10}, {"output", 5}}}}}});
    }
    auto response = client_->Post("/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}), {Basic()});
    ASSERT_EQ(response.status, 207) << response.body;
    const bj::value body = response.Json();
    for (const auto& error : body.at("errors").as_array()) ADD_FAILURE() << bj::serialize(error);
  }

  testing::HttpResponse Metrics(const std::string& query, const std::string& version = "") {
    return PublicGet("/api/public" + version + "/metrics?query=" + Escape(query));
  }
};

TEST_P(EvalsMetricsApiTest, MetricsQueryOverIngestedGenerations) {
  IngestGenerations("t-1", "gpt-4o", {100, 200, 300, 400});
  IngestGenerations("t-2", "claude", {1000, 3000}, 5);

  const std::string query = R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
    "metrics": [{"measure": "latency", "aggregation": "p95"}, {"measure": "totalTokens", "aggregation": "sum"}],
    "timeDimension": {"granularity": "hour"},
    "fromTimestamp": "2026-01-05T00:00:00.000Z", "toTimestamp": "2026-01-06T00:00:00.000Z",
    "orderBy": [{"field": "providedModelName", "direction": "desc"}]})";
  for (const std::string version : {"", "/v2"}) {
    auto response = Metrics(query, version);
    ASSERT_EQ(response.status, 200) << version << " " << response.body;
    const bj::value body = response.Json();
    const bj::array& data = body.at("data").as_array();
    ASSERT_EQ(data.size(), 2u) << response.body;
    EXPECT_EQ(data[0].at("providedModelName"), "gpt-4o");
    EXPECT_EQ(data[0].at("time_dimension"), "2026-01-05T10:00:00.000Z");
    EXPECT_NEAR(data[0].at("p95_latency").to_number<double>(), 385.0, 1e-6);
    EXPECT_NEAR(data[0].at("sum_totalTokens").to_number<double>(), 60.0, 1e-6);
    EXPECT_NEAR(data[1].at("p95_latency").to_number<double>(), 2900.0, 1e-6);
  }

  auto daily = PublicGet("/api/public/metrics/daily");
  ASSERT_EQ(daily.status, 200) << daily.body;
  EXPECT_EQ(daily.Json().at("data").at(0).at("date"), "2026-01-05");
  EXPECT_EQ(daily.Json().at("data").at(0).at("countObservations").to_number<int64_t>(), 6) << daily.body;
}

TEST_P(EvalsMetricsApiTest, MetricsValidationAndAuth) {
  auto bad = Metrics(R"({"view": "observations", "metrics": [{"measure": "latency", "aggregation": "p42"}],
    "fromTimestamp": "2026-01-05T00:00:00Z", "toTimestamp": "2026-01-06T00:00:00Z"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find(R"("path":["query","metrics",0,"aggregation"])"), std::string::npos) << bad.body;

  EXPECT_EQ(PublicGet("/api/public/metrics").status, 400);
  auto not_json = PublicGet("/api/public/metrics?query=%7Bview");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_NE(not_json.body.find("query"), std::string::npos);

  auto traces_v2 = Metrics(R"({"view": "traces", "metrics": [{"measure": "count", "aggregation": "count"}],
    "fromTimestamp": "2026-01-05T00:00:00Z", "toTimestamp": "2026-01-06T00:00:00Z"})", "/v2");
  EXPECT_EQ(traces_v2.status, 400);
  EXPECT_EQ(client_->Get("/api/public/metrics?query=%7B%7D").status, 401);
  EXPECT_EQ(PublicGet("/api/public/metrics/daily?limit=500").status, 400);
}

TEST_P(EvalsMetricsApiTest, DashboardsCrudDefaultsAndData) {
  const int64_t project_id = TracingProjectId();
  IngestGenerations("t-1", "gpt-4o", {100, 200});
  const std::string list_path = "/api/dashboards?project=" + std::to_string(project_id);

  auto listed = Get(list_path);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const bj::array defaults = listed.Json().as_array();
  std::set<std::string> keys;
  for (const auto& dashboard : defaults) keys.insert(std::string(dashboard.at("default_key").as_string()));
  EXPECT_EQ(keys, (std::set<std::string>{"cost", "tokens", "latency", "volume", "errors", "scores"}));
  EXPECT_EQ(Get(list_path).Json().as_array().size(), defaults.size()) << "defaults are created once";

  const std::string widget = R"({"name": "Cost", "type": "number", "layout": {"x": 0, "y": 0, "w": 4, "h": 3},
    "query": {"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}]}})";
  auto created = Post("/api/dashboards", fmt::format(R"({{"project": {}, "name": "Mine", "widgets": [{}]}})",
                                                     project_id, widget));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/dashboards/" + std::string(created.Json().at("id").as_string());

  auto data = Get(path + "/data?from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z");
  ASSERT_EQ(data.status, 200) << data.body;
  EXPECT_EQ(data.Json().at("widgets").at(0).at("data").at(0).at("count_count").to_number<int64_t>(), 2);

  auto too_wide = Patch(path, R"({"widgets": [{"name": "x", "type": "number", "layout": {"x": 8, "y": 0, "w": 6, "h": 2},
    "query": {"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}]}}]})");
  EXPECT_EQ(too_wide.status, 400);
  EXPECT_NE(too_wide.body.find("widgets.0.layout.w"), std::string::npos) << too_wide.body;
  auto bad_query = Patch(path, R"({"widgets": [{"name": "x", "type": "bar", "layout": {"x": 0, "y": 0, "w": 6, "h": 2},
    "query": {"view": "observations", "metrics": [{"measure": "nope", "aggregation": "sum"}]}}]})");
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_NE(bad_query.body.find("widgets.0.query.metrics.0.measure"), std::string::npos) << bad_query.body;
  auto series_without_time = Patch(path, R"({"widgets": [{"name": "x", "type": "time_series",
    "layout": {"x": 0, "y": 0, "w": 6, "h": 2},
    "query": {"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}]}}]})");
  EXPECT_EQ(series_without_time.status, 400);

  auto unnamed = Patch(path, R"({"name": null})");
  EXPECT_EQ(unnamed.status, 400) << unnamed.body;
  EXPECT_NE(unnamed.body.find("name"), std::string::npos) << unnamed.body;
  auto renamed = Patch(path, R"({"name": "Renamed"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json().at("name"), "Renamed");
  EXPECT_EQ(renamed.Json().at("widgets").as_array().size(), 1u);

  EXPECT_EQ(Get(path, annotator_token_).status, 200);
  EXPECT_EQ(Patch(path, R"({"name": "Theirs"})", annotator_token_).status, 403);
  EXPECT_EQ(Get(path, outsider_token_).status, 404);
  EXPECT_EQ(Get("/api/dashboards?project=" + std::to_string(project_id), outsider_token_).status, 404);

  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Get(path).status, 404);
}

TEST_P(EvalsMetricsApiTest, AgreementOfTwoAnnotators) {
  const int64_t project_id = CreateProject(kSentimentConfig, "Reviews");
  ASSERT_EQ(Import(project_id, R"([{"text":"a"},{"text":"b"},{"text":"c"},{"text":"d"}])").status, 201);
  const bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 4u);

  auto choice = [](const std::string& value) {
    return fmt::format(R"({{"result": [{{"from_name": "sentiment", "to_name": "text", "type": "choices",
      "value": {{"choices": ["{}"]}}}}], "lead_time": 4}})", value);
  };
  const std::vector<std::string> owner = {"Positive", "Negative", "Positive", "Neutral"};
  const std::vector<std::string> annotator = {"Positive", "Negative", "Negative", "Neutral"};
  std::vector<int64_t> owner_annotations;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const std::string path = "/api/tasks/" + std::to_string(tasks[i].at("id").as_int64()) + "/annotations";
    auto created = Post(path, choice(owner[i]));
    ASSERT_EQ(created.status, 201) << created.body;
    owner_annotations.push_back(created.Json().at("id").as_int64());
    ASSERT_EQ(Post(path, choice(annotator[i]), annotator_token_).status, 201);
  }

  auto response = Get("/api/projects/" + std::to_string(project_id) + "/agreement");
  ASSERT_EQ(response.status, 200) << response.body;
  const bj::value body = response.Json();
  EXPECT_EQ(body.at("tasks_with_overlap").to_number<int64_t>(), 4);
  EXPECT_NEAR(body.at("agreement").to_number<double>(), 0.75, 1e-9);
  const bj::value& control = body.at("controls").at(0);
  EXPECT_EQ(control.at("from_name"), "sentiment");
  // p_o = 3/4; p_e = (2*1 + 1*2 + 1*1) / 16 = 5/16: kappa = (3/4 - 5/16) / (11/16) = 7/11.
  EXPECT_NEAR(control.at("cohen_kappa").to_number<double>(), 7.0 / 11, 1e-9);
  EXPECT_EQ(body.at("tasks").at(2).at("agreement").to_number<double>(), 0.0);

  auto stats = Get("/api/projects/" + std::to_string(project_id) + "/annotators/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  const bj::value rows = stats.Json();
  ASSERT_EQ(rows.as_array().size(), 2u);
  for (const auto& row : rows.as_array()) {
    EXPECT_EQ(row.at("tasks").to_number<int64_t>(), 4);
    EXPECT_NEAR(row.at("mean_lead_time").to_number<double>(), 4.0, 1e-9);
    EXPECT_NEAR(row.at("agreement_with_others").to_number<double>(), 0.75, 1e-9);
    EXPECT_TRUE(row.at("agreement_with_ground_truth").is_null());
  }

  // With the owner's first two annotations as ground truth, the annotator
  // matches both; the owner has no ground truth by anyone else.
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Patch("/api/annotations/" + std::to_string(owner_annotations[i]), R"({"ground_truth": true})").status, 200);
  }
  const bj::value with_truth = Get("/api/projects/" + std::to_string(project_id) + "/annotators/stats").Json();
  for (const auto& row : with_truth.as_array()) {
    if (row.at("email") == "owner@example.com") {
      EXPECT_TRUE(row.at("agreement_with_ground_truth").is_null()) << bj::serialize(row);
    } else {
      EXPECT_NEAR(row.at("agreement_with_ground_truth").to_number<double>(), 1.0, 1e-9) << bj::serialize(row);
    }
  }
  EXPECT_EQ(Get("/api/projects/" + std::to_string(project_id) + "/annotators/stats", annotator_token_).status, 403);
  EXPECT_EQ(Get("/api/projects/" + std::to_string(project_id) + "/agreement", outsider_token_).status, 404);
  EXPECT_EQ(Get("/api/projects/" + std::to_string(project_id) + "/agreement?page_size=0").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, EvalsMetricsApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
