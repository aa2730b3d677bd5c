#include "labeling/datamanager/query_store.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <regex>

#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;
using store::Dialect;

namespace {

// A piece of SQL with the parameters of its placeholders, in order.
struct Sql {
  std::string text;
  store::Params params;

  Sql& Add(std::string_view more) {
    text += more;
    return *this;
  }
  Sql& Add(const Sql& more) {
    text += more.text;
    params.insert(params.end(), more.params.begin(), more.params.end());
    return *this;
  }
  Sql& Bind(store::Value value) {
    text += "?";
    params.push_back(std::move(value));
    return *this;
  }
};

// The rows a multi-valued column ranges over: "FROM … WHERE … = t.id" and
// the value expression within them.
struct RowSource {
  const char* from;
  const char* value;
  bool case_sensitive_contains = false;
};

struct ColumnSql {
  Sql scalar;                      // one value per task (ordering, scalar filters)
  std::optional<RowSource> rows;   // set for multi-valued columns
  bool zero_is_empty = false;      // counters: "empty" means 0
};

Sql Raw(std::string_view text) { return Sql{std::string(text), {}}; }

std::string SqlitePath(const std::string& key) { return "$.\"" + key + "\""; }

// A data key's value as text, number or 0/1, per dialect.
Sql DataExpression(Dialect dialect, const std::string& key, ColumnType type) {
  Sql sql;
  if (dialect == Dialect::kSqlite) {
    const std::string path = SqlitePath(key);
    switch (type) {
      case ColumnType::kNumber:
        sql.Add("(CASE WHEN json_type(t.data, ").Bind(path).Add(") IN ('integer', 'real') THEN json_extract(t.data, ")
            .Bind(path).Add(") END)");
        return sql;
      case ColumnType::kBoolean:
        sql.Add("(CASE json_type(t.data, ").Bind(path).Add(") WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)");
        return sql;
      default:
        sql.Add("CAST(json_extract(t.data, ").Bind(path).Add(") AS TEXT)");
        return sql;
    }
  }
  switch (type) {
    case ColumnType::kNumber:
      sql.Add("(CASE WHEN jsonb_typeof(t.data::jsonb -> CAST(").Bind(key)
          .Add(" AS TEXT)) = 'number' THEN CAST(t.data::jsonb ->> CAST(").Bind(key)
          .Add(" AS TEXT) AS DOUBLE PRECISION) END)");
      return sql;
    case ColumnType::kBoolean:
      sql.Add("(CASE WHEN jsonb_typeof(t.data::jsonb -> CAST(").Bind(key)
          .Add(" AS TEXT)) = 'boolean' THEN CASE WHEN t.data::jsonb ->> CAST(").Bind(key)
          .Add(" AS TEXT) = 'true' THEN 1 ELSE 0 END END)");
      return sql;
    default:
      sql.Add("(t.data::jsonb ->> CAST(").Bind(key).Add(" AS TEXT))");
      return sql;
  }
}

Result<ColumnSql> ColumnExpression(Dialect dialect, const std::string& column, const std::string& data_key,
                                   ColumnType type, int64_t user_id) {
  ColumnSql c;
  if (!data_key.empty()) {
    c.scalar = DataExpression(dialect, data_key, type);
    return c;
  }
  if (column == "id" || column == "inner_id" || column == "overlap" || column == "disagreement" ||
      column == "is_labeled" || column == "created_at" || column == "updated_at" || column == "state") {
    c.scalar = Raw("t." + column);
  } else if (column == "total_annotations" || column == "cancelled_annotations" || column == "total_predictions") {
    c.scalar = Raw("t." + column);
    c.zero_is_empty = true;
  } else if (column == "avg_lead_time") {
    c.scalar = Raw("(SELECT AVG(a.lead_time) FROM annotations a WHERE a.task_id = t.id)");
  } else if (column == "predictions_score") {
    c.scalar = Raw("(SELECT AVG(p.score) FROM predictions p WHERE p.task_id = t.id)");
  } else if (column == "completed_at") {
    c.scalar = Raw("(SELECT MAX(a.created_at) FROM annotations a WHERE a.task_id = t.id)");
  } else if (column == "ground_truth") {
    c.scalar = Raw("(CASE WHEN t.ground_truth_annotations > 0 THEN 1 ELSE 0 END)");
  } else if (column == "draft_exists") {
    c.scalar.Add("(CASE WHEN EXISTS (SELECT 1 FROM drafts d WHERE d.task_id = t.id AND d.user_id = ")
        .Bind(user_id)
        .Add(") THEN 1 ELSE 0 END)");
  } else if (column == "file_upload") {
    c.scalar = Raw("(SELECT f.file FROM file_uploads f WHERE f.id = t.file_upload_id)");
  } else if (column == "annotators") {
    c.rows = RowSource{"FROM annotations a WHERE a.task_id = t.id", "a.completed_by"};
    c.scalar = Raw("(SELECT MIN(a.completed_by) FROM annotations a WHERE a.task_id = t.id)");
  } else if (column == "annotations_results") {
    c.rows = RowSource{"FROM annotations a WHERE a.task_id = t.id", "a.result", true};
    c.scalar = Raw("(SELECT MIN(a.result) FROM annotations a WHERE a.task_id = t.id)");
  } else if (column == "predictions_results") {
    c.rows = RowSource{"FROM predictions p WHERE p.task_id = t.id", "p.result", true};
    c.scalar = Raw("(SELECT MIN(p.result) FROM predictions p WHERE p.task_id = t.id)");
  } else if (column == "predictions_model_versions") {
    c.rows = RowSource{"FROM predictions p WHERE p.task_id = t.id", "p.model_version"};
    c.scalar = Raw("(SELECT MIN(p.model_version) FROM predictions p WHERE p.task_id = t.id)");
  } else {
    return Error::Internal(fmt::format("column {} has no SQL expression", column));
  }
  return c;
}

// A normalised filter value as a statement parameter. Integral numbers bind
// as integers so PostgreSQL compares them with BIGINT columns (and their
// indexes) directly; other numbers bind as doubles behind a cast.
Sql Value(const bj::value& value) {
  Sql sql;
  if (value.is_double()) {
    const double number = value.as_double();
    if (std::nearbyint(number) == number && std::fabs(number) < 9e15) return sql.Bind(static_cast<int64_t>(number));
    return sql.Add("CAST(").Bind(number).Add(" AS DOUBLE PRECISION)");
  }
  if (value.is_int64()) return sql.Bind(value.as_int64());
  if (value.is_bool()) return sql.Bind(static_cast<int64_t>(value.as_bool() ? 1 : 0));
  if (value.is_string()) return sql.Bind(std::string(value.as_string()));
  return sql.Bind(json::Serialize(value));
}

std::string LikePattern(std::string_view text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return pattern + "%";
}

Sql AsText(const Sql& expression) { return Sql().Add("CAST(").Add(expression).Add(" AS TEXT)"); }

// The condition an operator puts on one value expression, in its positive
// form (not_* operators are built by negating their positive twin).
Result<Sql> PositiveCondition(Dialect dialect, const Sql& e, const std::string& op, const bj::value& value,
                              bool case_sensitive_contains) {
  Sql sql;
  if (op == "equal") return sql.Add(e).Add(" = ").Add(Value(value));
  if (op == "less") return sql.Add(e).Add(" < ").Add(Value(value));
  if (op == "greater") return sql.Add(e).Add(" > ").Add(Value(value));
  if (op == "less_or_equal") return sql.Add(e).Add(" <= ").Add(Value(value));
  if (op == "greater_or_equal") return sql.Add(e).Add(" >= ").Add(Value(value));
  if (op == "in") return sql.Add(e).Add(" BETWEEN ").Add(Value(value.at("min"))).Add(" AND ").Add(Value(value.at("max")));
  if (op == "in_list") {
    if (value.as_array().empty()) return Raw("1 = 0");
    sql.Add(e).Add(" IN (");
    for (size_t i = 0; i < value.as_array().size(); ++i) sql.Add(i ? ", " : "").Add(Value(value.as_array()[i]));
    return sql.Add(")");
  }
  if (op == "contains") {
    if (case_sensitive_contains) {
      const char* function = dialect == Dialect::kSqlite ? "instr(" : "strpos(";
      return sql.Add(function).Add(AsText(e)).Add(", ").Bind(std::string(value.as_string())).Add(") > 0");
    }
    return sql.Add("LOWER(").Add(AsText(e)).Add(") LIKE ").Bind(LikePattern(value.as_string())).Add(" ESCAPE '\\'");
  }
  if (op == "regex") {
    // Label Studio returns an empty result for an invalid pattern.
    try {
      std::regex check(std::string(value.as_string()), std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return Raw("1 = 0");
    }
    // NOTE: PostgreSQL's regex dialect differs from ECMAScript in corners
    // (lookbehind, some escapes); a pattern only PostgreSQL rejects fails
    // the request instead of matching nothing.
    return sql.Add(AsText(e)).Add(dialect == Dialect::kSqlite ? " REGEXP " : " ~ ").Bind(std::string(value.as_string()));
  }
  return Error::Internal(fmt::format("operator {} has no positive form", op));
}

std::string PositiveTwin(const std::string& op) {
  if (op == "not_equal") return "equal";
  if (op == "not_contains") return "contains";
  if (op == "not_in") return "in";
  if (op == "not_in_list") return "in_list";
  return "";
}

Result<Sql> ItemCondition(Dialect dialect, const FilterItem& item, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(column, ColumnExpression(dialect, item.column, item.data_key, item.type, user_id));
  const std::string twin = PositiveTwin(item.op);
  const bool negative = !twin.empty();
  const std::string positive_op = negative ? twin : item.op;

  if (column.rows) {
    const RowSource& rows = *column.rows;
    Sql inner;
    if (item.op == "empty") {
      inner.Add(std::string(rows.value) + " IS NOT NULL");
      const bool empty = item.value.as_bool();
      return Sql().Add(empty ? "NOT EXISTS (SELECT 1 " : "EXISTS (SELECT 1 ").Add(rows.from).Add(" AND ").Add(inner).Add(")");
    }
    bj::value value = item.value;
    // The annotators column compares user ids exactly, and results compare
    // whole JSON texts for equal.
    std::string op = positive_op;
    if (item.type == ColumnType::kList && op == "contains") op = "equal";
    if (rows.case_sensitive_contains && op == "equal") {
      boost::system::error_code ec;
      bj::value parsed = bj::parse(value.as_string(), ec);
      if (!ec) value = bj::value(json::Serialize(parsed));
    }
    TALLY_ASSIGN_OR_RETURN(condition,
                           PositiveCondition(dialect, Raw(rows.value), op, value, rows.case_sensitive_contains));
    return Sql().Add(negative ? "NOT EXISTS (SELECT 1 " : "EXISTS (SELECT 1 ").Add(rows.from).Add(" AND ").Add(condition).Add(")");
  }

  const Sql& e = column.scalar;
  if (item.op == "empty") {
    Sql is_empty;
    if (column.zero_is_empty) {
      is_empty.Add(e).Add(" = 0");
    } else if (item.type == ColumnType::kString) {
      is_empty.Add("(").Add(e).Add(" IS NULL OR ").Add(AsText(e)).Add(" = '')");
    } else {
      is_empty.Add(e).Add(" IS NULL");
    }
    if (item.value.as_bool()) return is_empty;
    return Sql().Add("NOT (").Add(is_empty).Add(")");
  }
  TALLY_ASSIGN_OR_RETURN(condition, PositiveCondition(dialect, e, positive_op, item.value, false));
  if (!negative) return condition;
  return Sql().Add("(").Add(e).Add(" IS NULL OR NOT (").Add(condition).Add("))");
}

// Writes the ids into the SQL as literals instead of binding them, because a
// selection may contain more ids than SQLite (32,766) or PostgreSQL (65,535)
// accepts as parameters. The ids are integers parsed from JSON, so only
// digits and a sign reach the SQL text.
Sql IdList(const char* keyword, const std::vector<int64_t>& ids) {
  Sql sql;
  sql.Add(" AND t.id ").Add(keyword).Add(" (");
  for (size_t i = 0; i < ids.size(); ++i) sql.Add(i ? ", " : "").Add(std::to_string(ids[i]));
  return sql.Add(")");
}

}  // namespace

bool IsCountedColumn(std::string_view column) {
  // ground_truth reads ground_truth_annotations; the others are read as stored.
  return column == "is_labeled" || column == "total_annotations" || column == "cancelled_annotations" ||
         column == "total_predictions" || column == "ground_truth" || column == "overlap" || column == "state";
}

Result<CompiledTaskQuery> CompileTaskQuery(Dialect dialect, int64_t project_id, int64_t user_id,
                                           const TaskQuery& query, bool apply_selection) {
  Sql where;
  where.Add("t.project_id = ").Bind(project_id);
  bool filtered = false;
  bool counts_from_columns = !query.filters.items.empty();

  if (!query.filters.items.empty()) {
    where.Add(" AND (");
    for (size_t i = 0; i < query.filters.items.size(); ++i) {
      TALLY_ASSIGN_OR_RETURN(condition, ItemCondition(dialect, query.filters.items[i], user_id));
      if (i > 0) where.Add(query.filters.any ? " OR " : " AND ");
      where.Add("(").Add(condition).Add(")");
      const FilterItem& item = query.filters.items[i];
      if (!item.data_key.empty() || !IsCountedColumn(item.column)) counts_from_columns = false;
    }
    where.Add(")");
    filtered = true;
  }

  if (apply_selection) {
    const TaskSelection& selection = query.selection;
    if (selection.all && !selection.excluded.empty()) {
      where.Add(IdList("NOT IN", selection.excluded));
      filtered = true;
      counts_from_columns = false;
    } else if (!selection.all && !selection.included.empty()) {
      where.Add(IdList("IN", selection.included));
      filtered = true;
      counts_from_columns = false;
    }
  }

  Sql order;
  const char* direction = "";
  if (query.ordering) {
    const TaskOrdering& ordering = *query.ordering;
    direction = ordering.descending ? " DESC" : "";
    if (ordering.column != "id") {
      TALLY_ASSIGN_OR_RETURN(column, ColumnExpression(dialect, ordering.column, ordering.data_key, ordering.type,
                                                      user_id));
      order.Add(column.scalar).Add(direction).Add(" NULLS LAST, ");
    }
  }
  order.Add("t.id").Add(direction);

  return CompiledTaskQuery{std::move(where.text), std::move(where.params), std::move(order.text),
                           std::move(order.params), filtered, counts_from_columns};
}

Result<std::optional<int64_t>> ProjectDataRevision(Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT revision FROM project_data_revisions WHERE project_id = ?",
                                                  {project_id}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->Int(0));
}

Result<RevisedTaskQueryTotals> CountMatchingTasksWithRevision(Connection& connection, const CompiledTaskQuery& query,
                                                             int64_t project_id) {
  store::Params params{project_id};
  params.insert(params.end(), query.where_params.begin(), query.where_params.end());
  constexpr std::string_view kRevision = "(SELECT r.revision FROM project_data_revisions r WHERE r.project_id = ?)";

  if (query.counts_from_columns) {
    // Each row stands for `n` tasks whose counted columns hold the row's
    // values, so the task filter applies to the row as it would to each task.
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                    fmt::format("SELECT COALESCE(SUM(t.n), 0),"
                                                " COALESCE(SUM(t.n * (t.total_annotations + t.cancelled_annotations)), 0),"
                                                " COALESCE(SUM(t.n * t.total_predictions), 0), {}, COUNT(*)"
                                                " FROM task_column_counts t WHERE {}",
                                                kRevision, query.where),
                                    params));
    RevisedTaskQueryTotals counted{{row->Int(0), row->Int(1), row->Int(2)}, std::nullopt};
    if (!row->IsNull(3)) counted.revision = row->Int(3);
    counted.compaction_due = row->Int(4) > kMaxTaskColumnCountRows;
    return counted;
  }

  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  fmt::format("SELECT COUNT(*), COALESCE(SUM(t.total_annotations +"
                                              " t.cancelled_annotations), 0), COALESCE(SUM(t.total_predictions), 0),"
                                              " {} FROM tasks t WHERE {}",
                                              kRevision, query.where),
                                  params));
  RevisedTaskQueryTotals counted{{row->Int(0), row->Int(1), row->Int(2)}, std::nullopt};
  if (!row->IsNull(3)) counted.revision = row->Int(3);
  return counted;
}

Result<void> CompactTaskColumnCounts(Connection& connection, int64_t project_id) {
  if (connection.dialect() != Dialect::kPostgres) return Ok();

  // One compaction per project at a time: two would lock the same delta rows
  // in whatever order their scans met them. The key is a hash, so a rare
  // collision only makes one project's compaction wait for the next count.
  TALLY_ASSIGN_OR_RETURN(locked, connection.QueryOne(
                                     "SELECT pg_try_advisory_xact_lock(hashtextextended('task_column_counts', ?))",
                                     {project_id}));
  if (!locked->Bool(0)) return Ok();

  // One statement, so a concurrent count reads either the deltas or their sums.
  // Deltas that other transactions insert meanwhile are not in this
  // statement's snapshot, so they are neither deleted nor summed.
  TALLY_TRY(connection.Execute(
      "WITH moved AS (DELETE FROM task_column_counts WHERE project_id = ? RETURNING *)"
      " INSERT INTO task_column_counts"
      " SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,"
      " ground_truth_annotations, overlap, state, SUM(n) FROM moved"
      " GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,"
      " ground_truth_annotations, overlap, state HAVING SUM(n) <> 0",
      {project_id}));
  return Ok();
}

Result<std::vector<int64_t>> MatchingTaskPage(Connection& connection, const CompiledTaskQuery& query,
                                             int64_t offset, int64_t limit) {
  store::Params params = query.where_params;
  params.insert(params.end(), query.order_params.begin(), query.order_params.end());
  params.push_back(limit);
  params.push_back(offset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT t.id FROM tasks t WHERE {} ORDER BY {}"
                                                            " LIMIT ? OFFSET ?",
                                                            query.where, query.order_by),
                                                params));
  std::vector<int64_t> ids;
  for (const store::Row& row : rows) ids.push_back(row.Int(0));
  return ids;
}

Result<std::vector<int64_t>> AllMatchingTaskIds(Connection& connection, const CompiledTaskQuery& query) {
  std::vector<int64_t> ids;
  TALLY_TRY(connection.ForEach(fmt::format("SELECT t.id FROM tasks t WHERE {} ORDER BY t.id", query.where),
                               query.where_params, [&](const store::Row& row) {
                                 ids.push_back(row.Int(0));
                                 return true;
                               }));
  return ids;
}

}  // namespace tally::labeling
