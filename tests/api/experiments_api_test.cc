// Experiment comparisons over real HTTP: two runs of one dataset, their
// per-item outputs, latency, cost and scores, the per-run aggregates and the
// deltas against a baseline, with figures worked out by hand below, on
// SQLite and on PostgreSQL.
#include <fmt/format.h>

#include "api/evals_fixture.h"

namespace tally {
namespace {

class ExperimentsApi : public EvalsApiTest {
 protected:
  // One traced run of an item: a trace with one generation of `seconds`
  // duration and `cost`, a NUMERIC "accuracy" score, and the run item.
  void RunItem(const std::string& run, const std::string& item, const std::string& trace_id, double seconds,
               double cost, double accuracy, const std::string& output) {
    const int64_t millis = static_cast<int64_t>(seconds * 1000);
    const std::string end = fmt::format("2026-01-05T10:00:{:02}.{:03}Z", millis / 1000, millis % 1000);
    auto ingested = Ingest({Event("trace-create", {{"id", trace_id}, {"name", run}, {"output", output}}),
                            Event("generation-create", {{"id", trace_id + "-g"}, {"traceId", trace_id},
                                                        {"name", "llm"}, {"model", "my-own-model"},
                                                        {"startTime", "2026-01-05T10:00:00.000Z"}, {"endTime", end},
                                                        {"costDetails", {{"input", cost}}}}),
                            Event("score-create", {{"id", trace_id + "-accuracy"}, {"traceId", trace_id},
                                                   {"name", "accuracy"}, {"value", accuracy}, {"dataType", "NUMERIC"}})});
    ASSERT_EQ(ingested.status, 207) << ingested.body;
    ASSERT_TRUE(ingested.Json().at("errors").as_array().empty()) << ingested.body;
    auto linked = Post("/api/public/dataset-run-items",
                       bj::object{{"runName", run}, {"datasetItemId", item}, {"traceId", trace_id}});
    ASSERT_EQ(linked.status, 200) << linked.body;
  }

  void SetUpRuns() {
    ASSERT_EQ(Post("/api/public/v2/datasets", bj::object{{"name", "qa"}}).status, 200);
    ASSERT_EQ(Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "i1"}, {"input", "2+2?"},
                                                           {"expectedOutput", "4"}})
                  .status,
              200);
    ASSERT_EQ(Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "i2"}, {"input", "3+3?"},
                                                           {"expectedOutput", "6"}})
                  .status,
              200);
    ASSERT_EQ(Post("/api/public/dataset-items", bj::object{{"datasetName", "qa"}, {"id", "i3"}, {"input", "unrun"}}).status,
              200);
    RunItem("base", "i1", "b1", 1.0, 0.01, 1, "4");
    RunItem("base", "i2", "b2", 2.0, 0.02, 0, "5");
    RunItem("new", "i1", "n1", 0.5, 0.005, 1, "4");
    RunItem("new", "i2", "n2", 1.0, 0.01, 1, "6");
    ASSERT_EQ(Ingest({Event("score-create", {{"id", "n1-tone"}, {"traceId", "n1"}, {"name", "tone"},
                                             {"value", "friendly"}, {"dataType", "CATEGORICAL"}})})
                  .status,
              207);
  }

  std::string Path(const std::string& query) {
    return "/api/evals/" + std::to_string(ProjectId()) + "/experiments?" + query;
  }
};

const bj::object& RunNamed(const bj::value& comparison, const std::string& name) {
  for (const bj::value& run : comparison.at("runs").as_array()) {
    if (run.at("name").as_string() == name) return run.as_object();
  }
  throw std::runtime_error("no run named " + name);
}

TEST_P(ExperimentsApi, ComparesRunsWithAggregatesAndDeltas) {
  SetUpRuns();
  if (HasFatalFailure()) return;
  auto response = UserGet(Path("datasetName=qa&runs=base,new"));
  ASSERT_EQ(response.status, 200) << response.body;
  const bj::value comparison = response.Json();
  EXPECT_EQ(comparison.at("baseline"), "base") << "the first run is the default baseline";
  EXPECT_EQ(bj::serialize(comparison.at("scoreNames")), R"(["accuracy","tone"])");

  // base: latencies 1 s and 2 s, costs 0.01 and 0.02, accuracy 1 and 0.
  const bj::object& base = RunNamed(comparison, "base");
  EXPECT_EQ(base.at("isBaseline"), true);
  const bj::value& base_figures = base.at("aggregates");
  EXPECT_EQ(base_figures.at("itemCount"), 2);
  EXPECT_NEAR(base_figures.at("latency").at("mean").to_number<double>(), 1.5, 1e-9);
  EXPECT_NEAR(base_figures.at("latency").at("p50").to_number<double>(), 1.5, 1e-9);
  EXPECT_NEAR(base_figures.at("latency").at("p95").to_number<double>(), 1.95, 1e-9) << "1 + 0.95 × (2 − 1)";
  EXPECT_NEAR(base_figures.at("totalCost").to_number<double>(), 0.03, 1e-9);
  EXPECT_NEAR(base_figures.at("scores").at("accuracy").at("mean").to_number<double>(), 0.5, 1e-9);
  EXPECT_NEAR(base.at("deltas").at("latency").at("mean").to_number<double>(), 0, 1e-9);

  // new: latencies 0.5 s and 1 s, costs 0.005 and 0.01, accuracy 1 and 1.
  const bj::object& fresh = RunNamed(comparison, "new");
  EXPECT_EQ(fresh.at("isBaseline"), false);
  const bj::value& figures = fresh.at("aggregates");
  EXPECT_NEAR(figures.at("latency").at("mean").to_number<double>(), 0.75, 1e-9);
  EXPECT_NEAR(figures.at("latency").at("p95").to_number<double>(), 0.975, 1e-9);
  EXPECT_NEAR(figures.at("totalCost").to_number<double>(), 0.015, 1e-9);
  EXPECT_NEAR(figures.at("scores").at("accuracy").at("mean").to_number<double>(), 1, 1e-9);
  EXPECT_EQ(figures.at("scores").at("tone").at("count"), 1);
  EXPECT_TRUE(figures.at("scores").at("tone").at("mean").is_null());
  EXPECT_EQ(figures.at("scores").at("tone").at("categories").at("friendly"), 1);

  const bj::value& deltas = fresh.at("deltas");
  EXPECT_NEAR(deltas.at("latency").at("mean").to_number<double>(), -0.75, 1e-9);
  EXPECT_NEAR(deltas.at("latency").at("p50").to_number<double>(), -0.75, 1e-9);
  EXPECT_NEAR(deltas.at("totalCost").to_number<double>(), -0.015, 1e-9);
  EXPECT_NEAR(deltas.at("scores").at("accuracy").to_number<double>(), 0.5, 1e-9);

  // Rows: every active item; a run without a result for an item shows null.
  const bj::array& items = comparison.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(comparison.at("meta").at("totalItems"), 3);
  for (const bj::value& row : items) {
    const std::string id(row.at("datasetItemId").as_string());
    if (id == "i3") {
      EXPECT_TRUE(row.at("runs").at("base").is_null());
      EXPECT_TRUE(row.at("runs").at("new").is_null());
      continue;
    }
    if (id != "i2") continue;
    EXPECT_EQ(row.at("expectedOutput"), "6");
    const bj::value& base_cell = row.at("runs").at("base");
    EXPECT_EQ(base_cell.at("traceId"), "b2");
    EXPECT_EQ(base_cell.at("output"), "5");
    EXPECT_NEAR(base_cell.at("latency").to_number<double>(), 2, 1e-9);
    EXPECT_NEAR(base_cell.at("cost").to_number<double>(), 0.02, 1e-9);
    ASSERT_EQ(base_cell.at("scores").as_array().size(), 1u);
    EXPECT_EQ(base_cell.at("scores").at(0).at("name"), "accuracy");
    EXPECT_EQ(row.at("runs").at("new").at("output"), "6");
  }
}

TEST_P(ExperimentsApi, BaselineChoiceAndErrors) {
  SetUpRuns();
  if (HasFatalFailure()) return;
  auto response = UserGet(Path("datasetName=qa&runs=base,new&baseline=new"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Json().at("baseline"), "new");
  EXPECT_NEAR(RunNamed(response.Json(), "base").at("deltas").at("totalCost").to_number<double>(), 0.015, 1e-9);

  auto all = UserGet(Path("datasetName=qa"));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json().at("runs").as_array().size(), 2u) << "without runs, every run is compared";

  EXPECT_EQ(UserGet(Path("runs=base")).status, 400) << "datasetName is required";
  EXPECT_EQ(UserGet(Path("datasetName=nope")).status, 404);
  EXPECT_EQ(UserGet(Path("datasetName=qa&runs=base,missing")).status, 404);
  auto bad_baseline = UserGet(Path("datasetName=qa&runs=base,new&baseline=other"));
  EXPECT_EQ(bad_baseline.status, 400);
  EXPECT_NE(bad_baseline.body.find("baseline"), std::string::npos);
  EXPECT_EQ(UserGet(Path("datasetName=qa&limit=0")).status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExperimentsApi, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
