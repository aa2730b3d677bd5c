// Traces sent to labeling: POST /api/projects/{id}/tasks/from-traces makes
// tasks from traces and observations ingested through the Langfuse API, and
// the annotations on those tasks appear as ANNOTATION scores on the trace,
// following every create, update, cancel and delete.
#include "labeling_fixture.h"

#include "core/crypto.h"
#include "labeling/trace_tasks.h"

namespace tally {
namespace {

constexpr const char* kPublicKey = "pk-lf-trace-tasks-0000000001";
constexpr const char* kSecretKey = "sk-lf-trace-tasks-0000000000000001";

constexpr const char* kReviewConfig =
    R"(<View><Text name="text" value="$text"/>)"
    R"(<Choices name="quality" toName="text"><Choice value="Good"/><Choice value="Bad"/></Choices>)"
    R"(<Rating name="stars" toName="text" maxRating="5"/>)"
    R"(<TextArea name="note" toName="text"/>)"
    R"(<Labels name="spans" toName="text"><Label value="Wrong"/></Labels></View>)";

class TraceTasks : public LabelingApiTest {
 protected:
  void SetUp() override {
    StartServer({{"TALLY_INIT_PROJECT_NAME", "traced app"},
                 {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                 {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}});
    if (IsSkipped() || HasFatalFailure()) return;
    trace_project_ = 1;
    Ingest();
  }

  std::string Basic() const {
    return "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey);
  }

  // Two traces: a chat call, and an agent run whose generation is the
  // observation sent to labeling.
  void Ingest() {
    const bj::array batch = {
        bj::object{{"id", "e1"}, {"type", "trace-create"}, {"timestamp", "2026-12-01T10:00:00.000Z"},
                   {"body", bj::object{{"id", "chat-1"}, {"name", "support-chat"}, {"userId", "u-7"},
                                       {"input", bj::array{bj::object{{"role", "user"}, {"content", "Where is my parcel?"}}}},
                                       {"output", "It left the depot this morning."}}}},
        bj::object{{"id", "e2"}, {"type", "trace-create"}, {"timestamp", "2026-12-01T10:01:00.000Z"},
                   {"body", bj::object{{"id", "agent-1"}, {"name", "agent"}}}},
        bj::object{{"id", "e3"}, {"type", "generation-create"}, {"timestamp", "2026-12-01T10:01:01.000Z"},
                   {"body", bj::object{{"id", "gen-1"}, {"traceId", "agent-1"}, {"name", "plan"}, {"model", "gpt-4o"},
                                       {"input", "Plan a trip to Lyon"}, {"output", bj::object{{"steps", 3}}}}}},
    };
    const testing::HttpResponse response =
        client_->Post("/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}),
                      {Basic(), "Content-Type: application/json"});
    ASSERT_EQ(response.status, 207) << response.body;
    ASSERT_EQ(response.Json().at("errors").as_array().size(), 0u) << response.body;
  }

  testing::HttpResponse Send(int64_t project, const bj::object& body) {
    return Post("/api/projects/" + std::to_string(project) + "/tasks/from-traces", bj::serialize(body));
  }

  // Scores of a trace, by name, as the Langfuse API lists them.
  std::multimap<std::string, bj::object> Scores(const std::string& trace_id) {
    const testing::HttpResponse response = client_->Get("/api/public/scores?traceId=" + trace_id, {Basic()});
    EXPECT_EQ(response.status, 200) << response.body;
    std::multimap<std::string, bj::object> scores;
    if (response.status != 200) return scores;
    const bj::value page = response.Json();
    for (const bj::value& score : page.at("data").as_array()) {
      scores.emplace(std::string(score.at("name").as_string()), score.as_object());
    }
    return scores;
  }

  int64_t Annotate(int64_t task, const bj::array& result, bool cancelled = false) {
    const testing::HttpResponse response =
        Post("/api/tasks/" + std::to_string(task) + "/annotations",
             bj::serialize(bj::object{{"result", result}, {"was_cancelled", cancelled}}));
    EXPECT_EQ(response.status, 201) << response.body;
    return response.status == 201 ? response.Json().at("id").as_int64() : 0;
  }

  static bj::object Choice(const std::string& value) {
    return {{"from_name", "quality"}, {"to_name", "text"}, {"type", "choices"},
            {"value", bj::object{{"choices", bj::array{bj::value(value)}}}}};
  }
  static bj::object Stars(int stars) {
    return {{"from_name", "stars"}, {"to_name", "text"}, {"type", "rating"}, {"value", bj::object{{"rating", stars}}}};
  }
  static bj::object Note(const std::string& text) {
    return {{"from_name", "note"}, {"to_name", "text"}, {"type", "textarea"},
            {"value", bj::object{{"text", bj::array{bj::value(text)}}}}};
  }

  int64_t trace_project_ = 0;
};

TEST_P(TraceTasks, TasksCarryTheTraceAsText) {
  const int64_t project = CreateProject(kReviewConfig, "Review");
  const testing::HttpResponse sent =
      Send(project, {{"trace_project", trace_project_},
                     {"trace_ids", bj::array{"chat-1"}},
                     {"observations", bj::array{bj::object{{"trace_id", "agent-1"}, {"observation_id", "gen-1"}}}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.Json().at("task_count"), 2);

  const bj::array tasks = TaskList(project);
  ASSERT_EQ(tasks.size(), 2u);
  const bj::object& chat = tasks[0].at("data").as_object();
  EXPECT_EQ(chat.at("trace_id"), "chat-1");
  EXPECT_EQ(chat.at("user_id"), "u-7");
  EXPECT_EQ(chat.at("input"), "user: Where is my parcel?");
  EXPECT_EQ(chat.at("output"), "It left the depot this morning.");
  EXPECT_EQ(chat.at("text"), "Input:\nuser: Where is my parcel?\n\nOutput:\nIt left the depot this morning.");

  const bj::object& generation = tasks[1].at("data").as_object();
  EXPECT_EQ(generation.at("observation_id"), "gen-1");
  EXPECT_EQ(generation.at("name"), "plan");
  EXPECT_EQ(generation.at("model"), "gpt-4o");
  EXPECT_EQ(generation.at("input"), "Plan a trip to Lyon");
  EXPECT_EQ(generation.at("output"), R"({"steps":3})");
  EXPECT_EQ(Counter(project, "task_number"), 2);
}

TEST_P(TraceTasks, AnnotationsBecomeScoresAndFollowChanges) {
  const int64_t project = CreateProject(kReviewConfig, "Review");
  const testing::HttpResponse sent = Send(project, {{"trace_project", trace_project_}, {"trace_ids", bj::array{"chat-1"}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const int64_t task = sent.Json().at("task_ids").at(0).as_int64();

  const bj::object span{{"from_name", "spans"}, {"to_name", "text"}, {"type", "labels"},
                        {"value", bj::object{{"start", 0}, {"end", 5}, {"text", "Input"}, {"labels", bj::array{"Wrong"}}}}};
  const int64_t annotation = Annotate(task, {Choice("Good"), Stars(4), Note("polite and correct"), span});
  ASSERT_GT(annotation, 0);

  auto scores = Scores("chat-1");
  ASSERT_EQ(scores.size(), 3u) << "spans give no score";
  const bj::object& quality = scores.find("quality")->second;
  EXPECT_EQ(quality.at("source"), "ANNOTATION");
  EXPECT_EQ(quality.at("dataType"), "CATEGORICAL");
  EXPECT_EQ(quality.at("stringValue"), "Good");
  EXPECT_EQ(quality.at("value").to_number<double>(), 0);
  EXPECT_FALSE(quality.at("configId").as_string().empty());
  EXPECT_EQ(quality.at("metadata").at("task_id"), task);
  EXPECT_EQ(quality.at("metadata").at("annotation_id"), annotation);
  const bj::object& stars = scores.find("stars")->second;
  EXPECT_EQ(stars.at("dataType"), "NUMERIC");
  EXPECT_EQ(stars.at("value").to_number<double>(), 4);
  const bj::object& note = scores.find("note")->second;
  EXPECT_EQ(note.at("dataType"), "TEXT");
  EXPECT_EQ(note.at("stringValue"), "polite and correct");

  // The config describes the control: its categories and range.
  const testing::HttpResponse config = client_->Get(
      "/api/public/score-configs/" + std::string(quality.at("configId").as_string()), {Basic()});
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(config.Json().at("dataType"), "CATEGORICAL");
  EXPECT_EQ(config.Json().at("categories").as_array().size(), 2u);

  // An update replaces the scores.
  const testing::HttpResponse changed =
      Patch("/api/annotations/" + std::to_string(annotation),
            bj::serialize(bj::object{{"result", bj::array{Choice("Bad"), Stars(2)}}}));
  ASSERT_EQ(changed.status, 200) << changed.body;
  scores = Scores("chat-1");
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores.find("quality")->second.at("stringValue"), "Bad");
  EXPECT_EQ(scores.find("quality")->second.at("value").to_number<double>(), 1);
  EXPECT_EQ(scores.find("stars")->second.at("value").to_number<double>(), 2);

  // A second annotator adds their own scores; a cancelled one adds none.
  const int64_t second = Annotate(task, {Choice("Good")});
  ASSERT_GT(second, 0);
  Annotate(task, {Choice("Bad")}, /*cancelled=*/true);
  EXPECT_EQ(Scores("chat-1").count("quality"), 2u);

  // Deleting an annotation deletes its scores and leaves the others.
  ASSERT_EQ(Delete("/api/annotations/" + std::to_string(annotation)).status, 204);
  scores = Scores("chat-1");
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores.begin()->second.at("stringValue"), "Good");
  EXPECT_EQ(scores.begin()->second.at("metadata").at("annotation_id"), second);
}

TEST_P(TraceTasks, DeletedTasksTakeTheirScores) {
  const int64_t project = CreateProject(kReviewConfig, "Review");
  const testing::HttpResponse sent =
      Send(project, {{"trace_project", trace_project_}, {"trace_ids", bj::array{"chat-1", "chat-1", "agent-1"}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const bj::value answer = sent.Json();
  const bj::array& ids = answer.at("task_ids").as_array();
  for (const bj::value& id : ids) Annotate(id.as_int64(), {Stars(3)});
  ASSERT_EQ(Scores("chat-1").size(), 2u);
  ASSERT_EQ(Scores("agent-1").size(), 1u);

  ASSERT_EQ(Delete("/api/tasks/" + std::to_string(ids[0].as_int64())).status, 204);
  EXPECT_EQ(Scores("chat-1").size(), 1u);

  ASSERT_EQ(Delete("/api/projects/" + std::to_string(project)).status, 204);
  EXPECT_EQ(Scores("chat-1").size(), 0u);
  EXPECT_EQ(Scores("agent-1").size(), 0u);
}

TEST_P(TraceTasks, OddTracesStillMakeTasksAndScores) {
  const bj::array batch = {
      bj::object{{"id", "e9"}, {"type", "trace-create"}, {"timestamp", "2026-12-01T11:00:00.000Z"},
                 {"body", bj::object{{"id", "odd-1"},
                                     {"input", bj::object{{"messages", bj::array{bj::object{{"role", 123}, {"content", "hi"}}}}}},
                                     {"output", bj::array{bj::object{{"role", nullptr}}}}}}}};
  ASSERT_EQ(client_->Post("/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}),
                          {Basic(), "Content-Type: application/json"}).status, 207);
  const int64_t project = CreateProject(kReviewConfig, "Review");
  const testing::HttpResponse sent =
      Send(project, {{"trace_project", trace_project_}, {"trace_ids", bj::array{"odd-1", "chat-1"}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(TaskList(project)[0].at("data").at("input"), "123: hi");

  // A long Cyrillic note is cut to 500 bytes on a character boundary.
  std::string long_note = "Ok ";
  for (int i = 0; i < 30; ++i) long_note += "Привет мир. ";
  const int64_t task = sent.Json().at("task_ids").at(1).as_int64();
  ASSERT_GT(Annotate(task, {Note(long_note)}), 0);
  const auto scores = Scores("chat-1");
  ASSERT_EQ(scores.size(), 1u);
  const std::string stored(scores.begin()->second.at("stringValue").as_string());
  EXPECT_LE(stored.size(), 500u);
  EXPECT_TRUE(long_note.starts_with(stored));
  EXPECT_NE(static_cast<unsigned char>(stored.back()) & 0xC0, 0x80) << "no cut inside a character";

  // A trace deleted since gets no scores from later annotations.
  ASSERT_EQ(client_->Send("DELETE", "/api/public/traces/odd-1", "", {Basic()}).status, 200);
  Annotate(sent.Json().at("task_ids").at(0).as_int64(), {Stars(2)});
  EXPECT_EQ(Scores("odd-1").size(), 0u);
}

TEST_P(TraceTasks, LargeTracesAreCappedPerRequest) {
  const std::string big(600 << 10, 'x');
  const bj::array batch = {bj::object{{"id", "e10"}, {"type", "trace-create"}, {"timestamp", "2026-12-01T11:00:00.000Z"},
                                      {"body", bj::object{{"id", "big-1"}, {"input", big}, {"output", big}}}}};
  ASSERT_EQ(client_->Post("/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}),
                          {Basic(), "Content-Type: application/json"}).status, 207);
  const int64_t project = CreateProject(kReviewConfig, "Review");
  bj::array ids;
  for (int i = 0; i < 60; ++i) ids.push_back("big-1");
  // Each task stores its text twice: input and output apart, and joined.
  const size_t per_task = 2 * (std::string("Input:\n\n\nOutput:\n").size() + 2 * big.size());
  const size_t first_over = labeling::kMaxTaskBytesPerRequest / per_task;
  const testing::HttpResponse sent = Send(project, {{"trace_project", trace_project_}, {"trace_ids", ids}});
  EXPECT_EQ(sent.status, 400) << sent.body.substr(0, 300);
  EXPECT_NE(sent.body.find("trace_ids." + std::to_string(first_over) + "\""), std::string::npos)
      << sent.body.substr(0, 300);
  EXPECT_EQ(Counter(project, "task_number"), 0);
}

TEST_P(TraceTasks, ObservationScoresNameTheObservation) {
  const int64_t project = CreateProject(kReviewConfig, "Review");
  const testing::HttpResponse sent = Send(
      project, {{"trace_project", trace_project_},
                {"observations", bj::array{bj::object{{"trace_id", "agent-1"}, {"observation_id", "gen-1"}}}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  Annotate(sent.Json().at("task_ids").at(0).as_int64(), {Stars(5)});
  const auto scores = Scores("agent-1");
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores.begin()->second.at("observationId"), "gen-1");
}

TEST_P(TraceTasks, BadReferencesCreateNothing) {
  const int64_t project = CreateProject(kReviewConfig, "Review");

  testing::HttpResponse response =
      Send(project, {{"trace_project", trace_project_}, {"trace_ids", bj::array{"chat-1", "no-such-trace"}}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("trace_ids.1"), std::string::npos) << response.body;
  EXPECT_EQ(Counter(project, "task_number"), 0);

  response = Send(project, {{"trace_project", trace_project_},
                            {"observations", bj::array{bj::object{{"trace_id", "chat-1"}, {"observation_id", "gen-1"}}}}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("observations.0"), std::string::npos) << response.body;

  response = Send(project, {{"trace_project", trace_project_},
                            {"observations", bj::array{bj::object{{"trace_id", "chat-1"}}}}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("observations.0.observation_id"), std::string::npos) << response.body;

  response = Send(project, {{"trace_project", trace_project_}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("trace_ids"), std::string::npos) << response.body;

  response = Send(project, {{"trace_project", trace_project_}, {"trace_ids", bj::array{bj::value(7)}}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("trace_ids.0"), std::string::npos) << response.body;

  // Another organization's member can reach neither project.
  response = Post("/api/projects/" + std::to_string(project) + "/tasks/from-traces",
                  bj::serialize(bj::object{{"trace_ids", bj::array{"chat-1"}}}), outsider_token_);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Counter(project, "task_number"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TraceTasks, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
