#include "labeling/annotation_store.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr std::string_view kAnnotationColumns =
    "id, task_id, project_id, completed_by, result, was_cancelled, ground_truth, lead_time, unique_id, import_id,"
    " last_action, last_created_by, updated_by, parent_prediction, parent_annotation, prediction, draft_created_at,"
    " bulk_created, created_at, updated_at";

bj::value ParseStored(const std::optional<std::string>& text, bj::value fallback) {
  if (!text) return fallback;
  boost::system::error_code ec;
  bj::value value = bj::parse(*text, ec);
  if (ec) return fallback;
  return value;
}

store::Value ResultColumn(const bj::value& result) {
  if (result.is_null()) return store::Null();
  return json::Serialize(result);
}

Annotation AnnotationFromRow(const store::Row& row) {
  Annotation a;
  a.id = row.Int(0);
  a.task_id = row.Int(1);
  a.project_id = row.Int(2);
  a.completed_by = row.OptionalInt(3);
  a.result = ParseStored(row.OptionalText(4), nullptr);
  a.was_cancelled = row.Bool(5);
  a.ground_truth = row.Bool(6);
  a.lead_time = row.OptionalDouble(7);
  a.unique_id = row.Text(8);
  a.import_id = row.OptionalInt(9);
  a.last_action = row.OptionalText(10);
  a.last_created_by = row.OptionalInt(11);
  a.updated_by = row.OptionalInt(12);
  a.parent_prediction = row.OptionalInt(13);
  a.parent_annotation = row.OptionalInt(14);
  a.prediction = ParseStored(row.OptionalText(15), bj::object());
  a.draft_created_at = row.OptionalInt(16);
  a.bulk_created = row.Bool(17);
  a.created_at = row.Int(18);
  a.updated_at = row.Int(19);
  return a;
}

Result<void> WriteHistory(Connection& connection, const Annotation& a, std::string_view action,
                          std::optional<int64_t> user_id, Micros now) {
  TALLY_TRY(connection.Execute(
      "INSERT INTO annotation_history (annotation_id, task_id, project_id, action, user_id, result, was_cancelled,"
      " ground_truth, lead_time, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.id, a.task_id, a.project_id, std::string(action), store::OrNull(user_id), ResultColumn(a.result),
       store::Bool(a.was_cancelled), store::Bool(a.ground_truth), store::OrNull(a.lead_time), now}));
  return Ok();
}

// Clears the ground-truth flag on the task's other annotations, with a
// history row for each, because Label Studio keeps at most one per task.
Result<void> ClearOtherGroundTruth(Connection& connection, int64_t task_id, int64_t keep_id,
                                   std::optional<int64_t> acting_user, Micros now) {
  static const std::string sql = fmt::format(
      "SELECT {} FROM annotations WHERE task_id = ? AND id <> ? AND ground_truth = 1", kAnnotationColumns);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, {task_id, keep_id}));
  for (const store::Row& row : rows) {
    Annotation other = AnnotationFromRow(row);
    other.ground_truth = false;
    TALLY_TRY(connection.Execute("UPDATE annotations SET ground_truth = 0, updated_at = ? WHERE id = ?",
                                 {now, other.id}));
    TALLY_TRY(WriteHistory(connection, other, "updated", acting_user, now));
  }
  return Ok();
}

}  // namespace

Result<Annotation> InsertAnnotation(Connection& connection, Annotation a, std::optional<int64_t> acting_user,
                                    Micros now) {
  a.created_at = now;
  a.updated_at = now;
  if (a.unique_id.empty()) a.unique_id = NewUuidV4();

  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO annotations (task_id, project_id, completed_by, result, was_cancelled, ground_truth,"
               " lead_time, unique_id, import_id, last_action, last_created_by, updated_by, parent_prediction,"
               " parent_annotation, prediction, draft_created_at, bulk_created, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {a.task_id, a.project_id, store::OrNull(a.completed_by), ResultColumn(a.result),
                store::Bool(a.was_cancelled), store::Bool(a.ground_truth), store::OrNull(a.lead_time), a.unique_id,
                store::OrNull(a.import_id), store::OrNull(a.last_action), store::OrNull(a.last_created_by),
                store::OrNull(a.updated_by), store::OrNull(a.parent_prediction), store::OrNull(a.parent_annotation),
                json::Serialize(a.prediction), store::OrNull(a.draft_created_at), store::Bool(a.bulk_created), now,
                now}));
  a.id = row->Int(0);

  if (a.ground_truth) TALLY_TRY(ClearOtherGroundTruth(connection, a.task_id, a.id, acting_user, now));
  TALLY_TRY(WriteHistory(connection, a, "created", acting_user, now));
  return a;
}

Result<std::optional<Annotation>> FindAnnotation(Connection& connection, int64_t annotation_id) {
  static const std::string sql = fmt::format("SELECT {} FROM annotations WHERE id = ?", kAnnotationColumns);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, {annotation_id}));
  if (!row) return std::optional<Annotation>();
  return std::optional<Annotation>(AnnotationFromRow(*row));
}

Result<std::vector<Annotation>> ListTaskAnnotations(Connection& connection, int64_t task_id, bool include_skipped) {
  std::string sql = fmt::format("SELECT {} FROM annotations WHERE task_id = ?", kAnnotationColumns);
  if (!include_skipped) sql += " AND was_cancelled = 0";
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, {task_id}));
  std::vector<Annotation> annotations;
  for (const store::Row& row : rows) annotations.push_back(AnnotationFromRow(row));
  return annotations;
}

Result<std::vector<Annotation>> ListAnnotationsOfTasks(Connection& connection, const std::vector<int64_t>& task_ids) {
  std::vector<Annotation> annotations;
  if (task_ids.empty()) return annotations;
  std::string sql = fmt::format("SELECT {} FROM annotations WHERE task_id IN (", kAnnotationColumns);
  store::Params params;
  for (size_t i = 0; i < task_ids.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.push_back(task_ids[i]);
  }
  sql += ") ORDER BY task_id, id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  for (const store::Row& row : rows) annotations.push_back(AnnotationFromRow(row));
  return annotations;
}

Result<Annotation> UpdateAnnotation(Connection& connection, Annotation a, int64_t acting_user) {
  const Micros now = NowMicros();
  a.updated_at = now;
  a.updated_by = acting_user;
  TALLY_TRY(connection.Execute(
      "UPDATE annotations SET result = ?, was_cancelled = ?, ground_truth = ?, lead_time = ?, completed_by = ?,"
      " last_action = ?, updated_by = ?, updated_at = ? WHERE id = ?",
      {ResultColumn(a.result), store::Bool(a.was_cancelled), store::Bool(a.ground_truth),
       store::OrNull(a.lead_time), store::OrNull(a.completed_by), store::OrNull(a.last_action), acting_user, now,
       a.id}));
  if (a.ground_truth) TALLY_TRY(ClearOtherGroundTruth(connection, a.task_id, a.id, acting_user, now));
  TALLY_TRY(WriteHistory(connection, a, "updated", acting_user, now));
  return a;
}

Result<bool> DeleteAnnotation(Connection& connection, int64_t annotation_id, int64_t acting_user) {
  TALLY_ASSIGN_OR_RETURN(existing, FindAnnotation(connection, annotation_id));
  if (!existing) return false;
  TALLY_TRY(WriteHistory(connection, *existing, "deleted", acting_user, NowMicros()));
  TALLY_TRY(connection.Execute("DELETE FROM annotations WHERE id = ?", {annotation_id}));
  return true;
}

Result<std::vector<AnnotationHistoryEntry>> ListAnnotationHistory(Connection& connection, int64_t annotation_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "SELECT id, annotation_id, task_id, project_id, action, user_id, result,"
                                   " was_cancelled, ground_truth, lead_time, created_at FROM annotation_history"
                                   " WHERE annotation_id = ? ORDER BY id",
                                   {annotation_id}));
  std::vector<AnnotationHistoryEntry> entries;
  for (const store::Row& row : rows) {
    AnnotationHistoryEntry entry;
    entry.id = row.Int(0);
    entry.annotation_id = row.Int(1);
    entry.task_id = row.Int(2);
    entry.project_id = row.Int(3);
    entry.action = row.Text(4);
    entry.user_id = row.OptionalInt(5);
    entry.result = ParseStored(row.OptionalText(6), nullptr);
    entry.was_cancelled = row.Bool(7);
    entry.ground_truth = row.Bool(8);
    entry.lead_time = row.OptionalDouble(9);
    entry.created_at = row.Int(10);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace tally::labeling
