#include "labeling/prediction_store.h"

#include <fmt/format.h>

#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr std::string_view kPredictionColumns =
    "id, task_id, project_id, model_version, score, result, mislabeling, created_at, updated_at";
constexpr std::string_view kDraftColumns =
    "id, task_id, annotation_id, project_id, user_id, result, lead_time, was_postponed, import_id, created_at,"
    " updated_at";

bj::value ParseStored(const std::optional<std::string>& text, bj::value fallback) {
  if (!text) return fallback;
  boost::system::error_code ec;
  bj::value value = bj::parse(*text, ec);
  if (ec) return fallback;
  return value;
}

store::Value JsonColumn(const bj::value& value) {
  if (value.is_null()) return store::Null();
  return json::Serialize(value);
}

Prediction PredictionFromRow(const store::Row& row) {
  Prediction p;
  p.id = row.Int(0);
  p.task_id = row.Int(1);
  p.project_id = row.Int(2);
  p.model_version = row.Text(3);
  p.score = row.OptionalDouble(4);
  p.result = ParseStored(row.OptionalText(5), nullptr);
  p.mislabeling = row.Double(6);
  p.created_at = row.Int(7);
  p.updated_at = row.Int(8);
  return p;
}

Draft DraftFromRow(const store::Row& row) {
  Draft d;
  d.id = row.Int(0);
  d.task_id = row.Int(1);
  d.annotation_id = row.OptionalInt(2);
  d.project_id = row.Int(3);
  d.user_id = row.Int(4);
  d.result = ParseStored(row.OptionalText(5), bj::array());
  d.lead_time = row.OptionalDouble(6);
  d.was_postponed = row.Bool(7);
  d.import_id = row.OptionalInt(8);
  d.created_at = row.Int(9);
  d.updated_at = row.Int(10);
  return d;
}

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

}  // namespace

Result<Prediction> InsertPrediction(Connection& connection, Prediction p, Micros now) {
  p.created_at = now;
  p.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO predictions (task_id, project_id, model_version, score, result,"
                                  " mislabeling, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {p.task_id, p.project_id, p.model_version, store::OrNull(p.score),
                                   JsonColumn(p.result), p.mislabeling, now, now}));
  p.id = row->Int(0);
  return p;
}

Result<std::optional<Prediction>> FindPrediction(Connection& connection, int64_t prediction_id) {
  static const std::string sql = fmt::format("SELECT {} FROM predictions WHERE id = ?", kPredictionColumns);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, {prediction_id}));
  if (!row) return std::optional<Prediction>();
  return std::optional<Prediction>(PredictionFromRow(*row));
}

Result<std::vector<Prediction>> ListPredictions(Connection& connection, int64_t task_id, int64_t project_id) {
  std::string sql = fmt::format("SELECT {} FROM predictions WHERE 1 = 1", kPredictionColumns);
  store::Params params;
  if (task_id != 0) {
    sql += " AND task_id = ?";
    params.push_back(task_id);
  }
  if (project_id != 0) {
    sql += " AND project_id = ?";
    params.push_back(project_id);
  }
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<Prediction> predictions;
  for (const store::Row& row : rows) predictions.push_back(PredictionFromRow(row));
  return predictions;
}

Result<std::vector<Prediction>> ListPredictionsOfTasks(Connection& connection, const std::vector<int64_t>& task_ids) {
  std::vector<Prediction> predictions;
  if (task_ids.empty()) return predictions;
  store::Params params(task_ids.begin(), task_ids.end());
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM predictions WHERE task_id IN ({})"
                                                            " ORDER BY task_id, id",
                                                            kPredictionColumns, Placeholders(task_ids.size())),
                                                params));
  for (const store::Row& row : rows) predictions.push_back(PredictionFromRow(row));
  return predictions;
}

Result<Prediction> UpdatePrediction(Connection& connection, Prediction p) {
  p.updated_at = NowMicros();
  TALLY_TRY(connection.Execute(
      "UPDATE predictions SET model_version = ?, score = ?, result = ?, updated_at = ? WHERE id = ?",
      {p.model_version, store::OrNull(p.score), JsonColumn(p.result), p.updated_at, p.id}));
  return p;
}

Result<bool> DeletePrediction(Connection& connection, int64_t prediction_id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM predictions WHERE id = ?", {prediction_id}));
  return changed > 0;
}

Result<Draft> InsertDraft(Connection& connection, Draft d, Micros now) {
  d.created_at = now;
  d.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO drafts (task_id, annotation_id, project_id, user_id, result, lead_time,"
                                  " was_postponed, import_id, created_at, updated_at)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {d.task_id, store::OrNull(d.annotation_id), d.project_id, d.user_id,
                                   json::Serialize(d.result), store::OrNull(d.lead_time),
                                   store::Bool(d.was_postponed), store::OrNull(d.import_id), now, now}));
  d.id = row->Int(0);
  return d;
}

Result<std::optional<Draft>> FindDraft(Connection& connection, int64_t draft_id) {
  static const std::string sql = fmt::format("SELECT {} FROM drafts WHERE id = ?", kDraftColumns);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, {draft_id}));
  if (!row) return std::optional<Draft>();
  return std::optional<Draft>(DraftFromRow(*row));
}

Result<std::vector<Draft>> ListDrafts(Connection& connection, int64_t task_id, int64_t user_id,
                                      std::optional<int64_t> annotation_id) {
  std::string sql = fmt::format("SELECT {} FROM drafts WHERE task_id = ? AND user_id = ?", kDraftColumns);
  store::Params params{task_id, user_id};
  if (annotation_id) {
    sql += " AND annotation_id = ?";
    params.push_back(*annotation_id);
  } else {
    sql += " AND annotation_id IS NULL";
  }
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<Draft> drafts;
  for (const store::Row& row : rows) drafts.push_back(DraftFromRow(row));
  return drafts;
}

Result<std::vector<Draft>> ListUserDraftsOfTask(Connection& connection, int64_t task_id, int64_t user_id) {
  static const std::string sql =
      fmt::format("SELECT {} FROM drafts WHERE task_id = ? AND user_id = ? ORDER BY id", kDraftColumns);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, {task_id, user_id}));
  std::vector<Draft> drafts;
  for (const store::Row& row : rows) drafts.push_back(DraftFromRow(row));
  return drafts;
}

Result<Draft> UpdateDraft(Connection& connection, Draft d) {
  d.updated_at = NowMicros();
  TALLY_TRY(connection.Execute(
      "UPDATE drafts SET result = ?, lead_time = ?, was_postponed = ?, updated_at = ? WHERE id = ?",
      {json::Serialize(d.result), store::OrNull(d.lead_time), store::Bool(d.was_postponed), d.updated_at, d.id}));
  return d;
}

Result<bool> DeleteDraft(Connection& connection, int64_t draft_id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM drafts WHERE id = ?", {draft_id}));
  return changed > 0;
}

Result<int64_t> DeleteSubmittedDrafts(Connection& connection, int64_t task_id, int64_t user_id,
                                      std::optional<int64_t> annotation_id) {
  if (annotation_id) {
    return connection.Execute("DELETE FROM drafts WHERE task_id = ? AND user_id = ? AND annotation_id = ?",
                              {task_id, user_id, *annotation_id});
  }
  return connection.Execute("DELETE FROM drafts WHERE task_id = ? AND user_id = ? AND annotation_id IS NULL",
                            {task_id, user_id});
}

}  // namespace tally::labeling
