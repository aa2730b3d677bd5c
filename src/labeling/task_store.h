// Tasks: one item of data to label, with the counters Label Studio returns on
// it. `data` and `meta` are stored as JSON text exactly as imported.
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Read or Write. Writers that change counts must also keep the
// project's sums right (counters.h), and each function's comment states
// whether it does.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "labeling/counters.h"
#include "labeling/project_store.h"

namespace tally::labeling {

struct Task {
  int64_t id = 0;
  int64_t project_id = 0;
  int64_t inner_id = 0;  // 1, 2, … within the project
  boost::json::object data;
  boost::json::value meta;  // object, or a list as Label Studio also accepts
  TaskCounts counts;
  bool allow_skip = true;
  std::optional<int64_t> file_upload_id;
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<int64_t> updated_by;
  std::string state = "unlabeled";  // lifecycle state (lifecycle.h)
  double disagreement = 0;          // see ResultDisagreement in lifecycle.h
};

// A task to insert. Counts are those of the annotations and predictions that
// the caller inserts with it (import), zero otherwise.
struct NewTask {
  boost::json::object data;
  boost::json::value meta = boost::json::object();
  bool allow_skip = true;
  std::optional<int64_t> file_upload_id;
  std::optional<int64_t> created_by;
  TaskCounts counts;
};

// The next free inner_id of the project (1 for a project without tasks).
// Locks the project row first (LockProjectRow), so concurrent transactions
// get distinct inner_ids as long as each inserts its tasks before it commits.
[[nodiscard]] Result<int64_t> NextInnerId(Connection& connection, int64_t project_id);

// Inserts a task with the given inner_id and returns its id. Does not touch
// the project's sums: the caller adds them (AddTaskToProjectCounters) or
// recounts after a batch.
[[nodiscard]] Result<int64_t> InsertTask(Connection& connection, int64_t project_id, int64_t inner_id,
                                         const NewTask& task, Micros now);

// Inserts `tasks` in one statement and returns their ids in the same order.
// The i-th task gets inner_id first_inner_id + i. Imports use it for runs of
// plain tasks, because one multi-row INSERT saves most of the work around
// each statement (statement journal, trigger set-up, PostgreSQL round trip).
// REQUIRES: tasks.size() <= kMaxTasksPerInsert.
inline constexpr size_t kMaxTasksPerInsert = 64;
[[nodiscard]] Result<std::vector<int64_t>> InsertTasks(Connection& connection, int64_t project_id,
                                                       int64_t first_inner_id, const std::vector<NewTask>& tasks,
                                                       Micros now);

// Stores counts computed by the caller for a task it just inserted with its
// annotations and predictions.
[[nodiscard]] Result<void> StoreTaskCounts(Connection& connection, int64_t task_id, const TaskCounts& counts);

// The task, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Task>> FindTask(Connection& connection, int64_t task_id);

struct TaskPatch {
  std::optional<boost::json::object> data;
  std::optional<boost::json::value> meta;
  std::optional<bool> allow_skip;
};

// Applies `patch`, bumps updated_at and records `user_id` as updated_by.
// Returns false when there is no such task.
[[nodiscard]] Result<bool> UpdateTask(Connection& connection, int64_t task_id, const TaskPatch& patch,
                                      int64_t user_id);

// Deletes one task with its annotations, predictions and drafts, and removes
// its counts from the project's sums. Returns false when there is no such task.
[[nodiscard]] Result<bool> DeleteTask(Connection& connection, const Project& project, int64_t task_id);

// Deletes tasks of the project by id (every task when `ids` is empty), then
// recounts the project. Ids of other projects are ignored. Returns how many
// were deleted.
[[nodiscard]] Result<int64_t> DeleteTasks(Connection& connection, const Project& project,
                                          const std::vector<int64_t>& ids);

// One page of a project's tasks ordered by id; the total is the project's
// task_number.
[[nodiscard]] Result<std::vector<Task>> ListTasks(Connection& connection, int64_t project_id, int64_t offset,
                                                  int64_t limit);

// The tasks with these ids, in the order of `ids`; missing ids are left out.
// For pages whose order a data manager query chose. At most a page of ids
// (the caller bounds it; one parameter per id).
[[nodiscard]] Result<std::vector<Task>> ListTasksByIds(Connection& connection, const std::vector<int64_t>& ids);

}  // namespace tally::labeling
