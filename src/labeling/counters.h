// Task and project counters, kept exact inside the transaction of each write.
//
// Each task row stores its own counts (total_annotations, cancelled
// annotations, predictions, and the completed, ground-truth and useful counts
// the project counters need) plus overlap and is_labeled. Each project row
// stores the sums (project_store.h, ProjectCounters). A write that touches one
// task calls RefreshTaskCounters, which recounts that task from its rows and
// moves the project sums by the difference. Bulk writes (import, deleting many
// tasks, changing maximum_annotations) recount the project from its tasks
// with RecomputeProjectCounters.
//
// The rule for is_labeled is Label Studio's per-task rule: completed >=
// overlap, where completed counts annotations that are not skips and have a
// result, plus skips when skip_queue is IGNORE_SKIPPED. A task without
// annotations is never labeled because overlap is at least 1.
//
// REQUIRES: every function runs inside a Database::Write transaction, so the
// recount and the write it follows commit together.
//
// Lock order on PostgreSQL: writers that update task rows and then the
// project's sums lock the project row (LockProjectRow) before any task row.
// RefreshTaskCounters, RecomputeProjectOverlaps, NextInnerId, DeleteTask(s)
// (task_store.h) and DeletePredictionsOfTasks take it first, so an import
// that rewrites every task's overlap and an annotation write that moves one
// task's counts wait for each other instead of deadlocking.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "labeling/project_store.h"

namespace tally::labeling {

// Counts of one task, as stored in its row.
struct TaskCounts {
  int64_t total_annotations = 0;      // not skipped
  int64_t cancelled_annotations = 0;  // skipped
  int64_t completed_annotations = 0;  // not skipped, result not null
  int64_t ground_truth_annotations = 0;
  int64_t useful_annotations = 0;     // not skipped, not ground truth, result not null
  int64_t total_predictions = 0;
  int64_t overlap = 1;
  bool is_labeled = false;
};

// Locks the project's row until the transaction ends (PostgreSQL: SELECT …
// FOR NO KEY UPDATE, the lock an UPDATE of the row takes). A no-op on SQLite,
// where the single writer connection already serializes write transactions.
// Fails with not_found when the project does not exist.
[[nodiscard]] Result<void> LockProjectRow(Connection& connection, int64_t project_id);

// Label Studio's per-task labeled rule for `counts` under `skip_queue`.
bool IsLabeled(const TaskCounts& counts, std::string_view skip_queue);

// Recounts one task from its annotations and predictions, stores the counts
// and moves the project's sums by the difference. Fails with not_found when
// the task does not exist.
[[nodiscard]] Result<TaskCounts> RefreshTaskCounters(Connection& connection, const Project& project, int64_t task_id);

// Adds (sign = 1) or removes (sign = -1) one task with `counts` to the
// project's sums, task_number included. For inserting or deleting a task
// whose counts are already known.
[[nodiscard]] Result<void> AddTaskToProjectCounters(Connection& connection, int64_t project_id,
                                                    const TaskCounts& counts, int sign);

// Adds one task with `counts` to a running sum of project counters, in
// memory; for imports, which write the sum once with AddToProjectCounters.
void AccumulateTaskCounts(const TaskCounts& counts, ProjectCounters& sum);

// Adds `delta` to the project's stored sums.
[[nodiscard]] Result<void> AddToProjectCounters(Connection& connection, int64_t project_id,
                                                const ProjectCounters& delta);

// Sets every task's overlap by the cohort rule (maximum_annotations for
// overlap_cohort_percentage percent of the tasks, those with the most
// annotations first, 1 for the rest), recomputes is_labeled, then recounts
// the project's sums. For imports and changes of maximum_annotations,
// overlap_cohort_percentage or skip_queue.
[[nodiscard]] Result<void> RecomputeProjectOverlaps(Connection& connection, const Project& project);

// Sets the project's sums from its task rows.
[[nodiscard]] Result<void> RecomputeProjectCounters(Connection& connection, int64_t project_id);

}  // namespace tally::labeling
