// Query plans (SQLite 3.40 and PostgreSQL 15, with the indexes of migration
// 0007; docs/next-task-plans.md has the EXPLAIN output):
// - FirstCandidateById walks tasks_next_sequential (project_id, is_labeled,
//   id) from the first unlabeled id and stops at the first row the per-row
//   checks accept; each check is one probe of annotations_task_user,
//   drafts_task_user or task_locks' primary key.
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

// The WHERE clause of a candidate, over alias t, with its parameters.
std::string CandidateWhere(const CandidateScope& scope, store::Params& params) {
  const char* counted = scope.skip_queue == "REQUEUE_FOR_OTHERS"
                            ? "t.total_annotations - t.ground_truth_annotations"
                            : "t.total_annotations + t.cancelled_annotations - t.ground_truth_annotations";
  std::string where = fmt::format(
      "t.project_id = ? AND t.is_labeled = 0"
      " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ?)"
      " AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.task_id = t.id AND d.user_id = ? AND d.was_postponed = 1)"
      " AND (SELECT COUNT(*) FROM task_locks l WHERE l.task_id = t.id AND l.user_id <> ? AND l.expire_at > ?)"
      " + {} < t.overlap",
      counted);
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

}  // namespace

Result<std::optional<int64_t>> FirstCandidateById(Connection& connection, const CandidateScope& scope,
                                                  std::optional<int64_t> from_id) {
  store::Params params;
  std::string where = CandidateWhere(scope, params);
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
  const std::string where = CandidateWhere(scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM predictions p JOIN tasks t ON t.id = p.task_id"
                             " WHERE p.project_id = ?{} AND p.score IS NOT NULL AND {}"
                             " ORDER BY p.score, p.id LIMIT 1{}",
                             version_clause, where, RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> MostDisagreedCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} ORDER BY t.disagreement DESC, t.id LIMIT 1{}", where,
                             RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> MostAnnotatedCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} AND t.total_annotations > 0"
                             " ORDER BY t.total_annotations DESC, t.id LIMIT 1{}",
                             where, RowLockSuffix(connection)),
                 params);
}

Result<std::optional<int64_t>> FirstGroundTruthCandidate(Connection& connection, const CandidateScope& scope) {
  store::Params params;
  const std::string where = CandidateWhere(scope, params);
  return FirstId(connection,
                 fmt::format("SELECT t.id FROM tasks t WHERE {} AND t.ground_truth_annotations > 0"
                             " ORDER BY t.id LIMIT 1{}",
                             where, RowLockSuffix(connection)),
                 params);
}

Result<bool> StillAvailable(Connection& connection, const CandidateScope& scope, int64_t task_id) {
  store::Params params;
  const std::string where = CandidateWhere(scope, params);
  params.push_back(task_id);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT t.id FROM tasks t WHERE {} AND t.id = ?", where),
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
