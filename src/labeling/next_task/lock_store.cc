#include "labeling/next_task/lock_store.h"

#include <fmt/format.h>

namespace tally::labeling {

Result<void> LockTask(Connection& connection, int64_t project_id, int64_t task_id, int64_t user_id,
                      Micros expire_at) {
  TALLY_TRY(connection.Execute(
      "INSERT INTO task_locks (task_id, user_id, project_id, expire_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (task_id, user_id) DO UPDATE SET expire_at = excluded.expire_at",
      {task_id, user_id, project_id, expire_at}));
  return Ok();
}

Result<void> ReleaseTaskLock(Connection& connection, int64_t task_id, int64_t user_id) {
  TALLY_TRY(connection.Execute("DELETE FROM task_locks WHERE task_id = ? AND user_id = ?", {task_id, user_id}));
  return Ok();
}

Result<std::vector<int64_t>> PurgeExpiredLocks(Connection& connection, int64_t project_id, Micros now) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "DELETE FROM task_locks WHERE project_id = ? AND expire_at <= ? RETURNING task_id",
                                   {project_id, now}));
  std::vector<int64_t> task_ids;
  for (const store::Row& row : rows) task_ids.push_back(row.Int(0));
  return task_ids;
}

Result<int64_t> CountOtherLiveLocks(Connection& connection, int64_t task_id, int64_t user_id, Micros now) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT COUNT(*) FROM task_locks WHERE task_id = ? AND user_id <> ? AND expire_at > ?",
                                  {task_id, user_id, now}));
  return row->Int(0);
}

namespace {

// The user's live lock on an unlabeled task they have not annotated, newest
// expiry first; parameters: project, user, now, user.
constexpr const char* kHeldTaskQuery =
    "SELECT l.task_id FROM task_locks l JOIN tasks t ON t.id = l.task_id"
    " WHERE l.project_id = ? AND l.user_id = ? AND l.expire_at > ? AND t.is_labeled = 0"
    " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = l.task_id AND a.completed_by = ?)"
    " ORDER BY l.expire_at DESC LIMIT 1";

}  // namespace

Result<std::optional<int64_t>> FindHeldTask(Connection& connection, int64_t project_id, int64_t user_id,
                                            Micros now) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(kHeldTaskQuery, {project_id, user_id, now, user_id}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->Int(0));
}

Result<LockSweep> PurgeExpiredLocksAndFindHeld(Connection& connection, int64_t project_id, int64_t user_id,
                                               Micros now) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   fmt::format("WITH purged AS (DELETE FROM task_locks WHERE project_id = ?"
                                               " AND expire_at <= ? RETURNING task_id)"
                                               " SELECT 0 AS held, task_id FROM purged UNION ALL SELECT 1, held.task_id"
                                               " FROM ({}) AS held",
                                               kHeldTaskQuery),
                                   {project_id, now, project_id, user_id, now, user_id}));
  LockSweep sweep;
  for (const store::Row& row : rows) {
    if (row.Int(0) == 1) {
      sweep.held = row.Int(1);
    } else {
      sweep.released.push_back(row.Int(1));
    }
  }
  return sweep;
}

Result<bool> AnyUnlabeledTaskLockedByOthers(Connection& connection, int64_t project_id, int64_t user_id,
                                            Micros now) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT 1 FROM task_locks l JOIN tasks t ON t.id = l.task_id"
                                                  " WHERE l.project_id = ? AND l.user_id <> ? AND l.expire_at > ?"
                                                  " AND t.is_labeled = 0 LIMIT 1",
                                                  {project_id, user_id, now}));
  return row.has_value();
}

}  // namespace tally::labeling
