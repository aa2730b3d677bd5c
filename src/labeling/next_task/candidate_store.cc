// Query plans (SQLite 3.40 and PostgreSQL 15, with the indexes of migration
// 0007; docs/next-task-plans.md has the EXPLAIN output):
// - FirstCandidateById walks tasks_next_sequential (project_id, is_labeled,
//   id) from the first unlabeled id and stops at the first row the per-row
//   checks accept; each check is one probe of annotations_task_user,
//   drafts_task_user or task_locks' primary key. On PostgreSQL the walk
//   from the start begins at the user's floor instead of the first
//   unlabeled task.
// - LowestScoreCandidate walks predictions_next_uncertainty (project_id,
//   model_version, score) in score order and joins each row to its task by
//   primary key.
// - MostDisagreedCandidate walks tasks_next_disagreement (project_id,
//   is_labeled, disagreement DESC, id), and MostAnnotatedCandidate
//   tasks_next_breadth (project_id, is_labeled, total_annotations DESC, id).
// All three read rows in the order they return, so a pick costs the rows it
// skips, not the project's size.
#include "labeling/next_task/candidate_store.h"

#include <fmt/format.h>

namespace tally::labeling {

namespace {

// "Has the user annotated task t?", one parameter (the user). On PostgreSQL
// the OFFSET 0 keeps the check a probe of annotations_task_user per walked
// task: without it the planner turns it into a merge anti join that reads
// the user's annotations from the project's first task on, however few
// tasks the walk visits.
std::string UserAnnotatedTask(const Connection& connection) {
  return fmt::format("EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ?{})",
                     connection.dialect() == store::Dialect::kPostgres ? " OFFSET 0" : "");
}

// The WHERE clause of a candidate, over alias t, with its parameters.
std::string CandidateWhere(const Connection& connection, const CandidateScope& scope, store::Params& params) {
  const char* counted = scope.skip_queue == "REQUEUE_FOR_OTHERS"
                            ? "t.total_annotations - t.ground_truth_annotations"
                            : "t.total_annotations + t.cancelled_annotations - t.ground_truth_annotations";
  std::string where = fmt::format(
      "t.project_id = ? AND t.is_labeled = 0"
      " AND NOT {}"
      " AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.task_id = t.id AND d.user_id = ? AND d.was_postponed = 1)"
      " AND (SELECT COUNT(*) FROM task_locks l WHERE l.task_id = t.id AND l.user_id <> ? AND l.expire_at > ?)"
      " + {} < t.overlap",
      UserAnnotatedTask(connection), counted);
  params.insert(params.end(), {scope.project_id, scope.user_id, scope.user_id, scope.user_id, scope.now});
  if (scope.overlap_above_one) where += " AND t.overlap > 1";
  for (int64_t id : scope.excluded_ids) {
    where += " AND t.id <> ?";
    params.push_back(id);
  }
  return where;
}

std::string_view RowLockSuffix(const Connection& connection) {
  return connection.dialect() == store::Dialect::kPostgres ? " FOR UPDATE OF t SKIP LOCKED" : "";
}

Result<std::optional<int64_t>> FirstId(Connection& connection, const std::string& sql, const store::Params& params) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, params));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->Int(0));
}

// FirstCandidateById on PostgreSQL from the start of the order: the walk
// starts at the user's floor (migration 0066) and, in the same statement,
// raises the floor to the first unlabeled task the user has not annotated.
// Reading the floor in the walk's snapshot and raising it by compare-and-set
// on version keeps it below every task a concurrent writer brings back: that
// writer's trigger either committed before the snapshot (the walk reads its
// task) or bumps version (the raise matches no row). A missing floor row is
// created at 0, not raised, because a concurrent trigger cannot read it
// before this transaction commits.
Result<std::optional<int64_t>> FirstCandidateFromFloor(Connection& connection, const CandidateScope& scope) {
  store::Params params{scope.project_id, scope.user_id};
  const std::string where = CandidateWhere(connection, scope, params);
  params.insert(params.end(), {scope.project_id, scope.user_id, scope.project_id, scope.user_id,
                               scope.project_id, scope.user_id});
  return FirstId(
      connection,
      fmt::format(
          "WITH floor AS (SELECT floor_task_id, version FROM next_task_floors WHERE project_id = ? AND user_id = ?),"
          " pick AS (SELECT t.id FROM tasks t WHERE {} AND t.id >= COALESCE((SELECT floor_task_id FROM floor), 0)"
          " ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED),"
          " open AS (SELECT t.id FROM tasks t WHERE t.project_id = ? AND t.is_labeled = 0"
          " AND t.id >= COALESCE((SELECT floor_task_id FROM floor), 0)"
          " AND NOT {}"
          " ORDER BY t.id LIMIT 1),"
          " created AS (INSERT INTO next_task_floors (project_id, user_id, floor_task_id, version)"
          " SELECT ?, ?, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM floor) ON CONFLICT DO NOTHING),"
          " raised AS (UPDATE next_task_floors f SET floor_task_id = open.id, version = f.version + 1"
          " FROM open, floor WHERE f.project_id = ? AND f.user_id = ? AND f.version = floor.version"
          " AND open.id > f.floor_task_id)"
          " SELECT id FROM pick",
          where, UserAnnotatedTask(connection)),
      params);
}

}  // namespace

Result<std::optional<int64_t>> FirstCandidateById(Connection& connection, const CandidateScope& scope,
                                                  std::optional<int64_t> from_id) {
  if (!from_id && connection.dialect() == store::Dialect::kPostgres) return FirstCandidateFromFloor(connection, scope);
  store::Params params;
  std::string where = CandidateWhere(connection, scope, params);
  if (from_id) {
    where += " AND t.id >= ?";
    params.push_back(*from_id);
  }
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} ORDER BY t.id LIMIT 1{}", where,
                             RowLockSuffix(connection)),
                 params);
}

Result<std::optional<std::pair<int64_t, int64_t>>> UnlabeledIdRange(Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT MIN(id), MAX(id) FROM tasks WHERE project_id = ? AND is_labeled = 0",
                                  {project_id}));
  if (!row || row->IsNull(0)) return std::optional<std::pair<int64_t, int64_t>>();
  return std::optional<std::pair<int64_t, int64_t>>(std::pair{row->Int(0), row->Int(1)});
}

Result<std::optional<int64_t>> LowestScoreCandidate(Connection& connection, const CandidateScope& scope,
                                                    const std::string& model_version) {
  store::Params params{scope.project_id};
  std::string version_clause;
  if (!model_version.empty()) {
    version_clause = " AND p.model_version = ?";
    params.push_back(model_version);
  }
  const std::string where = CandidateWhere(connection, scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM predictions p JOIN tasks t ON t.id = p.task_id"
                             " WHERE p.project_id = ?{} AND p.score IS NOT NULL AND {}"
                             " ORDER BY p.score, p.id LIMIT 1{}",
                             version_clause, where, RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> MostDisagreedCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(connection, scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} ORDER BY t.disagreement DESC, t.id LIMIT 1{}", where,
                             RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> MostAnnotatedCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(connection, scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} AND t.total_annotations > 0"
                             " ORDER BY t.total_annotations DESC, t.id LIMIT 1{}",
                             where, RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> FirstGroundTruthCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(connection, scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} AND t.ground_truth_annotations > 0"
                             " ORDER BY t.id LIMIT 1{}",
                             where, RowLockSuffix(connection)),
                 params);
}

Result<bool> LockAndRecheck(Connection& connection, const CandidateScope& scope, int64_t task_id,
                            Micros expire_at) {
  store::Params params{task_id, scope.user_id, scope.project_id, expire_at};
  const std::string where = CandidateWhere(connection, scope, params);
  params.push_back(task_id);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  fmt::format("WITH locked AS (INSERT INTO task_locks (task_id, user_id, project_id,"
                                              " expire_at) VALUES (?, ?, ?, ?) ON CONFLICT (task_id, user_id)"
                                              " DO UPDATE SET expire_at = excluded.expire_at)"
                                              " SELECT t.id FROM tasks t WHERE {} AND t.id = ?",
                                              where),
                                  params));
  return row.has_value();
}

Result<std::optional<int64_t>> OldestPostponedTask(Connection& connection, int64_t project_id, int64_t user_id) {
  return FirstId(connection,
                 "SELECT d.task_id FROM drafts d JOIN tasks t ON t.id = d.task_id"
                 " WHERE d.project_id = ? AND d.user_id = ? AND d.was_postponed = 1 AND t.is_labeled = 0"
                 " ORDER BY d.updated_at, d.id LIMIT 1",
                 {project_id, user_id});
}

Result<std::optional<int64_t>> OldestSkippedTask(Connection& connection, int64_t project_id, int64_t user_id) {
  return FirstId(connection,
                 "SELECT a.task_id FROM annotations a JOIN tasks t ON t.id = a.task_id"
                 " WHERE a.project_id = ? AND a.completed_by = ? AND a.was_cancelled = 1 AND t.is_labeled = 0"
                 " ORDER BY t.updated_at, t.id LIMIT 1",
                 {project_id, user_id});
}

}  // namespace tally::labeling
