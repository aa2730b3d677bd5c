// ML backends end to end, on SQLite and on PostgreSQL. A backend process on
// 127.0.0.1 speaks Label Studio's ML backend protocol
// (tests/peers/ml_backend.py) to a real `tally serve`. The suites cover
// health and setup, predictions by job, on /next and interactively,
// training, each kind of backend failure, and the model version comparison.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/labeling_fixture.h"
#include "support/peer_process.h"

namespace tally {
namespace {

constexpr const char* kSecretKey = "ml-backends-api-test-secret-key-0123456789";

class MlBackendsApiTest : public LabelingApiTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(backend_.started()) << backend_.failure_reason();
    StartServer({{"TALLY_SECRET_KEY", kSecretKey}});
  }

  bj::object Connect(int64_t project_id, bj::object extra = {}) {
    bj::object body{{"url", backend_.base_url()}, {"project", project_id}, {"title", "keywords"}};
    for (auto& [key, value] : extra) body[key] = value;
    auto created = Post("/api/ml", bj::serialize(body));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.Json().as_object() : bj::object();
  }

  bj::array BackendRequests(testing::PeerProcess& peer, const std::string& path) {
    testing::HttpClient client(peer.base_url());
    const bj::value recorded = client.Get("/__requests").Json();
    bj::array matching;
    for (const auto& item : recorded.as_array()) {
      if (item.at("path") == bj::value(path)) matching.push_back(item);
    }
    return matching;
  }

  // Imports tasks with these texts and returns their ids in order.
  std::vector<int64_t> ImportTexts(int64_t project_id, const std::vector<std::string>& texts) {
    bj::array items;
    for (const auto& text : texts) items.push_back(bj::object{{"text", text}});
    EXPECT_EQ(Import(project_id, bj::serialize(items)).status, 201);
    std::vector<int64_t> ids;
    for (const auto& task : TaskList(project_id)) ids.push_back(task.at("id").as_int64());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // Polls a job until `done(job)` or 30 s pass; returns the last state.
  bj::value WaitForJob(int64_t job_id, const std::function<bool(const bj::value&)>& done) {
    bj::value job;
    for (int i = 0; i < 300; ++i) {
      job = Get("/api/jobs/" + std::to_string(job_id)).Json();
      if (done(job)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
  }

  bj::array Predictions(int64_t task_id) {
    auto response = Get("/api/predictions?task=" + std::to_string(task_id));
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().as_array() : bj::array();
  }

  int64_t PredictJob(int64_t backend_id, const std::vector<int64_t>& task_ids) {
    auto started = Post("/api/ml/" + std::to_string(backend_id) + "/predict",
                        bj::serialize(bj::object{{"tasks", bj::value_from(task_ids)}}));
    EXPECT_EQ(started.status, 200) << started.body;
    return started.status == 200 ? started.Json().at("job_ids").at(0).as_int64() : 0;
  }

  testing::PeerProcess backend_{"ml_backend.py"};
};

TEST_P(MlBackendsApiTest, ConnectRunsHealthThenSetup) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object backend = Connect(project_id);
  EXPECT_EQ(backend.at("state"), "CO");
  EXPECT_EQ(backend.at("readable_state"), "Connected");
  EXPECT_EQ(backend.at("model_version"), "clf-v1");
  EXPECT_EQ(backend.at("error_message"), nullptr);
  EXPECT_EQ(backend.at("title"), "keywords");
  EXPECT_EQ(Project(project_id).at("model_version"), "clf-v1");

  ASSERT_EQ(BackendRequests(backend_, "/health").size(), 1u);
  const bj::array setups = BackendRequests(backend_, "/setup");
  ASSERT_EQ(setups.size(), 1u);
  const bj::value& setup = setups.at(0).at("body");
  const std::string identifier(setup.at("project").as_string());
  EXPECT_TRUE(identifier.starts_with(std::to_string(project_id) + ".")) << identifier;
  EXPECT_EQ(setup.at("schema"), kSentimentConfig);
  EXPECT_TRUE(std::string(setups.at(0).at("user_agent").as_string()).starts_with("heartex/"));

  // The backend hears of annotation changes through a project webhook.
  const bj::value hooks = Get("/api/webhooks?project=" + std::to_string(project_id)).Json();
  ASSERT_EQ(hooks.as_array().size(), 1u);
  EXPECT_EQ(hooks.at(0).at("url"), bj::value(backend_.base_url() + "/webhook"));

  const auto listed = Get("/api/ml?project=" + std::to_string(project_id));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json().as_array().size(), 1u);
  EXPECT_EQ(BackendRequests(backend_, "/health").size(), 2u) << "listing checks health again";

  const std::string path = "/api/ml/" + std::to_string(backend.at("id").as_int64());
  EXPECT_EQ(Get(path, outsider_token_).status, 404);
  EXPECT_EQ(Patch(path, R"({"title": "renamed"})", annotator_token_).status, 403);
  auto renamed = Patch(path, R"({"title": "renamed", "timeout": 5})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.Json().at("title"), "renamed");
  EXPECT_EQ(renamed.Json().at("timeout").to_number<double>(), 5.0);
  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Project(project_id).at("model_version"), "") << "deleting the backend clears its version";
}

TEST_P(MlBackendsApiTest, InvalidFieldsAreNamed) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  struct Case {
    bj::object body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"project", project_id}}, "url"},
      {{{"url", backend_.base_url()}}, "project"},
      {{{"url", "http://169.254.169.254/"}, {"project", project_id}}, "url"},
      {{{"url", "file:///etc/passwd"}, {"project", project_id}}, "url"},
      {{{"url", backend_.base_url()}, {"project", project_id}, {"auth_method", "TOKEN"}}, "auth_method"},
      {{{"url", backend_.base_url()}, {"project", project_id}, {"auth_method", "BASIC_AUTH"}}, "basic_auth_user"},
      {{{"url", backend_.base_url()}, {"project", project_id}, {"timeout", -1}}, "timeout"},
      {{{"url", backend_.base_url()}, {"project", project_id}, {"extra_params", "x"}}, "extra_params"},
  };
  for (const Case& item : cases) {
    auto response = Post("/api/ml", bj::serialize(item.body));
    EXPECT_EQ(response.status, 400) << bj::serialize(item.body) << " → " << response.body;
    EXPECT_NE(response.body.find("\"" + item.field + "\""), std::string::npos)
        << "expected field " << item.field << " in " << response.body;
  }
}

TEST_P(MlBackendsApiTest, BasicAuthIsSealedAndSent) {
  testing::PeerProcess guarded("ml_backend.py", {"--basic-auth", "ml-user:ml-password"});
  ASSERT_TRUE(guarded.started()) << guarded.failure_reason();
  const int64_t project_id = CreateProject(kSentimentConfig);
  auto created = Post("/api/ml", bj::serialize(bj::object{{"url", guarded.base_url()},
                                                           {"project", project_id},
                                                           {"auth_method", "BASIC_AUTH"},
                                                           {"basic_auth_user", "ml-user"},
                                                           {"basic_auth_pass", "ml-password"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json().at("state"), "CO");
  EXPECT_EQ(created.Json().at("basic_auth_pass_is_set"), true);
  EXPECT_EQ(created.body.find("ml-password"), std::string::npos);
  auto stored = database_->db().Read([&](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT basic_auth_pass_sealed FROM ml_backends"));
    return row->Text(0);
  });
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->starts_with("v1:"));
  EXPECT_EQ(stored->find("ml-password"), std::string::npos);

  const std::string path = "/api/ml/" + std::to_string(created.Json().at("id").as_int64());
  auto wrong = Patch(path, R"({"basic_auth_pass": "wrong"})");
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  EXPECT_EQ(wrong.Json().at("state"), "DI");
  EXPECT_NE(std::string(wrong.Json().at("error_message").as_string()).find("credentials"), std::string::npos)
      << wrong.body;
}

TEST_P(MlBackendsApiTest, BackendDownIsDisconnected) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  auto created = Post("/api/ml", bj::serialize(bj::object{{"url", "http://127.0.0.1:9"}, {"project", project_id}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json().at("state"), "DI");
  EXPECT_NE(std::string(created.Json().at("error_message").as_string()).find("127.0.0.1"), std::string::npos);
}

TEST_P(MlBackendsApiTest, DataManagerActionStoresEachPredictionOnce) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  Connect(project_id);
  const std::vector<int64_t> ids = ImportTexts(project_id, {"a good day", "a bad day", "good", "meh", "so good"});
  const std::string action = "/api/dm/actions?id=retrieve_tasks_predictions&project=" + std::to_string(project_id);
  for (int run = 0; run < 2; ++run) {
    auto started = Post(action, R"({"selectedItems": {"all": true, "excluded": []}})");
    ASSERT_EQ(started.status, 200) << started.body;
    EXPECT_NE(std::string(started.Json().at("detail").as_string()).find("1 jobs"), std::string::npos) << started.body;
    const auto jobs = database_->db().Read([&](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT MAX(id) FROM jobs WHERE kind = 'ml.predict'"));
      return row->Int(0);
    });
    ASSERT_TRUE(jobs);
    const bj::value job = WaitForJob(*jobs, [](const bj::value& j) { return j.at("status") == "succeeded"; });
    ASSERT_EQ(job.at("status"), "succeeded") << bj::serialize(job);
    EXPECT_EQ(job.at("result").at("predictions_stored"), run == 0 ? 5 : 0);
    EXPECT_EQ(job.at("result").at("tasks_skipped"), run == 0 ? 0 : 5);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const bj::array predictions = Predictions(ids[i]);
    ASSERT_EQ(predictions.size(), 1u) << "task " << ids[i];
    EXPECT_EQ(predictions.at(0).at("model_version"), "clf-v1");
    const bool good = i == 0 || i == 2 || i == 4;
    EXPECT_EQ(predictions.at(0).at("result").at(0).at("value").at("choices").at(0), good ? "Positive" : "Negative");
  }
  EXPECT_EQ(BackendRequests(backend_, "/predict").size(), 1u) << "the second run sends nothing";
  EXPECT_EQ(Counter(project_id, "total_predictions_number"), 5);
}

TEST_P(MlBackendsApiTest, BackendFailuresEndAsJobErrors) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object backend = Connect(project_id, {{"timeout", 1}});
  const int64_t backend_id = backend.at("id").as_int64();
  const std::vector<int64_t> ids = ImportTexts(project_id, {"crash now", "garbage out", "slow answer", "wrongcount"});
  const std::vector<std::string> expected = {"HTTP 500: ValueError: the model crashed on purpose",
                                             "not valid JSON", "timed out", "2 results for 1 tasks"};
  for (size_t i = 0; i < ids.size(); ++i) {
    const int64_t job_id = PredictJob(backend_id, {ids[i]});
    const bj::value job = WaitForJob(job_id, [](const bj::value& j) { return !j.at("error").is_null(); });
    ASSERT_TRUE(job.at("error").is_string()) << bj::serialize(job);
    const std::string error(job.at("error").as_string());
    EXPECT_NE(error.find(expected[i]), std::string::npos) << error;
    EXPECT_NE(error.find("keywords"), std::string::npos) << "names the backend: " << error;
    EXPECT_TRUE(Predictions(ids[i]).empty());

    const auto state = Get("/api/ml/" + std::to_string(backend_id)).Json();
    EXPECT_EQ(state.at("state"), "CO") << "a later health check and setup reconnect it";
    auto cancelled = Post("/api/jobs/" + std::to_string(job_id) + "/cancel", "");
    EXPECT_LT(cancelled.status, 500) << cancelled.body;
  }

  auto tested = Post("/api/ml/" + std::to_string(backend_id) + "/predict/test", "");
  EXPECT_EQ(tested.status, 501);
}

TEST_P(MlBackendsApiTest, NextTaskIsPreannotated) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Patch("/api/projects/" + std::to_string(project_id), R"({"evaluate_predictions_automatically": true})")
                .status,
            200);
  Connect(project_id);
  ImportTexts(project_id, {"good morning"});
  auto next = Get("/api/projects/" + std::to_string(project_id) + "/next");
  ASSERT_EQ(next.status, 200) << next.body;
  const bj::array predictions = next.Json().at("predictions").as_array();
  ASSERT_EQ(predictions.size(), 1u) << next.body;
  EXPECT_EQ(predictions.at(0).at("model_version"), "clf-v1");
  EXPECT_EQ(predictions.at(0).at("result").at(0).at("value").at("choices").at(0), "Positive");

  // Asking again sends nothing: the task has a prediction of this version.
  auto again = Get("/api/projects/" + std::to_string(project_id) + "/next");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("predictions").as_array().size(), 1u);
  EXPECT_EQ(BackendRequests(backend_, "/predict").size(), 1u);
}

TEST_P(MlBackendsApiTest, InteractiveAnnotatingStoresNothing) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object plain = Connect(project_id);
  bj::object interactive = Connect(project_id, {{"is_interactive", true}, {"title", "smart"}});
  const int64_t task_id = ImportTexts(project_id, {"good enough"}).at(0);
  const std::string body =
      bj::serialize(bj::object{{"task", task_id}, {"context", {{"result", bj::array{bj::object{{"id", "p1"}}}}}}});

  auto suggested =
      Post("/api/ml/" + std::to_string(interactive.at("id").as_int64()) + "/interactive-annotating", body,
           annotator_token_);
  ASSERT_EQ(suggested.status, 200) << suggested.body;
  EXPECT_EQ(suggested.Json().at("data").at("result").at(0).at("value").at("choices").at(0), "Positive");
  EXPECT_TRUE(Predictions(task_id).empty());
  const bj::array sent = BackendRequests(backend_, "/predict");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent.at(0).at("body").at("params").at("context").at("result").at(0).at("id"), "p1");
  EXPECT_TRUE(sent.at(0).at("body").at("tasks").at(0).as_object().contains("annotations"));

  auto refused = Post("/api/ml/" + std::to_string(plain.at("id").as_int64()) + "/interactive-annotating", body);
  EXPECT_EQ(refused.status, 400) << refused.body;
}

TEST_P(MlBackendsApiTest, TrainSendsStartTraining) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object backend = Connect(project_id);
  const std::string path = "/api/ml/" + std::to_string(backend.at("id").as_int64());
  auto trained = Post(path + "/train", "{}");
  ASSERT_EQ(trained.status, 200) << trained.body;
  EXPECT_EQ(trained.Json().at("response").at("status"), "ok");
  const bj::array hooks = BackendRequests(backend_, "/webhook");
  ASSERT_GE(hooks.size(), 1u);
  bool saw_training = false;
  for (const auto& hook : hooks) saw_training = saw_training || hook.at("body").at("action") == "START_TRAINING";
  EXPECT_TRUE(saw_training);

  auto versions = Get(path + "/versions");
  ASSERT_EQ(versions.status, 200) << versions.body;
  EXPECT_EQ(versions.Json().at("versions").at(0), "clf-v1");
}

TEST_P(MlBackendsApiTest, CompareScoresEachModelVersion) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  const std::vector<int64_t> ids = ImportTexts(project_id, {"good", "bad", "good too"});
  auto choice = [](const std::string& label) {
    return bj::array{bj::object{{"from_name", "sentiment"},
                                {"to_name", "text"},
                                {"type", "choices"},
                                {"value", {{"choices", bj::array{bj::string(label)}}}}}};
  };
  // Ground truth: Positive, Negative, Negative.
  const std::vector<std::string> truth = {"Positive", "Negative", "Negative"};
  for (size_t i = 0; i < ids.size(); ++i) {
    auto annotated = Post("/api/tasks/" + std::to_string(ids[i]) + "/annotations",
                          bj::serialize(bj::object{{"result", choice(truth[i])}, {"ground_truth", true}}));
    ASSERT_EQ(annotated.status, 201) << annotated.body;
  }
  // The backend (clf-v1) predicts Positive, Negative, Positive.
  bj::object backend = Connect(project_id);
  const int64_t job_id = PredictJob(backend.at("id").as_int64(), ids);
  ASSERT_EQ(WaitForJob(job_id, [](const bj::value& j) { return j.at("status") == "succeeded"; }).at("status"),
            "succeeded");
  // An imported version that is always right.
  bj::array imported;
  for (size_t i = 0; i < ids.size(); ++i) {
    imported.push_back(bj::object{{"task", ids[i]}, {"model_version", "oracle"}, {"result", choice(truth[i])}});
  }
  ASSERT_EQ(Post("/api/projects/" + std::to_string(project_id) + "/import/predictions", bj::serialize(imported)).status,
            201);

  auto compared = Get("/api/projects/" + std::to_string(project_id) + "/model-versions/compare");
  ASSERT_EQ(compared.status, 200) << compared.body;
  const bj::value body = compared.Json();
  EXPECT_EQ(body.at("ground_truth_source"), "ground_truth");
  EXPECT_EQ(body.at("tasks_with_ground_truth"), 3);
  const bj::array& versions = body.at("model_versions").as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions.at(0).at("model_version"), "clf-v1");
  EXPECT_EQ(versions.at(0).at("tasks_evaluated"), 3);
  EXPECT_EQ(versions.at(1).at("model_version"), "oracle");
  EXPECT_EQ(versions.at(1).at("micro").at("f1").to_number<double>(), 1.0);
  for (const auto& label : versions.at(0).at("labels").as_array()) {
    if (label.at("label") == "Positive") {
      EXPECT_EQ(label.at("true_positives"), 1);
      EXPECT_EQ(label.at("false_positives"), 1);
      EXPECT_EQ(label.at("precision").to_number<double>(), 0.5);
      EXPECT_EQ(label.at("recall").to_number<double>(), 1.0);
    }
    if (label.at("label") == "Negative") {
      EXPECT_EQ(label.at("true_positives"), 1);
      EXPECT_EQ(label.at("false_negatives"), 1);
      EXPECT_EQ(label.at("precision").to_number<double>(), 1.0);
      EXPECT_EQ(label.at("recall").to_number<double>(), 0.5);
    }
  }
}

TEST_P(MlBackendsApiTest, AnnotationEventsReachBackend) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  Connect(project_id);
  const int64_t task_id = ImportTexts(project_id, {"good"}).at(0);
  auto annotated = Post("/api/tasks/" + std::to_string(task_id) + "/annotations",
                        R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                            "value": {"choices": ["Positive"]}}]})");
  ASSERT_EQ(annotated.status, 201) << annotated.body;

  // The project webhook created with the backend delivers the event to its
  // /webhook endpoint, as Label Studio's backends expect.
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    for (const auto& hook : BackendRequests(backend_, "/webhook")) {
      if (hook.at("body").at("action") == "ANNOTATION_CREATED") {
        delivered = true;
        EXPECT_EQ(hook.at("body").at("annotation").at("id"), annotated.Json().at("id"));
        EXPECT_EQ(hook.at("body").at("project").at("id"), project_id);
      }
    }
    if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(delivered);
}

// Training every N annotations. The annotation write enqueues `ml.train`
// jobs in its own transaction, so the job count is exact right after each
// response. The START_TRAINING calls arrive once those jobs have run.
class MlTrainingApiTest : public MlBackendsApiTest {
 protected:
  int64_t TrainJobs(int64_t project_id) {
    const auto count = database_->db().Read([&](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COUNT(*) FROM jobs WHERE kind = 'ml.train' AND project_id = ?",
                                             {project_id}));
      return row->Int(0);
    });
    EXPECT_TRUE(count) << count.error().message;
    return count ? *count : -1;
  }

  // Waits up to 30 s for every ml.train job of the project to succeed.
  bool TrainJobsSucceeded(int64_t project_id) {
    for (int i = 0; i < 300; ++i) {
      const auto pending = database_->db().Read([&](store::Connection& c) -> Result<int64_t> {
        TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COUNT(*) FROM jobs WHERE kind = 'ml.train' AND project_id = ?"
                                               " AND status <> 'succeeded'",
                                               {project_id}));
        return row->Int(0);
      });
      if (pending && *pending == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  size_t BackendCalls(const std::string& action) {
    size_t calls = 0;
    for (const auto& hook : BackendRequests(backend_, "/webhook")) {
      if (hook.at("body").at("action") == bj::value(action)) ++calls;
    }
    return calls;
  }

  // Waits up to 10 s for the backend to have received `expected` webhook
  // calls of `action`. Returns the last count.
  size_t WaitForBackendCalls(const std::string& action, size_t expected) {
    size_t calls = 0;
    for (int i = 0; i < 100; ++i) {
      calls = BackendCalls(action);
      if (calls >= expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return calls;
  }

  testing::HttpResponse Annotate(int64_t task_id, bool skip = false) {
    const std::string body = skip ? R"({"was_cancelled": true, "result": []})"
                                  : R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                        "value": {"choices": ["Positive"]}}]})";
    auto response = Post("/api/tasks/" + std::to_string(task_id) + "/annotations", body);
    EXPECT_EQ(response.status, 201) << response.body;
    return response;
  }

  testing::HttpResponse PatchProject(int64_t project_id, const std::string& body) {
    return Patch("/api/projects/" + std::to_string(project_id), body);
  }
};

TEST_P(MlTrainingApiTest, TrainsEveryNthAnnotation) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  ASSERT_EQ(PatchProject(project_id, R"({"min_annotations_to_start_training": 2})").status, 200);
  Connect(project_id);
  const std::vector<int64_t> ids = ImportTexts(project_id, {"good", "bad", "fine", "great"});

  const int64_t first = Annotate(ids[0]).Json().at("id").as_int64();
  EXPECT_EQ(TrainJobs(project_id), 0) << "1 annotation of every 2";

  Annotate(ids[1], /*skip=*/true);
  EXPECT_EQ(TrainJobs(project_id), 1) << "a skip counts as an annotation";
  ASSERT_TRUE(TrainJobsSucceeded(project_id));
  EXPECT_EQ(WaitForBackendCalls("START_TRAINING", 1), 1u);
  for (const auto& hook : BackendRequests(backend_, "/webhook")) {
    if (hook.at("body").at("action") != "START_TRAINING") continue;
    EXPECT_EQ(hook.at("body").at("project").at("id"), project_id);
  }

  Annotate(ids[2]);
  EXPECT_EQ(TrainJobs(project_id), 1) << "3 annotations are not a multiple of 2";

  Annotate(ids[3]);
  EXPECT_EQ(TrainJobs(project_id), 2);

  const std::string first_path = "/api/annotations/" + std::to_string(first);
  ASSERT_EQ(Patch(first_path, R"({"ground_truth": true})").status, 200);
  EXPECT_EQ(TrainJobs(project_id), 2) << "a ground-truth-only change does not train";

  auto changed = Patch(first_path, R"({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                        "value": {"choices": ["Negative"]}}]})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(TrainJobs(project_id), 3) << "an update with 4 annotations stored trains again";

  ASSERT_TRUE(TrainJobsSucceeded(project_id));
  EXPECT_EQ(WaitForBackendCalls("START_TRAINING", 3), 3u);
}

TEST_P(MlTrainingApiTest, ZeroNeverTrains) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  Connect(project_id);
  const std::vector<int64_t> ids = ImportTexts(project_id, {"good", "bad"});
  Annotate(ids[0]);
  Annotate(ids[1]);
  EXPECT_EQ(TrainJobs(project_id), 0);
  // The job count above is exact. The backend check below only covers
  // calls that would arrive before the ANNOTATION_CREATED deliveries.
  ASSERT_EQ(WaitForBackendCalls("ANNOTATION_CREATED", 2), 2u);
  EXPECT_EQ(BackendCalls("START_TRAINING"), 0u);
}

TEST_P(MlTrainingApiTest, StartTrainingFlagMirrorsN) {
  const int64_t project_id = CreateProject(kSentimentConfig);
  bj::object project = Project(project_id);
  EXPECT_EQ(project.at("min_annotations_to_start_training"), 0);
  EXPECT_EQ(project.at("start_training_on_annotation_update"), false);

  auto patched = PatchProject(project_id, R"({"min_annotations_to_start_training": 5})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("start_training_on_annotation_update"), true);
  project = Project(project_id);
  EXPECT_EQ(project.at("min_annotations_to_start_training"), 5);
  EXPECT_EQ(project.at("start_training_on_annotation_update"), true);

  ASSERT_EQ(PatchProject(project_id, R"({"start_training_on_annotation_update": false})").status, 200);
  project = Project(project_id);
  EXPECT_EQ(project.at("min_annotations_to_start_training"), 0);
  EXPECT_EQ(project.at("start_training_on_annotation_update"), false);

  ASSERT_EQ(PatchProject(project_id,
                         R"({"start_training_on_annotation_update": true, "min_annotations_to_start_training": 7})")
                .status,
            200);
  project = Project(project_id);
  EXPECT_EQ(project.at("min_annotations_to_start_training"), 1) << "the flag wins over an explicit N";
  EXPECT_EQ(project.at("start_training_on_annotation_update"), true);

  auto negative = PatchProject(project_id, R"({"min_annotations_to_start_training": -1})");
  EXPECT_EQ(negative.status, 400) << negative.body;
  EXPECT_NE(negative.body.find("min_annotations_to_start_training"), std::string::npos) << negative.body;
  EXPECT_EQ(Project(project_id).at("min_annotations_to_start_training"), 1) << "a rejected patch changes nothing";

  auto created = Post("/api/projects", 
                      bj::serialize(bj::object{{"title", "Flagged"},
                                               {"label_config", kSentimentConfig},
                                               {"start_training_on_annotation_update", true}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json().at("min_annotations_to_start_training"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, MlTrainingApiTest, ::testing::ValuesIn(store::testing::Backends()));

INSTANTIATE_TEST_SUITE_P(Backends, MlBackendsApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
