#include "evals/metrics_store.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::evals {
namespace {

namespace bj = boost::json;
using store::Connection;

constexpr int64_t kProject = 7;
constexpr Micros kMs = 1000;
constexpr Micros kHour = 3'600'000'000;
// 2026-01-01T00:00:00Z
constexpr Micros kDayStart = 1'767'225'600'000'000;

class MetricsStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    TALLY_OPEN_TEST_DATABASE(database, GetParam());
    database_ = std::move(database);
    ASSERT_TRUE(store::Migrator(db()).Up());
    auto seeded = db().Write([&](Connection& c) -> Result<void> {
      TALLY_TRY(AddTrace(c, "t1", "chat", "u1", "production", R"(["a","b"])", kDayStart + 10 * 60'000'000));
      TALLY_TRY(AddTrace(c, "t2", "search", "u2", "staging", R"(["b"])", kDayStart + kHour + 20 * 60'000'000));
      // Another project's trace and generation, which no query may see.
      TALLY_TRY(AddTrace(c, "x1", "chat", "u1", "production", "[]", kDayStart, kProject + 1));
      TALLY_TRY(AddGeneration(c, "xo", "x1", "gpt-4o", kDayStart, 9000, kProject + 1));

      // gpt-4o in hour 0: latencies 100, 200, 300, 400 ms and one still open.
      const int64_t latencies[] = {100, 200, 300, 400};
      for (int i = 0; i < 4; ++i) {
        TALLY_TRY(AddGeneration(c, "g" + std::to_string(i), "t1", "gpt-4o", kDayStart + 15 * 60'000'000 + i,
                                latencies[i]));
      }
      TALLY_TRY(AddGeneration(c, "open", "t1", "gpt-4o", kDayStart + 16 * 60'000'000, -1));
      // claude in hour 1: 1000 and 3000 ms.
      TALLY_TRY(AddGeneration(c, "c1", "t2", "claude", kDayStart + kHour + 21 * 60'000'000, 1000));
      TALLY_TRY(AddGeneration(c, "c2", "t2", "claude", kDayStart + kHour + 22 * 60'000'000, 3000));

      TALLY_TRY(AddScore(c, "s1", "quality", "NUMERIC", 0.5, "", "t1", kDayStart + 30 * 60'000'000));
      TALLY_TRY(AddScore(c, "s2", "quality", "NUMERIC", 1.0, "", "t2", kDayStart + kHour + 30 * 60'000'000));
      TALLY_TRY(AddScore(c, "s3", "tone", "CATEGORICAL", 0, "friendly", "t1", kDayStart + 31 * 60'000'000));
      return Ok();
    });
    ASSERT_TRUE(seeded) << seeded.error().detail;
  }

  store::Database& db() { return database_->db(); }

  static Result<void> AddTrace(Connection& c, const std::string& id, const std::string& name, const std::string& user,
                               const std::string& environment, const std::string& tags, Micros timestamp,
                               int64_t project = kProject) {
    TALLY_TRY(c.Execute("INSERT INTO traces (project_id, id, timestamp, name, user_id, environment, tags, metadata, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {project, id, timestamp, name, user, environment, tags,
                         std::string(R"({"tier":"gold","rank":3})"), timestamp, timestamp}));
    const bj::value parsed = bj::parse(tags);
    for (const auto& tag : parsed.as_array()) {
      TALLY_TRY(c.Execute("INSERT INTO trace_tags (project_id, trace_id, tag, timestamp, environment) "
                          "VALUES (?, ?, ?, ?, ?)",
                          {project, id, std::string(tag.as_string()), timestamp, environment}));
    }
    return Ok();
  }

  // A generation of `latency_ms` (open when negative) using 10 input and
  // 5 output tokens at a cost of 0.5.
  static Result<void> AddGeneration(Connection& c, const std::string& id, const std::string& trace_id,
                                    const std::string& model, Micros start, int64_t latency_ms,
                                    int64_t project = kProject) {
    store::Value end = latency_ms < 0 ? store::Value(nullptr) : store::Value(start + latency_ms * kMs);
    TALLY_TRY(c.Execute(
        "INSERT INTO observations (project_id, id, trace_id, type, name, environment, start_time, end_time, level, "
        "model, usage_details, cost_details, total_cost, metadata, created_at, updated_at) "
        "VALUES (?, ?, ?, 'GENERATION', 'llm', 'production', ?, ?, 'DEFAULT', ?, ?, ?, 0.5, '{}', ?, ?)",
        {project, id, trace_id, start, end, model, std::string(R"({"input":10,"input_cached_tokens":2,"output":5,"total":17})"),
         std::string(R"({"input":0.2,"output":0.3,"total":0.5})"), start, start}));
    return Ok();
  }

  static Result<void> AddScore(Connection& c, const std::string& id, const std::string& name,
                               const std::string& data_type, double value, const std::string& string_value,
                               const std::string& trace_id, Micros timestamp) {
    TALLY_TRY(c.Execute("INSERT INTO scores (project_id, id, name, value, string_value, data_type, source, trace_id, "
                        "environment, timestamp, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, 'API', ?, 'production', ?, ?, ?)",
                        {kProject, id, name, value, string_value.empty() ? store::Value(nullptr) : string_value,
                         data_type, trace_id, timestamp, timestamp, timestamp}));
    return Ok();
  }

  // Parses `json` as a v1 (or v2) query over 2026-01-01 and runs it.
  Result<bj::array> Run(const std::string& json, MetricsApiVersion version = MetricsApiVersion::kV1) {
    bj::object query = bj::parse(json).as_object();
    if (!query.contains("fromTimestamp")) query["fromTimestamp"] = "2026-01-01T00:00:00.000Z";
    if (!query.contains("toTimestamp")) query["toTimestamp"] = "2026-01-02T00:00:00.000Z";
    TALLY_ASSIGN_OR_RETURN(parsed, ParseMetricsQuery(query, version));
    return db().Read([&](Connection& c) { return RunMetricsQuery(c, kProject, parsed); });
  }

  // The field named by the first validation error of running `json`.
  std::string ErrorField(const std::string& json, MetricsApiVersion version = MetricsApiVersion::kV1) {
    auto result = Run(json, version);
    if (result) return "(no error)";
    if (result.error().fields.empty()) return "(no field) " + result.error().message;
    return result.error().fields[0].field;
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
};

TEST_P(MetricsStoreTest, P95LatencyByModelPerHour) {
  auto rows = Run(R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                      "metrics": [{"measure": "latency", "aggregation": "p95"}],
                      "timeDimension": {"granularity": "hour"}})");
  ASSERT_TRUE(rows) << rows.error().message << rows.error().detail;
  ASSERT_EQ(rows->size(), 2u) << json::Serialize(*rows);
  const bj::object& first = (*rows)[0].as_object();
  EXPECT_EQ(first.at("time_dimension"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(first.at("providedModelName"), "gpt-4o");
  // Ranks 0..3 over 100, 200, 300, 400: 0.95 * 3 = 2.85 → 300 + 0.85 * 100.
  EXPECT_NEAR(first.at("p95_latency").to_number<double>(), 385.0, 1e-9);
  const bj::object& second = (*rows)[1].as_object();
  EXPECT_EQ(second.at("time_dimension"), "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(second.at("providedModelName"), "claude");
  EXPECT_NEAR(second.at("p95_latency").to_number<double>(), 2900.0, 1e-9);
}

TEST_P(MetricsStoreTest, PlainAndPercentileMetricsTogether) {
  auto rows = Run(R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                      "metrics": [{"measure": "count", "aggregation": "count"},
                                  {"measure": "latency", "aggregation": "p50"},
                                  {"measure": "latency", "aggregation": "avg"},
                                  {"measure": "totalTokens", "aggregation": "sum"},
                                  {"measure": "inputTokens", "aggregation": "sum"},
                                  {"measure": "outputTokens", "aggregation": "max"},
                                  {"measure": "totalCost", "aggregation": "sum"},
                                  {"measure": "inputCost", "aggregation": "sum"}],
                      "orderBy": [{"field": "count_count", "direction": "desc"}]})");
  ASSERT_TRUE(rows) << rows.error().message << rows.error().detail;
  ASSERT_EQ(rows->size(), 2u) << json::Serialize(*rows);
  const bj::object& gpt = (*rows)[0].as_object();
  EXPECT_EQ(gpt.at("providedModelName"), "gpt-4o");
  EXPECT_EQ(gpt.at("count_count").to_number<int64_t>(), 5);
  EXPECT_NEAR(gpt.at("p50_latency").to_number<double>(), 250.0, 1e-9);
  EXPECT_NEAR(gpt.at("avg_latency").to_number<double>(), 250.0, 1e-9);
  EXPECT_NEAR(gpt.at("sum_totalTokens").to_number<double>(), 85.0, 1e-9);
  // "input" and "input_cached_tokens" both count as input: 12 per generation.
  EXPECT_NEAR(gpt.at("sum_inputTokens").to_number<double>(), 60.0, 1e-9);
  EXPECT_NEAR(gpt.at("max_outputTokens").to_number<double>(), 5.0, 1e-9);
  EXPECT_NEAR(gpt.at("sum_totalCost").to_number<double>(), 2.5, 1e-9);
  EXPECT_NEAR(gpt.at("sum_inputCost").to_number<double>(), 1.0, 1e-9);
  const bj::object& claude = (*rows)[1].as_object();
  EXPECT_EQ(claude.at("count_count").to_number<int64_t>(), 2);
  EXPECT_NEAR(claude.at("p50_latency").to_number<double>(), 2000.0, 1e-9);
}

TEST_P(MetricsStoreTest, HistogramOfLatency) {
  auto rows = Run(R"({"view": "observations", "filters": [{"column": "providedModelName", "operator": "any of",
                      "value": ["gpt-4o"], "type": "stringOptions"}],
                      "metrics": [{"measure": "latency", "aggregation": "histogram"}], "config": {"bins": 2}})");
  ASSERT_TRUE(rows) << rows.error().message << rows.error().detail;
  ASSERT_EQ(rows->size(), 1u);
  const bj::array& bins = (*rows)[0].as_object().at("histogram_latency").as_array();
  ASSERT_EQ(bins.size(), 2u) << json::Serialize(bins);
  EXPECT_NEAR(bins[0].as_array()[0].to_number<double>(), 100.0, 1e-9);
  EXPECT_NEAR(bins[0].as_array()[1].to_number<double>(), 250.0, 1e-9);
  EXPECT_EQ(bins[0].as_array()[2].to_number<int64_t>(), 2);
  EXPECT_NEAR(bins[1].as_array()[1].to_number<double>(), 400.0, 1e-9);
  EXPECT_EQ(bins[1].as_array()[2].to_number<int64_t>(), 2);
}

TEST_P(MetricsStoreTest, FiltersOnTraceColumnsTagsAndMetadata) {
  struct Case {
    std::string filter;
    int64_t expected_count;
  };
  const std::vector<Case> cases = {
      {R"({"column": "traceName", "operator": "=", "value": "search", "type": "string"})", 2},
      {R"({"column": "traceName", "operator": "starts with", "value": "ch", "type": "string"})", 5},
      {R"({"column": "traceName", "operator": "does not contain", "value": "ear", "type": "string"})", 5},
      {R"({"column": "userId", "operator": "none of", "value": ["u1"], "type": "stringOptions"})", 2},
      {R"({"column": "tags", "operator": "any of", "value": ["a"], "type": "arrayOptions"})", 5},
      {R"({"column": "tags", "operator": "all of", "value": ["a", "b"], "type": "arrayOptions"})", 5},
      {R"({"column": "tags", "operator": "none of", "value": ["a"], "type": "arrayOptions"})", 2},
      {R"({"column": "latency", "operator": ">=", "value": 300, "type": "number"})", 4},
      {R"({"column": "startTime", "operator": ">=", "value": "2026-01-01T01:00:00Z", "type": "datetime"})", 2},
      {R"({"column": "metadata", "key": "tier", "operator": "=", "value": "gold", "type": "stringObject"})", 0},
      {R"({"column": "version", "operator": "is null", "type": "null"})", 7},
  };
  for (const auto& c : cases) {
    auto rows = Run(R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
                        "filters": [)" + c.filter + "]}");
    ASSERT_TRUE(rows) << c.filter << ": " << rows.error().message << rows.error().detail;
    ASSERT_EQ(rows->size(), 1u) << c.filter;
    EXPECT_EQ((*rows)[0].as_object().at("count_count").to_number<int64_t>(), c.expected_count) << c.filter;
  }
}

TEST_P(MetricsStoreTest, TracesViewAggregatesObservations) {
  auto rows = Run(R"({"view": "traces", "dimensions": [{"field": "name"}],
                      "metrics": [{"measure": "count", "aggregation": "count"},
                                  {"measure": "totalCost", "aggregation": "sum"},
                                  {"measure": "observationsCount", "aggregation": "sum"},
                                  {"measure": "latency", "aggregation": "max"},
                                  {"measure": "uniqueUserIds", "aggregation": "count"}],
                      "filters": [{"column": "metadata", "key": "rank", "operator": ">", "value": 2,
                                   "type": "numberObject"}],
                      "orderBy": [{"field": "name", "direction": "asc"}]})");
  ASSERT_TRUE(rows) << rows.error().message << rows.error().detail;
  ASSERT_EQ(rows->size(), 2u) << json::Serialize(*rows);
  const bj::object& chat = (*rows)[0].as_object();
  EXPECT_EQ(chat.at("name"), "chat");
  EXPECT_EQ(chat.at("count_count").to_number<int64_t>(), 1);
  EXPECT_NEAR(chat.at("sum_totalCost").to_number<double>(), 2.5, 1e-9);
  EXPECT_NEAR(chat.at("sum_observationsCount").to_number<double>(), 5, 1e-9);
  const bj::object& search = (*rows)[1].as_object();
  // From the first start (21 min) to the last end (22 min + 3 s).
  EXPECT_NEAR(search.at("max_latency").to_number<double>(), 63'000.0, 1e-9);
  EXPECT_EQ(search.at("count_uniqueUserIds").to_number<int64_t>(), 1);
}

TEST_P(MetricsStoreTest, ScoreViews) {
  auto numeric = Run(R"({"view": "scores-numeric", "dimensions": [{"field": "name"}, {"field": "traceName"}],
                         "metrics": [{"measure": "value", "aggregation": "avg"}]})");
  ASSERT_TRUE(numeric) << numeric.error().message << numeric.error().detail;
  ASSERT_EQ(numeric->size(), 2u) << json::Serialize(*numeric);
  EXPECT_EQ((*numeric)[0].as_object().at("traceName"), "chat");
  EXPECT_NEAR((*numeric)[0].as_object().at("avg_value").to_number<double>(), 0.5, 1e-9);

  auto categorical = Run(R"({"view": "scores-categorical", "dimensions": [{"field": "stringValue"}],
                             "metrics": [{"measure": "count", "aggregation": "count"}]})");
  ASSERT_TRUE(categorical) << categorical.error().message << categorical.error().detail;
  ASSERT_EQ(categorical->size(), 1u);
  EXPECT_EQ((*categorical)[0].as_object().at("stringValue"), "friendly");
}

TEST_P(MetricsStoreTest, EmptyRangeStillReturnsTotals) {
  auto rows = Run(R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
                      "fromTimestamp": "2025-01-01T00:00:00Z", "toTimestamp": "2025-01-02T00:00:00Z"})");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].as_object().at("count_count").to_number<int64_t>(), 0);
}

TEST_P(MetricsStoreTest, InvalidQueriesNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"view": "spans", "metrics": [{"measure": "count", "aggregation": "count"}]})", "query.view"},
      {R"({"view": "observations"})", "query.metrics"},
      {R"({"view": "observations", "metrics": [{"measure": "speed", "aggregation": "sum"}]})",
       "query.metrics.0.measure"},
      {R"({"view": "observations", "metrics": [{"measure": "latency", "aggregation": "p42"}]})",
       "query.metrics.0.aggregation"},
      {R"({"view": "observations", "dimensions": [{"field": "color"}],
           "metrics": [{"measure": "count", "aggregation": "count"}]})",
       "query.dimensions.0.field"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "fromTimestamp": "2026-01-02T00:00:00Z", "toTimestamp": "2026-01-01T00:00:00Z"})",
       "query.fromTimestamp"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "fromTimestamp": "2026-01-01 00:00:00"})",
       "query.fromTimestamp"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "timeDimension": {"granularity": "fortnight"}})",
       "query.timeDimension.granularity"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "orderBy": [{"field": "sum_totalCost"}]})",
       "query.orderBy.0.field"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "config": {"bins": 0}})",
       "query.config.bins"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "filters": [{"column": "nope", "operator": "=", "value": "x", "type": "string"}]})",
       "query.filters.0.column"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "filters": [{"column": "name", "operator": "like", "value": "x", "type": "string"}]})",
       "query.filters.0.operator"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "filters": [{"column": "name", "operator": "=", "value": 3, "type": "string"}]})",
       "query.filters.0.value"},
      {R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
           "filters": [{"column": "metadata", "operator": "=", "value": "x", "type": "stringObject"}]})",
       "query.filters.0.key"},
      {R"({"view": "observations", "metrics": [{"measure": "toolCalls", "aggregation": "sum"}]})",
       "query.metrics.0.measure"},
  };
  for (const auto& [query, field] : cases) EXPECT_EQ(ErrorField(query), field) << query;
}

TEST_P(MetricsStoreTest, V2RejectsTracesViewAndIdGroupings) {
  EXPECT_EQ(ErrorField(R"({"view": "traces", "metrics": [{"measure": "count", "aggregation": "count"}]})",
                       MetricsApiVersion::kV2),
            "query.view");
  EXPECT_EQ(ErrorField(R"({"view": "observations", "dimensions": [{"field": "traceId"}],
                           "metrics": [{"measure": "count", "aggregation": "count"}]})",
                       MetricsApiVersion::kV2),
            "query.dimensions.0.field");
  // A top-N query may group by an id.
  auto top = Run(R"({"view": "observations", "dimensions": [{"field": "traceId"}],
                     "metrics": [{"measure": "totalCost", "aggregation": "sum"}],
                     "orderBy": [{"field": "sum_totalCost", "direction": "desc"}], "config": {"row_limit": 1}})",
                 MetricsApiVersion::kV2);
  ASSERT_TRUE(top) << top.error().message;
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].as_object().at("traceId"), "t1");
}

TEST_P(MetricsStoreTest, DailyMetricsPerDayAndModel) {
  DailyMetricsFilter filter;
  auto body = db().Read([&](Connection& c) { return LoadDailyMetrics(c, kProject, filter); });
  ASSERT_TRUE(body) << body.error().detail;
  const bj::array& data = body->at("data").as_array();
  ASSERT_EQ(data.size(), 1u) << json::Serialize(*body);
  const bj::object& day = data[0].as_object();
  EXPECT_EQ(day.at("date"), "2026-01-01");
  EXPECT_EQ(day.at("countTraces").to_number<int64_t>(), 2);
  EXPECT_EQ(day.at("countObservations").to_number<int64_t>(), 7);
  EXPECT_NEAR(day.at("totalCost").to_number<double>(), 3.5, 1e-9);
  const bj::array& usage = day.at("usage").as_array();
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].as_object().at("model"), "claude");
  EXPECT_EQ(usage[0].as_object().at("inputUsage").to_number<int64_t>(), 24);
  EXPECT_EQ(usage[0].as_object().at("countTraces").to_number<int64_t>(), 1);
  EXPECT_EQ(body->at("meta").as_object().at("totalItems").to_number<int64_t>(), 1);

  filter.trace_name = "search";
  auto filtered = db().Read([&](Connection& c) { return LoadDailyMetrics(c, kProject, filter); });
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->at("data").as_array()[0].as_object().at("countObservations").to_number<int64_t>(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsStoreTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::evals
