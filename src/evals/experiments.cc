#include "evals/experiments.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/time.h"
#include "evals/dataset_runs.h"
#include "evals/datasets.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Params;
using store::Row;

namespace {

// Ids bound per IN (...) list. SQLite allows 32766 parameters and PostgreSQL 65535.
constexpr size_t kIdsPerQuery = 500;

struct ScoreCell {
  std::string name;
  std::string data_type;
  std::optional<double> value;
  std::optional<std::string> string_value;
  std::optional<std::string> comment;
  std::string source;
  std::optional<std::string> observation_id;
};

struct TraceFacts {
  std::optional<std::string> output;  // JSON text
  std::optional<Micros> first_start;
  std::optional<Micros> last_end;
  std::optional<double> cost;
  std::vector<ScoreCell> scores;
};

struct ObservationFacts {
  std::optional<std::string> output;
  Micros start = 0;
  std::optional<Micros> end;
  std::optional<double> cost;
};

// One run's result for one dataset item.
struct Outcome {
  const DatasetRunItem* run_item = nullptr;
  bj::value output;
  std::optional<double> latency;  // seconds
  std::optional<double> cost;
  const std::vector<ScoreCell>* scores = nullptr;
};

struct RunColumn {
  DatasetRun run;
  std::vector<DatasetRunItem> run_items;
  std::map<std::string, const DatasetRunItem*> by_item;  // latest run item per dataset item
  std::map<std::string, Outcome> outcomes;               // by dataset item id
  std::vector<ScoreCell> run_scores;                     // scores on the run itself
};

// Calls `fetch(placeholders, params)` once per chunk of `ids`.
template <class F>
Result<void> ForIdChunks(const std::vector<std::string>& ids, F&& fetch) {
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    const size_t end = std::min(ids.size(), begin + kIdsPerQuery);
    std::string placeholders;
    Params params;
    for (size_t i = begin; i < end; ++i) {
      placeholders += i == begin ? "?" : ", ?";
      params.emplace_back(ids[i]);
    }
    TALLY_TRY(fetch(placeholders, std::move(params)));
  }
  return Ok();
}

ScoreCell ScoreFromRow(const Row& row, size_t first) {
  return ScoreCell{.name = row.Text(first),
                   .data_type = row.Text(first + 1),
                   .value = row.OptionalDouble(first + 2),
                   .string_value = row.OptionalText(first + 3),
                   .comment = row.OptionalText(first + 4),
                   .source = row.Text(first + 5),
                   .observation_id = row.OptionalText(first + 6)};
}

constexpr const char* kScoreColumns = "name, data_type, value, string_value, comment, source, observation_id";

Result<std::map<std::string, TraceFacts>> LoadTraces(Connection& connection, int64_t project_id,
                                                     const std::vector<std::string>& trace_ids) {
  std::map<std::string, TraceFacts> traces;
  TALLY_TRY(ForIdChunks(trace_ids, [&](const std::string& in, Params params) -> Result<void> {
    params.insert(params.begin(), project_id);
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                     fmt::format("SELECT id, output FROM traces WHERE project_id = ? AND id IN ({})", in),
                                     params));
    for (const Row& row : rows) traces[row.Text(0)].output = row.OptionalText(1);

    TALLY_ASSIGN_OR_RETURN(spans, connection.Query(fmt::format("SELECT trace_id, MIN(start_time), MAX(end_time), "
                                                               "SUM(total_cost), COUNT(end_time), COUNT(*) "
                                                               "FROM observations WHERE project_id = ? AND "
                                                               "trace_id IN ({}) GROUP BY trace_id",
                                                               in),
                                                   params));
    for (const Row& row : spans) {
      TraceFacts& facts = traces[row.Text(0)];
      facts.first_start = row.OptionalInt(1);
      // An observation still running leaves the trace's latency unknown.
      if (row.Int(4) == row.Int(5)) facts.last_end = row.OptionalInt(2);
      facts.cost = row.OptionalDouble(3);
    }

    TALLY_ASSIGN_OR_RETURN(scores, connection.Query(fmt::format("SELECT trace_id, {} FROM scores WHERE project_id = ? "
                                                                "AND trace_id IN ({}) ORDER BY name, timestamp",
                                                                kScoreColumns, in),
                                                    params));
    for (const Row& row : scores) traces[row.Text(0)].scores.push_back(ScoreFromRow(row, 1));
    return Ok();
  }));
  return traces;
}

Result<std::map<std::string, ObservationFacts>> LoadObservations(Connection& connection, int64_t project_id,
                                                                 const std::vector<std::string>& observation_ids) {
  std::map<std::string, ObservationFacts> observations;
  TALLY_TRY(ForIdChunks(observation_ids, [&](const std::string& in, Params params) -> Result<void> {
    params.insert(params.begin(), project_id);
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT id, output, start_time, end_time, total_cost "
                                                              "FROM observations WHERE project_id = ? AND id IN ({})",
                                                              in),
                                                  params));
    for (const Row& row : rows) {
      observations[row.Text(0)] = ObservationFacts{.output = row.OptionalText(1),
                                                   .start = row.Int(2),
                                                   .end = row.OptionalInt(3),
                                                   .cost = row.OptionalDouble(4)};
    }
    return Ok();
  }));
  return observations;
}

Result<std::vector<DatasetRun>> SelectRuns(Connection& connection, int64_t project_id, const Dataset& dataset,
                                           const ExperimentQuery& query) {
  std::vector<DatasetRun> runs;
  if (query.run_names.empty()) {
    TALLY_ASSIGN_OR_RETURN(all, ListRuns(connection, project_id, dataset, 0, 1000));
    runs = std::move(all.first);
  }
  for (const std::string& name : query.run_names) {
    TALLY_ASSIGN_OR_RETURN(run, FindRun(connection, project_id, dataset, name));
    if (!run) return Error::NotFound(fmt::format("Dataset run '{}' not found in dataset '{}'", name, dataset.name));
    runs.push_back(std::move(*run));
  }
  if (runs.empty()) {
    return Error::InvalidField("datasetName", fmt::format("Dataset '{}' has no runs to compare yet", dataset.name));
  }
  return runs;
}

bj::value Number(std::optional<double> value) { return value ? bj::value(*value) : bj::value(nullptr); }

bj::value Delta(std::optional<double> value, std::optional<double> baseline) {
  if (!value || !baseline) return nullptr;
  return *value - *baseline;
}

bj::object ScoreCellJson(const ScoreCell& score) {
  return bj::object{{"name", score.name},
                    {"dataType", score.data_type},
                    {"value", Number(score.value)},
                    {"stringValue", score.string_value ? bj::value(*score.string_value) : bj::value(nullptr)},
                    {"comment", score.comment ? bj::value(*score.comment) : bj::value(nullptr)},
                    {"source", score.source},
                    {"observationId", score.observation_id ? bj::value(*score.observation_id) : bj::value(nullptr)}};
}

std::optional<double> Mean(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

// The figures of one run over all its items, kept as numbers for deltas.
struct RunAggregates {
  int64_t item_count = 0;
  std::optional<double> latency_mean, latency_p50, latency_p95, total_cost;
  std::map<std::string, std::optional<double>> score_means;              // numeric and boolean scores
  std::map<std::string, int64_t> score_counts;
  std::map<std::string, std::map<std::string, int64_t>> category_counts;  // categorical scores
};

RunAggregates Aggregate(const RunColumn& column) {
  RunAggregates aggregates;
  std::vector<double> latencies;
  std::map<std::string, std::vector<double>> score_values;
  for (const auto& [item_id, outcome] : column.outcomes) {
    ++aggregates.item_count;
    if (outcome.latency) latencies.push_back(*outcome.latency);
    if (outcome.cost) aggregates.total_cost = aggregates.total_cost.value_or(0) + *outcome.cost;
    if (!outcome.scores) continue;
    for (const ScoreCell& score : *outcome.scores) {
      ++aggregates.score_counts[score.name];
      if (score.data_type == "CATEGORICAL") {
        ++aggregates.category_counts[score.name][score.string_value.value_or("")];
      } else if (score.value) {
        score_values[score.name].push_back(*score.value);
      }
    }
  }
  aggregates.latency_mean = Mean(latencies);
  aggregates.latency_p50 = Quantile(latencies, 0.5);
  aggregates.latency_p95 = Quantile(latencies, 0.95);
  for (auto& [name, values] : score_values) aggregates.score_means[name] = Mean(values);
  return aggregates;
}

bj::object AggregatesJson(const RunAggregates& aggregates) {
  bj::object scores;
  for (const auto& [name, count] : aggregates.score_counts) {
    bj::object entry{{"count", count}};
    auto mean = aggregates.score_means.find(name);
    entry["mean"] = mean == aggregates.score_means.end() ? bj::value(nullptr) : Number(mean->second);
    auto categories = aggregates.category_counts.find(name);
    if (categories != aggregates.category_counts.end()) {
      bj::object counts;
      for (const auto& [category, n] : categories->second) counts[category] = n;
      entry["categories"] = std::move(counts);
    }
    scores[name] = std::move(entry);
  }
  return bj::object{{"itemCount", aggregates.item_count},
                    {"latency", {{"mean", Number(aggregates.latency_mean)},
                                 {"p50", Number(aggregates.latency_p50)},
                                 {"p95", Number(aggregates.latency_p95)}}},
                    {"totalCost", Number(aggregates.total_cost)},
                    {"scores", std::move(scores)}};
}

bj::object DeltasJson(const RunAggregates& run, const RunAggregates& baseline) {
  bj::object scores;
  for (const auto& [name, mean] : run.score_means) {
    auto base = baseline.score_means.find(name);
    scores[name] = Delta(mean, base == baseline.score_means.end() ? std::nullopt : base->second);
  }
  return bj::object{{"latency", {{"mean", Delta(run.latency_mean, baseline.latency_mean)},
                                 {"p50", Delta(run.latency_p50, baseline.latency_p50)},
                                 {"p95", Delta(run.latency_p95, baseline.latency_p95)}}},
                    {"totalCost", Delta(run.total_cost, baseline.total_cost)},
                    {"scores", std::move(scores)}};
}

// Fills each column's outcomes from the traces and observations its run
// items link to.
Result<void> ResolveOutcomes(Connection& connection, int64_t project_id, std::vector<RunColumn>& columns,
                             std::map<std::string, TraceFacts>& traces) {
  std::set<std::string> trace_ids, observation_ids;
  for (const RunColumn& column : columns) {
    for (const auto& [item_id, run_item] : column.by_item) {
      trace_ids.insert(run_item->trace_id);
      if (run_item->observation_id) observation_ids.insert(*run_item->observation_id);
    }
  }
  TALLY_ASSIGN_OR_RETURN(loaded_traces, LoadTraces(connection, project_id, {trace_ids.begin(), trace_ids.end()}));
  traces = std::move(loaded_traces);
  TALLY_ASSIGN_OR_RETURN(observations,
                         LoadObservations(connection, project_id, {observation_ids.begin(), observation_ids.end()}));

  for (RunColumn& column : columns) {
    for (const auto& [item_id, run_item] : column.by_item) {
      Outcome outcome{.run_item = run_item, .output = nullptr};
      auto trace = traces.find(run_item->trace_id);
      if (trace != traces.end()) outcome.scores = &trace->second.scores;

      auto observation = run_item->observation_id ? observations.find(*run_item->observation_id) : observations.end();
      if (observation != observations.end()) {
        outcome.output = ParseStoredJson(observation->second.output);
        if (observation->second.end) outcome.latency = static_cast<double>(*observation->second.end - observation->second.start) / 1e6;
        outcome.cost = observation->second.cost;
      } else if (trace != traces.end()) {
        outcome.output = ParseStoredJson(trace->second.output);
        if (trace->second.first_start && trace->second.last_end) {
          outcome.latency = static_cast<double>(*trace->second.last_end - *trace->second.first_start) / 1e6;
        }
        outcome.cost = trace->second.cost;
      }
      column.outcomes.emplace(item_id, std::move(outcome));
    }
  }
  return Ok();
}

Result<void> LoadRunScores(Connection& connection, int64_t project_id, std::vector<RunColumn>& columns) {
  std::vector<std::string> run_ids;
  for (const RunColumn& column : columns) run_ids.push_back(column.run.id);
  std::map<std::string, std::vector<ScoreCell>> by_run;
  TALLY_TRY(ForIdChunks(run_ids, [&](const std::string& in, Params params) -> Result<void> {
    params.insert(params.begin(), project_id);
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT dataset_run_id, {} FROM scores WHERE "
                                                              "project_id = ? AND dataset_run_id IN ({}) "
                                                              "ORDER BY name, timestamp",
                                                              kScoreColumns, in),
                                                  params));
    for (const Row& row : rows) by_run[row.Text(0)].push_back(ScoreFromRow(row, 1));
    return Ok();
  }));
  for (RunColumn& column : columns) column.run_scores = std::move(by_run[column.run.id]);
  return Ok();
}

bj::object OutcomeJson(const Outcome& outcome) {
  bj::array scores;
  if (outcome.scores) {
    for (const ScoreCell& score : *outcome.scores) scores.push_back(ScoreCellJson(score));
  }
  const DatasetRunItem& run_item = *outcome.run_item;
  return bj::object{{"datasetRunItemId", run_item.id},
                    {"traceId", run_item.trace_id},
                    {"observationId", run_item.observation_id ? bj::value(*run_item.observation_id) : bj::value(nullptr)},
                    {"output", outcome.output},
                    {"latency", Number(outcome.latency)},
                    {"cost", Number(outcome.cost)},
                    {"scores", std::move(scores)}};
}

}  // namespace

std::optional<double> Quantile(std::vector<double>& values, double q) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(position));
  const size_t upper = std::min(values.size() - 1, lower + 1);
  const double fraction = position - static_cast<double>(lower);
  return values[lower] + (values[upper] - values[lower]) * fraction;
}

Result<std::vector<RunItemOutput>> LoadRunOutputs(Connection& connection, int64_t project_id, const DatasetRun& run) {
  std::vector<RunColumn> columns(1);
  columns[0].run = run;
  TALLY_ASSIGN_OR_RETURN(items, ListRunItems(connection, project_id, run, 0, -1));
  columns[0].run_items = std::move(items.first);
  for (const DatasetRunItem& run_item : columns[0].run_items) columns[0].by_item[run_item.dataset_item_id] = &run_item;
  std::map<std::string, TraceFacts> traces;
  TALLY_TRY(ResolveOutcomes(connection, project_id, columns, traces));

  std::vector<RunItemOutput> outputs;
  for (const auto& [item_id, outcome] : columns[0].outcomes) {
    outputs.push_back(RunItemOutput{.run_item = *outcome.run_item, .output = outcome.output});
  }
  return outputs;
}

Result<bj::object> CompareRuns(Connection& connection, int64_t project_id, const ExperimentQuery& query) {
  TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetByName(connection, project_id, query.dataset_name));
  if (!dataset) return Error::NotFound(fmt::format("Dataset '{}' not found", query.dataset_name));
  TALLY_ASSIGN_OR_RETURN(runs, SelectRuns(connection, project_id, *dataset, query));

  // Columns in the order asked for; the baseline is the first unless named.
  std::vector<RunColumn> columns;
  size_t baseline_index = 0;
  for (DatasetRun& run : runs) {
    if (query.baseline && run.name == *query.baseline) baseline_index = columns.size();
    RunColumn column{.run = std::move(run)};
    TALLY_ASSIGN_OR_RETURN(items, ListRunItems(connection, project_id, column.run, 0, -1));
    column.run_items = std::move(items.first);
    columns.push_back(std::move(column));
  }
  if (query.baseline && columns[baseline_index].run.name != *query.baseline) {
    return Error::InvalidField("baseline",
                               fmt::format("Baseline run '{}' is not among the compared runs; add it to runs", *query.baseline));
  }
  // Run items are read oldest first, so the last one written for an item wins.
  for (RunColumn& column : columns) {
    for (const DatasetRunItem& run_item : column.run_items) column.by_item[run_item.dataset_item_id] = &run_item;
  }

  std::map<std::string, TraceFacts> traces;
  TALLY_TRY(ResolveOutcomes(connection, project_id, columns, traces));
  TALLY_TRY(LoadRunScores(connection, project_id, columns));

  std::vector<RunAggregates> aggregates;
  for (const RunColumn& column : columns) aggregates.push_back(Aggregate(column));
  std::set<std::string> score_names;
  bj::array runs_json;
  for (size_t i = 0; i < columns.size(); ++i) {
    for (const auto& [name, count] : aggregates[i].score_counts) score_names.insert(name);
    bj::object run = DatasetRunJson(columns[i].run);
    run["isBaseline"] = i == baseline_index;
    run["aggregates"] = AggregatesJson(aggregates[i]);
    run["deltas"] = DeltasJson(aggregates[i], aggregates[baseline_index]);
    bj::array run_scores;
    for (const ScoreCell& score : columns[i].run_scores) run_scores.push_back(ScoreCellJson(score));
    run["runScores"] = std::move(run_scores);
    runs_json.push_back(std::move(run));
  }

  // Rows are one page of the dataset's active items; the aggregates above
  // cover every item a run links, archived ones included.
  ItemQuery item_query{.dataset_id = dataset->id, .offset = (query.page - 1) * query.limit, .limit = query.limit};
  TALLY_ASSIGN_OR_RETURN(items, ListDatasetItems(connection, project_id, item_query));
  bj::array rows;
  for (const DatasetItem& item : items.first) {
    bj::object cells;
    for (const RunColumn& column : columns) {
      auto outcome = column.outcomes.find(item.id);
      cells[column.run.name] = outcome == column.outcomes.end() ? bj::value(nullptr) : bj::value(OutcomeJson(outcome->second));
    }
    rows.push_back(bj::object{{"datasetItemId", item.id},
                              {"input", ParseStoredJson(item.input)},
                              {"expectedOutput", ParseStoredJson(item.expected_output)},
                              {"runs", std::move(cells)}});
  }

  bj::array names;
  for (const std::string& name : score_names) names.push_back(bj::value(name));
  return bj::object{{"dataset", DatasetJson(*dataset)},
                    {"baseline", columns[baseline_index].run.name},
                    {"scoreNames", std::move(names)},
                    {"runs", std::move(runs_json)},
                    {"items", std::move(rows)},
                    {"meta", {{"page", query.page},
                              {"limit", query.limit},
                              {"totalItems", items.second},
                              {"totalPages", (items.second + query.limit - 1) / query.limit}}}};
}

}  // namespace tally::evals
