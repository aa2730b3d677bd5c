#include "labeling/export/snapshot_store.h"

#include <fmt/format.h>

#include "core/json.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

constexpr std::string_view kColumns =
    "id, project_id, title, created_by, status, selection, job_id, task_count, file_bytes, error, created_at,"
    " finished_at, md5";

Snapshot SnapshotFromRow(const store::Row& row) {
  Snapshot snapshot;
  snapshot.id = row.Int(0);
  snapshot.project_id = row.Int(1);
  snapshot.title = row.Text(2);
  snapshot.created_by = row.OptionalInt(3);
  snapshot.status = row.Text(4);
  boost::system::error_code ec;
  const bj::value selection = bj::parse(row.Text(5, "{}"), ec);
  snapshot.selection = SelectionFromJson(ec ? bj::value(bj::object()) : selection, snapshot.project_id);
  snapshot.job_id = row.OptionalInt(6);
  snapshot.task_count = row.Int(7);
  snapshot.file_bytes = row.Int(8);
  snapshot.error = row.OptionalText(9);
  snapshot.created_at = row.Int(10);
  if (!row.IsNull(11)) snapshot.finished_at = row.Int(11);
  snapshot.md5 = row.Text(12);
  return snapshot;
}

bool Flag(const bj::object& object, std::string_view key, bool fallback) {
  const bj::value* value = object.if_contains(key);
  return value && value->is_bool() ? value->get_bool() : fallback;
}

// A task state filter as stored: "only", "exclude" or null.
bj::value StateFilterJson(TaskStateFilter filter) {
  switch (filter) {
    case TaskStateFilter::kOnly:
      return "only";
    case TaskStateFilter::kExclude:
      return "exclude";
    case TaskStateFilter::kAny:
      break;
  }
  return nullptr;
}

TaskStateFilter StateFilter(const bj::object& object, std::string_view key) {
  const bj::value* value = object.if_contains(key);
  if (!value || !value->is_string()) return TaskStateFilter::kAny;
  if (value->get_string() == "only") return TaskStateFilter::kOnly;
  if (value->get_string() == "exclude") return TaskStateFilter::kExclude;
  return TaskStateFilter::kAny;
}

}  // namespace

bj::object SelectionJson(const ExportSelection& selection) {
  bj::array ids;
  for (int64_t id : selection.task_ids) ids.push_back(id);
  bj::object json{{"all_tasks", selection.all_tasks},       {"task_ids", std::move(ids)},
                  {"usual", selection.usual},               {"ground_truth", selection.ground_truth},
                  {"skipped", selection.skipped},           {"completed_by_only_id", selection.completed_by_only_id},
                  {"with_kept_annotations", selection.with_kept_annotations},
                  {"skipped_tasks", StateFilterJson(selection.skipped_tasks)},
                  {"finished_tasks", StateFilterJson(selection.finished_tasks)},
                  {"annotated_tasks", StateFilterJson(selection.annotated_tasks)}};
  if (selection.view) {
    json["view"] = bj::object{{"id", selection.view->id},
                              {"user_id", selection.view->user_id},
                              {"query", selection.view->query}};
  }
  return json;
}

ExportSelection SelectionFromJson(const bj::value& json, int64_t project_id) {
  ExportSelection selection;
  selection.project_id = project_id;
  if (!json.is_object()) return selection;
  const bj::object& object = json.get_object();
  selection.all_tasks = Flag(object, "all_tasks", false);
  selection.usual = Flag(object, "usual", true);
  selection.ground_truth = Flag(object, "ground_truth", true);
  selection.skipped = Flag(object, "skipped", true);
  selection.completed_by_only_id = Flag(object, "completed_by_only_id", false);
  selection.with_kept_annotations = Flag(object, "with_kept_annotations", false);
  selection.skipped_tasks = StateFilter(object, "skipped_tasks");
  selection.finished_tasks = StateFilter(object, "finished_tasks");
  selection.annotated_tasks = StateFilter(object, "annotated_tasks");
  if (const bj::value* view = object.if_contains("view"); view && view->is_object()) {
    const bj::object& fields = view->get_object();
    const bj::value* id = fields.if_contains("id");
    const bj::value* user_id = fields.if_contains("user_id");
    const bj::value* query = fields.if_contains("query");
    if (id && id->is_int64() && user_id && user_id->is_int64() && query && query->is_object()) {
      selection.view = ExportView{id->get_int64(), user_id->get_int64(), query->get_object()};
    }
  }
  if (const bj::value* ids = object.if_contains("task_ids"); ids && ids->is_array()) {
    for (const bj::value& id : ids->get_array()) {
      if (id.is_int64()) selection.task_ids.push_back(id.get_int64());
    }
  }
  return selection;
}

Result<Snapshot> InsertSnapshot(store::Connection& connection, Snapshot snapshot) {
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne("INSERT INTO export_snapshots (project_id, title, created_by, status, selection,"
                               " created_at) VALUES (?, ?, ?, 'created', ?, ?) RETURNING id",
                               {snapshot.project_id, snapshot.title, store::OrNull(snapshot.created_by),
                                json::Serialize(SelectionJson(snapshot.selection)), snapshot.created_at}));
  snapshot.id = row->Int(0);
  snapshot.status = "created";
  return snapshot;
}

Result<std::optional<Snapshot>> FindSnapshot(store::Connection& connection, int64_t snapshot_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM export_snapshots WHERE id = ?", kColumns),
                                                  {snapshot_id}));
  if (!row) return std::optional<Snapshot>();
  return std::optional<Snapshot>(SnapshotFromRow(*row));
}

Result<std::vector<Snapshot>> ListSnapshots(store::Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(
      rows, connection.Query(fmt::format("SELECT {} FROM export_snapshots WHERE project_id = ? ORDER BY id DESC"
                                         " LIMIT 100",
                                         kColumns),
                             {project_id}));
  std::vector<Snapshot> snapshots;
  for (const store::Row& row : rows) snapshots.push_back(SnapshotFromRow(row));
  return snapshots;
}

Result<void> SetSnapshotJob(store::Connection& connection, int64_t snapshot_id, int64_t job_id) {
  TALLY_TRY(connection.Execute("UPDATE export_snapshots SET job_id = ? WHERE id = ?", {job_id, snapshot_id}));
  return Ok();
}

Result<void> SetSnapshotStatus(store::Connection& connection, int64_t snapshot_id, std::string_view status,
                               int64_t task_count, int64_t file_bytes, const std::optional<std::string>& error,
                               std::string_view md5) {
  const bool finished = status == "completed" || status == "failed";
  TALLY_TRY(connection.Execute(
      "UPDATE export_snapshots SET status = ?, task_count = ?, file_bytes = ?, error = ?, finished_at = ?, md5 = ?"
      " WHERE id = ?",
      {std::string(status), task_count, file_bytes, store::OrNull(error),
       finished ? store::Value(NowMicros()) : store::Null(), std::string(md5), snapshot_id}));
  return Ok();
}

Result<bool> DeleteSnapshot(store::Connection& connection, int64_t snapshot_id) {
  TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM export_snapshots WHERE id = ?", {snapshot_id}));
  return deleted > 0;
}

}  // namespace tally::labeling::exporting
