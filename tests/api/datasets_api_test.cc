// Langfuse datasets end to end: datasets, items, runs and run items over
// real HTTP as the SDKs call them, plus Tally's imports of traces and
// labeled tasks into a dataset, on SQLite and on PostgreSQL.
#include <chrono>
#include <thread>

#include "api/evals_fixture.h"
#include "core/time.h"

namespace tally {
namespace {

using DatasetsApi = EvalsApiTest;

bj::object Item(const std::string& dataset, const std::string& id, bj::value input, bj::value expected) {
  return bj::object{{"datasetName", dataset}, {"id", id}, {"input", std::move(input)}, {"expectedOutput", std::move(expected)}};
}

TEST_P(DatasetsApi, CreateReadAndUpsertByName) {
  auto created = Post("/api/public/v2/datasets",
                      bj::object{{"name", "qa/set"}, {"description", "first"}, {"metadata", {{"owner", "eval-team"}}}});
  ASSERT_EQ(created.status, 200) << created.body;
  const bj::object dataset = created.Json().as_object();
  EXPECT_EQ(dataset.at("name"), "qa/set");
  EXPECT_EQ(dataset.at("description"), "first");
  EXPECT_EQ(dataset.at("metadata").at("owner"), "eval-team");
  EXPECT_TRUE(dataset.at("inputSchema").is_null());
  EXPECT_EQ(dataset.at("projectId").as_string(), std::to_string(ProjectId()));
  EXPECT_EQ(dataset.at("createdAt").as_string().size(), 24u);

  auto updated = Post("/api/public/v2/datasets", bj::object{{"name", "qa/set"}, {"description", "second"}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json().at("id"), dataset.at("id")) << "same name updates the dataset";
  EXPECT_EQ(updated.Json().at("description"), "second");
  EXPECT_EQ(updated.Json().at("metadata").at("owner"), "eval-team") << "omitted fields keep their values";

  auto fetched = Get("/api/public/v2/datasets/qa%2Fset");
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Json().at("description"), "second");
  EXPECT_EQ(Get("/api/public/v2/datasets/missing").status, 404);

  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "other"}}).status, 200);
  auto list = Get("/api/public/v2/datasets?limit=1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(list.Json().at("data").at(0).at("name"), "other") << "newest first";
  EXPECT_EQ(list.Json().at("meta").at("totalItems"), 2);
  EXPECT_EQ(list.Json().at("meta").at("totalPages"), 2);
}

TEST_P(DatasetsApi, RejectsBadDatasetBodies) {
  auto missing = Post("/api/public/v2/datasets", bj::object{{"description", "no name"}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(missing.body.find("name"), std::string::npos);
  EXPECT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", ""}}).status, 400);
  EXPECT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", 7}}).status, 400);
  EXPECT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "s"}, {"inputSchema", "text"}}).status, 400);
  EXPECT_EQ(client_->Post("/api/public/v2/datasets", "{not json", {Basic()}).status, 400);
  EXPECT_EQ(client_->Post("/api/public/v2/datasets", R"({"name":"x"})", {}).status, 401);
  EXPECT_EQ(Get("/api/public/v2/datasets?limit=101").status, 400);
}

TEST_P(DatasetsApi, ItemsUpsertListArchiveDelete) {
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "qa"}}).status, 200);
  auto created = Post("/api/public/dataset-items",
                      bj::object{{"datasetName", "qa"},
                                 {"id", "item-42"},
                                 {"input", {{"question", "2+2?"}}},
                                 {"expectedOutput", {{"answer", "4"}}},
                                 {"metadata", {{"difficulty", "easy"}}},
                                 {"sourceTraceId", "t-1"},
                                 {"sourceObservationId", "g-1"}});
  ASSERT_EQ(created.status, 200) << created.body;
  bj::object item = created.Json().as_object();
  EXPECT_EQ(item.at("id"), "item-42");
  EXPECT_EQ(item.at("status"), "ACTIVE");
  EXPECT_EQ(item.at("input").at("question"), "2+2?");
  EXPECT_EQ(item.at("expectedOutput").at("answer"), "4");
  EXPECT_EQ(item.at("metadata").at("difficulty"), "easy");
  EXPECT_EQ(item.at("sourceTraceId"), "t-1");
  EXPECT_EQ(item.at("sourceObservationId"), "g-1");
  EXPECT_EQ(item.at("datasetName"), "qa");
  EXPECT_TRUE(item.at("mediaReferences").as_array().empty());

  auto updated = Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "item-42"},
                                                              {"expectedOutput", {{"answer", "four"}}}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json().at("expectedOutput").at("answer"), "four");
  EXPECT_EQ(updated.Json().at("input").at("question"), "2+2?") << "omitted fields keep their values";
  EXPECT_EQ(updated.Json().at("createdAt"), item.at("createdAt"));

  auto generated = Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"input", "plain text"}});
  ASSERT_EQ(generated.status, 200) << generated.body;
  EXPECT_FALSE(generated.Json().at("id").as_string().empty());
  EXPECT_EQ(generated.Json().at("input"), "plain text");
  EXPECT_TRUE(generated.Json().at("expectedOutput").is_null());

  auto list = Get("/api/public/dataset-items?datasetName=qa&limit=50&page=1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("data").as_array().size(), 2u);
  EXPECT_EQ(list.Json().at("meta").at("totalItems"), 2);
  EXPECT_EQ(list.Json().at("meta").at("totalPages"), 1);
  auto by_source = Get("/api/public/dataset-items?sourceTraceId=t-1");
  ASSERT_EQ(by_source.status, 200);
  ASSERT_EQ(by_source.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(by_source.Json().at("data").at(0).at("id"), "item-42");

  auto archived = Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "item-42"}, {"status", "ARCHIVED"}});
  ASSERT_EQ(archived.status, 200) << archived.body;
  EXPECT_EQ(Get("/api/public/dataset-items?datasetName=qa").Json().at("meta").at("totalItems"), 1) << "archived hidden";
  EXPECT_EQ(Get("/api/public/dataset-items/item-42").Json().at("status"), "ARCHIVED") << "but readable by id";

  auto deleted = Delete("/api/public/dataset-items/item-42");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.Json().at("message"), "Dataset item successfully deleted");
  EXPECT_EQ(Get("/api/public/dataset-items/item-42").status, 404);
  EXPECT_EQ(Delete("/api/public/dataset-items/item-42").status, 404);
}

TEST_P(DatasetsApi, RejectsBadItems) {
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "a"}}).status, 200);
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "b"}}).status, 200);
  ASSERT_EQ(Post("/api/public/dataset-items", Item("a", "shared", 1, 2)).status, 200);

  EXPECT_EQ(Post("/api/public/dataset-items", Item("b", "shared", 1, 2)).status, 409) << "ids are project-wide";
  EXPECT_EQ(Post("/api/public/dataset-items", Item("nope", "x", 1, 2)).status, 404);
  EXPECT_EQ(Post("/api/public/dataset-items", bj::object{{"input", 1}}).status, 400) << "datasetName is required";
  auto bad_status = Post("/api/public/dataset-items", bj::object{{"datasetName", "a"}, {"status", "DONE"}});
  EXPECT_EQ(bad_status.status, 400);
  EXPECT_NE(bad_status.body.find("status"), std::string::npos);
  EXPECT_EQ(Post("/api/public/dataset-items", Item("a", std::string(256, 'x'), 1, 2)).status, 400);
  EXPECT_EQ(Get("/api/public/dataset-items?datasetName=nope").status, 404);
  EXPECT_EQ(Get("/api/public/dataset-items?version=2026-01-01T00:00:00Z").status, 400) << "version needs datasetName";
  EXPECT_EQ(Get("/api/public/dataset-items?datasetName=a&version=yesterday").status, 400);
}

// The time 2 ms after a write's millisecond timestamp, which is after the
// write's microsecond one; the test waits 20 ms between writes.
std::string JustAfter(const bj::value& timestamp) {
  return FormatIsoMillis(*ParseIsoTimestamp(timestamp.as_string()) + 2000);
}

TEST_P(DatasetsApi, ItemsReadAtVersion) {
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "qa"}}).status, 200);
  auto first = Post("/api/public/dataset-items", Item("qa", "i1", "first input", "A"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string after_create = JustAfter(first.Json().at("updatedAt"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));

  auto changed = Post("/api/public/dataset-items", Item("qa", "i1", "second input", "A"));
  ASSERT_EQ(changed.status, 200);
  auto second = Post("/api/public/dataset-items", Item("qa", "i2", "other", "B"));
  ASSERT_EQ(second.status, 200);
  // Just after the later of the two writes: a loaded machine may take more
  // than the margin of JustAfter between them.
  const std::string after_update = JustAfter(second.Json().at("updatedAt"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(Delete("/api/public/dataset-items/i1").status, 200);

  auto at_create = Get("/api/public/dataset-items?datasetName=qa&version=" + after_create);
  ASSERT_EQ(at_create.status, 200) << at_create.body;
  ASSERT_EQ(at_create.Json().at("data").as_array().size(), 1u) << "i2 did not exist yet";
  EXPECT_EQ(at_create.Json().at("data").at(0).at("input"), "first input");

  auto at_update = Get("/api/public/dataset-items?datasetName=qa&version=" + after_update);
  ASSERT_EQ(at_update.status, 200);
  EXPECT_EQ(at_update.Json().at("meta").at("totalItems"), 2);
  const bj::value updated_items = at_update.Json();
  for (const bj::value& item : updated_items.at("data").as_array()) {
    if (item.at("id") == "i1") EXPECT_EQ(item.at("input"), "second input");
  }

  auto now = Get("/api/public/dataset-items?datasetName=qa&version=" + FormatIsoMillis(NowMicros() + 1000));
  ASSERT_EQ(now.status, 200);
  ASSERT_EQ(now.Json().at("data").as_array().size(), 1u) << "i1 was deleted";
  EXPECT_EQ(now.Json().at("data").at(0).at("id"), "i2");
}

TEST_P(DatasetsApi, RunItemsCreateRunsAndList) {
  auto dataset = Post("/api/public/v2/datasets", bj::object{{"name", "qa"}});
  ASSERT_EQ(dataset.status, 200);
  const std::string dataset_id(dataset.Json().at("id").as_string());
  ASSERT_EQ(Post("/api/public/dataset-items", Item("qa", "i1", "a", "A")).status, 200);
  ASSERT_EQ(Post("/api/public/dataset-items", Item("qa", "i2", "b", "B")).status, 200);

  auto first = Post("/api/public/dataset-run-items",
                    bj::object{{"runName", "baseline"}, {"runDescription", "first try"}, {"metadata", {{"model", "m1"}}},
                               {"datasetItemId", "i1"}, {"traceId", "trace-not-yet-ingested"}, {"observationId", nullptr}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("datasetRunName"), "baseline");
  EXPECT_EQ(first.Json().at("traceId"), "trace-not-yet-ingested");
  EXPECT_TRUE(first.Json().at("observationId").is_null());
  const std::string run_id(first.Json().at("datasetRunId").as_string());

  // An observation id alone finds its trace.
  ASSERT_EQ(Ingest({Event("trace-create", {{"id", "t2"}, {"name", "run"}}),
                    Event("generation-create", {{"id", "g2"}, {"traceId", "t2"}, {"name", "llm"}})})
                .status,
            207);
  auto second = Post("/api/public/dataset-run-items",
                     bj::object{{"runName", "baseline"}, {"datasetItemId", "i2"}, {"observationId", "g2"}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Json().at("datasetRunId").as_string(), run_id) << "same run by name";
  EXPECT_EQ(second.Json().at("traceId"), "t2");

  auto run = Get("/api/public/datasets/qa/runs/baseline");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.Json().at("id").as_string(), run_id);
  EXPECT_EQ(run.Json().at("description"), "first try");
  EXPECT_EQ(run.Json().at("metadata").at("model"), "m1");
  EXPECT_EQ(run.Json().at("datasetName"), "qa");
  ASSERT_EQ(run.Json().at("datasetRunItems").as_array().size(), 2u);

  auto runs = Get("/api/public/datasets/qa/runs");
  ASSERT_EQ(runs.status, 200) << runs.body;
  EXPECT_EQ(runs.Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(runs.Json().at("data").at(0).at("name"), "baseline");

  auto items = Get("/api/public/dataset-run-items?datasetId=" + dataset_id + "&runName=baseline&limit=1");
  ASSERT_EQ(items.status, 200) << items.body;
  EXPECT_EQ(items.Json().at("meta").at("totalItems"), 2);
  EXPECT_EQ(items.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/public/dataset-run-items?datasetId=" + dataset_id).status, 400) << "runName is required";

  // The legacy reads list item ids and run names.
  auto legacy = Get("/api/public/datasets?page=0");
  ASSERT_EQ(legacy.status, 200) << legacy.body;
  EXPECT_EQ(legacy.Json().at("data").at(0).at("items").as_array().size(), 2u);
  EXPECT_EQ(legacy.Json().at("data").at(0).at("runs").at(0), "baseline");
  auto legacy_one = Get("/api/public/datasets/qa");
  ASSERT_EQ(legacy_one.status, 200);
  EXPECT_EQ(legacy_one.Json().at("items").at(0).at("datasetName"), "qa");

  auto deleted = Delete("/api/public/datasets/qa/runs/baseline");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.Json().at("message"), "Dataset run successfully deleted");
  EXPECT_EQ(Get("/api/public/datasets/qa/runs/baseline").status, 404);
}

TEST_P(DatasetsApi, RejectsBadRunItems) {
  ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "qa"}}).status, 200);
  ASSERT_EQ(Post("/api/public/dataset-items", Item("qa", "i1", "a", "A")).status, 200);

  auto unknown_key = Post("/api/public/dataset-run-items",
                          bj::object{{"runName", "r"}, {"datasetItemId", "i1"}, {"traceId", "t"}, {"extra", 1}});
  EXPECT_EQ(unknown_key.status, 400);
  EXPECT_NE(unknown_key.body.find("extra"), std::string::npos) << unknown_key.body;
  EXPECT_EQ(Post("/api/public/dataset-run-items", bj::object{{"runName", "r"}, {"datasetItemId", "i1"}}).status, 400)
      << "a trace or observation is required";
  EXPECT_EQ(Post("/api/public/dataset-run-items", bj::object{{"datasetItemId", "i1"}, {"traceId", "t"}}).status, 400);
  EXPECT_EQ(Post("/api/public/dataset-run-items",
                 bj::object{{"runName", "r"}, {"datasetItemId", "i1"}, {"observationId", "unknown"}})
                .status,
            404);
  EXPECT_EQ(Post("/api/public/dataset-run-items", bj::object{{"runName", "r"}, {"datasetItemId", "nope"}, {"traceId", "t"}})
                .status,
            404);
  EXPECT_EQ(Post("/api/public/dataset-run-items",
                 bj::object{{"runName", "r"}, {"datasetItemId", "i1"}, {"traceId", "t"}, {"createdAt", "yesterday"}})
                .status,
            400);

  ASSERT_EQ(Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "i1"}, {"status", "ARCHIVED"}}).status,
            200);
  auto archived = Post("/api/public/dataset-run-items", bj::object{{"runName", "r"}, {"datasetItemId", "i1"}, {"traceId", "t"}});
  EXPECT_EQ(archived.status, 404) << "archived items take no run items";
  EXPECT_EQ(Get("/api/public/datasets/qa/runs/r").status, 404) << "and nothing was half-written";
}

TEST_P(DatasetsApi, ItemsFromTraces) {
  ASSERT_EQ(Ingest({Event("trace-create", {{"id", "t1"}, {"input", {{"q", "capital of France?"}}},
                                           {"output", "Paris"}, {"metadata", {{"lang", "en"}}}}),
                    Event("trace-create", {{"id", "t2"}, {"input", "hello"}, {"output", {{"reply", "hi"}}}})})
                .status,
            207);
  const std::string path = "/api/evals/" + std::to_string(ProjectId()) + "/datasets/items-from-traces";

  auto imported = UserPost(path, bj::object{{"datasetName", "from-traces"}, {"traceIds", {"t1", "t2"}}});
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(imported.Json().at("created"), 2);
  EXPECT_EQ(imported.Json().at("updated"), 0);

  auto items = Get("/api/public/dataset-items?sourceTraceId=t1");
  ASSERT_EQ(items.status, 200);
  ASSERT_EQ(items.Json().at("data").as_array().size(), 1u);
  const bj::value item = items.Json().at("data").at(0);
  EXPECT_EQ(item.at("datasetName"), "from-traces");
  EXPECT_EQ(item.at("input").at("q"), "capital of France?");
  EXPECT_EQ(item.at("expectedOutput"), "Paris");

  auto again = UserPost(path, bj::object{{"datasetName", "from-traces"}, {"traceIds", {"t1"}}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("created"), 0);
  EXPECT_EQ(again.Json().at("updated"), 1) << "a second import refreshes the item";

  auto missing = UserPost(path, bj::object{{"datasetName", "other"}, {"traceIds", {"t1", "nope"}}});
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(Get("/api/public/v2/datasets/other").status, 404) << "a failed import writes nothing";
  EXPECT_EQ(UserPost(path, bj::object{{"datasetName", "x"}, {"traceIds", bj::array()}}).status, 400);
  EXPECT_EQ(UserPost(path, bj::object{{"datasetName", "x"}, {"traceIds", {1}}}).status, 400);
  EXPECT_EQ(client_->Post(path, R"({"datasetName":"x","traceIds":["t1"]})", {Basic()}).status, 403)
      << "Tally's own routes take a user";
}

TEST_P(DatasetsApi, ItemsFromLabeledTasks) {
  const std::string config =
      R"(<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">)"
      R"(<Choice value="Positive"/><Choice value="Negative"/></Choices></View>)";
  auto project = UserPost("/api/projects", bj::object{{"title", "Reviews"}, {"label_config", config}});
  ASSERT_EQ(project.status, 201) << project.body;
  const int64_t labeling_id = project.Json().at("id").as_int64();
  auto choice = [](const std::string& value) {
    return bj::array{bj::object{{"from_name", "sentiment"}, {"to_name", "text"}, {"type", "choices"},
                                {"value", {{"choices", {value}}}}}};
  };
  auto imported = UserPost("/api/projects/" + std::to_string(labeling_id) + "/import",
                           bj::array{bj::object{{"data", {{"text", "great"}}}, {"annotations", {{{"result", choice("Positive")}}}}},
                                     bj::object{{"data", {{"text", "awful"}}}, {"annotations", {{{"result", choice("Positive")}}}}},
                                     bj::object{{"data", {{"text", "unlabeled"}}}}});
  ASSERT_EQ(imported.status, 201) << imported.body;

  // The second task gets a later ground-truth annotation that disagrees.
  auto tasks = UserGet("/api/tasks?project=" + std::to_string(labeling_id) + "&fields=all&page_size=100");
  ASSERT_EQ(tasks.status, 200) << tasks.body;
  int64_t awful_task = 0;
  const bj::value task_list = tasks.Json();
  for (const bj::value& task : task_list.at("tasks").as_array()) {
    if (task.at("data").at("text") == "awful") awful_task = task.at("id").as_int64();
  }
  ASSERT_NE(awful_task, 0);
  auto truth = UserPost("/api/tasks/" + std::to_string(awful_task) + "/annotations",
                        bj::object{{"result", choice("Negative")}, {"ground_truth", true}});
  ASSERT_EQ(truth.status, 201) << truth.body;
  auto later = UserPost("/api/tasks/" + std::to_string(awful_task) + "/annotations",
                        bj::object{{"result", choice("Positive")}});
  ASSERT_EQ(later.status, 201) << later.body;

  const std::string path = "/api/evals/" + std::to_string(ProjectId()) + "/datasets/items-from-tasks";
  auto created = UserPost(path, bj::object{{"datasetName", "sentiment-gold"}, {"labelingProjectId", labeling_id}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.Json().at("created"), 2);
  EXPECT_EQ(created.Json().at("skipped"), 1) << "the unlabeled task";

  auto items = Get("/api/public/dataset-items?datasetName=sentiment-gold");
  ASSERT_EQ(items.status, 200);
  ASSERT_EQ(items.Json().at("data").as_array().size(), 2u);
  const bj::value item_list = items.Json();
  for (const bj::value& item : item_list.at("data").as_array()) {
    const std::string text(item.at("input").at("text").as_string());
    const bj::value& label = item.at("expectedOutput").at(0).at("value").at("choices").at(0);
    if (text == "awful") {
      EXPECT_EQ(label, "Negative") << "ground truth wins over a later annotation";
      EXPECT_EQ(item.at("metadata").at("groundTruth"), true);
      EXPECT_EQ(item.at("metadata").at("taskId"), awful_task);
    } else {
      EXPECT_EQ(text, "great");
      EXPECT_EQ(label, "Positive");
    }
  }

  EXPECT_EQ(UserPost(path, bj::object{{"datasetName", "x"}, {"labelingProjectId", 999999}}).status, 404);
  EXPECT_EQ(UserPost(path, bj::object{{"datasetName", "x"}, {"labelingProjectId", "one"}}).status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatasetsApi, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
