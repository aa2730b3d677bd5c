// Label Studio's projects, tasks, annotations, predictions and drafts over
// real HTTP, on SQLite and on PostgreSQL: shapes, counters, permissions and
// every rejection path.
#include "api/labeling_fixture.h"

namespace tally {
namespace {

std::string Choice(const std::string& value, const std::string& id = "r1") {
  return R"({"id":")" + id + R"(","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":[")" +
         value + R"("]}})";
}

class LabelingApi : public LabelingApiTest {
 protected:
  // Imports one task and returns the path of its annotations.
  std::string FirstTaskAnnotations(int64_t project_id, const std::string& data) {
    EXPECT_EQ(Import(project_id, "[" + data + "]").status, 201);
    auto tasks = Get("/api/tasks?project=" + std::to_string(project_id)).Json().at("tasks");
    return "/api/tasks/" + std::to_string(tasks.at(0).at("id").as_int64()) + "/annotations";
  }
};

TEST_P(LabelingApi, ProjectCreateReadListDelete) {
  auto created = Post("/api/projects", bj::serialize(bj::object{{"title", "Reviews"}, {"label_config", kSentimentConfig},
                                                                {"maximum_annotations", 2}, {"color", "#FF0000"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::object project = created.Json().as_object();
  EXPECT_EQ(project.at("title"), "Reviews");
  EXPECT_EQ(project.at("maximum_annotations"), 2);
  EXPECT_EQ(project.at("show_skip_button"), true);
  EXPECT_EQ(project.at("sampling"), "Sequential sampling");
  EXPECT_EQ(project.at("task_number"), 0);
  EXPECT_EQ(project.at("created_by").at("email"), "owner@example.com");
  EXPECT_EQ(project.at("parsed_label_config").at("sentiment").at("type"), "Choices");
  EXPECT_TRUE(std::string(project.at("created_at").as_string()).ends_with("Z"));
  const int64_t id = project.at("id").as_int64();

  for (int i = 0; i < 3; ++i) CreateProject(kSentimentConfig, "Extra " + std::to_string(i));
  auto page = Get("/api/projects?page=1&page_size=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Json().at("count"), 4);
  EXPECT_EQ(page.Json().at("results").as_array().size(), 2u);
  EXPECT_TRUE(page.Json().at("previous").is_null());
  EXPECT_FALSE(page.Json().at("next").is_null());
  EXPECT_EQ(page.Json().at("results").at(0).at("title"), "Extra 2") << "newest first";
  EXPECT_EQ(Get("/api/projects?page=3&page_size=2").status, 404);
  EXPECT_EQ(Get("/api/projects?title=REVIEW").Json().at("count"), 1);
  EXPECT_EQ(Get("/api/projects?ordering=title").Json().at("results").at(0).at("title"), "Extra 0");
  EXPECT_EQ(Get("/api/projects?ordering=-id").Json().at("results").at(0).at("title"), "Extra 2");
  EXPECT_EQ(Get("/api/projects?ordering=password").status, 400);
  auto pinned = Patch("/api/projects/" + std::to_string(id), R"({"pinned_at":"2024-03-01T10:00:00Z"})");
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(Get("/api/projects").Json().at("results").at(0).at("title"), "Reviews") << "pinned first";
  EXPECT_EQ(Get("/api/projects?filter=pinned_only").Json().at("count"), 1);

  auto patched = Patch("/api/projects/" + std::to_string(id) + "/", R"({"show_skip_button":false,"title":"Renamed"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("show_skip_button"), false);
  EXPECT_EQ(patched.Json().at("title"), "Renamed");

  EXPECT_EQ(Delete("/api/projects/" + std::to_string(id)).status, 204);
  EXPECT_EQ(Get("/api/projects/" + std::to_string(id)).status, 404);
  EXPECT_EQ(Get("/api/projects/999999").status, 404);
}

TEST_P(LabelingApi, ProjectRejectsBadFields) {
  auto bad_config = Post("/api/projects", R"({"title":"Bad","label_config":"<View><Choices name=\"c\" toName=\"x\"/></View>"})");
  ASSERT_EQ(bad_config.status, 400) << bad_config.body;
  EXPECT_FALSE(bad_config.Json().at("validation_errors").at("label_config").as_array().empty());

  auto bad_type = Post("/api/projects", R"({"title":"Bad","maximum_annotations":"two"})");
  ASSERT_EQ(bad_type.status, 400);
  EXPECT_TRUE(bad_type.Json().at("validation_errors").as_object().contains("maximum_annotations"));

  auto bad_choice = Post("/api/projects", R"({"title":"Bad","sampling":"Random"})");
  ASSERT_EQ(bad_choice.status, 400);
  EXPECT_TRUE(bad_choice.Json().at("validation_errors").as_object().contains("sampling"));

  auto short_title = Post("/api/projects", R"({"title":"ab"})");
  EXPECT_EQ(short_title.status, 400);
  EXPECT_EQ(Get("/api/projects").Json().at("count"), 0) << "nothing was created";
}

TEST_P(LabelingApi, ValidateEndpoints) {
  auto ok = Post("/api/projects/validate/", bj::serialize(bj::object{{"label_config", kSentimentConfig}}));
  EXPECT_EQ(ok.status, 204) << ok.body;

  auto bad = Post("/api/projects/validate", R"({"label_config":"<View><Labels name=\"l\" toName=\"missing\"/></View>"})");
  ASSERT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.Json().as_object().contains("label_config")) << "plain body, no envelope: " << bad.body;
  EXPECT_FALSE(bad.Json().as_object().contains("status_code"));

  const int64_t id = CreateProject(kSentimentConfig);
  auto essential = Post("/api/projects/" + std::to_string(id) + "/validate",
                        R"({"label_config":"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"other\" toName=\"text\"><Choice value=\"A\"/></Choices></View>"})");
  ASSERT_EQ(essential.status, 200) << essential.body;
  EXPECT_EQ(essential.Json().at("config_essential_data_has_changed"), true);
}

TEST_P(LabelingApi, ConfigChangeKeepsAnnotationsValid) {
  const int64_t id = CreateProject(kSentimentConfig);
  auto imported = Import(id, R"([{"data":{"text":"fine"},"annotations":[{"result":[)" + Choice("Negative") + "]}]}]");
  ASSERT_EQ(imported.status, 201) << imported.body;

  const std::string path = "/api/projects/" + std::to_string(id);
  auto dropped_label = Patch(path, R"({"label_config":"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/></Choices></View>"})");
  ASSERT_EQ(dropped_label.status, 400) << dropped_label.body;
  const std::string message(dropped_label.Json().at("validation_errors").at("label_config").at(0).as_string());
  EXPECT_NE(message.find("Negative"), std::string::npos) << message;

  auto dropped_control = Patch(path, R"({"label_config":"<View><Text name=\"text\" value=\"$text\"/></View>"})");
  ASSERT_EQ(dropped_control.status, 400) << dropped_control.body;
  EXPECT_NE(dropped_control.body.find("sentiment"), std::string::npos);

  auto added_label = Patch(path, R"({"label_config":"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/><Choice value=\"Negative\"/><Choice value=\"Mixed\"/></Choices></View>"})");
  EXPECT_EQ(added_label.status, 200) << added_label.body;
}

TEST_P(LabelingApi, RolesAndOrganizations) {
  const int64_t id = CreateProject(kSentimentConfig);
  const std::string path = "/api/projects/" + std::to_string(id);
  ASSERT_EQ(Import(id, R"([{"text":"a"}])").status, 201);

  EXPECT_EQ(Get(path, outsider_token_).status, 404) << "other organizations see nothing";
  EXPECT_EQ(Get("/api/tasks/1", outsider_token_).status, 404);
  EXPECT_EQ(Get("/api/projects", outsider_token_).Json().at("count"), 0);

  EXPECT_EQ(Get(path, annotator_token_).status, 200);
  EXPECT_EQ(Patch(path, R"({"title":"Mine"})", annotator_token_).status, 403);
  EXPECT_EQ(Delete(path, annotator_token_).status, 403);
  EXPECT_EQ(Post("/api/projects", R"({"title":"Mine"})", annotator_token_).status, 403);
  EXPECT_EQ(Import(id, R"([{"text":"b"}])").status, 201);
  EXPECT_EQ(Post(path + "/import", R"([{"text":"c"}])", annotator_token_).status, 403);

  auto task_id = Get("/api/tasks?project=" + std::to_string(id), annotator_token_).Json().at("tasks").at(0).at("id");
  auto annotated = Post("/api/tasks/" + std::to_string(task_id.as_int64()) + "/annotations",
                        "{\"result\":[" + Choice("Positive") + "]}", annotator_token_);
  EXPECT_EQ(annotated.status, 201) << annotated.body;
  const int64_t annotation_id = annotated.Json().at("id").as_int64();
  EXPECT_EQ(Delete("/api/annotations/" + std::to_string(annotation_id), outsider_token_).status, 404);
  EXPECT_EQ(Patch("/api/annotations/" + std::to_string(annotation_id), R"({"lead_time":3})").status, 200)
      << "managers may change others' annotations";

  auto owned = Post("/api/tasks/" + std::to_string(task_id.as_int64()) + "/annotations", "{\"result\":[" + Choice("Negative") + "]}");
  ASSERT_EQ(owned.status, 201);
  const std::string owned_path = "/api/annotations/" + std::to_string(owned.Json().at("id").as_int64());
  EXPECT_EQ(Patch(owned_path, R"({"lead_time":1})", annotator_token_).status, 403);
  EXPECT_EQ(Delete(owned_path, annotator_token_).status, 403);
  EXPECT_EQ(Post("/api/predictions", "{\"task\":" + std::to_string(task_id.as_int64()) + ",\"result\":[]}",
                 annotator_token_).status,
            403);
  EXPECT_EQ(Post("/api/tasks", R"({"project":)" + std::to_string(id) + R"(,"data":{"text":"x"}})", annotator_token_).status,
            403);
}

TEST_P(LabelingApi, LogsCarryNoTaskContent) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"secret-review-text"}])").status, 201);
  const int64_t task_id = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks").at(0).at("id").as_int64();
  ASSERT_EQ(Post("/api/tasks/" + std::to_string(task_id) + "/annotations", "{\"result\":[" + Choice("Positive") + "]}").status, 201);
  EXPECT_EQ(Import(id, R"([{"body":"secret-bad-item"}])").status, 400);
  server_->Stop();
  const std::string log = server_->Log();
  for (const char* content : {"secret-review-text", "secret-bad-item", kOwnerToken}) {
    EXPECT_EQ(log.find(content), std::string::npos) << content << " appears in the log";
  }
  EXPECT_NE(log.find("event=tasks_imported"), std::string::npos);
}

TEST_P(LabelingApi, TaskCrudAndDataManagerList) {
  const int64_t id = CreateProject(kSentimentConfig);
  auto created = Post("/api/tasks", bj::serialize(bj::object{{"project", id}, {"data", {{"text", "hello"}}},
                                                             {"meta", {{"source", "test"}}}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::object task = created.Json().as_object();
  EXPECT_EQ(task.at("inner_id"), 1);
  EXPECT_EQ(task.at("is_labeled"), false);
  EXPECT_EQ(task.at("meta").at("source"), "test");
  EXPECT_TRUE(task.at("annotations").as_array().empty());
  const std::string task_path = "/api/tasks/" + std::to_string(task.at("id").as_int64());

  auto missing_key = Post("/api/tasks", bj::serialize(bj::object{{"project", id}, {"data", {{"body", "x"}}}}));
  ASSERT_EQ(missing_key.status, 400);
  EXPECT_TRUE(missing_key.Json().at("validation_errors").as_object().contains("data.text"));
  EXPECT_EQ(Post("/api/tasks", R"({"data":{"text":"x"}})").status, 400) << "project is required";
  EXPECT_EQ(Post("/api/tasks", R"({"project":999999,"data":{"text":"x"}})").status, 404);

  auto patched = Patch(task_path, R"({"data":{"text":"changed"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("data").at("text"), "changed");
  EXPECT_EQ(Patch(task_path, R"({"data":{"other":"x"}})").status, 400);
  EXPECT_EQ(Patch(task_path, R"({"data":[1]})").status, 400);

  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Post("/api/tasks", bj::serialize(bj::object{{"project", id}, {"data", {{"text", "t"}}}})).status, 201);
  }
  auto listed = Get("/api/tasks?project=" + std::to_string(id) + "&page=2&page_size=2&fields=all");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json().at("total"), 5);
  EXPECT_EQ(listed.Json().at("tasks").as_array().size(), 2u);
  EXPECT_TRUE(listed.Json().at("tasks").at(0).as_object().contains("annotations"));
  EXPECT_EQ(Get("/api/tasks?project=" + std::to_string(id) + "&page=4&page_size=2").status, 404);
  EXPECT_EQ(Get("/api/tasks?project=999999").status, 404);

  EXPECT_EQ(Delete(task_path).status, 204);
  EXPECT_EQ(Get(task_path).status, 404);
  EXPECT_EQ(Counter(id, "task_number"), 4);

  auto selected = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks");
  const std::string body = bj::serialize(bj::object{
      {"selectedItems", {{"all", false}, {"included", bj::array{selected.at(0).at("id"), selected.at(1).at("id")}}}}});
  auto bulk = Post("/api/dm/actions?id=delete_tasks&project=" + std::to_string(id), body);
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.Json().at("processed_items"), 2);
  EXPECT_EQ(Counter(id, "task_number"), 2);
  EXPECT_EQ(Delete("/api/projects/" + std::to_string(id) + "/tasks").status, 204);
  EXPECT_EQ(Counter(id, "task_number"), 0);
}

TEST_P(LabelingApi, AnnotationCountersAndHistory) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"a"},{"text":"b"}])").status, 201);
  auto tasks = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks");
  const std::string first = "/api/tasks/" + std::to_string(tasks.at(0).at("id").as_int64());
  const std::string second = "/api/tasks/" + std::to_string(tasks.at(1).at("id").as_int64());

  auto submitted = Post(first + "/annotations", "{\"result\":[" + Choice("Positive") + "],\"lead_time\":4.5}");
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  const bj::object annotation = submitted.Json().as_object();
  EXPECT_EQ(annotation.at("completed_by"), 1);
  EXPECT_EQ(annotation.at("last_action"), "submitted");
  EXPECT_EQ(annotation.at("lead_time").as_double(), 4.5);
  const std::string annotation_path = "/api/annotations/" + std::to_string(annotation.at("id").as_int64());

  auto skipped = Post(second + "/annotations?was_cancelled=1", R"({"result":[]})");
  ASSERT_EQ(skipped.status, 201) << skipped.body;
  EXPECT_EQ(skipped.Json().at("was_cancelled"), true);

  bj::object project = Project(id);
  EXPECT_EQ(project.at("total_annotations_number"), 1);
  EXPECT_EQ(project.at("skipped_annotations_number"), 1);
  EXPECT_EQ(project.at("num_tasks_with_annotations"), 1);
  EXPECT_EQ(project.at("finished_task_number"), 1);
  EXPECT_EQ(project.at("useful_annotation_number"), 1);
  EXPECT_EQ(project.at("queue_done"), 2);
  EXPECT_EQ(Get(first).Json().at("is_labeled"), true);
  EXPECT_EQ(Get(second).Json().at("cancelled_annotations"), 1);
  EXPECT_EQ(Get(second + "/annotations").Json().as_array().size(), 0u) << "skips are left out of the list";
  EXPECT_EQ(Get(second).Json().at("annotations").as_array().size(), 1u) << "but the task shows them";

  auto ground_truth = Patch(annotation_path, "{\"ground_truth\":true,\"result\":[" + Choice("Negative") + "]}");
  ASSERT_EQ(ground_truth.status, 200) << ground_truth.body;
  EXPECT_EQ(ground_truth.Json().at("last_action"), "updated");
  project = Project(id);
  EXPECT_EQ(project.at("ground_truth_number"), 1);
  EXPECT_EQ(project.at("useful_annotation_number"), 0);

  auto second_truth = Post(first + "/annotations", "{\"ground_truth\":true,\"result\":[" + Choice("Neutral") + "]}");
  ASSERT_EQ(second_truth.status, 201);
  EXPECT_EQ(Get(annotation_path).Json().at("ground_truth"), false) << "one ground truth per task";
  EXPECT_EQ(Counter(id, "ground_truth_number"), 1);

  EXPECT_EQ(Delete(annotation_path).status, 204);
  EXPECT_EQ(Get(annotation_path).status, 404);
  project = Project(id);
  EXPECT_EQ(project.at("total_annotations_number"), 1);
  EXPECT_EQ(project.at("finished_task_number"), 1);

  auto history = Get(annotation_path + "/history");
  ASSERT_EQ(history.status, 200) << history.body;
  const bj::value history_json = history.Json();
  const bj::array& entries = history_json.as_array();
  ASSERT_EQ(entries.size(), 4u) << history.body;
  EXPECT_EQ(entries[0].at("action"), "created");
  EXPECT_EQ(entries[1].at("action"), "updated");
  EXPECT_EQ(entries[1].at("result").at(0).at("value").at("choices").at(0), "Negative");
  EXPECT_EQ(entries[2].at("action"), "updated") << "cleared by the second ground truth";
  EXPECT_EQ(entries[3].at("action"), "deleted");
  EXPECT_EQ(entries[3].at("user"), 1);
  EXPECT_EQ(Get(annotation_path + "/history", outsider_token_).status, 404);
}

TEST_P(LabelingApi, AnnotationRejectsResultsOutsideConfig) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"a"}])").status, 201);
  const std::string task = "/api/tasks/" + std::to_string(Get("/api/tasks?project=" + std::to_string(id))
                                                              .Json().at("tasks").at(0).at("id").as_int64());

  struct Case {
    const char* name;
    std::string body;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown choice", "{\"result\":[" + Choice("Maybe") + "]}", "result.0.value.choices.0"},
      {"unknown control", R"({"result":[{"id":"x","from_name":"nope","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]})",
       "result.0.from_name"},
      {"result not a list", R"({"result":{"choices":["Positive"]}})", "result"},
      {"missing result", R"({"lead_time":2})", "result"},
      {"lead_time not a number", "{\"result\":[" + Choice("Positive") + "],\"lead_time\":\"slow\"}", "lead_time"},
      {"completed_by outsider", "{\"result\":[" + Choice("Positive") + "],\"completed_by\":999}", "completed_by"},
      {"non-UTF-8 bytes", "{\"result\":[" + Choice("Pos\xff") + "]}", ""},
  };
  for (const Case& c : cases) {
    auto response = Post(task + "/annotations", c.body);
    EXPECT_EQ(response.status, 400) << c.name << ": " << response.body;
    if (response.status == 400 && response.Json().as_object().contains("validation_errors")) {
      EXPECT_TRUE(response.Json().at("validation_errors").as_object().contains(c.field)) << c.name << ": "
                                                                                        << response.body;
    }
  }
  EXPECT_EQ(Post("/api/tasks/999999/annotations", "{\"result\":[]}").status, 404);
  EXPECT_EQ(Counter(id, "total_annotations_number"), 0) << "nothing was written";

  auto empty_forbidden = Patch("/api/projects/" + std::to_string(id), R"({"enable_empty_annotation":false})");
  ASSERT_EQ(empty_forbidden.status, 200);
  EXPECT_EQ(Post(task + "/annotations", R"({"result":[]})").status, 400);
  EXPECT_EQ(Post(task + "/annotations", R"({"result":[],"was_cancelled":true})").status, 201)
      << "a skip may be empty";
}

TEST_P(LabelingApi, PredictionsSingleListAndShorthand) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"a"},{"text":"b"}])").status, 201);
  auto tasks = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks");
  const int64_t first = tasks.at(0).at("id").as_int64();
  const int64_t second = tasks.at(1).at("id").as_int64();

  auto single = Post("/api/predictions", bj::serialize(bj::object{
                                             {"task", first}, {"model_version", "v1"}, {"score", 0.25},
                                             {"result", bj::parse("[" + Choice("Positive") + "]")}}));
  ASSERT_EQ(single.status, 201) << single.body;
  EXPECT_EQ(single.Json().at("model_version"), "v1");
  EXPECT_EQ(single.Json().at("score").as_double(), 0.25);

  auto list = Post("/api/predictions", bj::serialize(bj::array{
                                           bj::object{{"task", second}, {"result", "Negative"}},
                                           bj::object{{"task", second}, {"result", {{"choices", {"Neutral"}}}}}}));
  ASSERT_EQ(list.status, 201) << list.body;
  ASSERT_EQ(list.Json().as_array().size(), 2u);
  EXPECT_EQ(list.Json().at(0).at("result").at(0).at("from_name"), "sentiment");
  EXPECT_EQ(list.Json().at(0).at("result").at(0).at("value").at("choices").at(0), "Negative");
  EXPECT_EQ(list.Json().at(1).at("result").at(0).at("type"), "choices");
  EXPECT_EQ(Counter(id, "total_predictions_number"), 3);

  auto bad = Post("/api/predictions", bj::serialize(bj::array{bj::object{{"task", second}, {"result", "Neutral"}},
                                                              bj::object{{"task", second}, {"result", 0.5}}}));
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(bad.Json().at("validation_errors").as_object().contains("1.result"));
  EXPECT_EQ(Counter(id, "total_predictions_number"), 3) << "a rejected list writes nothing";
  EXPECT_EQ(Post("/api/predictions", R"({"task":999999,"result":[]})").status, 404);

  auto by_task = Get("/api/predictions?task=" + std::to_string(second));
  ASSERT_EQ(by_task.status, 200);
  EXPECT_EQ(by_task.Json().as_array().size(), 2u);
  EXPECT_EQ(Get("/api/predictions?project=" + std::to_string(id)).Json().as_array().size(), 3u);
  EXPECT_EQ(Get("/api/predictions?project=" + std::to_string(id), outsider_token_).status, 404);

  const std::string import_path = "/api/projects/" + std::to_string(id) + "/import/predictions";
  auto imported = Post(import_path, bj::serialize(bj::array{bj::object{{"task", first}, {"result", "Neutral"}}}));
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.Json().at("created"), 1);
  auto by_first = Get("/api/predictions?task=" + std::to_string(first)).Json();
  EXPECT_EQ(by_first.at(1).at("model_version"), "undefined") << "the import endpoint's default";
  const int64_t other_project = CreateProject(kSentimentConfig, "Other");
  ASSERT_EQ(Import(other_project, R"([{"text":"elsewhere"}])").status, 201);
  const int64_t foreign_task = Get("/api/tasks?project=" + std::to_string(other_project)).Json().at("tasks").at(0).at("id").as_int64();
  auto foreign = Post(import_path, bj::serialize(bj::array{bj::object{{"task", first}, {"result", "Neutral"}},
                                                           bj::object{{"task", foreign_task}, {"result", "Neutral"}}}));
  ASSERT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_TRUE(foreign.Json().at("validation_errors").as_object().contains("1.task"));
  EXPECT_EQ(Counter(id, "total_predictions_number"), 4) << "the rejected list wrote nothing";

  const std::string path = "/api/predictions/" + std::to_string(single.Json().at("id").as_int64());
  EXPECT_EQ(Get(path).Json().at("task"), first);
  EXPECT_EQ(Delete(path, annotator_token_).status, 403);
  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Get(path).status, 404);
  EXPECT_EQ(Counter(id, "total_predictions_number"), 3);
}

TEST_P(LabelingApi, DraftsAreReplacedOnSubmit) {
  const int64_t id = CreateProject(kSentimentConfig);
  ASSERT_EQ(Import(id, R"([{"text":"a"}])").status, 201);
  const std::string task = "/api/tasks/" + std::to_string(Get("/api/tasks?project=" + std::to_string(id))
                                                              .Json().at("tasks").at(0).at("id").as_int64());

  auto draft = Post(task + "/drafts", "{\"result\":[" + Choice("Neutral") + "],\"lead_time\":1.5}", annotator_token_);
  ASSERT_EQ(draft.status, 201) << draft.body;
  const int64_t draft_id = draft.Json().at("id").as_int64();
  const std::string draft_path = "/api/drafts/" + std::to_string(draft_id);
  EXPECT_EQ(Get(task + "/drafts", annotator_token_).Json().as_array().size(), 1u);
  EXPECT_EQ(Get(task + "/drafts").Json().as_array().size(), 0u) << "drafts are per user";
  EXPECT_EQ(Get(draft_path).status, 403);
  EXPECT_EQ(Get(draft_path, outsider_token_).status, 404);

  auto patched = Patch(draft_path, R"({"was_postponed":true})", annotator_token_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("was_postponed"), true);

  auto stolen = Post(task + "/annotations", "{\"result\":[],\"draft_id\":" + std::to_string(draft_id) + "}");
  EXPECT_EQ(stolen.status, 403) << "another user's draft cannot be submitted";

  auto submitted = Post(task + "/annotations",
                        "{\"result\":[" + Choice("Positive") + "],\"draft_id\":" + std::to_string(draft_id) + "}",
                        annotator_token_);
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  EXPECT_FALSE(submitted.Json().at("draft_created_at").is_null());
  EXPECT_EQ(Get(draft_path, annotator_token_).status, 404);
  EXPECT_EQ(Get(task + "/drafts", annotator_token_).Json().as_array().size(), 0u);

  const int64_t annotation_id = submitted.Json().at("id").as_int64();
  const std::string annotation_drafts = task + "/annotations/" + std::to_string(annotation_id) + "/drafts";
  ASSERT_EQ(Post(annotation_drafts, R"({"result":[]})", annotator_token_).status, 201);
  EXPECT_EQ(Get(annotation_drafts, annotator_token_).Json().as_array().size(), 1u);
  ASSERT_EQ(Patch("/api/annotations/" + std::to_string(annotation_id), "{\"result\":[" + Choice("Negative") + "]}",
                  annotator_token_)
                .status,
            200);
  EXPECT_EQ(Get(annotation_drafts, annotator_token_).Json().as_array().size(), 0u) << "an update replaces them too";
}

TEST_P(LabelingApi, MaximumAnnotationsRecountsLabeledTasks) {
  const int64_t id = CreateProject(kSentimentConfig);
  const std::string path = "/api/projects/" + std::to_string(id);
  ASSERT_EQ(Patch(path, R"({"maximum_annotations":2})").status, 200);
  auto imported = Import(id, R"([{"data":{"text":"a"},"annotations":[{"result":[)" + Choice("Positive") + "]}]}]");
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(Counter(id, "finished_task_number"), 0) << "one of two annotations";

  ASSERT_EQ(Patch(path, R"({"maximum_annotations":1})").status, 200);
  EXPECT_EQ(Counter(id, "finished_task_number"), 1) << "lowering the overlap finishes the task";
  auto tasks = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks");
  EXPECT_EQ(tasks.at(0).at("overlap"), 1);
  EXPECT_EQ(tasks.at(0).at("is_labeled"), true);
}

TEST_P(LabelingApi, PerRegionAnswersOnTimeSeriesRanges) {
  // The shape of Label Studio's "signal quality" time-series template.
  const int64_t id = CreateProject(R"(<View>
  <View visibleWhen="no-region-selected">
    <TimeSeriesLabels name="label" toName="ts"><Label value="Region"/></TimeSeriesLabels>
  </View>
  <View visibleWhen="region-selected">
    <Rating name="rating" toName="ts" maxRating="10" perRegion="true"/>
    <Choices name="choices" toName="ts" required="true" perRegion="true">
      <Choice value="Good"/><Choice value="Medium"/><Choice value="Poor"/>
    </Choices>
    <Number name="noise" toName="ts" min="0" perRegion="true"/>
  </View>
  <TimeSeries name="ts" valueType="url" value="$csv" timeColumn="time"><Channel column="signal_1"/></TimeSeries>
</View>)");
  const std::string annotations = FirstTaskAnnotations(id, R"({"csv":"http://127.0.0.1/s.csv"})");
  const std::string range = R"({"id":"t1","from_name":"label","to_name":"ts","type":"timeserieslabels",
    "value":{"start":2,"end":6,"instant":false,"timeserieslabels":["Region"]}})";
  auto answer = [](const std::string& from_name, const std::string& type, const std::string& payload,
                   const std::string& region_id = "t1") {
    return R"({"id":")" + region_id + R"(","from_name":")" + from_name + R"(","to_name":"ts","type":")" + type +
           R"(","value":{"start":2,"end":6,"instant":false,)" + payload + "}}";
  };

  const std::string result = "[" + range + "," + answer("rating", "rating", R"("rating":7)") + "," +
                             answer("choices", "choices", R"("choices":["Poor"])") + "," +
                             answer("noise", "number", R"("number":0.5)") + "]";
  auto created = Post(annotations, R"({"result":)" + result + "}");
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::array stored = created.Json().at("result").as_array();
  ASSERT_EQ(stored.size(), 4u);
  for (const bj::value& item : stored) {
    EXPECT_EQ(item.at("id"), "t1") << bj::serialize(item);
    EXPECT_EQ(item.at("value").at("start"), 2) << bj::serialize(item);
  }
  EXPECT_EQ(stored[1].at("value").at("rating"), 7);
  EXPECT_EQ(stored[2].at("value").at("choices"), bj::array{"Poor"});
  EXPECT_EQ(stored[3].at("value").at("number"), 0.5);

  // As in Label Studio's API, required answers are left to the editor, so a
  // range without its required per-region choice is stored.
  EXPECT_EQ(Post(annotations, R"({"result":[)" + range + "]}").status, 201);

  struct Case {
    const char* name;
    std::string result;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"answer without its region", "[" + range + "," + answer("choices", "choices", R"("choices":["Good"])") + "," +
                                        answer("choices", "choices", R"("choices":["Good"])", "gone") + "]",
       "result.2.id"},
      {"unknown choice", "[" + range + "," + answer("choices", "choices", R"("choices":["Great"])") + "]",
       "result.1.value.choices.0"},
      {"rating over maxRating", "[" + range + "," + answer("choices", "choices", R"("choices":["Good"])") + "," +
                                    answer("rating", "rating", R"("rating":11)") + "]",
       "result.2.value.rating"},
      {"number below min", "[" + range + "," + answer("choices", "choices", R"("choices":["Good"])") + "," +
                               answer("noise", "number", R"("number":-1)") + "]",
       "result.2.value.number"},
  };
  for (const Case& c : cases) {
    auto response = Post(annotations, R"({"result":)" + c.result + "}");
    EXPECT_EQ(response.status, 400) << c.name << ": " << response.body;
    if (response.status != 400) continue;
    EXPECT_TRUE(response.Json().at("validation_errors").as_object().contains(c.field)) << c.name << ": "
                                                                                      << response.body;
  }
}

TEST_P(LabelingApi, TimelineSegmentsOnVideo) {
  const int64_t id = CreateProject(R"(<View>
  <Video name="video" value="$video" frameRate="25"/>
  <TimelineLabels name="actions" toName="video"><Label value="Walk"/><Label value="Run"/></TimelineLabels>
  <Choices name="speed" toName="video" perRegion="true"><Choice value="Slow"/><Choice value="Fast"/></Choices>
</View>)");
  const std::string annotations = FirstTaskAnnotations(id, R"({"video":"http://127.0.0.1/v.webm"})");
  auto segment = [](const std::string& ranges, const std::string& label) {
    return R"({"id":"v1","from_name":"actions","to_name":"video","type":"timelinelabels","value":{"ranges":)" +
           ranges + R"(,"timelinelabels":[")" + label + R"("]}})";
  };

  const std::string speed =
      R"({"id":"v1","from_name":"speed","to_name":"video","type":"choices","value":{"ranges":[{"start":3,"end":12}],"choices":["Fast"]}})";
  auto created = Post(annotations, R"({"result":[)" + segment(R"([{"start":3,"end":12}])", "Run") + "," + speed + "]}");
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::array stored = created.Json().at("result").as_array();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].at("value").at("ranges").at(0).at("end"), 12);
  EXPECT_EQ(stored[1].at("value").at("choices"), bj::array{"Fast"});

  auto reversed = Post(annotations, R"({"result":[)" + segment(R"([{"start":9,"end":4}])", "Run") + "]}");
  ASSERT_EQ(reversed.status, 400) << reversed.body;
  EXPECT_TRUE(reversed.Json().at("validation_errors").as_object().contains("result.0.value.ranges.0"))
      << reversed.body;
  auto unknown_label = Post(annotations, R"({"result":[)" + segment(R"([{"start":1,"end":2}])", "Swim") + "]}");
  ASSERT_EQ(unknown_label.status, 400) << unknown_label.body;
  EXPECT_TRUE(unknown_label.Json().at("validation_errors").as_object().contains("result.0.value.timelinelabels.0"))
      << unknown_label.body;
  auto no_ranges = Post(annotations, R"({"result":[{"id":"v2","from_name":"actions","to_name":"video",)"
                                     R"("type":"timelinelabels","value":{"timelinelabels":["Walk"]}}]})");
  ASSERT_EQ(no_ranges.status, 400) << no_ranges.body;
  EXPECT_TRUE(no_ranges.Json().at("validation_errors").as_object().contains("result.0.value.ranges"))
      << no_ranges.body;

  // A Labels control on a video without a VideoRectangle stores its
  // segments as "labels" items with the same frame ranges.
  const int64_t labels_project = CreateProject(R"(<View>
  <Video name="video" value="$video"/>
  <Labels name="moves" toName="video"><Label value="Jump"/></Labels>
</View>)");
  const std::string labels_annotations = FirstTaskAnnotations(labels_project, R"({"video":"http://127.0.0.1/v.webm"})");
  auto labelled = Post(labels_annotations, R"({"result":[{"id":"j1","from_name":"moves","to_name":"video","type":"labels",)"
                                           R"("value":{"ranges":[{"start":2,"end":4}],"labels":["Jump"]}}]})");
  EXPECT_EQ(labelled.status, 201) << labelled.body;
  auto reversed_labels = Post(labels_annotations, R"({"result":[{"id":"j1","from_name":"moves","to_name":"video",)"
                                                  R"("type":"labels","value":{"ranges":[{"start":4,"end":2}],"labels":["Jump"]}}]})");
  ASSERT_EQ(reversed_labels.status, 400) << reversed_labels.body;
  EXPECT_TRUE(reversed_labels.Json().at("validation_errors").as_object().contains("result.0.value.ranges.0"))
      << reversed_labels.body;
}

TEST_P(LabelingApi, PerRegionAnswerOnItsRegionsObject) {
  const int64_t id = CreateProject(R"(<View>
  <Text name="text" value="$text"/>
  <Audio name="audio" value="$audio"/>
  <Labels name="spans" toName="text"><Label value="Name"/></Labels>
  <Labels name="segments" toName="audio"><Label value="Speech"/></Labels>
  <Choices name="quality" toName="text,audio" perRegion="true"><Choice value="Clear"/></Choices>
</View>)");
  const std::string annotations = FirstTaskAnnotations(id, R"({"text":"Ada spoke","audio":"http://127.0.0.1/a.wav"})");
  const std::string span = R"({"id":"s1","from_name":"spans","to_name":"text","type":"labels",
    "value":{"start":0,"end":3,"text":"Ada","labels":["Name"]}})";
  auto answer = [](const std::string& to_name) {
    return R"({"id":"s1","from_name":"quality","to_name":")" + to_name +
           R"(","type":"choices","value":{"start":0,"end":3,"text":"Ada","choices":["Clear"]}})";
  };

  auto stored = Post(annotations, R"({"result":[)" + span + "," + answer("text") + "]}");
  EXPECT_EQ(stored.status, 201) << stored.body;
  auto other_object = Post(annotations, R"({"result":[)" + span + "," + answer("audio") + "]}");
  ASSERT_EQ(other_object.status, 400) << other_object.body;
  EXPECT_TRUE(other_object.Json().at("validation_errors").as_object().contains("result.1.to_name"))
      << other_object.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingApi, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
