// Deleting a project removes every row that belongs to it: the labeling rows
// that foreign keys cascade to, and the tracing, prompt, dataset and
// evaluator rows that only carry its project_id. A second project filled
// the same way keeps all of its rows.
#include "labeling_fixture.h"

#include "core/crypto.h"

namespace tally {
namespace {

class ProjectDelete : public LabelingApiTest {
 protected:
  void SetUp() override {
    StartServer({{"TALLY_SECRET_KEY", "project-delete-test-secret-key-0123456789"}});
  }

  // Creates a project with a key pair and returns the project id and the
  // Basic authorization header for the Langfuse-compatible API.
  std::pair<int64_t, std::string> CreateProjectWithKeys(const std::string& title) {
    const int64_t project = CreateProject(kSentimentConfig, title);
    const testing::HttpResponse key = Post("/api/projects/" + std::to_string(project) + "/api-keys", "{}");
    EXPECT_EQ(key.status, 201) << key.body;
    if (key.status != 201) return {project, ""};
    const bj::value pair = key.Json();
    const std::string credentials =
        std::string(pair.at("publicKey").as_string()) + ":" + std::string(pair.at("secretKey").as_string());
    return {project, "Authorization: Basic " + Base64Encode(credentials)};
  }

  testing::HttpResponse PublicPost(const std::string& basic, const std::string& path, const bj::object& body) {
    return client_->Post(path, bj::serialize(body), {basic, "Content-Type: application/json"});
  }

  // Fills every tracing feature of the project through the public API and
  // the evals routes, and links one of its traces to a labeling task.
  void FillTracingRows(int64_t project, const std::string& basic) {
    const bj::array batch = {
        bj::object{{"id", "e1"}, {"type", "trace-create"}, {"timestamp", "2026-12-01T10:00:00.000Z"},
                   {"body", bj::object{{"id", "chat-1"}, {"name", "support-chat"}, {"sessionId", "s-1"},
                                       {"tags", bj::array{"prod"}}, {"input", "Where is my parcel?"}}}},
        bj::object{{"id", "e2"}, {"type", "generation-create"}, {"timestamp", "2026-12-01T10:00:01.000Z"},
                   {"body", bj::object{{"id", "gen-1"}, {"traceId", "chat-1"}, {"model", "gpt-4o"}}}},
        bj::object{{"id", "e3"}, {"type", "score-create"}, {"timestamp", "2026-12-01T10:00:02.000Z"},
                   {"body", bj::object{{"id", "score-1"}, {"traceId", "chat-1"}, {"name", "helpful"}, {"value", 1}}}},
    };
    const testing::HttpResponse ingested = PublicPost(basic, "/api/public/ingestion", bj::object{{"batch", batch}});
    ASSERT_EQ(ingested.status, 207) << ingested.body;
    ASSERT_TRUE(ingested.Json().at("errors").as_array().empty()) << ingested.body;

    const std::vector<std::pair<std::string, bj::object>> requests = {
        {"/api/public/comments",
         {{"projectId", std::to_string(project)}, {"objectType", "TRACE"}, {"objectId", "chat-1"}, {"content", "Off"}}},
        {"/api/public/score-configs", {{"name", "quality"}, {"dataType", "NUMERIC"}}},
        {"/api/public/models",
         {{"modelName", "custom"}, {"matchPattern", "(?i)^custom$"}, {"unit", "TOKENS"}, {"inputPrice", 1.0}}},
        {"/api/public/v2/prompts",
         {{"name", "greeting"}, {"type", "text"}, {"prompt", "Hi"}, {"labels", bj::array{"production"}},
          {"tags", bj::array{"support"}}}},
        {"/api/public/v2/datasets", {{"name", "qa"}}},
        {"/api/public/dataset-items", {{"datasetName", "qa"}, {"id", "item-1"}, {"input", "2+2?"}}},
        {"/api/public/dataset-run-items", {{"runName", "baseline"}, {"datasetItemId", "item-1"}, {"traceId", "chat-1"}}},
    };
    for (const auto& [path, body] : requests) {
      const testing::HttpResponse response = PublicPost(basic, path, body);
      EXPECT_TRUE(response.status == 200 || response.status == 201) << path << ": " << response.body;
    }

    // The connection's base URL is never called: the rule's filter matches
    // no trace.
    const std::string evals = "/api/evals/" + std::to_string(project);
    const testing::HttpResponse connection =
        Post(evals + "/llm-connections",
             bj::serialize(bj::object{{"name", "judge"}, {"baseUrl", "http://127.0.0.1:9/v1/"}, {"model", "m"},
                                      {"apiKey", "sk-unused-0000"}, {"timeoutMs", 1000}}));
    ASSERT_EQ(connection.status, 201) << connection.body;
    const testing::HttpResponse rule = Post(
        evals + "/evaluators",
        bj::serialize(bj::object{
            {"name", "judge-rule"},
            {"connectionId", connection.Json().at("id")},
            {"prompt", "Is {{answer}} right?"},
            {"variableMapping", bj::array{bj::object{{"variable", "answer"}, {"source", "output"}}}},
            {"filter", bj::array{bj::object{
                           {"type", "string"}, {"column", "name"}, {"operator", "="}, {"value", "no-such-trace"}}}},
            {"sampling", 1},
            {"delayMs", 0},
            {"scoreName", "judged"},
            {"scoreDataType", "BOOLEAN"}}));
    EXPECT_EQ(rule.status, 201) << rule.body;

    const testing::HttpResponse sent =
        Post("/api/projects/" + std::to_string(project) + "/tasks/from-traces",
             bj::serialize(bj::object{{"trace_project", project}, {"trace_ids", bj::array{"chat-1"}}}));
    EXPECT_EQ(sent.status, 201) << sent.body;
  }

  // Every table with a project_id column, read from the live schema so that
  // a table added later is checked without changing this test.
  std::vector<std::string> TablesWithProjectId() {
    const std::string sql =
        GetParam() == "sqlite"
            ? "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
              "WHERE m.type = 'table' AND p.name = 'project_id' ORDER BY m.name"
            : "SELECT table_name FROM information_schema.columns "
              "WHERE column_name = 'project_id' AND table_schema = current_schema() ORDER BY table_name";
    auto tables = database_->db().Read([&](store::Connection& c) -> Result<std::vector<std::string>> {
      TALLY_ASSIGN_OR_RETURN(rows, c.Query(sql));
      std::vector<std::string> names;
      for (const store::Row& row : rows) names.push_back(row.Text(0));
      return names;
    });
    EXPECT_TRUE(tables) << tables.error().detail;
    return tables ? *tables : std::vector<std::string>{};
  }

  // Rows per table for the project; `column` names the project column.
  std::map<std::string, int64_t> RowCounts(const std::vector<std::string>& tables, int64_t project,
                                           const std::string& column = "project_id") {
    std::map<std::string, int64_t> counts;
    for (const std::string& table : tables) {
      auto count = database_->db().Read([&](store::Connection& c) -> Result<int64_t> {
        TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", {project}));
        return row ? row->Int(0) : 0;
      });
      EXPECT_TRUE(count) << table << ": " << count.error().detail;
      counts[table] = count ? *count : -1;
    }
    return counts;
  }
};

TEST_P(ProjectDelete, RemovesTracingRowsOfOnlyThatProject) {
  const auto [kept, kept_basic] = CreateProjectWithKeys("kept");
  const auto [deleted, deleted_basic] = CreateProjectWithKeys("deleted");
  ASSERT_FALSE(kept_basic.empty());
  ASSERT_FALSE(deleted_basic.empty());
  FillTracingRows(kept, kept_basic);
  FillTracingRows(deleted, deleted_basic);
  if (HasFatalFailure()) return;

  const std::vector<std::string> tables = TablesWithProjectId();
  ASSERT_FALSE(tables.empty());
  const std::map<std::string, int64_t> kept_before = RowCounts(tables, kept);
  const std::map<std::string, int64_t> deleted_before = RowCounts(tables, deleted);

  // The fill reaches each feature, so an empty table after the delete means
  // the delete removed its rows.
  for (const char* table : {"traces", "observations", "scores", "trace_sessions", "trace_tags", "comments",
                            "score_configs", "trace_models", "trace_counts", "prompts", "prompt_labels",
                            "datasets", "dataset_items", "dataset_runs", "dataset_run_items", "llm_connections",
                            "evaluator_rules", "tasks"}) {
    EXPECT_GT(deleted_before.at(table), 0) << table;
  }
  EXPECT_EQ(RowCounts({"task_trace_links"}, deleted, "trace_project_id").at("task_trace_links"), 1);

  const testing::HttpResponse removed = Delete("/api/projects/" + std::to_string(deleted));
  ASSERT_EQ(removed.status, 204) << removed.body;

  for (const auto& [table, count] : RowCounts(tables, deleted)) {
    EXPECT_EQ(count, 0) << table << " keeps rows of the deleted project";
  }
  EXPECT_EQ(RowCounts({"task_trace_links"}, deleted, "trace_project_id").at("task_trace_links"), 0);
  EXPECT_EQ(RowCounts(tables, kept), kept_before);
  EXPECT_EQ(client_->Get("/api/public/traces", {deleted_basic}).status, 401);

  const testing::HttpResponse traces = client_->Get("/api/public/traces", {kept_basic});
  ASSERT_EQ(traces.status, 200) << traces.body;
  EXPECT_EQ(traces.Json().at("meta").at("totalItems"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjectDelete, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
