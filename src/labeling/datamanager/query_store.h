// SQL for data manager queries: a checked TaskQuery (task_query.h) becomes
// one WHERE clause and one ORDER BY over `tasks t`, run for a page, a count
// or every matching id.
//
// Column expressions: stored task columns are read directly; computed
// columns (completed_at, avg_lead_time, predictions_score, draft_exists,
// file_upload) are correlated subqueries; multi-valued columns (annotators,
// annotations_results, predictions_results, predictions_model_versions)
// become EXISTS / NOT EXISTS over the task's annotations or predictions;
// data keys use json_extract on SQLite and ->> on PostgreSQL.
//
// Semantics follow Label Studio's data manager. Contains is a
// case-insensitive substring test, except on annotations_results and
// predictions_results, where it is case-sensitive over the result's JSON
// text. Negative operators (not_equal, not_contains, not_in, not_in_list)
// also match tasks where the column is empty. An invalid regex matches
// nothing. Nulls sort last in both directions, and ties break by id.
//
// Known limitation: filters and orderings on computed columns and data keys
// read every task of the project (no index covers them), so on projects of
// about a million tasks such a page takes seconds; filters on stored
// columns (id, counters, is_labeled, state, dates) and ordering by id use
// the indexes of migration 0007. Counting the matches of a filter reads
// them all; count_cache.h keeps such counts until the project's data
// revision (migration 0009) moves.
//
// Thread-safety: free functions over a borrowed Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "labeling/datamanager/task_query.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

struct CompiledTaskQuery {
  std::string where;  // over alias t, project condition included
  store::Params where_params;
  std::string order_by;  // without the ORDER BY keywords
  store::Params order_params;
  bool filtered = false;  // false: every task of the project matches
  // true when `where` reads only the columns of task_column_counts
  // (migration 0015), so the matching tasks can be counted from that table.
  bool counts_from_columns = false;
};

// Whether a filter on `column` (a built-in column, not a data key) reads only
// columns that task_column_counts keeps per combination.
bool IsCountedColumn(std::string_view column);

// Compiles `query` for the project, as seen by `user_id` (draft_exists is
// per user). The selection applies only when `apply_selection`.
[[nodiscard]] Result<CompiledTaskQuery> CompileTaskQuery(store::Dialect dialect, int64_t project_id,
                                                         int64_t user_id, const TaskQuery& query,
                                                         bool apply_selection);

struct TaskQueryTotals {
  int64_t tasks = 0;
  int64_t annotations = 0;  // submitted and skipped
  int64_t predictions = 0;
};


// The project's data revision, which triggers bump on every write to a table
// a filter reads (migration 0009); nullopt when the project has no revision
// row.
[[nodiscard]] Result<std::optional<int64_t>> ProjectDataRevision(Connection& connection, int64_t project_id);

struct RevisedTaskQueryTotals {
  TaskQueryTotals totals;
  std::optional<int64_t> revision;  // the project's data revision the totals were counted at
  // true when the count summed more task_column_counts rows than
  // kMaxTaskColumnCountRows, so CompactTaskColumnCounts should run.
  bool compaction_due = false;
};

// Above this many task_column_counts rows for one project, a count requests
// compaction. On PostgreSQL each write statement that moves tasks between
// combinations adds a row, while SQLite keeps one row per combination.
// NOTE: only counts compact. A PostgreSQL project written to for long with
// no filtered Data Manager view keeps one delta row per write statement (a
// 1,000,000-task import adds about 15,600), and its next count reads them all
// once before compacting them.
inline constexpr int64_t kMaxTaskColumnCountRows = 1000;

// Counts the matching tasks and their annotations and predictions, and reads
// the project's data revision in the same statement, so both come from one
// snapshot on either database. A query with counts_from_columns sums the
// project's task_column_counts rows instead of reading its tasks, so its cost
// follows the number of column combinations, not the number of tasks.
[[nodiscard]] Result<RevisedTaskQueryTotals> CountMatchingTasksWithRevision(Connection& connection,
                                                                           const CompiledTaskQuery& query,
                                                                           int64_t project_id);

// Folds the project's task_column_counts deltas into one row per
// combination on PostgreSQL, dropping combinations whose count is 0. On
// SQLite, whose triggers already keep one row per combination, it does
// nothing. Takes a transaction-scoped advisory lock first and returns
// without compacting when another transaction holds it. REQUIRES: a write
// transaction.
[[nodiscard]] Result<void> CompactTaskColumnCounts(Connection& connection, int64_t project_id);

// Ids of one page of matching tasks, in the query's order.
[[nodiscard]] Result<std::vector<int64_t>> MatchingTaskPage(Connection& connection, const CompiledTaskQuery& query,
                                                           int64_t offset, int64_t limit);

// Ids of every matching task, in id order (for actions).
[[nodiscard]] Result<std::vector<int64_t>> AllMatchingTaskIds(Connection& connection, const CompiledTaskQuery& query);

}  // namespace tally::labeling
