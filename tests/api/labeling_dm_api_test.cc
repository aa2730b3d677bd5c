// The data manager over real HTTP, on SQLite and PostgreSQL: every filter
// operator on every column type, conjunctions, ordering by data keys and
// prediction score, pagination, views, and actions on selections.
#include <algorithm>

#include "api/labeling_fixture.h"

namespace tally {
namespace {

std::string Choice(const std::string& value) {
  return R"({"id":"r1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":[")" + value +
         R"("]}})";
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", ch);
      out += buffer;
    }
  }
  return out;
}

using Texts = std::vector<std::string>;

class LabelingDataManager : public LabelingApiTest {
 protected:
  // Five tasks (alpha … eps) with data of every type, two annotators' work,
  // predictions of two model versions and one draft.
  void SetUp() override {
    LabelingApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_ = CreateProject(kSentimentConfig);
    auto imported = Import(project_, R"([
      {"text":"alpha","category":"cat","score":1,"flag":true,"date":"2024-01-01"},
      {"text":"beta","category":"Catalog","score":5,"flag":false,"date":"2024-02-01"},
      {"text":"gamma","category":"dog","score":10,"flag":true,"date":"2024-03-01"},
      {"text":"delta","category":"","score":2.5,"date":"2024-04-01"},
      {"text":"eps","score":"x","flag":false}])");
    ASSERT_EQ(imported.status, 201) << imported.body;
    for (const bj::value& task : TaskList(project_)) {
      ids_[std::string(task.at("data").at("text").as_string())] = task.at("id").as_int64();
    }
    owner_id_ = Get("/api/current-user").Json().at("id").as_int64();
    annotator_id_ = Get("/api/current-user", annotator_token_).Json().at("id").as_int64();

    ASSERT_EQ(Post(TaskPath("alpha") + "/annotations",
                   "{\"result\":[" + Choice("Positive") + "],\"ground_truth\":true,\"lead_time\":3}")
                  .status,
              201);
    ASSERT_EQ(Post(TaskPath("beta") + "/annotations", "{\"result\":[" + Choice("Negative") + "]}", annotator_token_)
                  .status,
              201);
    ASSERT_EQ(Post(TaskPath("gamma") + "/annotations", R"({"was_cancelled":true})", annotator_token_).status, 201);
    AddPrediction("alpha", "v1", 0.2);
    AddPrediction("beta", "v2", 0.9);
    AddPrediction("gamma", "v1", 0.5);
    ASSERT_EQ(Post(TaskPath("delta") + "/drafts", R"({"result":[]})").status, 201);
  }

  std::string TaskPath(const std::string& text) { return "/api/tasks/" + std::to_string(ids_.at(text)); }

  void AddPrediction(const std::string& text, const std::string& version, double score) {
    auto created = Post("/api/predictions", bj::serialize(bj::object{{"task", ids_.at(text)},
                                                                     {"model_version", version},
                                                                     {"score", score},
                                                                     {"result", bj::parse("[" + Choice("Neutral") + "]")}}));
    ASSERT_EQ(created.status, 201) << created.body;
  }

  testing::HttpResponse List(const bj::object& query, const std::string& extra = "") {
    return Get("/api/tasks?project=" + std::to_string(project_) + "&page_size=100&query=" +
               UrlEncode(bj::serialize(query)) + extra);
  }

  // The texts of the listed tasks, in the order returned.
  Texts Listed(const testing::HttpResponse& response) {
    Texts texts;
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.status != 200) return {"<status " + std::to_string(response.status) + ">"};
    const bj::value body = response.Json();
    for (const bj::value& task : body.at("tasks").as_array()) {
      texts.push_back(std::string(task.at("data").at("text").as_string()));
    }
    return texts;
  }

  // The texts one filter item selects, sorted.
  Texts Filtered(const std::string& item_json, const std::string& conjunction = "and") {
    bj::value items = bj::parse("[" + item_json + "]");
    Texts texts = Listed(List(bj::object{{"filters", bj::object{{"conjunction", conjunction}, {"items", items}}}}));
    std::sort(texts.begin(), texts.end());
    return texts;
  }

  std::string Item(const std::string& column, const std::string& op, const std::string& type,
                   const std::string& value) {
    return R"({"filter":"filter:tasks:)" + column + R"(","operator":")" + op + R"(","type":")" + type +
           R"(","value":)" + value + "}";
  }

  // The validation_errors key of a rejected list request.
  std::string RejectedField(const bj::object& query) {
    auto response = List(query);
    EXPECT_EQ(response.status, 400) << response.body;
    if (response.status != 400) return "";
    const bj::value body = response.Json();
    const bj::object& errors = body.at("validation_errors").as_object();
    return errors.empty() ? "" : std::string(errors.begin()->key());
  }

  // The first column of the first row `sql` returns, read straight from the
  // database; -1 after a failed assertion.
  int64_t SelectInt(const std::string& sql) {
    auto row = database_->db().Read([&](store::Connection& c) { return c.QueryOne(sql); });
    EXPECT_TRUE(row) << sql << ": " << row.error().detail;
    if (!row) return -1;
    EXPECT_TRUE(*row) << sql << " returned no row";
    return *row ? (*row)->Int(0) : -1;
  }

  int64_t project_ = 0;
  int64_t owner_id_ = 0;
  int64_t annotator_id_ = 0;
  std::map<std::string, int64_t> ids_;
};

TEST_P(LabelingDataManager, NumberOperators) {
  const std::string a = std::to_string(ids_["alpha"]);
  const std::string b = std::to_string(ids_["beta"]);
  const std::string c = std::to_string(ids_["gamma"]);
  const std::string e = std::to_string(ids_["eps"]);
  EXPECT_EQ(Filtered(Item("total_annotations", "greater", "Number", "0")), (Texts{"alpha", "beta"}));
  EXPECT_EQ(Filtered(Item("total_annotations", "equal", "Number", "1")), (Texts{"alpha", "beta"}));
  EXPECT_EQ(Filtered(Item("total_annotations", "not_equal", "Number", "1")), (Texts{"delta", "eps", "gamma"}));
  EXPECT_EQ(Filtered(Item("cancelled_annotations", "empty", "Number", "false")), (Texts{"gamma"}));
  EXPECT_EQ(Filtered(Item("total_predictions", "empty", "Number", "true")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("total_predictions", "less", "Number", "1")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("inner_id", "less_or_equal", "Number", "2")), (Texts{"alpha", "beta"}));
  EXPECT_EQ(Filtered(Item("inner_id", "greater_or_equal", "Number", "4")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("id", "in", "Number", R"({"min":)" + b + R"(,"max":)" + c + "}")), (Texts{"beta", "gamma"}));
  EXPECT_EQ(Filtered(Item("id", "not_in", "Number", R"({"min":)" + b + R"(,"max":)" + c + "}")),
            (Texts{"alpha", "delta", "eps"}));
  EXPECT_EQ(Filtered(Item("id", "in_list", "Number", "[" + a + "," + e + "]")), (Texts{"alpha", "eps"}));
  EXPECT_EQ(Filtered(Item("id", "not_in_list", "Number", "[" + a + "," + e + "]")), (Texts{"beta", "delta", "gamma"}));
  EXPECT_EQ(Filtered(Item("id", "in_list", "Number", "[]")), Texts{});
  EXPECT_EQ(Filtered(Item("predictions_score", "greater", "Number", "0.3")), (Texts{"beta", "gamma"}));
  EXPECT_EQ(Filtered(Item("predictions_score", "less", "Number", "0.25")), (Texts{"alpha"}));
  EXPECT_EQ(Filtered(Item("predictions_score", "empty", "Number", "true")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("avg_lead_time", "greater", "Number", "2")), (Texts{"alpha"}));
  EXPECT_EQ(Filtered(Item("data.score", "greater", "Number", "2")), (Texts{"beta", "delta", "gamma"}))
      << "a non-numeric value never compares as a number";
  EXPECT_EQ(Filtered(Item("data.score", "in", "Number", R"({"min":1,"max":2.5})")), (Texts{"alpha", "delta"}));
  EXPECT_EQ(Filtered(Item("data.score", "equal", "Number", "\"10\"")), (Texts{"gamma"})) << "numeric strings accepted";
}

TEST_P(LabelingDataManager, BooleanOperators) {
  EXPECT_EQ(Filtered(Item("ground_truth", "equal", "Boolean", "true")), (Texts{"alpha"}));
  EXPECT_EQ(Filtered(Item("ground_truth", "not_equal", "Boolean", "true")), (Texts{"beta", "delta", "eps", "gamma"}));
  EXPECT_EQ(Filtered(Item("is_labeled", "equal", "Boolean", "false")), (Texts{"delta", "eps", "gamma"}));
  EXPECT_EQ(Filtered(Item("draft_exists", "equal", "Boolean", "true")), (Texts{"delta"}));
  EXPECT_EQ(Filtered(Item("data.flag", "equal", "Boolean", "true")), (Texts{"alpha", "gamma"}));
  EXPECT_EQ(Filtered(Item("data.flag", "equal", "Boolean", "false")), (Texts{"beta", "eps"}));
  EXPECT_EQ(Filtered(Item("data.flag", "empty", "Boolean", "true")), (Texts{"delta"}));
}

TEST_P(LabelingDataManager, DatetimeOperators) {
  EXPECT_EQ(Filtered(Item("completed_at", "in", "Datetime",
                          R"({"min":"2000-01-01T00:00:00.000Z","max":"2100-01-01T00:00:00.000Z"})")),
            (Texts{"alpha", "beta", "gamma"}));
  EXPECT_EQ(Filtered(Item("completed_at", "not_in", "Datetime",
                          R"({"min":"2000-01-01T00:00:00.000Z","max":"2100-01-01T00:00:00.000Z"})")),
            (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("completed_at", "empty", "Datetime", "true")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("created_at", "greater", "Datetime", R"("2000-01-01T00:00:00.000Z")")).size(), 5u);
  EXPECT_EQ(Filtered(Item("created_at", "less", "Datetime", R"("2000-01-01T00:00:00.000Z")")), Texts{});
  EXPECT_EQ(Filtered(Item("updated_at", "less_or_equal", "Datetime", R"("2100-01-01T00:00:00Z")")).size(), 5u);
  EXPECT_EQ(Filtered(Item("updated_at", "greater_or_equal", "Datetime", R"("2100-01-01T00:00:00Z")")), Texts{});
  EXPECT_EQ(Filtered(Item("created_at", "equal", "Datetime", R"("2000-01-01T00:00:00Z")")), Texts{});
  EXPECT_EQ(Filtered(Item("created_at", "not_equal", "Datetime", R"("2000-01-01T00:00:00Z")")).size(), 5u);
  EXPECT_EQ(Filtered(Item("data.date", "greater", "Datetime", R"("2024-02-15")")), (Texts{"delta", "gamma"}));
}

TEST_P(LabelingDataManager, StringOperators) {
  EXPECT_EQ(Filtered(Item("data.category", "contains", "String", R"("CAT")")), (Texts{"alpha", "beta"}))
      << "contains ignores case";
  EXPECT_EQ(Filtered(Item("data.category", "not_contains", "String", R"("cat")")), (Texts{"delta", "eps", "gamma"}));
  EXPECT_EQ(Filtered(Item("data.category", "equal", "String", R"("dog")")), (Texts{"gamma"}));
  EXPECT_EQ(Filtered(Item("data.category", "not_equal", "String", R"("dog")")),
            (Texts{"alpha", "beta", "delta", "eps"}));
  EXPECT_EQ(Filtered(Item("data.category", "empty", "String", "true")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("data.category", "empty", "String", "false")), (Texts{"alpha", "beta", "gamma"}));
  EXPECT_EQ(Filtered(Item("data.category", "regex", "String", R"("^[cC]at")")), (Texts{"alpha", "beta"}));
  EXPECT_EQ(Filtered(Item("data.category", "regex", "String", R"("(")")), Texts{}) << "an invalid regex matches nothing";
  EXPECT_EQ(Filtered(Item("data.category", "in_list", "Text", R"(["cat","dog"])")), (Texts{"alpha", "gamma"}))
      << "object tag types compare as text";
  EXPECT_EQ(Filtered(Item("data.category", "not_in_list", "String", R"(["cat","dog"])")),
            (Texts{"beta", "delta", "eps"}));
  EXPECT_EQ(Filtered(Item("state", "equal", "String", R"("labeled")")), (Texts{"alpha", "beta"}));
  EXPECT_EQ(Filtered(Item("state", "equal", "String", R"("skipped")")), (Texts{"gamma"}));
  EXPECT_EQ(Filtered(Item("annotations_results", "contains", "String", R"("Negative")")), (Texts{"beta"}));
  EXPECT_EQ(Filtered(Item("annotations_results", "contains", "String", R"("negative")")), Texts{})
      << "results match case-sensitively";
  EXPECT_EQ(Filtered(Item("predictions_results", "contains", "String", R"("Neutral")")),
            (Texts{"alpha", "beta", "gamma"}));
  EXPECT_EQ(Filtered(Item("predictions_model_versions", "contains", "String", R"("V1")")), (Texts{"alpha", "gamma"}));
  EXPECT_EQ(Filtered(Item("predictions_model_versions", "not_contains", "String", R"("v1")")),
            (Texts{"beta", "delta", "eps"}));
  EXPECT_EQ(Filtered(Item("file_upload", "empty", "String", "false")), Texts{}) << "JSON imports have no upload";
}

TEST_P(LabelingDataManager, ListOperators) {
  const std::string annotator = std::to_string(annotator_id_);
  EXPECT_EQ(Filtered(Item("annotators", "contains", "List", annotator)), (Texts{"beta", "gamma"}))
      << "a skip counts as the annotator's work";
  EXPECT_EQ(Filtered(Item("annotators", "not_contains", "List", std::to_string(owner_id_))),
            (Texts{"beta", "delta", "eps", "gamma"}));
  EXPECT_EQ(Filtered(Item("annotators", "empty", "List", "true")), (Texts{"delta", "eps"}));
  EXPECT_EQ(Filtered(Item("annotators", "empty", "List", "false")), (Texts{"alpha", "beta", "gamma"}));
}

TEST_P(LabelingDataManager, ConjunctionsAndIgnoredItems) {
  const std::string labeled = Item("total_annotations", "greater", "Number", "0");
  const std::string dog = Item("data.category", "equal", "String", R"("dog")");
  const std::string flagged = Item("data.flag", "equal", "Boolean", "true");
  EXPECT_EQ(Filtered(labeled + "," + dog, "or"), (Texts{"alpha", "beta", "gamma"}));
  EXPECT_EQ(Filtered(labeled + "," + flagged, "and"), (Texts{"alpha"}));
  EXPECT_EQ(Filtered(R"({"filter":"filter:annotations:id","operator":"equal","type":"Number","value":1})").size(), 5u)
      << "items outside filter:tasks: are ignored";
  EXPECT_EQ(Filtered(Item("id", "equal", "Number", "null")).size(), 5u) << "items without a value are ignored";
}

TEST_P(LabelingDataManager, RejectsWhatCannotApply) {
  auto filters = [&](const std::string& item) {
    return bj::object{{"filters", bj::object{{"conjunction", "and"}, {"items", bj::parse("[" + item + "]")}}}};
  };
  EXPECT_EQ(RejectedField(filters(Item("secret", "equal", "Number", "1"))), "query.filters.items.0.filter");
  EXPECT_EQ(RejectedField(filters(Item("id", "contains", "Number", "1"))), "query.filters.items.0.operator");
  EXPECT_EQ(RejectedField(filters(Item("id", "starts_with", "Number", "1"))), "query.filters.items.0.operator");
  EXPECT_EQ(RejectedField(filters(Item("id", "equal", "Number", R"("one")"))), "query.filters.items.0.value");
  EXPECT_EQ(RejectedField(filters(Item("id", "in", "Number", "[1,2]"))), "query.filters.items.0.value");
  EXPECT_EQ(RejectedField(filters(Item("created_at", "less", "Datetime", R"("yesterday")"))),
            "query.filters.items.0.value");
  EXPECT_EQ(RejectedField(filters(Item("annotators", "contains", "List", R"("me")"))), "query.filters.items.0.value");
  EXPECT_EQ(RejectedField(filters(Item("is_labeled", "equal", "Boolean", R"("maybe")"))),
            "query.filters.items.0.value");
  EXPECT_EQ(RejectedField(bj::object{{"filters", bj::object{{"conjunction", "xor"}, {"items", bj::array()}}}}),
            "query.filters.conjunction");
  EXPECT_EQ(RejectedField(bj::object{{"ordering", bj::array{"-tasks:password"}}}), "query.ordering.0");
  EXPECT_EQ(RejectedField(bj::object{{"ordering", bj::array{"id"}}}), "query.ordering.0");
  auto not_json = Get("/api/tasks?project=" + std::to_string(project_) + "&query=%7Bnot");
  ASSERT_EQ(not_json.status, 400);
  EXPECT_TRUE(not_json.Json().at("validation_errors").as_object().contains("query"));
}

TEST_P(LabelingDataManager, OrderingAndPagination) {
  auto ordered = [&](const std::string& column, const bj::object& extra = {}) {
    bj::object query{{"ordering", bj::array{bj::value(column)}}};
    for (const auto& entry : extra) query[entry.key()] = entry.value();
    return Listed(List(query));
  };
  EXPECT_EQ(ordered("tasks:data.category"), (Texts{"delta", "beta", "alpha", "gamma", "eps"}))
      << "data keys sort as text, missing values last";
  EXPECT_EQ(ordered("-tasks:data.category"), (Texts{"gamma", "alpha", "beta", "delta", "eps"}))
      << "missing values last when descending too";
  EXPECT_EQ(ordered("tasks:data.score"), (Texts{"alpha", "gamma", "delta", "beta", "eps"}));
  EXPECT_EQ(ordered("tasks:data.score", {{"columnsDisplayType", bj::object{{"tasks:data.score", "Number"}}}}),
            (Texts{"alpha", "delta", "beta", "gamma", "eps"}))
      << "a column the view shows as Number sorts as a number";
  EXPECT_EQ(ordered("tasks:predictions_score"), (Texts{"alpha", "gamma", "beta", "delta", "eps"}));
  EXPECT_EQ(ordered("-tasks:predictions_score"), (Texts{"beta", "gamma", "alpha", "eps", "delta"}))
      << "ties break by id in the ordering's direction";
  EXPECT_EQ(ordered("-tasks:id"), (Texts{"eps", "delta", "gamma", "beta", "alpha"}));
  EXPECT_EQ(ordered("tasks:completed_at").back(), "eps");

  const bj::object query{{"ordering", bj::array{"-tasks:id"}},
                         {"filters", bj::object{{"conjunction", "and"},
                                                {"items", bj::parse("[" + Item("id", "not_equal", "Number",
                                                                               std::to_string(ids_["eps"])) +
                                                                    "]")}}}};
  auto page = Get("/api/tasks?project=" + std::to_string(project_) + "&page=2&page_size=2&query=" +
                  UrlEncode(bj::serialize(query)));
  EXPECT_EQ(Listed(page), (Texts{"beta", "alpha"}));
  EXPECT_EQ(page.Json().at("total"), 4) << "the total counts the filtered tasks";
  EXPECT_EQ(page.Json().at("total_annotations"), 3);
  EXPECT_EQ(page.Json().at("total_predictions"), 3);
  EXPECT_EQ(Get("/api/tasks?project=" + std::to_string(project_) + "&page=3&page_size=2&query=" +
                UrlEncode(bj::serialize(query)))
                .status,
            404);
}

TEST_P(LabelingDataManager, ViewsCrudAndApply) {
  const std::string filters = R"({"conjunction":"and","items":[)" +
                              Item("data.category", "contains", "String", R"("cat")") + "]}";
  auto created = Post("/api/dm/views", R"({"project":)" + std::to_string(project_) +
                                           R"(,"data":{"title":"Cats","filters":)" + filters +
                                           R"(,"ordering":["-tasks:id"],"hiddenColumns":{"explore":["tasks:id"]}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t view = created.Json().at("id").as_int64();
  EXPECT_EQ(created.Json().at("data").at("hiddenColumns").at("explore").at(0), "tasks:id");
  EXPECT_EQ(created.Json().at("order"), 0);

  auto through_view = Get("/api/tasks?project=" + std::to_string(project_) + "&view=" + std::to_string(view));
  EXPECT_EQ(Listed(through_view), (Texts{"beta", "alpha"}));
  EXPECT_EQ(through_view.Json().at("total"), 2);
  EXPECT_EQ(Listed(Get("/api/tasks?project=" + std::to_string(project_) + "&view=" + std::to_string(view) +
                       "&query=" + UrlEncode(R"({"ordering":["tasks:id"]})"))),
            (Texts{"alpha", "beta"}))
      << "the request's ordering replaces the view's";

  const std::string path = "/api/dm/views/" + std::to_string(view);
  EXPECT_EQ(Get(path, annotator_token_).status, 404) << "views are per user";
  EXPECT_EQ(Get("/api/tasks?project=" + std::to_string(project_) + "&view=" + std::to_string(view), annotator_token_)
                .status,
            404);
  EXPECT_EQ(Get("/api/dm/views?project=" + std::to_string(project_), annotator_token_).Json().as_array().size(), 0u);

  auto patched = Patch(path, R"({"data":{"title":"Felines"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("data").at("title"), "Felines");
  EXPECT_TRUE(patched.Json().at("data").as_object().contains("filters")) << "PATCH keeps other keys";
  auto replaced = client_->Send("PUT", path, R"({"data":{"title":"All"}})",
                                {Auth(kOwnerToken), "Content-Type: application/json"});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_FALSE(replaced.Json().at("data").as_object().contains("filters")) << "PUT replaces data";

  auto bad = Patch(path, R"({"data":{"filters":{"items":[)" + Item("id", "regex", "Number", R"("1")") + "]}}}");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(bad.Json().at("validation_errors").as_object().contains("data.filters.items.0.operator"));

  auto second = Post("/api/dm/views", R"({"project":)" + std::to_string(project_) + R"(,"data":{"title":"B"}})");
  ASSERT_EQ(second.status, 201);
  const int64_t second_id = second.Json().at("id").as_int64();
  EXPECT_EQ(second.Json().at("order"), 1);
  ASSERT_EQ(Post("/api/dm/views/order", R"({"project":)" + std::to_string(project_) + R"(,"ids":[)" +
                                            std::to_string(second_id) + "," + std::to_string(view) + "]}")
                .status,
            204);
  auto listed = Get("/api/dm/views?project=" + std::to_string(project_));
  ASSERT_EQ(listed.Json().as_array().size(), 2u);
  EXPECT_EQ(listed.Json().at(0).at("id"), second_id);

  EXPECT_EQ(Delete(path).status, 204);
  EXPECT_EQ(Get(path).status, 404);
  EXPECT_EQ(Delete("/api/dm/views/reset?project=" + std::to_string(project_)).status, 204);
  EXPECT_EQ(Get("/api/dm/views?project=" + std::to_string(project_)).Json().as_array().size(), 0u);
}

TEST_P(LabelingDataManager, ActionsOnSelections) {
  const std::string base = "/api/dm/actions?project=" + std::to_string(project_) + "&id=";
  auto actions = Get("/api/dm/actions?project=" + std::to_string(project_));
  ASSERT_EQ(actions.status, 200);
  EXPECT_EQ(actions.Json().as_array().size(), 5u);

  EXPECT_EQ(Post(base + "delete_tasks", R"({"selectedItems":{"all":true}})", annotator_token_).status, 403);
  EXPECT_EQ(Post(base + "explode", "{}").status, 400);
  auto nothing = Post(base + "delete_tasks", R"({"selectedItems":{"all":false,"included":[]}})");
  ASSERT_EQ(nothing.status, 200);
  EXPECT_EQ(nothing.Json().at("processed_items"), 0) << "an empty pick selects nothing";

  auto predictions = Post(base + "delete_tasks_predictions",
                          R"({"selectedItems":{"all":false,"included":[)" + std::to_string(ids_["alpha"]) + "]}}");
  ASSERT_EQ(predictions.status, 200) << predictions.body;
  EXPECT_EQ(predictions.Json().at("processed_items"), 1);
  EXPECT_EQ(Get(TaskPath("alpha")).Json().at("total_predictions"), 0);
  EXPECT_EQ(Get(TaskPath("gamma")).Json().at("total_predictions"), 1);
  EXPECT_EQ(Counter(project_, "total_predictions_number"), 2);

  auto annotations = Post(base + "delete_tasks_annotations",
                          R"({"selectedItems":{"all":true},"filters":{"conjunction":"and","items":[)" +
                              Item("data.category", "equal", "String", R"("Catalog")") + "]}}");
  ASSERT_EQ(annotations.status, 200) << annotations.body;
  EXPECT_EQ(annotations.Json().at("processed_items"), 1);
  EXPECT_EQ(Get(TaskPath("beta")).Json().at("state"), "unlabeled");
  EXPECT_EQ(Get(TaskPath("alpha")).Json().at("total_annotations"), 1) << "the filter kept alpha";
  const bj::value transitions = Get(TaskPath("beta") + "/transitions").Json();
  EXPECT_EQ(transitions.as_array().back().at("reason"), "annotations deleted by a bulk action");

  auto retrieve = Post(base + "retrieve_tasks_predictions", R"({"selectedItems":{"all":true}})");
  EXPECT_EQ(retrieve.status, 200) << retrieve.body;

  auto deleted = Post(base + "delete_tasks", R"({"selectedItems":{"all":true,"excluded":[)" +
                                                 std::to_string(ids_["alpha"]) + "," + std::to_string(ids_["beta"]) +
                                                 "]}}");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.Json().at("processed_items"), 3);
  EXPECT_EQ(deleted.Json().at("reload"), true);
  Texts left = Listed(List(bj::object{}));
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (Texts{"alpha", "beta"}));
  EXPECT_EQ(Counter(project_, "task_number"), 2);
}

TEST_P(LabelingDataManager, PredictionsToAnnotations) {
  // delta and eps have no annotations. Each gets a v1 and a v2 prediction
  // with different results, so the copy shows which one was converted.
  std::map<std::string, int64_t> v1_ids;
  for (const std::string text : {"delta", "eps"}) {
    for (const std::string version : {"v1", "v2"}) {
      const std::string label = version == "v1" ? "Positive" : "Negative";
      auto created = Post("/api/predictions", bj::serialize(bj::object{{"task", ids_.at(text)},
                                                                       {"model_version", version},
                                                                       {"result", bj::parse("[" + Choice(label) + "]")}}));
      ASSERT_EQ(created.status, 201) << created.body;
      if (version == "v1") v1_ids[text] = created.Json().at("id").as_int64();
    }
  }
  const std::string path = "/api/dm/actions?project=" + std::to_string(project_) + "&id=predictions_to_annotations";
  const std::string selection = R"("selectedItems":{"all":false,"included":[)" + std::to_string(ids_["delta"]) + "," +
                                std::to_string(ids_["eps"]) + "]}";
  const int64_t annotations_before = Counter(project_, "total_annotations_number");
  const int64_t finished_before = Counter(project_, "finished_task_number");

  EXPECT_EQ(Post(path, "{" + selection + R"(,"model_version":"v1"})", annotator_token_).status, 403);
  auto wrong_type = Post(path, "{" + selection + R"(,"model_version":[1]})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("model_version"), std::string::npos) << wrong_type.body;
  EXPECT_EQ(Post(path, "{" + selection + R"(,"model_version":[]})").status, 400) << "an empty list is not every version";

  auto unknown = Post(path, "{" + selection + R"(,"model_version":"v9"})");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_EQ(unknown.Json().at("processed_items"), 0);
  EXPECT_EQ(Get(TaskPath("delta")).Json().at("total_annotations"), 0);

  auto converted = Post(path, "{" + selection + R"(,"model_version":"v1"})");
  ASSERT_EQ(converted.status, 200) << converted.body;
  EXPECT_EQ(converted.Json().at("processed_items"), 2);
  EXPECT_EQ(converted.Json().at("detail"), "Created 2 annotations");
  for (const std::string text : {"delta", "eps"}) {
    auto listed = Get(TaskPath(text) + "/annotations");
    ASSERT_EQ(listed.status, 200) << listed.body;
    const bj::value annotations = listed.Json();
    ASSERT_EQ(annotations.as_array().size(), 1u) << text;
    const bj::value& annotation = annotations.at(0);
    EXPECT_EQ(annotation.at("result"), bj::parse("[" + Choice("Positive") + "]")) << text;
    EXPECT_EQ(annotation.at("last_action"), "prediction") << text;
    EXPECT_EQ(annotation.at("parent_prediction"), v1_ids[text]) << text;
    EXPECT_EQ(annotation.at("completed_by"), owner_id_) << text;

    const bj::value task = Get(TaskPath(text)).Json();
    EXPECT_EQ(task.at("is_labeled"), true) << text;
    EXPECT_EQ(task.at("total_annotations"), 1) << text;
    EXPECT_EQ(task.at("state"), "labeled") << text;
  }
  EXPECT_EQ(Counter(project_, "total_annotations_number"), annotations_before + 2);
  EXPECT_EQ(Counter(project_, "finished_task_number"), finished_before + 2);

  auto again = Post(path, "{" + selection + R"(,"model_version":"v1"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("processed_items"), 0) << "converted predictions are not converted twice";
  EXPECT_EQ(Get(TaskPath("delta")).Json().at("total_annotations"), 1);

  auto both = Post(path, "{" + selection + R"(,"model_version":["v1","v2"]})");
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(both.Json().at("processed_items"), 2) << "only the v2 predictions were left";
  EXPECT_EQ(Counter(project_, "total_annotations_number"), annotations_before + 4);
}

// A selection may name more ids than either database accepts as bound
// parameters (32,766 for SQLite, 65,535 for PostgreSQL).
TEST_P(LabelingDataManager, SelectionsLargerThanTheParameterLimit) {
  std::string included = std::to_string(ids_["alpha"]) + "," + std::to_string(ids_["beta"]);
  for (int64_t id = 10'000'000; id < 10'070'000; ++id) included += "," + std::to_string(id);
  auto picked = Post("/api/dm/actions?project=" + std::to_string(project_) + "&id=delete_tasks_predictions",
                     R"({"selectedItems":{"all":false,"included":[)" + included + "]}}");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(picked.Json().at("processed_items"), 2) << "only the two ids of this project exist";
  EXPECT_EQ(Get(TaskPath("alpha")).Json().at("total_predictions"), 0);
  EXPECT_EQ(Get(TaskPath("gamma")).Json().at("total_predictions"), 1);
}

TEST_P(LabelingDataManager, TotalFollowsEveryWrite) {
  auto total = [&](const std::string& item) {
    const bj::object query{{"filters", bj::object{{"conjunction", "and"}, {"items", bj::parse("[" + item + "]")}}}};
    const auto first = List(query);
    const auto second = List(query);
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(second.status, 200) << second.body;
    if (first.status != 200 || second.status != 200) return int64_t{-1};
    EXPECT_EQ(first.Json().at("total"), second.Json().at("total")) << "nothing changed between the two requests";
    return second.Json().at("total").as_int64();
  };

  // A stored counter column, changed by an annotation.
  const std::string unannotated = Item("total_annotations", "equal", "Number", "0");
  EXPECT_EQ(total(unannotated), 3);
  ASSERT_EQ(Post(TaskPath("delta") + "/annotations", "{\"result\":[" + Choice("Positive") + "]}").status, 201);
  EXPECT_EQ(total(unannotated), 2);

  // A data key, changed by a task update.
  const std::string cats = Item("data.category", "contains", "String", "\"cat\"");
  EXPECT_EQ(total(cats), 2);
  ASSERT_EQ(Patch(TaskPath("eps"), R"({"data":{"text":"eps","category":"bobcat"}})").status, 200);
  EXPECT_EQ(total(cats), 3);

  // A computed column over predictions, changed by a new prediction.
  const std::string confident = Item("predictions_score", "greater", "Number", "0.3");
  EXPECT_EQ(total(confident), 2);
  AddPrediction("eps", "v2", 0.8);
  EXPECT_EQ(total(confident), 3);

  // A multi-valued column over predictions.
  const std::string v2 = Item("predictions_model_versions", "contains", "List", "\"v2\"");
  EXPECT_EQ(total(v2), 2) << "beta and eps";
  AddPrediction("delta", "v2", 0.1);
  EXPECT_EQ(total(v2), 3);

  // A multi-valued column over annotations.
  const std::string by_annotator = Item("annotators", "contains", "List", std::to_string(annotator_id_));
  EXPECT_EQ(total(by_annotator), 2);
  ASSERT_EQ(Post(TaskPath("alpha") + "/annotations", "{\"result\":[" + Choice("Negative") + "]}", annotator_token_)
                .status,
            201);
  EXPECT_EQ(total(by_annotator), 3);

  // A per-user column over drafts.
  // delta's draft went away when its annotation was submitted above.
  const std::string drafted = Item("draft_exists", "equal", "Boolean", "true");
  EXPECT_EQ(total(drafted), 0);
  ASSERT_EQ(Post(TaskPath("eps") + "/drafts", R"({"result":[]})").status, 201);
  EXPECT_EQ(total(drafted), 1);

  // A computed column over annotations, changed by deleting one.
  const std::string slow = Item("avg_lead_time", "greater", "Number", "2");
  EXPECT_EQ(total(slow), 1);
  const auto annotations = Get(TaskPath("alpha") + "/annotations");
  ASSERT_EQ(annotations.status, 200) << annotations.body;
  const bj::value annotation_list = annotations.Json();
  ASSERT_TRUE(annotation_list.is_array()) << annotations.body;
  for (const bj::value& annotation : annotation_list.as_array()) {
    ASSERT_EQ(Delete("/api/annotations/" + std::to_string(annotation.at("id").as_int64())).status, 204);
  }
  EXPECT_EQ(total(slow), 0);

  // A task deletion.
  const std::string every_id = Item("id", "greater", "Number", "0");
  EXPECT_EQ(total(every_id), 5);
  ASSERT_EQ(Delete(TaskPath("gamma")).status, 204);
  EXPECT_EQ(total(every_id), 4);

  // A write that bypasses the API entirely still moves the revision.
  const std::string dogs = Item("data.category", "equal", "String", "\"dog\"");
  EXPECT_EQ(total(dogs), 0);
  auto written = database_->db().Write([&](store::Connection& c) -> Result<int64_t> {
    return c.Execute("UPDATE tasks SET data = ? WHERE id = ?",
                     {std::string(R"({"text":"beta","category":"dog"})"), ids_["beta"]});
  });
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(*written, 1);
  EXPECT_EQ(total(dogs), 1);
}

// task_column_counts keeps one count per project and combination of the
// counted task columns. After every kind of write it must equal a grouping of
// the tasks themselves. A filter on those columns is counted from that table,
// so its totals must equal a COUNT(*) over tasks.
TEST_P(LabelingDataManager, ColumnCountsFollowEveryWrite) {
  using Grouping = std::map<std::string, int64_t>;
  constexpr const char* kColumns =
      "project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,"
      " ground_truth_annotations, overlap, state";
  auto grouping = [&](const std::string& sql) {
    auto rows = database_->db().Read([&](store::Connection& c) { return c.Query(sql); });
    EXPECT_TRUE(rows) << rows.error().message << " " << rows.error().detail;
    Grouping grouped;
    if (!rows) return grouped;
    for (const store::Row& row : *rows) {
      std::string key;
      for (size_t i = 0; i + 1 < row.size(); ++i) key += row.Text(i) + "|";
      grouped[key] = row.Int(row.size() - 1);
    }
    return grouped;
  };

  // Each filter item with the condition over tasks that it must match.
  const std::vector<std::pair<std::string, std::string>> filters = {
      {Item("total_annotations", "equal", "Number", "0"), "total_annotations = 0"},
      {Item("total_annotations", "greater", "Number", "0"), "total_annotations > 0"},
      {Item("cancelled_annotations", "greater_or_equal", "Number", "1"), "cancelled_annotations >= 1"},
      {Item("total_predictions", "empty", "Number", "true"), "total_predictions = 0"},
      {Item("total_predictions", "in", "Number", R"({"min":1,"max":2})"), "total_predictions BETWEEN 1 AND 2"},
      {Item("is_labeled", "equal", "Boolean", "true"), "is_labeled = 1"},
      {Item("is_labeled", "equal", "Boolean", "false"), "is_labeled = 0"},
      {Item("ground_truth", "equal", "Boolean", "true"), "ground_truth_annotations > 0"},
      {Item("overlap", "equal", "Number", "1"), "overlap = 1"},
      {Item("state", "equal", "String", R"("labeled")"), "state = 'labeled'"},
      {Item("state", "not_equal", "String", R"("unlabeled")"), "state <> 'unlabeled'"},
      {Item("state", "contains", "String", R"("LAB")"), "LOWER(state) LIKE '%lab%'"},
      {Item("is_labeled", "equal", "Boolean", "true") + "," + Item("cancelled_annotations", "greater", "Number", "0"),
       "is_labeled = 1 OR cancelled_annotations > 0"},
  };

  auto check = [&](const std::string& after) {
    SCOPED_TRACE("after " + after);
    EXPECT_EQ(grouping(std::string("SELECT ") + kColumns + ", SUM(n) FROM task_column_counts GROUP BY " + kColumns +
                       " HAVING SUM(n) <> 0"),
              grouping(std::string("SELECT ") + kColumns + ", COUNT(*) FROM tasks GROUP BY " + kColumns));
    for (const auto& [item, condition] : filters) {
      const std::string conjunction = condition.find(" OR ") != std::string::npos ? "or" : "and";
      const auto response = List(bj::object{
          {"filters", bj::object{{"conjunction", conjunction}, {"items", bj::parse("[" + item + "]")}}}});
      ASSERT_EQ(response.status, 200) << response.body;
      const bj::value body = response.Json();
      const std::string where = " FROM tasks WHERE project_id = " + std::to_string(project_) + " AND (" + condition + ")";
      EXPECT_EQ(body.at("total").as_int64(), SelectInt("SELECT COUNT(*)" + where)) << item;
      EXPECT_EQ(body.at("total_annotations").as_int64(),
                SelectInt("SELECT COALESCE(SUM(total_annotations + cancelled_annotations), 0)" + where))
          << item;
      EXPECT_EQ(body.at("total_predictions").as_int64(), SelectInt("SELECT COALESCE(SUM(total_predictions), 0)" + where))
          << item;
    }
  };
  check("set-up: import, annotations, a skip, predictions, a draft");

  // Tasks with annotations and predictions are inserted one by one, and the
  // 70 plain tasks take the importer's multi-row inserts.
  std::string items = R"([{"data":{"text":"zeta"},"annotations":[{"result":[)" + Choice("Positive") +
                      R"(]}],"predictions":[{"model_version":"v1","score":0.4,"result":[)" + Choice("Neutral") +
                      R"(]}]},{"data":{"text":"eta"},"annotations":[{"was_cancelled":true,"result":[]}]})";
  for (int i = 0; i < 70; ++i) items += R"(,{"text":"plain )" + std::to_string(i) + R"("})";
  items += "]";
  const auto imported = Import(project_, items);
  ASSERT_EQ(imported.status, 201) << imported.body;
  check("an import");

  // Past TaskImporter::kTriggerPauseAfter plain tasks, SQLite imports set
  // the per-row insert triggers aside and do their work in bulk at the end.
  // Each import below is long enough for that. The second ends its run of
  // plain tasks with an annotated task, which ends the pause mid-import.
  const auto plain_tasks = [](int count, const std::string& tail) {
    std::string list = "[";
    for (int i = 0; i < count; ++i) list += (i ? "," : "") + std::string(R"({"text":"bulk )") + std::to_string(i) + "\"}";
    return list + tail + "]";
  };
  const std::string revision_sql =
      "SELECT revision FROM project_data_revisions WHERE project_id = " + std::to_string(project_);
  int64_t revision = SelectInt(revision_sql);
  ASSERT_EQ(Import(project_, plain_tasks(1500, "")).status, 201);
  check("a bulk import of plain tasks");
  EXPECT_GT(SelectInt(revision_sql), revision);
  revision = SelectInt(revision_sql);
  const auto mixed = Import(project_, plain_tasks(1200, R"(,{"data":{"text":"theta"},"annotations":[{"result":[)" +
                                                            Choice("Positive") + "]}]}"));
  ASSERT_EQ(mixed.status, 201) << mixed.body;
  check("a bulk import ending with an annotated task");
  EXPECT_GT(SelectInt(revision_sql), revision);

  // A rejected bulk import rolls back its tasks, and the triggers with them.
  const int64_t tasks_before = SelectInt("SELECT COUNT(*) FROM tasks");
  ASSERT_EQ(Import(project_, plain_tasks(1500, R"(,{"data":{"picture":"x.jpg"}})")).status, 400);
  EXPECT_EQ(SelectInt("SELECT COUNT(*) FROM tasks"), tasks_before);
  check("a rejected bulk import");
  if (database_->db().dialect() == store::Dialect::kSqlite) {
    EXPECT_EQ(SelectInt("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'tasks'"
                        " AND name IN ('tasks_data_revision_insert', 'tasks_column_counts_insert')"),
              2);
  }

  ASSERT_EQ(Post(TaskPath("delta") + "/annotations", "{\"result\":[" + Choice("Positive") + "]}").status, 201);
  check("a submitted annotation");
  ASSERT_EQ(Post(TaskPath("eps") + "/annotations", R"({"was_cancelled":true})", annotator_token_).status, 201);
  check("a skip");

  const auto listed = Get(TaskPath("delta") + "/annotations");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const int64_t annotation_id = listed.Json().as_array().at(0).at("id").as_int64();
  ASSERT_EQ(Patch("/api/annotations/" + std::to_string(annotation_id), R"({"ground_truth":true})").status, 200);
  check("an annotation marked ground truth");
  const auto workflow = client_->Send("PUT", "/api/projects/" + std::to_string(project_) + "/workflow",
                                      R"({"review_required":true})",
                                      {Auth(kOwnerToken), "Content-Type: application/json"});
  ASSERT_EQ(workflow.status, 200) << workflow.body;
  const auto reviewed = Post("/api/annotation-reviews",
                             R"({"annotation":)" + std::to_string(annotation_id) + R"(,"accepted":false})");
  ASSERT_EQ(reviewed.status, 201) << reviewed.body;
  check("a rejected review");
  ASSERT_EQ(Delete("/api/annotations/" + std::to_string(annotation_id)).status, 204);
  check("a deleted annotation");

  AddPrediction("eps", "v2", 0.7);
  check("a new prediction");
  const auto predictions = Get("/api/predictions?task=" + std::to_string(ids_["eps"]));
  ASSERT_EQ(predictions.status, 200) << predictions.body;
  ASSERT_FALSE(predictions.Json().as_array().empty()) << predictions.body;
  const int64_t prediction_id = predictions.Json().as_array().at(0).at("id").as_int64();
  ASSERT_EQ(Delete("/api/predictions/" + std::to_string(prediction_id)).status, 204);
  check("a deleted prediction");

  const std::string action = "/api/dm/actions?project=" + std::to_string(project_) + "&id=";
  ASSERT_EQ(Post(action + "delete_tasks_predictions", R"({"selectedItems":{"all":true}})").status, 200);
  check("the delete_tasks_predictions action");
  ASSERT_EQ(Post(action + "delete_tasks_annotations",
                 R"({"selectedItems":{"all":false,"included":[)" + std::to_string(ids_["alpha"]) + "]}}")
                .status,
            200);
  check("the delete_tasks_annotations action");
  ASSERT_EQ(Delete(TaskPath("beta")).status, 204);
  check("a deleted task");
  ASSERT_EQ(Post(action + "delete_tasks", R"({"selectedItems":{"all":true,"excluded":[)" +
                                              std::to_string(ids_["alpha"]) + "]}}")
                .status,
            200);
  check("the delete_tasks action");

  // A project's deletion takes its counts with it.
  const int64_t other = CreateProject(kSentimentConfig, "Other");
  ASSERT_EQ(Import(other, R"([{"text":"one"},{"text":"two"}])").status, 201);
  EXPECT_EQ(SelectInt("SELECT COALESCE(SUM(n), 0) FROM task_column_counts WHERE project_id = " + std::to_string(other)),
            2);
  ASSERT_EQ(Delete("/api/projects/" + std::to_string(other)).status, 204);
  EXPECT_EQ(SelectInt("SELECT COUNT(*) FROM task_column_counts WHERE project_id = " + std::to_string(other)), 0);
  check("a deleted project");
}

// On PostgreSQL every write statement that moves tasks between combinations
// adds delta rows. A count that reads more than 1,000 of them folds them into
// one row per combination, and no total changes.
TEST_P(LabelingDataManager, ColumnCountsCompactAfterManyWrites) {
  const std::string project_filter = " WHERE project_id = " + std::to_string(project_);

  // Tasks with an annotation are inserted one statement at a time, and their
  // counters then move them to another combination.
  std::string items = "[";
  for (int i = 0; i < 600; ++i) {
    if (i > 0) items += ",";
    items += R"({"data":{"text":"t)" + std::to_string(i) + R"("},"annotations":[{"result":[)" + Choice("Positive") +
             "]}]}";
  }
  items += "]";
  ASSERT_EQ(Import(project_, items).status, 201);
  const int64_t rows_before = SelectInt("SELECT COUNT(*) FROM task_column_counts" + project_filter);
  if (database_->db().dialect() == store::Dialect::kPostgres) {
    EXPECT_GT(rows_before, 1000) << "one delta row per statement at least";
  } else {
    EXPECT_LT(rows_before, 20) << "SQLite keeps one row per combination";
  }

  const auto listed = List(bj::object{
      {"filters", bj::object{{"conjunction", "and"},
                             {"items", bj::parse("[" + Item("total_annotations", "equal", "Number", "1") + "]")}}}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  const int64_t expected =
      SelectInt("SELECT COUNT(*) FROM tasks" + project_filter + " AND total_annotations = 1");
  EXPECT_EQ(listed.Json().at("total").as_int64(), expected);
  EXPECT_EQ(expected, 602) << "alpha, beta and the 600 imported tasks";

  const int64_t rows_after = SelectInt("SELECT COUNT(*) FROM task_column_counts" + project_filter);
  EXPECT_LT(rows_after, 20) << "the count above compacted " << rows_before << " rows";
  EXPECT_EQ(SelectInt("SELECT COUNT(DISTINCT is_labeled || ' ' || total_annotations || ' ' || cancelled_annotations"
                   " || ' ' || total_predictions || ' ' || ground_truth_annotations || ' ' || overlap || ' ' || state)"
                   " FROM task_column_counts" + project_filter),
            rows_after)
      << "one row per combination";

  const auto again = List(bj::object{
      {"filters", bj::object{{"conjunction", "and"},
                             {"items", bj::parse("[" + Item("total_annotations", "equal", "Number", "1") + "]")}}}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("total").as_int64(), expected);
}

TEST_P(LabelingDataManager, TotalSeesOtherProcessWrites) {
  testing::TallyProcess other(testing::ServeOptions{.database_url = database_->url()});
  ASSERT_TRUE(other.started()) << other.failure_reason();
  testing::HttpClient other_client(other.base_url());

  const bj::object query{
      {"filters", bj::object{{"conjunction", "and"},
                             {"items", bj::parse("[" + Item("total_annotations", "equal", "Number", "0") + "]")}}}};
  const std::string path = "/api/tasks?project=" + std::to_string(project_) + "&page_size=100&query=" +
                           UrlEncode(bj::serialize(query));
  auto total_here = [&] {
    const auto response = Get(path);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("total").as_int64() : -1;
  };
  auto total_there = [&] {
    const auto response = other_client.Get(path, {Auth(kOwnerToken)});
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("total").as_int64() : -1;
  };

  // Both processes cache the count first.
  EXPECT_EQ(total_here(), 3);
  EXPECT_EQ(total_here(), 3);
  EXPECT_EQ(total_there(), 3);
  EXPECT_EQ(total_there(), 3);

  // A write through the other process changes this process's next total.
  const auto there = other_client.Post(TaskPath("delta") + "/annotations",
                                       "{\"result\":[" + Choice("Positive") + "]}", {Auth(kOwnerToken)});
  ASSERT_EQ(there.status, 201) << there.body;
  EXPECT_EQ(total_here(), 2);
  EXPECT_EQ(total_there(), 2);

  // And the other way round.
  ASSERT_EQ(Post(TaskPath("eps") + "/annotations", "{\"result\":[" + Choice("Negative") + "]}").status, 201);
  EXPECT_EQ(total_there(), 1);
  EXPECT_EQ(total_here(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingDataManager, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
