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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
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

// A bulk load of plain tasks into one project on SQLite, with the per-row
// insert triggers of `tasks` set aside. Those triggers (the project's data
// revision bump and the task_column_counts upsert) took 17 to 20 % of a
// 1,000,000-task import in docs/benchmarks.md. While a pause is open, its transaction has dropped them.
// Every task inserted meanwhile must be passed to Count, and End applies
// what the triggers would have done in one step per column combination,
// then creates the triggers again from their stored SQL. DDL is
// transactional in SQLite, so a rollback brings the triggers back too, and
// other connections never see the schema without them. The connection's
// page cache grows to kBulkCacheKiB meanwhile, so index pages are written
// to the WAL once instead of each time the small cache spills them.
//
// REQUIRES: the connection is in a write transaction that lasts past End,
// and no other statement of that transaction writes to `tasks` between
// Begin and End (an update would miss rows that the count table lacks).
// On PostgreSQL Begin returns nullptr: its insert triggers only append
// deltas and cost little.
class TaskInsertTriggerPause {
 public:
  static constexpr int64_t kBulkCacheKiB = 64 << 10;

  [[nodiscard]] static Result<std::unique_ptr<TaskInsertTriggerPause>> Begin(Connection& connection,
                                                                             int64_t project_id);

  // Records one inserted task with the values its row got.
  void Count(const NewTask& task);

  // Applies the skipped trigger work and restores the triggers.
  [[nodiscard]] Result<void> End();

  // Gives the connection its page cache size back.
  ~TaskInsertTriggerPause();

 private:
  TaskInsertTriggerPause(Connection& connection, int64_t project_id, std::vector<std::string> trigger_sql,
                         int64_t cache_size)
      : connection_(connection),
        project_id_(project_id),
        trigger_sql_(std::move(trigger_sql)),
        cache_size_(cache_size) {}

  // The task_column_counts key of a new task: is_labeled, total_annotations,
  // cancelled_annotations, total_predictions, ground_truth_annotations,
  // overlap (state is always the column's default for a new row).
  using CountKey = std::tuple<bool, int64_t, int64_t, int64_t, int64_t, int64_t>;

  Connection& connection_;
  int64_t project_id_;
  std::vector<std::string> trigger_sql_;
  int64_t cache_size_;  // the connection's PRAGMA cache_size before the pause
  std::map<CountKey, int64_t> counts_;
  int64_t inserted_ = 0;
};

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
