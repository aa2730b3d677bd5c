// Webhooks end to end: CRUD and validation over real HTTP, events emitted by
// labeling writes, signed deliveries retried with backoff against a
// recording receiver on 127.0.0.1, the delivery log and the test send, on
// SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "api/labeling_fixture.h"
#include "core/crypto.h"
#include "support/peer_process.h"

namespace tally {
namespace {

constexpr const char* kSecretKey = "webhooks-api-test-secret-key-0123456789";

class WebhooksApiTest : public LabelingApiTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(receiver_.started()) << receiver_.failure_reason();
    StartServer({{"TALLY_SECRET_KEY", kSecretKey}, {"TALLY_WEBHOOK_TIMEOUT_MS", "2000"}});
  }

  // Creates a webhook and returns the response body (with its secret).
  bj::object CreateWebhook(bj::object body) {
    auto created = Post("/api/webhooks", bj::serialize(body));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.Json().as_object() : bj::object();
  }

  // Tells the receiver which secret signs the bodies it gets.
  void SetReceiverSecret(const std::string& secret) {
    testing::HttpClient receiver(receiver_.base_url());
    ASSERT_EQ(receiver.Send("POST", "/__secret", secret).status, 200);
  }

  // Requests the receiver recorded whose path starts with `prefix`.
  bj::array Received(const std::string& prefix = "") {
    testing::HttpClient receiver(receiver_.base_url());
    bj::array matching;
    const bj::value recorded = receiver.Get("/__requests").Json();
    for (const auto& item : recorded.as_array()) {
      if (std::string(item.at("path").as_string()).starts_with(prefix)) matching.push_back(item);
    }
    return matching;
  }

  // Polls the receiver until `count` requests under `prefix` arrived or
  // `seconds` pass.
  bj::array WaitForRequests(const std::string& prefix, size_t count, int seconds = 20) {
    bj::array got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      got = Received(prefix);
      if (got.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return got;
  }

  // The actions of the requests under `prefix`, parsed from their bodies.
  std::vector<std::string> Actions(const std::string& prefix) {
    std::vector<std::string> actions;
    for (const auto& item : Received(prefix)) {
      actions.emplace_back(bj::parse(item.at("body").as_string()).at("action").as_string());
    }
    return actions;
  }

  std::string Hook(const std::string& path) { return receiver_.base_url() + path; }

  testing::PeerProcess receiver_{"http_recorder.py"};
};

TEST_P(WebhooksApiTest, CreateReturnsSecretOnce) {
  bj::object created = CreateWebhook({{"url", Hook("/crud")}, {"headers", {{"X-Team", "labeling"}}}});
  ASSERT_TRUE(created.contains("secret"));
  const std::string secret(created.at("secret").as_string());
  EXPECT_TRUE(secret.starts_with("whsec_"));
  EXPECT_EQ(created.at("project"), nullptr);
  EXPECT_EQ(created.at("send_payload"), true);
  EXPECT_EQ(created.at("send_for_all_actions"), true);
  EXPECT_EQ(created.at("is_active"), true);
  EXPECT_EQ(created.at("headers").at("X-Team"), "labeling");

  const std::string path = "/api/webhooks/" + std::to_string(created.at("id").as_int64());
  auto fetched = Get(path);
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_FALSE(fetched.Json().as_object().contains("secret"));
  EXPECT_EQ(Get("/api/webhooks").Json().as_array().size(), 1u);

  // The database stores the secret sealed, never in clear.
  auto stored = database_->db().Read([&](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT secret_sealed FROM webhooks"));
    return row->Text(0);
  });
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->starts_with("v1:"));
  EXPECT_EQ(stored->find(secret), std::string::npos);

  auto patched = Patch(path, R"({"is_active": false, "actions": ["ANNOTATION_CREATED"]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("is_active"), false);
  EXPECT_EQ(patched.Json().at("actions").as_array().size(), 1u);
  EXPECT_EQ(patched.Json().at("url"), bj::value(Hook("/crud")));

  auto replaced = client_->Send("PUT", path, R"({"send_payload": false})",
                                {Auth(kOwnerToken), "Content-Type: application/json"});
  EXPECT_EQ(replaced.status, 400) << "PUT without url: " << replaced.body;

  auto rotated = Post(path + "/rotate-secret", "");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(std::string(rotated.Json().at("secret").as_string()), secret);

  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Get(path).status, 404);
}

TEST_P(WebhooksApiTest, InvalidFieldsAreNamed) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  struct Case {
    bj::object body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"send_payload", true}}, "url"},
      {{{"url", "ftp://example.com/hook"}}, "url"},
      {{{"url", "http://169.254.169.254/latest/meta-data/"}}, "url"},
      {{{"url", "http://[::ffff:169.254.169.254]/"}}, "url"},
      {{{"url", "http://user:secret@example.com/"}}, "url"},
      {{{"url", "http://example.com/" + std::string(2100, 'a')}}, "url"},
      {{{"url", Hook("/x")}, {"headers", {{"Bad Header", "v"}}}}, "headers"},
      {{{"url", Hook("/x")}, {"headers", {{"X-A", 1}}}}, "headers.X-A"},
      {{{"url", Hook("/x")}, {"headers", {{"X-A", "v\r\nX-B: w"}}}}, "headers.X-A"},
      {{{"url", Hook("/x")}, {"headers", {{"X-A", "bell\x01"}}}}, "headers.X-A"},
      {{{"url", Hook("/x")}, {"headers", {{"X-A", "del\x7f"}}}}, "headers.X-A"},
      {{{"url", Hook("/x")}, {"headers", {{"X-A", std::string(5000, 'v')}}}}, "headers.X-A"},
      {{{"url", Hook("/x")}, {"headers", {{"Host", "elsewhere.example"}}}}, "headers.Host"},
      {{{"url", Hook("/x")}, {"headers", {{"Transfer-Encoding", "chunked"}}}}, "headers.Transfer-Encoding"},
      {{{"url", Hook("/x")}, {"actions", {"NO_SUCH_ACTION"}}}, "actions.0"},
      {{{"url", Hook("/x")}, {"project", project_id}, {"actions", {"PROJECT_CREATED"}}}, "actions"},
      {{{"url", Hook("/x")}, {"project", "three"}}, "project"},
  };
  bj::object many_headers;
  for (int i = 0; i < 11; ++i) many_headers["X-H" + std::to_string(i)] = "v";
  std::vector<Case> all = cases;
  all.push_back({{{"url", Hook("/x")}, {"headers", many_headers}}, "headers"});

  for (const Case& item : all) {
    auto response = Post("/api/webhooks", bj::serialize(item.body));
    EXPECT_EQ(response.status, 400) << bj::serialize(item.body) << " → " << response.body;
    EXPECT_NE(response.body.find("\"" + item.field + "\""), std::string::npos)
        << "expected field " << item.field << " in " << response.body;
  }
  EXPECT_TRUE(Get("/api/webhooks").Json().as_array().empty());
}

TEST_P(WebhooksApiTest, OtherRolesAndOrganizationsAreKeptOut) {
  bj::object created = CreateWebhook({{"url", Hook("/private")}});
  const std::string path = "/api/webhooks/" + std::to_string(created.at("id").as_int64());
  EXPECT_EQ(Get(path, outsider_token_).status, 404);
  EXPECT_EQ(Get(path, annotator_token_).status, 403);
  EXPECT_EQ(Post("/api/webhooks", bj::serialize(bj::object{{"url", Hook("/a")}}), annotator_token_).status, 403);
  EXPECT_TRUE(Get("/api/webhooks", outsider_token_).Json().as_array().empty());
}

TEST_P(WebhooksApiTest, InfoListsLabelStudioActions) {
  auto info = Get("/api/webhooks/info");
  ASSERT_EQ(info.status, 200) << info.body;
  const bj::object catalogue = info.Json().as_object();
  for (const char* action : {"PROJECT_CREATED", "PROJECT_UPDATED", "PROJECT_DELETED", "TASKS_CREATED",
                             "TASKS_DELETED", "ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED",
                             "ANNOTATIONS_DELETED", "LABEL_LINK_CREATED", "LABEL_LINK_UPDATED",
                             "LABEL_LINK_DELETED"}) {
    ASSERT_TRUE(catalogue.contains(action)) << action;
    EXPECT_EQ(catalogue.at(action).at("key"), action);
  }
  EXPECT_EQ(catalogue.at("PROJECT_CREATED").at("organization-only"), true);
  EXPECT_FALSE(catalogue.at("TASKS_CREATED").as_object().contains("organization-only"));
}

TEST_P(WebhooksApiTest, DeliveryRetriesUntilAccepted) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object webhook = CreateWebhook({{"url", Hook("/fail-first/2/annotations")},
                                      {"project", project_id},
                                      {"send_for_all_actions", false},
                                      {"actions", {"ANNOTATION_CREATED"}},
                                      {"headers", {{"X-Team", "labeling"}}}});
  SetReceiverSecret(std::string(webhook.at("secret").as_string()));

  ASSERT_EQ(Import(project_id, R"([{"text": "good"}])").status, 201);
  const int64_t task_id = TaskList(project_id).at(0).at("id").as_int64();
  auto annotated = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                        R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                            "value": {"choices": ["Positive"]}}]})");
  ASSERT_EQ(annotated.status, 201) << annotated.body;

  // Two 500s, then a 200: three attempts, 2 s and 4 s apart.
  const bj::array requests = WaitForRequests("/fail-first/2/annotations", 3, 30);
  ASSERT_EQ(requests.size(), 3u);
  std::set<std::string> delivery_ids;
  for (const auto& request : requests) {
    EXPECT_EQ(request.at("signature_valid"), true);
    EXPECT_EQ(request.at("headers").at("x-tally-event"), "ANNOTATION_CREATED");
    EXPECT_EQ(request.at("headers").at("x-team"), "labeling");
    EXPECT_EQ(request.at("headers").at("content-type"), "application/json");
    delivery_ids.insert(std::string(request.at("headers").at("x-tally-delivery").as_string()));
  }
  EXPECT_EQ(delivery_ids.size(), 1u) << "one event keeps one delivery id across retries";
  EXPECT_GE(requests.at(2).at("time").as_double() - requests.at(0).at("time").as_double(), 5.0)
      << "backoff of 2 s then 4 s";

  const bj::value body = bj::parse(requests.at(0).at("body").as_string());
  EXPECT_EQ(body.at("action"), "ANNOTATION_CREATED");
  EXPECT_EQ(body.at("annotation").at("id"), annotated.Json().at("id"));
  EXPECT_EQ(body.at("task").at("id"), task_id);
  EXPECT_EQ(body.at("project").at("id"), project_id);
  EXPECT_EQ(body.at("annotation").at("result").at(0).at("value").at("choices").at(0), "Positive");

  const std::string log_path = "/api/webhooks/" + std::to_string(webhook.at("id").as_int64()) + "/deliveries";
  bj::array log;
  for (int i = 0; i < 50 && log.size() < 3; ++i) {
    log = Get(log_path).Json().at("results").as_array();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(log.size(), 3u);
  // Newest first.
  EXPECT_EQ(log.at(0).at("attempt"), 3);
  EXPECT_EQ(log.at(0).at("status_code"), 200);
  EXPECT_EQ(log.at(0).at("error"), nullptr);
  EXPECT_EQ(log.at(2).at("attempt"), 1);
  EXPECT_EQ(log.at(2).at("status_code"), 500);
  EXPECT_NE(std::string(log.at(2).at("error").as_string()).find("500"), std::string::npos);
  EXPECT_TRUE(log.at(2).at("latency_ms").is_number());

  const int64_t job_id = log.at(0).at("job_id").as_int64();
  bj::value job;
  for (int i = 0; i < 50; ++i) {
    job = Get("/api/jobs/" + std::to_string(job_id)).Json();
    if (job.at("status") == "succeeded") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job.at("status"), "succeeded");
  EXPECT_EQ(job.at("attempts"), 3);
}

TEST_P(WebhooksApiTest, LabelingWritesEmitEvents) {
  CreateWebhook({{"url", Hook("/all")}});
  const int64_t project_id = CreateProject(kSentimentConfig, "Events");
  const std::string project = "/api/projects/" + std::to_string(project_id);
  ASSERT_EQ(Import(project_id, R"([{"text": "a"}, {"text": "b"}, {"text": "c"}])").status, 201);
  ASSERT_EQ(Patch(project, R"({"title": "Events renamed"})").status, 200);
  const bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 3u);
  const std::string task_path = "/api/tasks/" + std::to_string(tasks.at(0).at("id").as_int64());
  auto annotated = Post(task_path + "/annotations",
                        R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                            "value": {"choices": ["Negative"]}}]})");
  ASSERT_EQ(annotated.status, 201) << annotated.body;
  const std::string annotation = "/api/annotations/" + std::to_string(annotated.Json().at("id").as_int64());
  ASSERT_EQ(Patch(annotation, R"({"ground_truth": true})").status, 200);
  ASSERT_EQ(Delete(annotation).status, 204);
  ASSERT_EQ(Delete("/api/tasks/" + std::to_string(tasks.at(1).at("id").as_int64())).status, 204);
  ASSERT_EQ(Delete(project).status, 204);

  const std::vector<std::string> expected = {"PROJECT_CREATED",     "TASKS_CREATED",      "PROJECT_UPDATED",
                                             "ANNOTATION_CREATED",  "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED",
                                             "TASKS_DELETED",       "PROJECT_DELETED"};
  WaitForRequests("/all", expected.size());
  std::vector<std::string> actions = Actions("/all");
  std::multiset<std::string> got(actions.begin(), actions.end());
  EXPECT_EQ(got, std::multiset<std::string>(expected.begin(), expected.end()));

  for (const auto& request : Received("/all")) {
    const bj::value body = bj::parse(request.at("body").as_string());
    const std::string action(body.at("action").as_string());
    if (action == "TASKS_CREATED") {
      EXPECT_EQ(body.at("tasks").as_array().size(), 3u);
      EXPECT_EQ(body.at("tasks").at(0).at("data").at("text"), "a");
      EXPECT_EQ(body.at("project").at("id"), project_id);
    }
    if (action == "PROJECT_UPDATED") {
      EXPECT_EQ(body.at("project").at("title"), "Events renamed");
    }
    if (action == "ANNOTATIONS_DELETED") {
      EXPECT_EQ(body.at("annotations").at(0).at("id"), annotated.Json().at("id"));
    }
    if (action == "TASKS_DELETED") {
      EXPECT_EQ(body.at("tasks").at(0).at("id"), tasks.at(1).at("id"));
    }
    if (action == "PROJECT_DELETED") {
      EXPECT_EQ(body.at("project"), bj::value(bj::object{{"id", project_id}}));
    }
  }
}

TEST_P(WebhooksApiTest, PredictionsToAnnotationsEmitsList) {
  CreateWebhook({{"url", Hook("/bulk")}, {"send_for_all_actions", false}, {"actions", {"ANNOTATIONS_CREATED"}}});
  const int64_t project_id = CreateProject(kSentimentConfig, "Bulk");
  ASSERT_EQ(Import(project_id, R"([{"text": "a"}, {"text": "b"}])").status, 201);
  const bj::array tasks = TaskList(project_id);
  ASSERT_EQ(tasks.size(), 2u);
  for (const auto& task : tasks) {
    auto predicted = Post("/api/predictions", bj::serialize(bj::object{
                                                  {"task", task.at("id")},
                                                  {"model_version", "v1"},
                                                  {"result", bj::parse(R"([{"from_name": "sentiment", "to_name": "text",
                                                      "type": "choices", "value": {"choices": ["Positive"]}}])")}}));
    ASSERT_EQ(predicted.status, 201) << predicted.body;
  }
  auto converted = Post("/api/dm/actions?project=" + std::to_string(project_id) + "&id=predictions_to_annotations",
                        R"({"selectedItems": {"all": true}, "model_version": "v1"})");
  ASSERT_EQ(converted.status, 200) << converted.body;
  ASSERT_EQ(converted.Json().at("processed_items"), 2);

  const bj::array received = WaitForRequests("/bulk", 1);
  ASSERT_EQ(received.size(), 1u);
  const bj::value body = bj::parse(received.at(0).at("body").as_string());
  EXPECT_EQ(body.at("action"), "ANNOTATIONS_CREATED");
  ASSERT_TRUE(body.at("annotation").is_array()) << "the singular key holds a list";
  ASSERT_EQ(body.at("annotation").as_array().size(), 2u);
  EXPECT_EQ(body.at("annotation").at(0).at("last_action"), "prediction");
  ASSERT_TRUE(body.at("task").is_array());
  ASSERT_EQ(body.at("task").as_array().size(), 2u);
  EXPECT_EQ(body.at("task").at(0).at("is_labeled"), true) << "tasks are sent after their counters change";
  EXPECT_EQ(body.at("project").at("id"), project_id);
}

TEST_P(WebhooksApiTest, FailedWriteEmitsNothing) {
  CreateWebhook({{"url", Hook("/rolled-back")}});
  const int64_t project_id = CreateProject(kSentimentConfig);
  // An annotation with a label outside the config is rejected, so its
  // transaction, and the event in it, roll back.
  ASSERT_EQ(Import(project_id, R"([{"text": "x"}])").status, 201);
  const int64_t task_id = TaskList(project_id).at(0).at("id").as_int64();
  auto rejected = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                       R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                           "value": {"choices": ["Furious"]}}]})");
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  WaitForRequests("/rolled-back", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::vector<std::string> actions = Actions("/rolled-back");
  EXPECT_EQ(actions, (std::vector<std::string>{"PROJECT_CREATED", "TASKS_CREATED"}));
}

TEST_P(WebhooksApiTest, ProjectWebhookSeesOnlyItsProject) {
  const int64_t first = CreateProject(kSentimentConfig, "First");
  const int64_t second = CreateProject(kSentimentConfig, "Second");
  CreateWebhook({{"url", Hook("/first-only")}, {"project", first}});
  CreateWebhook({{"url", Hook("/bare")}, {"project", first}, {"send_payload", false}});
  ASSERT_EQ(Import(second, R"([{"text": "elsewhere"}])").status, 201);
  ASSERT_EQ(Import(first, R"([{"text": "here"}])").status, 201);

  const bj::array got = WaitForRequests("/first-only", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  ASSERT_EQ(Received("/first-only").size(), 1u);
  EXPECT_EQ(bj::parse(got.at(0).at("body").as_string()).at("project").at("id"), first);

  const bj::array bare = WaitForRequests("/bare", 1);
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bj::parse(bare.at(0).at("body").as_string()), (bj::object{{"action", "TASKS_CREATED"}}));
  EXPECT_EQ(Get("/api/webhooks?project=" + std::to_string(first)).Json().as_array().size(), 2u);
  EXPECT_TRUE(Get("/api/webhooks?project=" + std::to_string(second)).Json().as_array().empty());
}

TEST_P(WebhooksApiTest, TestSendReportsOutcome) {
  bj::object ok = CreateWebhook({{"url", Hook("/test-ok")}});
  SetReceiverSecret(std::string(ok.at("secret").as_string()));
  auto sent = Post("/api/webhooks/" + std::to_string(ok.at("id").as_int64()) + "/test", "");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.Json().at("status_code"), 200);
  EXPECT_EQ(sent.Json().at("is_test"), true);
  EXPECT_EQ(sent.Json().at("error"), nullptr);
  const bj::array received = Received("/test-ok");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received.at(0).at("signature_valid"), true);
  EXPECT_EQ(bj::parse(received.at(0).at("body").as_string()).at("action"), "WEBHOOK_TEST");

  // A wrong secret on the receiver side shows up as its 401 in the result.
  bj::object other = CreateWebhook({{"url", Hook("/test-401")}});
  auto rejected = Post("/api/webhooks/" + std::to_string(other.at("id").as_int64()) + "/test", "");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.Json().at("status_code"), 401);
  EXPECT_NE(std::string(rejected.Json().at("error").as_string()).find("401"), std::string::npos);

  // A receiver that is down: no status, an error naming the host.
  bj::object down = CreateWebhook({{"url", "http://127.0.0.1:9/hook"}});
  auto unreachable = Post("/api/webhooks/" + std::to_string(down.at("id").as_int64()) + "/test", "");
  ASSERT_EQ(unreachable.status, 200) << unreachable.body;
  EXPECT_EQ(unreachable.Json().at("status_code"), nullptr);
  EXPECT_NE(std::string(unreachable.Json().at("error").as_string()).find("127.0.0.1"), std::string::npos);

  // A slow receiver hits the 2 s delivery timeout.
  bj::object slow = CreateWebhook({{"url", Hook("/slow/5000")}});
  SetReceiverSecret(std::string(slow.at("secret").as_string()));
  auto timed_out = Post("/api/webhooks/" + std::to_string(slow.at("id").as_int64()) + "/test", "");
  ASSERT_EQ(timed_out.status, 200) << timed_out.body;
  EXPECT_NE(std::string(timed_out.Json().at("error").as_string()).find("timed out"), std::string::npos);
}

TEST_P(WebhooksApiTest, RejectedDeliveryFailsWithoutRetry) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object webhook = CreateWebhook({{"url", Hook("/status/410")}, {"project", project_id}});
  ASSERT_EQ(Import(project_id, R"([{"text": "gone"}])").status, 201);
  WaitForRequests("/status/410", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_EQ(Received("/status/410").size(), 1u) << "a 410 is not retried";

  const auto log = Get("/api/webhooks/" + std::to_string(webhook.at("id").as_int64()) + "/deliveries").Json();
  ASSERT_EQ(log.at("count"), 1);
  const int64_t job_id = log.at("results").at(0).at("job_id").as_int64();
  bj::value job;
  for (int i = 0; i < 50; ++i) {
    job = Get("/api/jobs/" + std::to_string(job_id)).Json();
    if (job.at("status") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_NE(std::string(job.at("error").as_string()).find("410"), std::string::npos);
}

TEST_P(WebhooksApiTest, StrictModeRejectsLoopbackAtSend) {
  // Restart with strict protection: saving a loopback URL by name passes the
  // form check, but every send is rejected after resolution.
  server_.reset();
  StartServer({{"TALLY_SECRET_KEY", kSecretKey}, {"TALLY_SSRF_PROTECTION", "strict"}});
  auto literal = Post("/api/webhooks", bj::serialize(bj::object{{"url", Hook("/strict")}}));
  EXPECT_EQ(literal.status, 400) << literal.body;
  EXPECT_NE(literal.body.find("strict"), std::string::npos);

  bj::object by_name =
      CreateWebhook({{"url", "http://localhost:" + std::to_string(receiver_.port()) + "/strict"}});
  auto sent = Post("/api/webhooks/" + std::to_string(by_name.at("id").as_int64()) + "/test", "");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_NE(std::string(sent.Json().at("error").as_string()).find("blocked"), std::string::npos);
  EXPECT_TRUE(Received("/strict").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksApiTest, ::testing::ValuesIn(store::testing::Backends()));

// Without TALLY_SECRET_KEY a PostgreSQL deployment cannot seal secrets, so
// creating a webhook fails with a message telling the operator what to set.
TEST(WebhooksWithoutKeyTest, PostgresRejectsNewSecrets) {
  std::string skip_reason;
  auto database = store::testing::TestDatabase::Open("postgres", skip_reason);
  if (!database) GTEST_SKIP() << skip_reason;
  testing::TallyProcess server(testing::ServeOptions{
      .database_url = database->url(),
      .environment = {{"TALLY_INIT_USER_EMAIL", "owner@example.com"}, {"TALLY_INIT_USER_TOKEN", kOwnerToken}}});
  ASSERT_TRUE(server.started()) << server.failure_reason();
  testing::HttpClient client(server.base_url());
  auto response = client.Post("/api/webhooks", R"({"url": "http://127.0.0.1:9/hook"})",
                              {std::string("Authorization: Token ") + kOwnerToken});
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_NE(response.body.find("TALLY_SECRET_KEY"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace tally
