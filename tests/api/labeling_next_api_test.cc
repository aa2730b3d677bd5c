// The labeling queue and task lifecycle over real HTTP, on SQLite and
// PostgreSQL: GET /api/projects/{id}/next with every strategy, overlap,
// skip-queue policy, postponed drafts and lock expiry; concurrent
// annotators; workflow definitions, reviews and transition records.
#include <atomic>
#include <set>
#include <thread>

#include "api/labeling_fixture.h"

namespace tally {
namespace {

std::string Choice(const std::string& value) {
  return R"({"id":"r1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":[")" + value +
         R"("]}})";
}

class LabelingNext : public LabelingApiTest {
 protected:
  // A project with `count` tasks and the given settings; returns its id and
  // fills task_ids_ in id order.
  int64_t MakeProject(int count, const bj::object& settings = {}) {
    const int64_t id = CreateProject(kSentimentConfig);
    if (!settings.empty()) {
      auto patched = Patch("/api/projects/" + std::to_string(id), bj::serialize(settings));
      EXPECT_EQ(patched.status, 200) << patched.body;
    }
    bj::array tasks;
    for (int i = 0; i < count; ++i) tasks.push_back(bj::object{{"text", "task " + std::to_string(i)}});
    auto imported = Import(id, bj::serialize(tasks));
    EXPECT_EQ(imported.status, 201) << imported.body;
    task_ids_.clear();
    for (const bj::value& task : TaskList(id)) task_ids_.push_back(task.at("id").as_int64());
    std::sort(task_ids_.begin(), task_ids_.end());
    return id;
  }

  testing::HttpResponse Next(int64_t project_id, const std::string& token = kOwnerToken,
                             const std::string& query = "") {
    return Get("/api/projects/" + std::to_string(project_id) + "/next" + query, token);
  }

  // The id of the next task, or 0 on a 404.
  int64_t NextId(int64_t project_id, const std::string& token = kOwnerToken, const std::string& query = "") {
    auto response = Next(project_id, token, query);
    if (response.status == 404) return 0;
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("id").as_int64() : -1;
  }

  testing::HttpResponse Annotate(int64_t task_id, const std::string& token = kOwnerToken,
                                 const std::string& value = "Positive") {
    return Post("/api/tasks/" + std::to_string(task_id) + "/annotations", "{\"result\":[" + Choice(value) + "]}",
                token);
  }
  testing::HttpResponse Skip(int64_t task_id, const std::string& token = kOwnerToken) {
    return Post("/api/tasks/" + std::to_string(task_id) + "/annotations", R"({"was_cancelled":true})", token);
  }

  std::string TaskState(int64_t task_id) {
    auto response = Get("/api/tasks/" + std::to_string(task_id));
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? std::string(response.Json().at("state").as_string()) : "";
  }

  bj::array Transitions(int64_t task_id) {
    auto response = Get("/api/tasks/" + std::to_string(task_id) + "/transitions");
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().as_array() : bj::array();
  }

  // Every task's state equals the target of its newest transition record
  // (or is unlabeled without records): no state without its record.
  void ExpectEveryStateRecorded() {
    auto mismatches = database_->db().Read([](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne(
                                      "SELECT COUNT(*) FROM tasks t WHERE t.state <> COALESCE((SELECT r.to_state"
                                      " FROM task_transitions r WHERE r.task_id = t.id ORDER BY r.id DESC LIMIT 1),"
                                      " 'unlabeled')"));
      return row->Int(0);
    });
    ASSERT_TRUE(mismatches) << mismatches.error().detail;
    EXPECT_EQ(*mismatches, 0);
  }

  std::vector<int64_t> task_ids_;
};

TEST_P(LabelingNext, SequentialLocksAndExcludes) {
  const int64_t project = MakeProject(3);
  auto first = Next(project, annotator_token_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("id"), task_ids_[0]);
  EXPECT_EQ(first.Json().at("queue"), "Sequence queue");
  EXPECT_EQ(first.Json().at("allow_postpone"), true);
  EXPECT_EQ(first.Json().at("state"), "in_progress");

  auto again = Next(project, annotator_token_);
  EXPECT_EQ(again.Json().at("id"), task_ids_[0]) << "a held lock returns the same task";
  EXPECT_EQ(again.Json().at("queue"), "Task lock");
  EXPECT_EQ(NextId(project), task_ids_[1]) << "the annotator's lock keeps the owner off task 1";

  ASSERT_EQ(Annotate(task_ids_[0], annotator_token_).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "labeled");
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[2]) << "labeled and locked tasks are skipped";
  EXPECT_EQ(NextId(project, outsider_token_), 0) << "other organizations get 404 for the project";
  EXPECT_EQ(Next(project, kOwnerToken, "?strategy=random").status, 400);
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, LockExpiryReleasesTask) {
  const int64_t project = MakeProject(1, {{"custom_task_lock_ttl", 1}});
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]);
  EXPECT_EQ(Next(project).status, 404) << "locked while the lock lives";
  EXPECT_NE(Next(project).body.find("locked"), std::string::npos);

  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  EXPECT_EQ(NextId(project), task_ids_[0]) << "an abandoned task returns when its lock expires";
  const bj::array transitions = Transitions(task_ids_[0]);
  ASSERT_EQ(transitions.size(), 3u) << bj::serialize(transitions);
  EXPECT_EQ(transitions[0].at("event"), "locked");
  EXPECT_EQ(transitions[1].at("event"), "lock_expired");
  EXPECT_EQ(transitions[1].at("to_state"), "unlabeled");
  EXPECT_EQ(transitions[1].at("reason"), "lock expired");
  EXPECT_EQ(transitions[2].at("event"), "locked");
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, OverlapAllowsThatManyAnnotators) {
  const std::string third = SeedUser("third@example.com", accounts::Role::kAnnotator, false);
  const int64_t project = MakeProject(1, {{"maximum_annotations", 2}});
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]);
  EXPECT_EQ(NextId(project), task_ids_[0]) << "overlap 2: a second annotator may hold the task";
  EXPECT_EQ(NextId(project, third), 0) << "a third may not while both locks live";

  ASSERT_EQ(Annotate(task_ids_[0], annotator_token_).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "in_progress") << "one of two annotations";
  EXPECT_EQ(NextId(project, annotator_token_), 0) << "an annotator never gets a task they annotated";
  EXPECT_EQ(NextId(project, third), 0) << "the owner's lock and one annotation fill the overlap";
  ASSERT_EQ(Annotate(task_ids_[0]).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "labeled");
  EXPECT_EQ(NextId(project, third), 0);
}

TEST_P(LabelingNext, BreadthFirstFinishesStartedTasks) {
  const int64_t project = MakeProject(3, {{"maximum_annotations", 2}});
  ASSERT_EQ(Annotate(task_ids_[2]).status, 201);
  auto response = Next(project, annotator_token_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("id"), task_ids_[2]) << "the started task before fresh ones";
  EXPECT_EQ(response.Json().at("queue"), "Breadth first queue");
  EXPECT_EQ(NextId(project), task_ids_[0]) << "the owner annotated task 3, so sequential order follows";
}

TEST_P(LabelingNext, GroundTruthFirst) {
  const int64_t project = MakeProject(3, {{"maximum_annotations", 2}, {"show_ground_truth_first", true}});
  ASSERT_EQ(Annotate(task_ids_[1]).status, 201);
  ASSERT_EQ(Post("/api/tasks/" + std::to_string(task_ids_[2]) + "/annotations",
                 "{\"result\":[" + Choice("Negative") + "],\"ground_truth\":true}")
                .status,
            201);
  auto response = Next(project, annotator_token_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("id"), task_ids_[2]) << "the ground-truth task before the breadth-first one";
  EXPECT_EQ(response.Json().at("queue"), "Ground truth queue");
  const std::string third = SeedUser("third@example.com", accounts::Role::kAnnotator, false);
  EXPECT_EQ(NextId(project, third), task_ids_[2]) << "a ground-truth annotation takes no slot of the overlap";
  const std::string fourth = SeedUser("fourth@example.com", accounts::Role::kAnnotator, false);
  auto breadth = Next(project, fourth);
  ASSERT_EQ(breadth.status, 200) << breadth.body;
  EXPECT_EQ(breadth.Json().at("id"), task_ids_[1]) << "two locks fill task 3, so the started task 2 follows";
  EXPECT_EQ(breadth.Json().at("queue"), "Breadth first queue");
}

TEST_P(LabelingNext, ShowOverlapFirst) {
  const int64_t project =
      MakeProject(4, {{"maximum_annotations", 2}, {"overlap_cohort_percentage", 50}, {"show_overlap_first", true}});
  auto response = Next(project, annotator_token_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("overlap"), 2);
  EXPECT_EQ(response.Json().at("queue"), "Show overlap first & Sequence queue");
}

TEST_P(LabelingNext, SkipRequeueForOthers) {
  const int64_t project = MakeProject(1, {{"skip_queue", "REQUEUE_FOR_OTHERS"}});
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]);
  ASSERT_EQ(Skip(task_ids_[0], annotator_token_).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "skipped");
  EXPECT_EQ(NextId(project, annotator_token_), 0) << "the skipper never sees it again";
  EXPECT_EQ(NextId(project), task_ids_[0]) << "the skip freed the slot for others";
}

TEST_P(LabelingNext, SkipRequeueForMe) {
  const int64_t project = MakeProject(2, {{"skip_queue", "REQUEUE_FOR_ME"}});
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]);
  ASSERT_EQ(Skip(task_ids_[0], annotator_token_).status, 201);
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[1]) << "fresh tasks first";
  ASSERT_EQ(Annotate(task_ids_[1], annotator_token_).status, 201);
  auto requeued = Next(project, annotator_token_);
  ASSERT_EQ(requeued.status, 200) << requeued.body;
  EXPECT_EQ(requeued.Json().at("id"), task_ids_[0]) << "then the skipper's own skips";
  EXPECT_EQ(requeued.Json().at("queue"), "Skipped queue");
  EXPECT_EQ(NextId(project), 0) << "the skip holds the only slot against others";
}

TEST_P(LabelingNext, SkipIgnoreSkipped) {
  const int64_t project = MakeProject(1, {{"skip_queue", "IGNORE_SKIPPED"}});
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]);
  ASSERT_EQ(Skip(task_ids_[0], annotator_token_).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "labeled") << "a skip completes the task";
  EXPECT_EQ(NextId(project, annotator_token_), 0);
  EXPECT_EQ(NextId(project), 0);
  ExpectEveryStateRecorded();
}

// On PostgreSQL the sequential walk starts at the annotator's floor, past
// the tasks they already annotated or skipped. A task below the floor that
// comes back into reach (no longer labeled, or its skip removed) must be
// found again. Each step below runs with the floor above that task.
TEST_P(LabelingNext, TasksBackInReachAreFoundAgain) {
  const int64_t project = MakeProject(4);
  auto labeled = Annotate(task_ids_[0]);
  ASSERT_EQ(labeled.status, 201) << labeled.body;
  std::vector<int64_t> skip_ids;
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(NextId(project, annotator_token_), task_ids_[i]);
    auto skipped = Skip(task_ids_[i], annotator_token_);
    ASSERT_EQ(skipped.status, 201) << skipped.body;
    skip_ids.push_back(skipped.Json().at("id").as_int64());
  }
  EXPECT_EQ(NextId(project, annotator_token_), 0) << "every task is labeled or skipped";

  const int64_t labeled_id = labeled.Json().at("id").as_int64();
  ASSERT_EQ(Delete("/api/annotations/" + std::to_string(labeled_id)).status, 204);
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[0]) << "a task no longer labeled is back";
  ASSERT_EQ(Skip(task_ids_[0], annotator_token_).status, 201);

  ASSERT_EQ(Import(project, R"([{"text":"task 4"}])").status, 201);
  task_ids_.clear();
  for (const bj::value& task : TaskList(project)) task_ids_.push_back(task.at("id").as_int64());
  std::sort(task_ids_.begin(), task_ids_.end());
  ASSERT_EQ(task_ids_.size(), 5u);
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[4]);
  ASSERT_EQ(Skip(task_ids_[4], annotator_token_).status, 201);

  ASSERT_EQ(Delete("/api/annotations/" + std::to_string(skip_ids[1]), annotator_token_).status, 204);
  EXPECT_EQ(NextId(project, annotator_token_), task_ids_[2]) << "a task whose skip was removed is back";
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, PostponedDraftsAndOwnDraftReturned) {
  const int64_t project = MakeProject(2);
  auto draft = Post("/api/tasks/" + std::to_string(task_ids_[0]) + "/drafts",
                    R"({"result":[],"was_postponed":true})", annotator_token_);
  ASSERT_EQ(draft.status, 201) << draft.body;
  auto saved = Post("/api/tasks/" + std::to_string(task_ids_[1]) + "/drafts", R"({"result":[],"lead_time":4})",
                    annotator_token_);
  ASSERT_EQ(saved.status, 201) << saved.body;

  auto fresh = Next(project, annotator_token_);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(fresh.Json().at("id"), task_ids_[1]) << "a postponed task waits for the end of the queue";
  ASSERT_EQ(fresh.Json().at("drafts").as_array().size(), 1u) << "the caller's draft comes with the task";
  EXPECT_EQ(fresh.Json().at("drafts").at(0).at("id"), saved.Json().at("id"));
  ASSERT_EQ(Annotate(task_ids_[1], annotator_token_).status, 201);

  auto postponed = Next(project, annotator_token_);
  ASSERT_EQ(postponed.status, 200) << postponed.body;
  EXPECT_EQ(postponed.Json().at("id"), task_ids_[0]);
  EXPECT_EQ(postponed.Json().at("queue"), "Postponed draft queue");
  EXPECT_EQ(postponed.Json().at("allow_postpone"), false);
}

TEST_P(LabelingNext, UniformCoversEveryTaskOnce) {
  const int64_t project = MakeProject(12, {{"sampling", "Uniform sampling"}});
  std::set<int64_t> seen;
  for (int i = 0; i < 12; ++i) {
    auto response = Next(project, annotator_token_);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.Json().at("queue"), "Uniform random queue");
    const int64_t id = response.Json().at("id").as_int64();
    EXPECT_TRUE(seen.insert(id).second) << "task " << id << " twice";
    ASSERT_EQ(Annotate(id, annotator_token_).status, 201);
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(NextId(project, annotator_token_), 0);
}

TEST_P(LabelingNext, UncertaintyLowestScoreOfChosenVersion) {
  const int64_t project = MakeProject(3, {{"sampling", "Uncertainty sampling"}, {"model_version", "v1"}});
  const double v1[] = {0.9, 0.1, 0.5};
  const double v2[] = {0.2, 0.8, 0.6};
  for (int i = 0; i < 3; ++i) {
    for (auto [version, score] : {std::pair{"v1", v1[i]}, std::pair{"v2", v2[i]}}) {
      auto created = Post("/api/predictions", bj::serialize(bj::object{
                                                  {"task", task_ids_[i]}, {"model_version", version}, {"score", score},
                                                  {"result", bj::parse("[" + Choice("Negative") + "]")}}));
      ASSERT_EQ(created.status, 201) << created.body;
    }
  }
  auto first = Next(project, annotator_token_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("id"), task_ids_[1]) << "lowest v1 score";
  EXPECT_EQ(first.Json().at("queue"), "Active learning or random queue");
  ASSERT_EQ(first.Json().at("predictions").as_array().size(), 1u) << "only the model version in use";
  EXPECT_EQ(first.Json().at("predictions").at(0).at("model_version"), "v1");
  EXPECT_EQ(NextId(project), task_ids_[2]) << "next lowest while task 2 is locked";
  EXPECT_EQ(NextId(project, SeedUser("v2@example.com", accounts::Role::kAnnotator, false), "?model_version=v2"),
            task_ids_[0])
      << "a chosen model version ranks by its own scores";
}

TEST_P(LabelingNext, DisagreementFirst) {
  const std::string third = SeedUser("third@example.com", accounts::Role::kAnnotator, false);
  const int64_t project = MakeProject(3, {{"maximum_annotations", 3}, {"sampling", "Disagreement sampling"}});
  ASSERT_EQ(Annotate(task_ids_[1], kOwnerToken, "Positive").status, 201);
  ASSERT_EQ(Annotate(task_ids_[1], annotator_token_, "Positive").status, 201);
  ASSERT_EQ(Annotate(task_ids_[2], kOwnerToken, "Positive").status, 201);
  ASSERT_EQ(Annotate(task_ids_[2], annotator_token_, "Negative").status, 201);

  auto response = Next(project, third);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("id"), task_ids_[2]) << "the task whose annotations disagree comes first";
  EXPECT_EQ(response.Json().at("queue"), "Disagreement queue");
  ASSERT_EQ(Annotate(task_ids_[2], third, "Neutral").status, 201);
  EXPECT_EQ(NextId(project, third), task_ids_[0]) << "then by id among agreeing tasks";
  EXPECT_EQ(NextId(project, third, "?strategy=sequential"), task_ids_[0]);
}

TEST_P(LabelingNext, DisagreementOfImportedAnnotations) {
  const int64_t project = CreateProject(kSentimentConfig);
  ASSERT_EQ(Patch("/api/projects/" + std::to_string(project),
                  R"({"maximum_annotations":3,"sampling":"Disagreement sampling"})")
                .status,
            200);
  auto imported = Import(project, R"([{"data":{"text":"agreed"},"annotations":[{"result":[)" + Choice("Positive") +
                                      R"(]},{"result":[)" + Choice("Positive") +
                                      R"(]}]},{"data":{"text":"split"},"annotations":[{"result":[)" +
                                      Choice("Positive") + R"(]},{"result":[)" + Choice("Negative") + R"(]}]}])");
  ASSERT_EQ(imported.status, 201) << imported.body;
  auto response = Next(project, annotator_token_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("data").at("text"), "split") << "imported disagreement counts too";
}

// Guards the race between concurrent pickers. Each client has its own
// connection and all call at the same moment, so a task handed out twice
// while its lock lives (overlap 1) shows up as a repeated id.
TEST_P(LabelingNext, ConcurrentAnnotatorsNeverShareATask) {
  constexpr int kAnnotators = 8;
  constexpr int kRounds = 3;
  const int64_t project = MakeProject(kAnnotators * kRounds);
  std::vector<std::string> tokens;
  for (int i = 0; i < kAnnotators; ++i) {
    tokens.push_back(SeedUser("a" + std::to_string(i) + "@example.com", accounts::Role::kAnnotator, false));
  }

  std::vector<int64_t> handed_out;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<int64_t> got(kAnnotators, -1);
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < kAnnotators; ++i) {
      threads.emplace_back([&, i] {
        testing::HttpClient client(server_->base_url());
        ready.fetch_add(1);
        while (ready.load() < kAnnotators) std::this_thread::yield();
        auto response = client.Get("/api/projects/" + std::to_string(project) + "/next", {Auth(tokens[i])});
        got[i] = response.status == 200 ? response.Json().at("id").as_int64() : -response.status;
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::set<int64_t> distinct(got.begin(), got.end());
    EXPECT_EQ(distinct.size(), static_cast<size_t>(kAnnotators)) << "round " << round;
    for (int i = 0; i < kAnnotators; ++i) {
      ASSERT_GT(got[i], 0) << "annotator " << i << " got status " << -got[i];
      ASSERT_EQ(Annotate(got[i], tokens[i]).status, 201);
      handed_out.push_back(got[i]);
    }
  }
  std::set<int64_t> all(handed_out.begin(), handed_out.end());
  EXPECT_EQ(all.size(), handed_out.size()) << "no task was labeled twice";
  ExpectEveryStateRecorded();
}

// A crash between a write and its transition record would leave a task in
// a state nothing explains. Annotators keep labeling while the server is
// killed with SIGKILL; every task's state must still match its newest
// record, because both are written in one transaction.
TEST_P(LabelingNext, KilledServerLeavesNoUnrecordedState) {
  constexpr int kAnnotators = 4;
  const int64_t project = MakeProject(200, {{"maximum_annotations", 2}});
  std::vector<std::string> tokens;
  for (int i = 0; i < kAnnotators; ++i) {
    tokens.push_back(SeedUser("k" + std::to_string(i) + "@example.com", accounts::Role::kAnnotator, false));
  }
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kAnnotators; ++i) {
    threads.emplace_back([&, i] {
      testing::HttpClient client(server_->base_url());
      const std::string next_path = "/api/projects/" + std::to_string(project) + "/next";
      for (int round = 0; round < 200; ++round) {
        auto next = client.Get(next_path, {Auth(tokens[i])});
        if (next.status != 200) return;
        const int64_t task = next.Json().at("id").as_int64();
        auto posted = client.Post("/api/tasks/" + std::to_string(task) + "/annotations",
                                  round % 3 == 0 ? R"({"was_cancelled":true})" : "{\"result\":[" + Choice("Positive") + "]}",
                                  {Auth(tokens[i])});
        if (posted.status != 201) return;
        written.fetch_add(1);
      }
    });
  }
  for (int wait = 0; wait < 2000 && written.load() < 20; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_->Kill();
  for (std::thread& thread : threads) thread.join();
  ASSERT_GE(written.load(), 20) << "the annotators stopped before the kill";

  ExpectEveryStateRecorded();
  testing::TallyProcess restarted(testing::ServeOptions{.database_url = database_->url()});
  ASSERT_TRUE(restarted.started()) << restarted.failure_reason();
}

TEST_P(LabelingNext, ReviewWorkflowBuiltIn) {
  const int64_t project = MakeProject(1);
  const int64_t task = task_ids_[0];
  auto annotated = Annotate(task, annotator_token_);
  ASSERT_EQ(annotated.status, 201);
  const int64_t annotation = annotated.Json().at("id").as_int64();
  const std::string review_body = R"({"annotation":)" + std::to_string(annotation) + R"(,"accepted":true})";

  auto review_off = Post("/api/annotation-reviews", review_body);
  ASSERT_EQ(review_off.status, 400) << review_off.body;
  EXPECT_TRUE(review_off.Json().at("validation_errors").as_object().contains("annotation"));

  const std::string workflow_path = "/api/projects/" + std::to_string(project) + "/workflow";
  ASSERT_EQ(client_->Send("PUT", workflow_path, R"({"review_required":true})",
                          {Auth(kOwnerToken), "Content-Type: application/json"}).status, 200);
  EXPECT_EQ(Post("/api/annotation-reviews", review_body, annotator_token_).status, 403)
      << "annotators do not review";
  auto accepted = Post("/api/annotation-reviews",
                       R"({"annotation":)" + std::to_string(annotation) + R"(,"accepted":true,"comment":"good"})");
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(TaskState(task), "reviewed");

  // A stray edit of a reviewed task is forbidden and leaves nothing behind.
  const std::string annotation_path = "/api/annotations/" + std::to_string(annotation);
  auto edit = Patch(annotation_path, "{\"result\":[" + Choice("Negative") + "]}");
  ASSERT_EQ(edit.status, 409) << edit.body;
  EXPECT_NE(edit.body.find("reviewed"), std::string::npos);
  EXPECT_EQ(Get(annotation_path).Json().at("result").at(0).at("value").at("choices").at(0), "Positive");
  EXPECT_EQ(Get(annotation_path + "/history").Json().as_array().size(), 1u) << "the rolled-back edit left no history";

  auto rejected = Post("/api/annotation-reviews",
                       R"({"annotation":)" + std::to_string(annotation) + R"(,"accepted":false,"comment":"wrong"})");
  ASSERT_EQ(rejected.status, 201) << rejected.body;
  EXPECT_EQ(TaskState(task), "in_progress");
  ASSERT_EQ(Patch(annotation_path, "{\"result\":[" + Choice("Negative") + "]}").status, 200);
  EXPECT_EQ(TaskState(task), "labeled") << "a fixed annotation labels the task again";

  auto reviews = Get("/api/annotation-reviews?annotation=" + std::to_string(annotation));
  ASSERT_EQ(reviews.status, 200);
  ASSERT_EQ(reviews.Json().as_array().size(), 2u);
  EXPECT_EQ(reviews.Json().at(1).at("comment"), "wrong");

  ASSERT_EQ(Post("/api/annotation-reviews", review_body).status, 201);
  ASSERT_EQ(Delete(annotation_path).status, 204);
  EXPECT_EQ(TaskState(task), "unlabeled") << "deleting the last annotation resets a reviewed task";

  const bj::array transitions = Transitions(task);
  std::vector<std::string> path;
  for (const bj::value& t : transitions) path.push_back(std::string(t.at("to_state").as_string()));
  EXPECT_EQ(path, (std::vector<std::string>{"labeled", "reviewed", "in_progress", "labeled", "reviewed", "unlabeled"}));
  EXPECT_EQ(transitions[1].at("comment"), "good");
  EXPECT_EQ(transitions[2].at("comment"), "wrong");
  EXPECT_EQ(transitions[2].at("event"), "review_rejected");
  EXPECT_EQ(transitions[5].at("reason"), "last annotation deleted");
  EXPECT_FALSE(transitions[0].at("user").is_null());
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, CustomWorkflowNeedsRework) {
  const int64_t project = MakeProject(1);
  const int64_t task = task_ids_[0];
  const std::string workflow_path = "/api/projects/" + std::to_string(project) + "/workflow";
  auto put = client_->Send("PUT", workflow_path, R"({"review_required":true,"states":["needs_rework"],
      "transitions":[{"from":"labeled","on":"review_rejected","to":"needs_rework"},
                     {"from":"needs_rework","on":"annotation_changed","to":"labeled"}]})",
                           {Auth(kOwnerToken), "Content-Type: application/json"});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json().at("extra_states").at(0), "needs_rework");
  EXPECT_EQ(Get(workflow_path, annotator_token_).Json().at("review_required"), true);

  auto annotated = Annotate(task, annotator_token_);
  const int64_t annotation = annotated.Json().at("id").as_int64();
  ASSERT_EQ(Post("/api/annotation-reviews",
                 R"({"annotation":)" + std::to_string(annotation) + R"(,"accepted":false,"comment":"redo"})")
                .status,
            201);
  EXPECT_EQ(TaskState(task), "needs_rework");
  auto early_accept = Post("/api/annotation-reviews",
                           R"({"annotation":)" + std::to_string(annotation) + R"(,"accepted":true})");
  EXPECT_EQ(early_accept.status, 409) << "no review_accepted from needs_rework: " << early_accept.body;
  EXPECT_EQ(Get("/api/annotation-reviews?annotation=" + std::to_string(annotation)).Json().as_array().size(), 1u)
      << "the forbidden review was rolled back";
  ASSERT_EQ(Patch("/api/annotations/" + std::to_string(annotation), "{\"result\":[" + Choice("Neutral") + "]}",
                  annotator_token_)
                .status,
            200);
  EXPECT_EQ(TaskState(task), "labeled");

  auto bad = client_->Send("PUT", workflow_path, R"({"transitions":[{"from":"limbo","on":"locked","to":"labeled"}]})",
                           {Auth(kOwnerToken), "Content-Type: application/json"});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(bad.Json().at("validation_errors").as_object().contains("transitions.0.from"));
  EXPECT_EQ(client_->Send("PUT", workflow_path, "{}", {Auth(annotator_token_), "Content-Type: application/json"})
                .status,
            403);
  auto reset = client_->Send("DELETE", workflow_path, "", {Auth(kOwnerToken)});
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.Json().at("review_required"), false);
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, WorkflowOverlapRecountsStates) {
  const int64_t project = MakeProject(1);
  ASSERT_EQ(Annotate(task_ids_[0]).status, 201);
  EXPECT_EQ(TaskState(task_ids_[0]), "labeled");
  auto put = client_->Send("PUT", "/api/projects/" + std::to_string(project) + "/workflow",
                           R"({"maximum_annotations":2})", {Auth(kOwnerToken), "Content-Type: application/json"});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Project(project).at("maximum_annotations"), 2);
  EXPECT_EQ(TaskState(task_ids_[0]), "in_progress") << "one annotation of two now";
  const bj::array transitions = Transitions(task_ids_[0]);
  EXPECT_EQ(transitions.back().at("reason"), "overlap settings changed");
  ExpectEveryStateRecorded();
}

TEST_P(LabelingNext, ImportedAnnotationsSetState) {
  const int64_t project = CreateProject(kSentimentConfig);
  auto imported = Import(project, R"([{"data":{"text":"a"},"annotations":[{"result":[)" + Choice("Positive") +
                                      R"(]}]},{"data":{"text":"b"}}])");
  ASSERT_EQ(imported.status, 201) << imported.body;
  std::map<std::string, std::string> states;
  for (const bj::value& task : TaskList(project)) {
    states[std::string(task.at("data").at("text").as_string())] = std::string(task.at("state").as_string());
  }
  EXPECT_EQ(states["a"], "labeled");
  EXPECT_EQ(states["b"], "unlabeled");
  ExpectEveryStateRecorded();
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingNext, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
