#include "labeling/task_store.h"

#include <fmt/format.h>

#include <unordered_map>

#include "core/json.h"
#include "core/log.h"
#include "labeling/trace_tasks.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr std::string_view kTaskColumns =
    "id, project_id, inner_id, data, meta, total_annotations, cancelled_annotations, completed_annotations,"
    " ground_truth_annotations, useful_annotations, total_predictions, overlap, is_labeled, allow_skip,"
    " file_upload_id, created_at, updated_at, updated_by, state, disagreement";

bj::value ParseStored(const std::string& text, bj::value fallback) {
  boost::system::error_code ec;
  bj::value value = bj::parse(text, ec);
  if (ec) return fallback;
  return value;
}

Task TaskFromRow(const store::Row& row) {
  Task task;
  task.id = row.Int(0);
  task.project_id = row.Int(1);
  task.inner_id = row.Int(2);
  bj::value data = ParseStored(row.Text(3), bj::object());
  if (data.is_object()) task.data = std::move(data.as_object());
  task.meta = ParseStored(row.Text(4, "{}"), bj::object());
  task.counts = TaskCounts{row.Int(5), row.Int(6), row.Int(7), row.Int(8), row.Int(9),
                           row.Int(10), row.Int(11), row.Bool(12)};
  task.allow_skip = row.Bool(13, true);
  task.file_upload_id = row.OptionalInt(14);
  task.created_at = row.Int(15);
  task.updated_at = row.Int(16);
  task.updated_by = row.OptionalInt(17);
  task.state = row.Text(18, "unlabeled");
  task.disagreement = row.Double(19);
  return task;
}

}  // namespace

Result<int64_t> NextInnerId(Connection& connection, int64_t project_id) {
  // Under READ COMMITTED two concurrent imports would read the same MAX. The
  // project row lock makes the second wait until the first commits, so its
  // MAX then includes the first one's tasks.
  TALLY_TRY(LockProjectRow(connection, project_id));
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT COALESCE(MAX(inner_id), 0) FROM tasks WHERE project_id = ?",
                                                  {project_id}));
  return row->Int(0) + 1;
}

namespace {

constexpr std::string_view kInsertTaskColumns =
    "INSERT INTO tasks (project_id, inner_id, data, meta, overlap, is_labeled, total_annotations,"
    " cancelled_annotations, completed_annotations, ground_truth_annotations, useful_annotations,"
    " total_predictions, allow_skip, file_upload_id, created_at, updated_at, updated_by) VALUES ";
constexpr std::string_view kInsertTaskRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

void AppendTaskParams(store::Params& params, int64_t project_id, int64_t inner_id, const NewTask& task, Micros now) {
  const TaskCounts& counts = task.counts;
  // One by one rather than from an initializer list, whose elements can
  // only be copied: the data text is moved in.
  params.emplace_back(project_id);
  params.emplace_back(inner_id);
  params.emplace_back(json::Serialize(task.data));
  params.emplace_back(json::Serialize(task.meta));
  for (const store::Value& value :
       {store::Value(counts.overlap), store::Bool(counts.is_labeled), store::Value(counts.total_annotations),
        store::Value(counts.cancelled_annotations), store::Value(counts.completed_annotations),
        store::Value(counts.ground_truth_annotations), store::Value(counts.useful_annotations),
        store::Value(counts.total_predictions), store::Bool(task.allow_skip), store::OrNull(task.file_upload_id),
        store::Value(now), store::Value(now), store::OrNull(task.created_by)}) {
    params.push_back(value);
  }
}

// The multi-row INSERT for `rows` tasks, with or without RETURNING id and
// inner_id; built once per size, so a long import reuses one prepared
// statement.
const std::string& InsertTasksSql(size_t rows, bool returning) {
  static const std::vector<std::string> by_size = [] {
    std::vector<std::string> sql(2 * (kMaxTasksPerInsert + 1));
    for (size_t n = 1; n <= kMaxTasksPerInsert; ++n) {
      std::string& plain = sql[2 * n];
      plain = std::string(kInsertTaskColumns);
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) plain += ", ";
        plain += kInsertTaskRow;
      }
      sql[2 * n + 1] = plain + " RETURNING id, inner_id";
    }
    return sql;
  }();
  return by_size[2 * rows + (returning ? 1 : 0)];
}

}  // namespace

Result<int64_t> InsertTask(Connection& connection, int64_t project_id, int64_t inner_id, const NewTask& task,
                           Micros now) {
  store::Params params;
  AppendTaskParams(params, project_id, inner_id, task, now);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(std::string(kInsertTaskColumns) + std::string(kInsertTaskRow) +
                                                      " RETURNING id",
                                                  std::move(params)));
  return row->Int(0);
}

Result<std::vector<int64_t>> InsertTasks(Connection& connection, int64_t project_id, int64_t first_inner_id,
                                         const std::vector<NewTask>& tasks, Micros now) {
  if (tasks.empty()) return std::vector<int64_t>();
  if (tasks.size() > kMaxTasksPerInsert) {
    return Error::Internal(fmt::format("InsertTasks got {} tasks, more than {}", tasks.size(), kMaxTasksPerInsert));
  }
  store::Params params;
  params.reserve(tasks.size() * 17);
  for (size_t i = 0; i < tasks.size(); ++i) {
    AppendTaskParams(params, project_id, first_inner_id + static_cast<int64_t>(i), tasks[i], now);
  }
  std::vector<int64_t> ids(tasks.size(), 0);
  if (connection.dialect() == store::Dialect::kSqlite) {
    // SQLite gives the rows of one INSERT consecutive rowids in VALUES order
    // (each the table's largest plus one, and no other writer can run in
    // between), so the ids follow from the last one. RETURNING would make
    // SQLite keep every new row in a side table until the statement ends.
    TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(InsertTasksSql(tasks.size(), false), params));
    TALLY_ASSIGN_OR_RETURN(last, connection.QueryOne("SELECT last_insert_rowid()"));
    if (changed != static_cast<int64_t>(tasks.size()) || !last) {
      return Error::Internal(fmt::format("InsertTasks: {} of {} rows inserted", changed, tasks.size()));
    }
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = last->Int(0) - static_cast<int64_t>(ids.size() - 1 - i);
    return ids;
  }
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(InsertTasksSql(tasks.size(), true), std::move(params)));

  // RETURNING promises no order, so each id goes back to its task by inner_id.
  for (const store::Row& row : rows) {
    const int64_t offset = row.Int(1) - first_inner_id;
    if (offset < 0 || offset >= static_cast<int64_t>(ids.size())) {
      return Error::Internal(fmt::format("InsertTasks: unexpected inner_id {} returned", row.Int(1)));
    }
    ids[static_cast<size_t>(offset)] = row.Int(0);
  }
  return ids;
}

namespace {

// The insert triggers of `tasks` whose work TaskInsertTriggerPause::End
// does in bulk. Any other trigger stays in place.
constexpr std::string_view kPausableInsertTriggers = "'tasks_data_revision_insert', 'tasks_column_counts_insert'";

}  // namespace

Result<std::unique_ptr<TaskInsertTriggerPause>> TaskInsertTriggerPause::Begin(Connection& connection,
                                                                             int64_t project_id) {
  if (connection.dialect() != store::Dialect::kSqlite) return std::unique_ptr<TaskInsertTriggerPause>();

  std::vector<std::string> names;
  std::vector<std::string> trigger_sql;
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'"
                                                            " AND tbl_name = 'tasks' AND name IN ({}) ORDER BY name",
                                                            kPausableInsertTriggers)));
  for (const store::Row& row : rows) {
    names.push_back(row.Text(0));
    trigger_sql.push_back(row.Text(1));
  }
  for (const std::string& name : names) TALLY_TRY(connection.ExecuteScript(fmt::format("DROP TRIGGER {}", name)));

  TALLY_ASSIGN_OR_RETURN(cache, connection.QueryOne("PRAGMA cache_size"));
  const int64_t cache_size = cache ? cache->Int(0) : -2000;
  TALLY_TRY(connection.ExecuteScript(fmt::format("PRAGMA cache_size = -{}", kBulkCacheKiB)));
  return std::unique_ptr<TaskInsertTriggerPause>(
      new TaskInsertTriggerPause(connection, project_id, std::move(trigger_sql), cache_size));
}

TaskInsertTriggerPause::~TaskInsertTriggerPause() {
  // Also after a failed import: the pragma is not part of the transaction.
  auto restored = connection_.ExecuteScript(fmt::format("PRAGMA cache_size = {}", cache_size_));
  if (!restored) TALLY_LOG_WARN("event=cache_size_restore_failed error=\"{}\"", restored.error().message);
}

void TaskInsertTriggerPause::Count(const NewTask& task) {
  const TaskCounts& c = task.counts;
  counts_[CountKey{c.is_labeled, c.total_annotations, c.cancelled_annotations, c.total_predictions,
                   c.ground_truth_annotations, c.overlap}] += 1;
  ++inserted_;
}

Result<void> TaskInsertTriggerPause::End() {
  if (inserted_ > 0) {
    TALLY_TRY(connection_.Execute("UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = ?",
                                  {project_id_}));
  }
  for (const auto& [key, n] : counts_) {
    const auto& [is_labeled, total, cancelled, predictions, ground_truth, overlap] = key;
    TALLY_TRY(connection_.Execute(
        "INSERT INTO task_column_counts (project_id, is_labeled, total_annotations, cancelled_annotations,"
        " total_predictions, ground_truth_annotations, overlap, state, n) VALUES (?, ?, ?, ?, ?, ?, ?, 'unlabeled', ?)"
        " ON CONFLICT DO UPDATE SET n = n + excluded.n",
        {project_id_, store::Bool(is_labeled), total, cancelled, predictions, ground_truth, overlap, n}));
  }
  counts_.clear();
  inserted_ = 0;
  for (const std::string& sql : trigger_sql_) TALLY_TRY(connection_.ExecuteScript(sql));
  trigger_sql_.clear();
  return Ok();
}

Result<void> StoreTaskCounts(Connection& connection, int64_t task_id, const TaskCounts& counts) {
  TALLY_TRY(connection.Execute(
      "UPDATE tasks SET total_annotations = ?, cancelled_annotations = ?, completed_annotations = ?,"
      " ground_truth_annotations = ?, useful_annotations = ?, total_predictions = ?, overlap = ?, is_labeled = ?"
      " WHERE id = ?",
      {counts.total_annotations, counts.cancelled_annotations, counts.completed_annotations,
       counts.ground_truth_annotations, counts.useful_annotations, counts.total_predictions, counts.overlap,
       store::Bool(counts.is_labeled), task_id}));
  return Ok();
}

Result<std::optional<Task>> FindTask(Connection& connection, int64_t task_id) {
  static const std::string sql = fmt::format("SELECT {} FROM tasks WHERE id = ?", kTaskColumns);
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, {task_id}));
  if (!row) return std::optional<Task>();
  return std::optional<Task>(TaskFromRow(*row));
}

Result<bool> UpdateTask(Connection& connection, int64_t task_id, const TaskPatch& patch, int64_t user_id) {
  std::string sql = "UPDATE tasks SET updated_at = ?, updated_by = ?";
  store::Params params{NowMicros(), user_id};
  if (patch.data) {
    sql += ", data = ?";
    params.push_back(json::Serialize(*patch.data));
  }
  if (patch.meta) {
    sql += ", meta = ?";
    params.push_back(json::Serialize(*patch.meta));
  }
  if (patch.allow_skip) {
    sql += ", allow_skip = ?";
    params.push_back(store::Bool(*patch.allow_skip));
  }
  sql += " WHERE id = ?";
  params.push_back(task_id);
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(sql, params));
  return changed > 0;
}

Result<bool> DeleteTask(Connection& connection, const Project& project, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(task, FindTask(connection, task_id));
  if (!task || task->project_id != project.id) return false;
  TALLY_TRY(LockProjectRow(connection, project.id));
  TALLY_TRY(ForgetTraceScores(connection, project.id, {task_id}));
  TALLY_TRY(connection.Execute("DELETE FROM tasks WHERE id = ?", {task_id}));
  TALLY_TRY(AddTaskToProjectCounters(connection, project.id, task->counts, -1));
  return true;
}

Result<int64_t> DeleteTasks(Connection& connection, const Project& project, const std::vector<int64_t>& ids) {
  int64_t deleted = 0;
  TALLY_TRY(LockProjectRow(connection, project.id));
  TALLY_TRY(ForgetTraceScores(connection, project.id, ids));
  if (ids.empty()) {
    TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM tasks WHERE project_id = ?", {project.id}));
    deleted = changed;
  } else {
    // Chunks keep each statement under SQLite's default limit of 32766
    // parameters with room to spare.
    constexpr size_t kChunk = 500;
    for (size_t start = 0; start < ids.size(); start += kChunk) {
      const size_t end = std::min(ids.size(), start + kChunk);
      std::string sql = "DELETE FROM tasks WHERE project_id = ? AND id IN (";
      store::Params params{project.id};
      for (size_t i = start; i < end; ++i) {
        sql += i == start ? "?" : ", ?";
        params.push_back(ids[i]);
      }
      sql += ")";
      TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(sql, params));
      deleted += changed;
    }
  }
  TALLY_TRY(RecomputeProjectCounters(connection, project.id));
  return deleted;
}

Result<std::vector<Task>> ListTasks(Connection& connection, int64_t project_id, int64_t offset, int64_t limit) {
  static const std::string sql =
      fmt::format("SELECT {} FROM tasks WHERE project_id = ? ORDER BY id LIMIT ? OFFSET ?", kTaskColumns);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, {project_id, limit, offset}));
  std::vector<Task> tasks;
  tasks.reserve(rows.size());
  for (const store::Row& row : rows) tasks.push_back(TaskFromRow(row));
  return tasks;
}

Result<std::vector<Task>> ListTasksByIds(Connection& connection, const std::vector<int64_t>& ids) {
  std::vector<Task> tasks;
  if (ids.empty()) return tasks;
  std::string sql = fmt::format("SELECT {} FROM tasks WHERE id IN (", kTaskColumns);
  store::Params params;
  for (size_t i = 0; i < ids.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.push_back(ids[i]);
  }
  sql += ")";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::unordered_map<int64_t, Task> by_id;
  for (const store::Row& row : rows) {
    Task task = TaskFromRow(row);
    by_id.emplace(task.id, std::move(task));
  }
  for (int64_t id : ids) {
    auto found = by_id.find(id);
    if (found != by_id.end()) tasks.push_back(std::move(found->second));
  }
  return tasks;
}

}  // namespace tally::labeling
