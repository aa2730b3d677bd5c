#include "labeling/counters.h"

#include <fmt/format.h>

namespace tally::labeling {

Result<void> LockProjectRow(Connection& connection, int64_t project_id) {
  if (connection.dialect() != store::Dialect::kPostgres) return Ok();
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT id FROM projects WHERE id = ? FOR NO KEY UPDATE",
                                                  {project_id}));
  if (!row) return Error::NotFound("Project not found.");
  return Ok();
}

bool IsLabeled(const TaskCounts& counts, std::string_view skip_queue) {
  int64_t completed = counts.completed_annotations;
  if (skip_queue == "IGNORE_SKIPPED") completed += counts.cancelled_annotations;
  return completed >= std::max<int64_t>(1, counts.overlap);
}

namespace {

Result<void> ApplyDelta(Connection& connection, int64_t project_id, const TaskCounts& before,
                        const TaskCounts& after, int64_t task_delta) {
  auto has_annotations = [](const TaskCounts& counts) -> int64_t { return counts.total_annotations > 0 ? 1 : 0; };
  const int64_t finished = static_cast<int64_t>(after.is_labeled) - static_cast<int64_t>(before.is_labeled);
  TALLY_TRY(connection.Execute(
      "UPDATE projects SET task_number = task_number + ?, finished_task_number = finished_task_number + ?,"
      " num_tasks_with_annotations = num_tasks_with_annotations + ?,"
      " total_annotations_number = total_annotations_number + ?,"
      " skipped_annotations_number = skipped_annotations_number + ?,"
      " useful_annotation_number = useful_annotation_number + ?, ground_truth_number = ground_truth_number + ?,"
      " total_predictions_number = total_predictions_number + ? WHERE id = ?",
      {task_delta, finished, has_annotations(after) - has_annotations(before),
       after.total_annotations - before.total_annotations,
       after.cancelled_annotations - before.cancelled_annotations,
       after.useful_annotations - before.useful_annotations,
       after.ground_truth_annotations - before.ground_truth_annotations,
       after.total_predictions - before.total_predictions, project_id}));
  return Ok();
}

}  // namespace

Result<TaskCounts> RefreshTaskCounters(Connection& connection, const Project& project, int64_t task_id) {
  TALLY_TRY(LockProjectRow(connection, project.id));
  TALLY_ASSIGN_OR_RETURN(old_row, connection.QueryOne(
                                      "SELECT total_annotations, cancelled_annotations, completed_annotations,"
                                      " ground_truth_annotations, useful_annotations, total_predictions, overlap,"
                                      " is_labeled FROM tasks WHERE id = ?",
                                      {task_id}));
  if (!old_row) return Error::NotFound("Task not found.");
  TaskCounts before{old_row->Int(0), old_row->Int(1), old_row->Int(2), old_row->Int(3),
                    old_row->Int(4), old_row->Int(5), old_row->Int(6), old_row->Bool(7)};

  TALLY_ASSIGN_OR_RETURN(counts, connection.QueryOne(
                                     "SELECT"
                                     " COALESCE(SUM(CASE WHEN was_cancelled = 0 THEN 1 ELSE 0 END), 0),"
                                     " COALESCE(SUM(CASE WHEN was_cancelled = 1 THEN 1 ELSE 0 END), 0),"
                                     " COALESCE(SUM(CASE WHEN was_cancelled = 0 AND result IS NOT NULL THEN 1 ELSE 0 END), 0),"
                                     " COALESCE(SUM(CASE WHEN ground_truth = 1 THEN 1 ELSE 0 END), 0),"
                                     " COALESCE(SUM(CASE WHEN was_cancelled = 0 AND ground_truth = 0"
                                     " AND result IS NOT NULL THEN 1 ELSE 0 END), 0)"
                                     " FROM annotations WHERE task_id = ?",
                                     {task_id}));
  TALLY_ASSIGN_OR_RETURN(predictions, connection.QueryOne("SELECT COUNT(*) FROM predictions WHERE task_id = ?",
                                                          {task_id}));

  TaskCounts after = before;
  after.total_annotations = counts->Int(0);
  after.cancelled_annotations = counts->Int(1);
  after.completed_annotations = counts->Int(2);
  after.ground_truth_annotations = counts->Int(3);
  after.useful_annotations = counts->Int(4);
  after.total_predictions = predictions->Int(0);
  after.is_labeled = IsLabeled(after, project.skip_queue());

  TALLY_TRY(connection.Execute(
      "UPDATE tasks SET total_annotations = ?, cancelled_annotations = ?, completed_annotations = ?,"
      " ground_truth_annotations = ?, useful_annotations = ?, total_predictions = ?, is_labeled = ? WHERE id = ?",
      {after.total_annotations, after.cancelled_annotations, after.completed_annotations,
       after.ground_truth_annotations, after.useful_annotations, after.total_predictions,
       store::Bool(after.is_labeled), task_id}));
  TALLY_TRY(ApplyDelta(connection, project.id, before, after, 0));
  return after;
}

Result<void> AddTaskToProjectCounters(Connection& connection, int64_t project_id, const TaskCounts& counts,
                                      int sign) {
  const TaskCounts zero{.overlap = counts.overlap};
  if (sign > 0) return ApplyDelta(connection, project_id, zero, counts, 1);
  return ApplyDelta(connection, project_id, counts, zero, -1);
}

void AccumulateTaskCounts(const TaskCounts& counts, ProjectCounters& sum) {
  sum.task_number += 1;
  sum.finished_task_number += counts.is_labeled ? 1 : 0;
  sum.num_tasks_with_annotations += counts.total_annotations > 0 ? 1 : 0;
  sum.total_annotations_number += counts.total_annotations;
  sum.skipped_annotations_number += counts.cancelled_annotations;
  sum.useful_annotation_number += counts.useful_annotations;
  sum.ground_truth_number += counts.ground_truth_annotations;
  sum.total_predictions_number += counts.total_predictions;
}

Result<void> AddToProjectCounters(Connection& connection, int64_t project_id, const ProjectCounters& delta) {
  TALLY_TRY(connection.Execute(
      "UPDATE projects SET task_number = task_number + ?, finished_task_number = finished_task_number + ?,"
      " num_tasks_with_annotations = num_tasks_with_annotations + ?,"
      " total_annotations_number = total_annotations_number + ?,"
      " skipped_annotations_number = skipped_annotations_number + ?,"
      " useful_annotation_number = useful_annotation_number + ?, ground_truth_number = ground_truth_number + ?,"
      " total_predictions_number = total_predictions_number + ? WHERE id = ?",
      {delta.task_number, delta.finished_task_number, delta.num_tasks_with_annotations,
       delta.total_annotations_number, delta.skipped_annotations_number, delta.useful_annotation_number,
       delta.ground_truth_number, delta.total_predictions_number, project_id}));
  return Ok();
}

Result<void> RecomputeProjectOverlaps(Connection& connection, const Project& project) {
  const int64_t maximum = project.maximum_annotations();
  const int64_t percentage = project.overlap_cohort_percentage();
  TALLY_TRY(LockProjectRow(connection, project.id));

  if (maximum <= 1 || percentage >= 100) {
    TALLY_TRY(connection.Execute("UPDATE tasks SET overlap = ? WHERE project_id = ?", {maximum, project.id}));
  } else {
    // Label Studio's cohort rule: int(N × pct / 100 + 0.5) tasks get the full
    // overlap, and every other task needs one annotation. Tasks that already
    // have the most annotations go first, so finished work is not wasted.
    TALLY_ASSIGN_OR_RETURN(count_row, connection.QueryOne("SELECT COUNT(*) FROM tasks WHERE project_id = ?",
                                                          {project.id}));
    const int64_t must = static_cast<int64_t>(static_cast<double>(count_row->Int(0)) * percentage / 100.0 + 0.5);
    TALLY_TRY(connection.Execute("UPDATE tasks SET overlap = 1 WHERE project_id = ?", {project.id}));
    TALLY_TRY(connection.Execute(
        "UPDATE tasks SET overlap = ? WHERE id IN (SELECT id FROM tasks WHERE project_id = ?"
        " ORDER BY total_annotations + cancelled_annotations DESC, id LIMIT ?)",
        {maximum, project.id, must}));
  }

  const bool ignore_skipped = project.skip_queue() == "IGNORE_SKIPPED";
  const std::string completed =
      ignore_skipped ? "completed_annotations + cancelled_annotations" : "completed_annotations";
  TALLY_TRY(connection.Execute(
      fmt::format("UPDATE tasks SET is_labeled = CASE WHEN {} >= overlap AND overlap >= 1 THEN 1 ELSE 0 END"
                  " WHERE project_id = ?",
                  completed),
      {project.id}));
  return RecomputeProjectCounters(connection, project.id);
}

Result<void> RecomputeProjectCounters(Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(sums, connection.QueryOne(
                                   "SELECT COUNT(*), COALESCE(SUM(is_labeled), 0),"
                                   " COALESCE(SUM(CASE WHEN total_annotations > 0 THEN 1 ELSE 0 END), 0),"
                                   " COALESCE(SUM(total_annotations), 0), COALESCE(SUM(cancelled_annotations), 0),"
                                   " COALESCE(SUM(useful_annotations), 0), COALESCE(SUM(ground_truth_annotations), 0),"
                                   " COALESCE(SUM(total_predictions), 0) FROM tasks WHERE project_id = ?",
                                   {project_id}));
  TALLY_TRY(connection.Execute(
      "UPDATE projects SET task_number = ?, finished_task_number = ?, num_tasks_with_annotations = ?,"
      " total_annotations_number = ?, skipped_annotations_number = ?, useful_annotation_number = ?,"
      " ground_truth_number = ?, total_predictions_number = ? WHERE id = ?",
      {sums->Int(0), sums->Int(1), sums->Int(2), sums->Int(3), sums->Int(4), sums->Int(5), sums->Int(6),
       sums->Int(7), project_id}));
  return Ok();
}

}  // namespace tally::labeling
