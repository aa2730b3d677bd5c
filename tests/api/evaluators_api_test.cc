// Evaluators end to end: LLM connections with sealed keys, LLM-as-a-judge
// rules that score new traces through a local OpenAI-compatible peer
// (tests/peers/openai_judge.py, deterministic, on 127.0.0.1), the judge's
// failure modes, and built-in evaluators over a dataset run, on SQLite and
// on PostgreSQL.
#include <chrono>
#include <functional>
#include <thread>

#include "api/evals_fixture.h"
#include "support/peer_process.h"

namespace tally {
namespace {

constexpr const char* kApiKey = "sk-judge-test-key-1234";

class EvaluatorsApi : public EvalsApiTest {
 protected:
  void SetUp() override {
    extra_environment_["TALLY_SECRET_KEY"] = "evaluators-test-secret-key-0123456789abcdef";
    EvalsApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    judge_ = std::make_unique<testing::PeerProcess>("openai_judge.py");
    ASSERT_TRUE(judge_->started()) << judge_->failure_reason();
    project_path_ = "/api/evals/" + std::to_string(ProjectId());
  }

  // Creates a connection to the judge peer in `mode` and returns its id.
  std::string CreateConnection(const std::string& name, const std::string& mode, int64_t timeout_ms = 10000) {
    auto created = UserPost(project_path_ + "/llm-connections",
                            bj::object{{"name", name},
                                       {"baseUrl", judge_->base_url() + "/" + mode + "/"},
                                       {"model", "judge-model"},
                                       {"apiKey", kApiKey},
                                       {"timeoutMs", timeout_ms}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? std::string(created.Json().at("id").as_string()) : "";
  }

  // Creates a rule that asks whether the trace's answer is right, for traces
  // named `trace_name`, and returns its id.
  std::string CreateRule(const std::string& name, const std::string& connection_id, const std::string& trace_name,
                         bj::object overrides = {}) {
    bj::object body{{"name", name},
                    {"connectionId", connection_id},
                    {"prompt", "Question: {{question}}\nAnswer: {{answer}}\nIs the answer right?"},
                    {"variableMapping", bj::array{bj::object{{"variable", "question"}, {"source", "input"}, {"jsonPath", "$.q"}},
                                                  bj::object{{"variable", "answer"}, {"source", "output"}}}},
                    {"filter", bj::array{bj::object{{"type", "string"}, {"column", "name"}, {"operator", "="}, {"value", trace_name}}}},
                    {"sampling", 1},
                    {"delayMs", 0},
                    {"scoreName", name + "-score"},
                    {"scoreDataType", "BOOLEAN"}};
    for (const auto& entry : overrides) body[entry.key()] = entry.value();
    auto created = UserPost(project_path_ + "/evaluators", body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? std::string(created.Json().at("id").as_string()) : "";
  }

  HttpResponse IngestTrace(const std::string& id, const std::string& name, bj::value output,
                           const std::string& environment = "default") {
    return Ingest({Event("trace-create", {{"id", id}, {"name", name}, {"environment", environment},
                                          {"input", {{"q", "capital of France?"}}}, {"output", std::move(output)}})});
  }

  // Polls `done` every 200 ms until it returns true or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  bj::array Scores(const std::string& name) {
    auto response = Get("/api/public/scores?name=" + name + "&limit=100");
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("data").as_array() : bj::array();
  }

  bj::array Executions(const std::string& rule_id) {
    auto response = UserGet(project_path_ + "/evaluators/" + rule_id + "/executions");
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("data").as_array() : bj::array();
  }

  std::unique_ptr<testing::PeerProcess> judge_;
  std::string project_path_;
};

TEST_P(EvaluatorsApi, ConnectionKeyIsSealed) {
  const std::string id = CreateConnection("judge", "ok");
  ASSERT_FALSE(id.empty());

  auto list = UserGet(project_path_ + "/llm-connections");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(kApiKey), std::string::npos) << "the key never comes back";
  EXPECT_EQ(list.Json().at("data").at(0).at("apiKey"), "…1234");
  EXPECT_EQ(list.Json().at("data").at(0).at("baseUrl").as_string(), judge_->base_url() + "/ok") << "trailing slash dropped";

  auto stored = database_->db().Read([&](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT api_key_sealed FROM llm_connections WHERE id = ?", {id}));
    return row ? row->Text(0) : std::string();
  });
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->starts_with("v1:")) << "sealed with the secret box";
  EXPECT_EQ(stored->find(kApiKey), std::string::npos);
  EXPECT_EQ(server_->Log().find(kApiKey), std::string::npos) << "nor is it logged";
}

TEST_P(EvaluatorsApi, RejectsBadConnections) {
  const std::string path = project_path_ + "/llm-connections";
  bj::object good{{"name", "n"}, {"baseUrl", "https://llm.example.com/v1"}, {"model", "m"}, {"apiKey", "k-12345"}};
  auto with = [&](const char* key, bj::value value) {
    bj::object body = good;
    body[key] = std::move(value);
    return body;
  };
  auto scheme = UserPost(path, with("baseUrl", "ftp://llm.example.com"));
  EXPECT_EQ(scheme.status, 400) << scheme.body;
  EXPECT_NE(scheme.body.find("baseUrl"), std::string::npos);
  EXPECT_EQ(UserPost(path, with("baseUrl", "http://169.254.169.254/v1")).status, 400) << "metadata address";
  EXPECT_EQ(UserPost(path, with("baseUrl", "https://user:pass@llm.example.com")).status, 400);
  EXPECT_EQ(UserPost(path, with("apiKey", "")).status, 400);
  EXPECT_EQ(UserPost(path, with("timeoutMs", 0)).status, 400);
  bj::object no_model = good;
  no_model.erase("model");
  EXPECT_EQ(UserPost(path, no_model).status, 400);
  EXPECT_EQ(UserPost(path, good).status, 201);
  EXPECT_EQ(UserPost(path, good).status, 409) << "names are unique";
  EXPECT_EQ(client_->Post(path, bj::serialize(good), {Basic()}).status, 403) << "key pairs cannot manage connections";
}

TEST_P(EvaluatorsApi, RejectsBadRules) {
  const std::string connection = CreateConnection("judge", "ok");
  const std::string path = project_path_ + "/evaluators";
  auto rule = [&](const char* key, bj::value value) {
    bj::object body{{"name", "r"}, {"connectionId", connection}, {"prompt", "Rate {{answer}}"},
                    {"variableMapping", bj::array{bj::object{{"variable", "answer"}, {"source", "output"}}}},
                    {"scoreName", "s"}};
    if (value.is_null()) {
      body.erase(key);
    } else {
      body[key] = std::move(value);
    }
    return body;
  };
  auto expect_field = [&](bj::object body, const std::string& field) {
    auto response = UserPost(path, body);
    EXPECT_EQ(response.status, 400) << field << ": " << response.body;
    EXPECT_NE(response.body.find(field), std::string::npos) << response.body;
  };
  expect_field(rule("prompt", "Rate {{answer}} against {{expected}}"), "variableMapping");
  expect_field(rule("variableMapping", bj::array{bj::object{{"variable", "answer"}, {"source", "body"}}}),
               "variableMapping.0.source");
  expect_field(rule("variableMapping", bj::array{bj::object{{"variable", "answer"}, {"source", "output"}, {"jsonPath", "a.b"}}}),
               "variableMapping.0.jsonPath");
  expect_field(rule("sampling", 0), "sampling");
  expect_field(rule("sampling", 1.5), "sampling");
  expect_field(rule("delayMs", -1), "delayMs");
  expect_field(rule("scoreDataType", "TEXT"), "scoreDataType");
  expect_field(rule("scoreDataType", "CATEGORICAL"), "scoreCategories");
  expect_field(rule("connectionId", "missing"), "connectionId");
  expect_field(rule("scoreName", nullptr), "scoreName");
  auto bad_filter = UserPost(path, rule("filter", bj::array{bj::object{{"type", "string"}, {"column", "nope"},
                                                                        {"operator", "="}, {"value", "x"}}}));
  EXPECT_EQ(bad_filter.status, 400) << bad_filter.body;

  EXPECT_EQ(UserPost(path, rule("name", "ok")).status, 201);
  EXPECT_EQ(UserPost(path, rule("name", "ok")).status, 409);
  EXPECT_EQ(UserSend("DELETE", project_path_ + "/llm-connections/" + connection, nullptr).status, 409)
      << "a connection in use stays";
}

TEST_P(EvaluatorsApi, RuleScoresMatchingTracesThroughJudge) {
  const std::string rule_id = CreateRule("correctness", CreateConnection("judge", "ok"), "qa");
  ASSERT_FALSE(rule_id.empty());

  ASSERT_EQ(IngestTrace("t-right", "qa", "Paris").status, 207);
  ASSERT_EQ(IngestTrace("t-wrong", "qa", "Lyon").status, 207);
  ASSERT_EQ(IngestTrace("t-other-name", "chat", "Paris").status, 207);
  ASSERT_EQ(IngestTrace("t-judge-own", "qa", "Paris", "langfuse-llm-as-a-judge").status, 207);

  ASSERT_TRUE(WaitFor([&] { return Scores("correctness-score").size() >= 2; }))
      << "no scores; server log:\n" << server_->Log();
  const bj::array scores = Scores("correctness-score");
  ASSERT_EQ(scores.size(), 2u);
  for (const bj::value& score : scores) {
    EXPECT_EQ(score.at("source"), "EVAL");
    EXPECT_EQ(score.at("dataType"), "BOOLEAN");
    if (score.at("traceId") == "t-right") {
      EXPECT_EQ(score.at("value").to_number<double>(), 1);
      EXPECT_EQ(score.at("comment"), "The answer names Paris.");
    } else {
      EXPECT_EQ(score.at("traceId"), "t-wrong");
      EXPECT_EQ(score.at("value").to_number<double>(), 0);
      EXPECT_EQ(score.at("comment"), "The answer does not name Paris.");
    }
  }

  // The judge saw the filled template and the key, and nothing else called it.
  testing::HttpClient peer(judge_->base_url());
  auto recorded = peer.Get("/__requests");
  ASSERT_EQ(recorded.status, 200);
  const bj::array requests = recorded.Json().as_array();
  ASSERT_EQ(requests.size(), 2u);
  for (const bj::value& request : requests) {
    EXPECT_EQ(request.at("path"), "/ok/chat/completions");
    EXPECT_EQ(request.at("authorization").as_string(), std::string("Bearer ") + kApiKey);
    const bj::value body = bj::parse(request.at("body").as_string());
    EXPECT_EQ(body.at("model"), "judge-model");
    const std::string prompt(body.at("messages").at(1).at("content").as_string());
    EXPECT_TRUE(prompt.starts_with("Question: capital of France?\nAnswer: ")) << prompt;
  }

  const bj::array executions = Executions(rule_id);
  ASSERT_EQ(executions.size(), 2u);
  for (const bj::value& execution : executions) {
    EXPECT_EQ(execution.at("status"), "succeeded");
    EXPECT_FALSE(execution.at("scoreId").is_null());
    EXPECT_TRUE(execution.at("error").is_null());
  }
}

TEST_P(EvaluatorsApi, SamplingPicksAFixedShare) {
  const std::string rule_id = CreateRule("sampled", CreateConnection("judge", "ok"), "sampled", {{"sampling", 0.5}});
  ASSERT_FALSE(rule_id.empty());

  // The scheduler samples by SHA-256 of "<rule id>:<trace id>", so the test
  // knows which traces it must pick.
  int expected = 0;
  bj::array events;
  for (int i = 0; i < 20; ++i) {
    const std::string trace_id = "s-" + std::to_string(i);
    const std::string digest = Sha256Hex(rule_id + ":" + trace_id);
    if (static_cast<double>(std::stoull(digest.substr(0, 8), nullptr, 16)) / 4294967296.0 < 0.5) ++expected;
    events.push_back(Event("trace-create", {{"id", trace_id}, {"name", "sampled"}, {"output", "Paris"}}));
  }
  ASSERT_GT(expected, 0);
  ASSERT_LT(expected, 20);
  ASSERT_EQ(Ingest(events).status, 207);

  ASSERT_TRUE(WaitFor([&] { return static_cast<int>(Scores("sampled-score").size()) >= expected; }))
      << server_->Log();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // room for any extra execution to show up
  EXPECT_EQ(static_cast<int>(Scores("sampled-score").size()), expected);
  EXPECT_EQ(static_cast<int>(Executions(rule_id).size()), expected);
}

TEST_P(EvaluatorsApi, JudgeFailuresRecordErrorAndNoScore) {
  CreateRule("garbage", CreateConnection("garbage-judge", "garbage"), "garbage");
  CreateRule("error", CreateConnection("failing-judge", "error500"), "error");
  CreateRule("slow", CreateConnection("slow-judge", "slow", 500), "slow");
  ASSERT_EQ(IngestTrace("t-garbage", "garbage", "Paris").status, 207);
  ASSERT_EQ(IngestTrace("t-error", "error", "Paris").status, 207);
  ASSERT_EQ(IngestTrace("t-slow", "slow", "Paris").status, 207);

  auto rules = UserGet(project_path_ + "/evaluators");
  ASSERT_EQ(rules.status, 200);
  std::map<std::string, std::string> rule_ids;
  const bj::value rule_list = rules.Json();
  for (const bj::value& rule : rule_list.at("data").as_array()) {
    rule_ids[std::string(rule.at("name").as_string())] = std::string(rule.at("id").as_string());
  }
  const std::map<std::string, std::string> expected_errors = {
      {"garbage", "not a JSON object"}, {"error", "returned HTTP 500"}, {"slow", "slow-judge"}};
  for (const auto& [name, message] : expected_errors) {
    SCOPED_TRACE(name);
    bj::value execution;
    ASSERT_TRUE(WaitFor([&] {
      bj::array executions = Executions(rule_ids[name]);
      if (executions.empty() || executions[0].at("error").is_null()) return false;
      execution = executions[0];
      return true;
    })) << server_->Log();
    EXPECT_EQ(execution.at("status"), "failed");
    EXPECT_TRUE(execution.at("scoreId").is_null());
    const std::string error(execution.at("error").as_string());
    if (name == "slow") {
      EXPECT_NE(error.find("timed out"), std::string::npos) << error;
    } else {
      EXPECT_NE(error.find(message), std::string::npos) << error;
    }
    EXPECT_EQ(error.find(kApiKey), std::string::npos);
    EXPECT_TRUE(Scores(name + "-score").empty()) << "a failed judge writes no score";
  }
}

TEST_P(EvaluatorsApi, DryRunJudgesOneTraceAndStoresNothing) {
  const std::string ok = CreateConnection("judge", "ok");
  const std::string failing = CreateConnection("failing-judge", "error500");
  ASSERT_EQ(IngestTrace("t-dry", "qa", bj::object{{"text", "Paris"}}).status, 207);
  ASSERT_TRUE(WaitFor([&] { return Get("/api/public/traces/t-dry").status == 200; })) << server_->Log();

  const std::string path = project_path_ + "/evaluators/dry-run";
  bj::object body{{"traceId", "t-dry"},
                  {"connectionId", ok},
                  {"prompt", "Question: {{question}}\nAnswer: {{ answer }}"},
                  {"variableMapping", bj::array{bj::object{{"variable", "question"}, {"source", "input"}, {"jsonPath", "$.q"}},
                                                bj::object{{"variable", "answer"}, {"source", "output"}, {"jsonPath", "$.text"}}}},
                  {"scoreName", "dry-score"},
                  {"scoreDataType", "NUMERIC"}};
  auto judged = UserPost(path, body);
  ASSERT_EQ(judged.status, 200) << judged.body;
  const bj::value result = judged.Json();
  EXPECT_EQ(result.at("prompt"), "Question: capital of France?\nAnswer: Paris");
  EXPECT_EQ(result.at("variables").at("answer"), "Paris");
  EXPECT_TRUE(result.at("error").is_null());
  EXPECT_EQ(result.at("verdict").at("value").to_number<double>(), 1);
  EXPECT_EQ(result.at("verdict").at("reasoning"), "The answer names Paris.");

  // The judge's failure is the dry run's result, not a failed request.
  bj::object failing_body = body;
  failing_body["connectionId"] = failing;
  auto failed = UserPost(path, failing_body);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_TRUE(failed.Json().at("verdict").is_null());
  EXPECT_NE(std::string(failed.Json().at("error").as_string()).find("returned HTTP 500"), std::string::npos)
      << failed.body;
  EXPECT_EQ(failed.body.find(kApiKey), std::string::npos);

  // Nothing was stored: no score, no rule, no execution.
  EXPECT_TRUE(Scores("dry-score").empty());
  EXPECT_TRUE(UserGet(project_path_ + "/evaluators").Json().at("data").as_array().empty());
  testing::HttpClient peer(judge_->base_url());
  EXPECT_EQ(peer.Get("/__requests").Json().as_array().size(), 2u) << "one judge call per dry run";

  // Bad requests name the field or the missing trace.
  bj::object unknown_trace = body;
  unknown_trace["traceId"] = "t-missing";
  auto missing = UserPost(path, unknown_trace);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_NE(missing.body.find("t-missing"), std::string::npos);
  bj::object no_trace = body;
  no_trace.erase("traceId");
  auto no_trace_response = UserPost(path, no_trace);
  EXPECT_EQ(no_trace_response.status, 400);
  EXPECT_NE(no_trace_response.body.find("traceId"), std::string::npos) << no_trace_response.body;
  bj::object unmapped = body;
  unmapped["prompt"] = "Rate {{tone}}";
  EXPECT_EQ(UserPost(path, unmapped).status, 400) << "every template variable needs a mapping";
  bj::object unknown_connection = body;
  unknown_connection["connectionId"] = "no-such-connection";
  auto no_connection = UserPost(path, unknown_connection);
  EXPECT_EQ(no_connection.status, 400);
  EXPECT_NE(no_connection.body.find("connectionId"), std::string::npos) << no_connection.body;
  EXPECT_EQ(client_->Post(path, bj::serialize(body), {Basic()}).status, 403) << "key pairs cannot run the judge";
}

TEST_P(EvaluatorsApi, BuiltinEvaluatorsScoreDatasetRun) {
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "capitals"}}).status, 200);
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"france", "Paris", "Paris"}, {"italy", "Rome", "Milan"}, {"spain", "Madrid", "madrid"}};
  for (const auto& [item, expected, output] : cases) {
    ASSERT_EQ(Post("/api/public/dataset-items", bj::object{{"datasetName", "capitals"}, {"id", item},
                                                            {"input", item}, {"expectedOutput", expected}})
                  .status,
              200);
    ASSERT_EQ(Ingest({Event("trace-create", {{"id", "run-" + item}, {"output", output}})}).status, 207);
    ASSERT_EQ(Post("/api/public/dataset-run-items", bj::object{{"runName", "v1"}, {"datasetItemId", item},
                                                               {"traceId", "run-" + item}})
                  .status,
              200);
  }
  const std::string path = project_path_ + "/datasets/run-evaluations";

  auto exact = UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v1"},
                                         {"evaluator", {{"type", "exact_match"}}}});
  ASSERT_EQ(exact.status, 200) << exact.body;
  EXPECT_EQ(exact.Json().at("scored"), 3);
  std::map<std::string, double> values;
  for (const bj::value& score : Scores("exact_match")) {
    EXPECT_EQ(score.at("source"), "EVAL");
    values[std::string(score.at("traceId").as_string())] = score.at("value").to_number<double>();
  }
  EXPECT_EQ(values, (std::map<std::string, double>{{"run-france", 1}, {"run-italy", 0}, {"run-spain", 0}}));

  auto relaxed = UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v1"}, {"scoreName", "match-ci"},
                                           {"evaluator", {{"type", "exact_match"}, {"caseSensitive", false}}}});
  ASSERT_EQ(relaxed.status, 200) << relaxed.body;
  EXPECT_EQ(Scores("match-ci").size(), 3u);
  auto again = UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v1"}, {"scoreName", "match-ci"},
                                         {"evaluator", {{"type", "exact_match"}, {"caseSensitive", false}}}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Scores("match-ci").size(), 3u) << "a second evaluation replaces its scores";

  auto numeric = UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v1"},
                                           {"evaluator", {{"type", "numeric_tolerance"}}}});
  ASSERT_EQ(numeric.status, 200) << numeric.body;
  EXPECT_EQ(numeric.Json().at("scored"), 0);
  EXPECT_EQ(numeric.Json().at("failures").as_array().size(), 3u) << "expected outputs are not numbers";

  auto unknown = UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v1"}, {"evaluator", {{"type", "bleu"}}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("evaluator.type"), std::string::npos) << unknown.body;
  EXPECT_EQ(UserPost(path, bj::object{{"datasetName", "capitals"}, {"runName", "v9"}, {"evaluator", {{"type", "regex"}, {"pattern", "x"}}}})
                .status,
            404);
}

INSTANTIATE_TEST_SUITE_P(Backends, EvaluatorsApi, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
