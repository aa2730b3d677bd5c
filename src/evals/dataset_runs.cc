#include "evals/dataset_runs.h"

#include <fmt/format.h>

#include "core/crypto.h"

namespace tally::evals {

namespace bj = boost::json;
using store::OrNull;
using store::Row;

namespace {

constexpr const char* kRunColumns =
    "r.id, r.dataset_id, d.name, r.name, r.description, r.metadata, r.created_at, r.updated_at";

DatasetRun RunFromRow(const Row& row) {
  return DatasetRun{.id = row.Text(0),
                    .dataset_id = row.Text(1),
                    .dataset_name = row.Text(2),
                    .name = row.Text(3),
                    .description = row.OptionalText(4),
                    .metadata = row.OptionalText(5),
                    .created_at = row.Int(6),
                    .updated_at = row.Int(7)};
}

// Finds the run by name or creates it; a given description or metadata
// replaces the stored one.
Result<DatasetRun> EnsureRun(Connection& connection, int64_t project_id, const Dataset& dataset,
                             const RunItemCreate& create, Micros now) {
  TALLY_ASSIGN_OR_RETURN(existing, FindRun(connection, project_id, dataset, create.run_name));
  if (!existing) {
    DatasetRun run{.id = NewUuidV7(),
                   .dataset_id = dataset.id,
                   .dataset_name = dataset.name,
                   .name = create.run_name,
                   .description = create.run_description,
                   .metadata = create.metadata,
                   .created_at = now,
                   .updated_at = now};
    TALLY_TRY(connection.Execute(
        "INSERT INTO dataset_runs (project_id, id, dataset_id, name, description, metadata, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {project_id, run.id, run.dataset_id, run.name, OrNull(run.description), OrNull(run.metadata), now, now}));
    return run;
  }

  DatasetRun run = std::move(*existing);
  if (!create.run_description && !create.metadata) return run;
  if (create.run_description) run.description = create.run_description;
  if (create.metadata) run.metadata = create.metadata;
  run.updated_at = now;
  TALLY_TRY(connection.Execute(
      "UPDATE dataset_runs SET description = ?, metadata = ?, updated_at = ? WHERE project_id = ? AND id = ?",
      {OrNull(run.description), OrNull(run.metadata), now, project_id, run.id}));
  return run;
}

}  // namespace

Result<DatasetRunItem> CreateRunItem(Connection& connection, int64_t project_id, const RunItemCreate& create) {
  TALLY_ASSIGN_OR_RETURN(item, FindDatasetItem(connection, project_id, create.dataset_item_id));
  if (!item || item->status != kItemActive) return Error::NotFound("Dataset item not found");

  std::string trace_id = create.trace_id.value_or("");
  if (trace_id.empty()) {
    TALLY_ASSIGN_OR_RETURN(observation,
                           connection.QueryOne("SELECT trace_id FROM observations WHERE project_id = ? AND id = ?",
                                               {project_id, create.observation_id.value_or("")}));
    if (!observation) {
      return Error::NotFound(fmt::format("Observation '{}' not found: send traceId when the observation is not "
                                         "ingested yet",
                                         create.observation_id.value_or("")));
    }
    trace_id = observation->Text(0);
  }

  TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetById(connection, project_id, item->dataset_id));
  if (!dataset) return Error::Internal(fmt::format("dataset {} of item {} is missing", item->dataset_id, item->id));
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(run, EnsureRun(connection, project_id, *dataset, create, now));

  DatasetRunItem run_item{.id = NewUuidV7(),
                          .dataset_run_id = run.id,
                          .dataset_run_name = run.name,
                          .dataset_item_id = item->id,
                          .trace_id = trace_id,
                          .observation_id = create.observation_id,
                          .created_at = create.created_at.value_or(now),
                          .updated_at = now};
  TALLY_TRY(connection.Execute(
      "INSERT INTO dataset_run_items (project_id, id, dataset_run_id, dataset_item_id, trace_id, observation_id, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {project_id, run_item.id, run_item.dataset_run_id, run_item.dataset_item_id, run_item.trace_id,
       OrNull(run_item.observation_id), run_item.created_at, now}));
  return run_item;
}

Result<std::optional<DatasetRun>> FindRun(Connection& connection, int64_t project_id, const Dataset& dataset,
                                          const std::string& run_name) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM dataset_runs r JOIN datasets d "
                                                              "ON d.project_id = r.project_id AND d.id = r.dataset_id "
                                                              "WHERE r.project_id = ? AND r.dataset_id = ? AND r.name = ?",
                                                              kRunColumns),
                                                  {project_id, dataset.id, run_name}));
  if (!row) return std::optional<DatasetRun>();
  return std::optional<DatasetRun>(RunFromRow(*row));
}

Result<std::pair<std::vector<DatasetRun>, int64_t>> ListRuns(Connection& connection, int64_t project_id,
                                                            const Dataset& dataset, int64_t offset, int64_t limit) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM dataset_runs r JOIN datasets d "
                                                            "ON d.project_id = r.project_id AND d.id = r.dataset_id "
                                                            "WHERE r.project_id = ? AND r.dataset_id = ? "
                                                            "ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?",
                                                            kRunColumns),
                                                {project_id, dataset.id, limit, offset}));
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(*) FROM dataset_runs WHERE project_id = ? AND "
                                                    "dataset_id = ?",
                                                    {project_id, dataset.id}));
  std::vector<DatasetRun> runs;
  for (const Row& row : rows) runs.push_back(RunFromRow(row));
  return std::make_pair(std::move(runs), count ? count->Int(0) : 0);
}

Result<std::pair<std::vector<DatasetRunItem>, int64_t>> ListRunItems(Connection& connection, int64_t project_id,
                                                                    const DatasetRun& run, int64_t offset,
                                                                    int64_t limit) {
  // PostgreSQL rejects LIMIT -1, so the unlimited form leaves the clause out.
  const std::string page = limit < 0 ? std::string() : fmt::format(" LIMIT {} OFFSET {}", limit, offset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT id, dataset_item_id, trace_id, observation_id, created_at, "
                                                "updated_at FROM dataset_run_items WHERE project_id = ? AND "
                                                "dataset_run_id = ? ORDER BY created_at, id" +
                                                    page,
                                                {project_id, run.id}));
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(*) FROM dataset_run_items WHERE project_id = ? AND "
                                                    "dataset_run_id = ?",
                                                    {project_id, run.id}));
  std::vector<DatasetRunItem> items;
  for (const Row& row : rows) {
    items.push_back(DatasetRunItem{.id = row.Text(0),
                                   .dataset_run_id = run.id,
                                   .dataset_run_name = run.name,
                                   .dataset_item_id = row.Text(1),
                                   .trace_id = row.Text(2),
                                   .observation_id = row.OptionalText(3),
                                   .created_at = row.Int(4),
                                   .updated_at = row.Int(5)});
  }
  return std::make_pair(std::move(items), count ? count->Int(0) : 0);
}

Result<void> DeleteRun(Connection& connection, int64_t project_id, const DatasetRun& run) {
  TALLY_TRY(connection.Execute("DELETE FROM dataset_run_items WHERE project_id = ? AND dataset_run_id = ?",
                               {project_id, run.id}));
  TALLY_TRY(connection.Execute("DELETE FROM dataset_runs WHERE project_id = ? AND id = ?", {project_id, run.id}));
  return Ok();
}

bj::object DatasetRunJson(const DatasetRun& run) {
  return bj::object{{"id", run.id},
                    {"name", run.name},
                    {"description", run.description ? bj::value(*run.description) : bj::value(nullptr)},
                    {"metadata", ParseStoredJson(run.metadata)},
                    {"datasetId", run.dataset_id},
                    {"datasetName", run.dataset_name},
                    {"createdAt", FormatIsoMillis(run.created_at)},
                    {"updatedAt", FormatIsoMillis(run.updated_at)}};
}

bj::object DatasetRunItemJson(const DatasetRunItem& item) {
  return bj::object{{"id", item.id},
                    {"datasetRunId", item.dataset_run_id},
                    {"datasetRunName", item.dataset_run_name},
                    {"datasetItemId", item.dataset_item_id},
                    {"traceId", item.trace_id},
                    {"observationId", item.observation_id ? bj::value(*item.observation_id) : bj::value(nullptr)},
                    {"createdAt", FormatIsoMillis(item.created_at)},
                    {"updatedAt", FormatIsoMillis(item.updated_at)}};
}

}  // namespace tally::evals
