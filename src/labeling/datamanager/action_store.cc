#include "labeling/datamanager/action_store.h"

#include <algorithm>
#include <set>
#include <string>

#include "labeling/annotation_store.h"
#include "labeling/counters.h"
#include "labeling/lifecycle.h"

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

}  // namespace tally::labeling
