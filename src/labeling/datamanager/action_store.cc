#include "labeling/datamanager/action_store.h"

#include <algorithm>
#include <set>
#include <string>

#include "labeling/annotation_store.h"
#include "labeling/counters.h"
#include "labeling/lifecycle.h"
#include "labeling/prediction_store.h"

namespace tally::labeling {

namespace {

// Keeps each statement well under SQLite's default limit of 32766
// parameters.
constexpr size_t kChunk = 500;

// "(?, ?, …)" for ids[start, end) appended to `params`.
std::string Placeholders(const std::vector<int64_t>& ids, size_t start, size_t end, store::Params& params) {
  std::string list = "(";
  for (size_t i = start; i < end; ++i) {
    list += i == start ? "?" : ", ?";
    params.push_back(ids[i]);
  }
  return list + ")";
}

}  // namespace

Result<int64_t> DeleteAnnotationsOfTasks(Connection& connection, const Project& project,
                                         const std::vector<int64_t>& task_ids, std::optional<int64_t> annotator,
                                         int64_t acting_user) {
  int64_t deleted = 0;
  for (size_t start = 0; start < task_ids.size(); start += kChunk) {
    const size_t end = std::min(task_ids.size(), start + kChunk);
    const std::vector<int64_t> chunk(task_ids.begin() + static_cast<std::ptrdiff_t>(start),
                                     task_ids.begin() + static_cast<std::ptrdiff_t>(end));
    TALLY_ASSIGN_OR_RETURN(annotations, ListAnnotationsOfTasks(connection, chunk));
    std::set<int64_t> touched;
    for (const Annotation& annotation : annotations) {
      if (annotation.project_id != project.id) continue;
      if (annotator && annotation.completed_by != annotator) continue;
      TALLY_TRY(DeleteAnnotation(connection, annotation.id, acting_user));
      touched.insert(annotation.task_id);
      ++deleted;
    }

    store::Params params{project.id};
    std::string sql = "DELETE FROM drafts WHERE project_id = ? AND task_id IN " +
                      Placeholders(task_ids, start, end, params);
    if (annotator) {
      sql += " AND user_id = ?";
      params.push_back(*annotator);
    }
    TALLY_TRY(connection.Execute(sql, params));

    for (int64_t task_id : touched) {
      TALLY_TRY(AfterAnnotationWrite(connection, project, task_id,
                                     {.user_id = acting_user, .reason = "annotations deleted by a bulk action"}));
    }
  }
  return deleted;
}

Result<int64_t> DeletePredictionsOfTasks(Connection& connection, const Project& project,
                                         const std::vector<int64_t>& task_ids) {
  TALLY_TRY(LockProjectRow(connection, project.id));
  int64_t deleted = 0;
  for (size_t start = 0; start < task_ids.size(); start += kChunk) {
    const size_t end = std::min(task_ids.size(), start + kChunk);
    store::Params params{project.id};
    const std::string list = Placeholders(task_ids, start, end, params);
    TALLY_ASSIGN_OR_RETURN(changed,
                           connection.Execute("DELETE FROM predictions WHERE project_id = ? AND task_id IN " + list,
                                              params));
    deleted += changed;
    TALLY_TRY(connection.Execute("UPDATE tasks SET total_predictions = 0 WHERE project_id = ? AND id IN " + list,
                                 params));
  }
  TALLY_TRY(RecomputeProjectCounters(connection, project.id));
  return deleted;
}

Result<std::vector<Annotation>> AnnotationsFromPredictions(Connection& connection, const Project& project,
                                                           const std::vector<int64_t>& task_ids,
                                                           const std::vector<std::string>& model_versions,
                                                           int64_t acting_user) {
  const std::set<std::string> versions(model_versions.begin(), model_versions.end());
  std::vector<Annotation> created;
  for (size_t start = 0; start < task_ids.size(); start += kChunk) {
    const size_t end = std::min(task_ids.size(), start + kChunk);
    const std::vector<int64_t> chunk(task_ids.begin() + static_cast<std::ptrdiff_t>(start),
                                     task_ids.begin() + static_cast<std::ptrdiff_t>(end));

    // A prediction counts as converted while an annotation names it as its
    // parent, so deleting that annotation makes it convertible again.
    TALLY_ASSIGN_OR_RETURN(existing, ListAnnotationsOfTasks(connection, chunk));
    std::set<int64_t> converted;
    for (const Annotation& annotation : existing) {
      if (annotation.parent_prediction) converted.insert(*annotation.parent_prediction);
    }

    TALLY_ASSIGN_OR_RETURN(predictions, ListPredictionsOfTasks(connection, chunk));
    std::set<int64_t> touched;
    for (const Prediction& prediction : predictions) {
      if (prediction.project_id != project.id || converted.contains(prediction.id)) continue;
      if (!versions.empty() && !versions.contains(prediction.model_version)) continue;
      if (!prediction.result.is_array()) continue;

      Annotation annotation;
      annotation.task_id = prediction.task_id;
      annotation.project_id = project.id;
      annotation.completed_by = acting_user;
      annotation.result = prediction.result;
      annotation.last_action = "prediction";
      annotation.last_created_by = acting_user;
      annotation.updated_by = acting_user;
      annotation.parent_prediction = prediction.id;
      annotation.bulk_created = true;
      TALLY_ASSIGN_OR_RETURN(stored, InsertAnnotation(connection, std::move(annotation), acting_user));
      touched.insert(stored.task_id);
      created.push_back(std::move(stored));
    }

    for (int64_t task_id : touched) {
      TALLY_TRY(AfterAnnotationWrite(connection, project, task_id,
                                     {.user_id = acting_user, .reason = "annotations created from predictions"}));
    }
  }
  return created;
}

}  // namespace tally::labeling
