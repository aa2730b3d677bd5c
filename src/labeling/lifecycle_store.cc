// Storage of the task lifecycle: tasks.state, task_transitions,
// annotation_reviews and projects.workflow. The rules are in lifecycle.cc.
#include <fmt/format.h>

#include "core/json.h"
#include "labeling/lifecycle.h"
#include "labeling/trace_tasks.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

Result<void> InsertTransition(Connection& c, int64_t project_id, int64_t task_id, std::string_view from,
                              std::string_view to, std::string_view event, const TransitionContext& context,
                              Micros now) {
  TALLY_TRY(c.Execute(
      "INSERT INTO task_transitions (task_id, project_id, from_state, to_state, event, user_id, annotation_id,"
      " reason, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {task_id, project_id, std::string(from), std::string(to), std::string(event), store::OrNull(context.user_id),
       store::OrNull(context.annotation_id), context.reason, context.comment, now}));
  return Ok();
}

// Recomputes tasks.disagreement from the task's submitted results.
Result<void> RefreshDisagreement(Connection& connection, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(result_rows, connection.Query(
                                          "SELECT result FROM annotations WHERE task_id = ? AND was_cancelled = 0"
                                          " AND result IS NOT NULL",
                                          {task_id}));
  std::vector<bj::value> results;
  for (const store::Row& result_row : result_rows) {
    boost::system::error_code ec;
    bj::value parsed = bj::parse(result_row.Text(0), ec);
    results.push_back(ec ? bj::value(nullptr) : std::move(parsed));
  }
  TALLY_TRY(connection.Execute("UPDATE tasks SET disagreement = ? WHERE id = ?",
                               {ResultDisagreement(results), task_id}));
  return Ok();
}

}  // namespace

Result<Workflow> ProjectWorkflow(Connection& connection, const Project& project) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT workflow FROM projects WHERE id = ?", {project.id}));
  if (!row || row->IsNull(0)) return ParseWorkflow(nullptr);
  boost::system::error_code ec;
  bj::value definition = bj::parse(row->Text(0), ec);
  if (ec) return Error::Internal(fmt::format("project {} stores a workflow that is not JSON", project.id));
  auto workflow = ParseWorkflow(definition);
  if (!workflow) return Error::Internal(fmt::format("project {} stores an invalid workflow", project.id));
  return workflow;
}

Result<void> StoreWorkflow(Connection& connection, int64_t project_id, const bj::value& definition) {
  TALLY_TRY(connection.Execute("UPDATE projects SET workflow = ?, updated_at = ? WHERE id = ?",
                               {definition.is_null() ? store::Null() : store::Value(json::Serialize(definition)),
                                NowMicros(), project_id}));
  return Ok();
}

Result<std::string> ApplyTaskEvent(Connection& connection, const Workflow& workflow, int64_t task_id,
                                   TaskEvent event, const TransitionContext& context, Micros now) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT state, project_id FROM tasks WHERE id = ?", {task_id}));
  if (!row) return Error::NotFound("Task not found.");
  const std::string from = row->Text(0);
  const std::optional<std::string> to = workflow.Target(from, event);
  if (!to) {
    return Error::Conflict(fmt::format("Task {} is {}; the project's workflow allows no \"{}\" from that state.",
                                       task_id, from, TaskEventName(event)));
  }
  if (*to == from) return from;

  if (connection.dialect() == store::Dialect::kPostgres) {
    // One round trip instead of two: /next moves a task on every call.
    TALLY_TRY(connection.Execute(
        "WITH moved AS (UPDATE tasks SET state = ? WHERE id = ?)"
        " INSERT INTO task_transitions (task_id, project_id, from_state, to_state, event, user_id, annotation_id,"
        " reason, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {*to, task_id, task_id, row->Int(1), from, *to, std::string(TaskEventName(event)),
         store::OrNull(context.user_id), store::OrNull(context.annotation_id), context.reason, context.comment, now}));
    return *to;
  }
  TALLY_TRY(connection.Execute("UPDATE tasks SET state = ? WHERE id = ?", {*to, task_id}));
  TALLY_TRY(InsertTransition(connection, row->Int(1), task_id, from, *to, TaskEventName(event), context, now));
  return *to;
}

Result<TaskCounts> AfterAnnotationWrite(Connection& connection, const Project& project, int64_t task_id,
                                        const TransitionContext& context) {
  TALLY_ASSIGN_OR_RETURN(before_row, connection.QueryOne("SELECT is_labeled FROM tasks WHERE id = ?", {task_id}));
  if (!before_row) return Error::NotFound("Task not found.");
  TaskCounts before;
  before.is_labeled = before_row->Bool(0);
  TALLY_ASSIGN_OR_RETURN(after, RefreshTaskCounters(connection, project, task_id));
  TALLY_TRY(RefreshDisagreement(connection, task_id));

  TALLY_ASSIGN_OR_RETURN(workflow, ProjectWorkflow(connection, project));
  TransitionContext with_reason = context;
  const TaskEvent event = AnnotationWriteEvent(before, after);
  if (with_reason.reason.empty() && event == TaskEvent::kAnnotationsRemoved) {
    with_reason.reason = "last annotation deleted";
  }
  TALLY_TRY(ApplyTaskEvent(connection, workflow, task_id, event, with_reason));
  TALLY_TRY(SyncTraceScores(connection, project, task_id));
  return after;
}

Result<void> RecordImportedState(Connection& connection, int64_t project_id, int64_t task_id,
                                 const TaskCounts& counts, std::optional<int64_t> user_id) {
  std::string state = "unlabeled";
  if (counts.is_labeled) {
    state = "labeled";
  } else if (counts.total_annotations > 0) {
    state = "in_progress";
  } else if (counts.cancelled_annotations > 0) {
    state = "skipped";
  }
  if (counts.total_annotations >= 2) TALLY_TRY(RefreshDisagreement(connection, task_id));
  if (state == "unlabeled") return Ok();
  TALLY_TRY(connection.Execute("UPDATE tasks SET state = ? WHERE id = ?", {state, task_id}));
  return InsertTransition(connection, project_id, task_id, "unlabeled", state, "imported",
                          {.user_id = user_id, .reason = "imported with annotations"}, NowMicros());
}

Result<void> ReconcileTaskStates(Connection& connection, int64_t project_id, std::optional<int64_t> user_id) {
  const Micros now = NowMicros();
  // Each pair of statements writes the records first, from the rows still
  // in their old state, then moves those rows.
  struct Move {
    const char* condition;
    const char* to;
    const char* event;
  };
  const Move moves[] = {
      {"is_labeled = 1 AND state IN ('unlabeled', 'in_progress', 'skipped')", "labeled", "completed"},
      {"is_labeled = 0 AND state = 'labeled'", "in_progress", "uncompleted"},
  };
  for (const Move& move : moves) {
    TALLY_TRY(connection.Execute(
        fmt::format("INSERT INTO task_transitions (task_id, project_id, from_state, to_state, event, user_id,"
                    " annotation_id, reason, comment, created_at)"
                    " SELECT id, project_id, state, ?, ?, ?, NULL, 'overlap settings changed', '', ?"
                    " FROM tasks WHERE project_id = ? AND {}",
                    move.condition),
        {move.to, move.event, store::OrNull(user_id), now, project_id}));
    TALLY_TRY(connection.Execute(fmt::format("UPDATE tasks SET state = ? WHERE project_id = ? AND {}", move.condition),
                                 {move.to, project_id}));
  }
  return Ok();
}

Result<std::vector<TaskTransitionRecord>> ListTaskTransitions(Connection& connection, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "SELECT id, task_id, from_state, to_state, event, user_id, annotation_id, reason,"
                                   " comment, created_at FROM task_transitions WHERE task_id = ? ORDER BY id",
                                   {task_id}));
  std::vector<TaskTransitionRecord> records;
  for (const store::Row& row : rows) {
    records.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.OptionalInt(5),
                       row.OptionalInt(6), row.Text(7), row.Text(8), row.Int(9)});
  }
  return records;
}

Result<AnnotationReview> ReviewAnnotation(Connection& connection, const Project& project, const Workflow& workflow,
                                          int64_t annotation_id, int64_t task_id, int64_t reviewer_id, bool accepted,
                                          std::string comment) {
  if (!workflow.review_required) {
    return Error::InvalidField("annotation",
                               "Review is off in this project's workflow; set review_required in "
                               "/api/projects/{id}/workflow first.");
  }
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO annotation_reviews (annotation_id, task_id, project_id, reviewer_id,"
                                  " accepted, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                  {annotation_id, task_id, project.id, reviewer_id, store::Bool(accepted), comment,
                                   now}));
  const TransitionContext context{
      .user_id = reviewer_id,
      .annotation_id = annotation_id,
      .reason = fmt::format("annotation {} {}", annotation_id, accepted ? "accepted" : "rejected"),
      .comment = comment};
  TALLY_TRY(ApplyTaskEvent(connection, workflow, task_id,
                           accepted ? TaskEvent::kReviewAccepted : TaskEvent::kReviewRejected, context, now));
  return AnnotationReview{row->Int(0), annotation_id, task_id, reviewer_id, accepted, std::move(comment), now};
}

Result<std::vector<AnnotationReview>> ListAnnotationReviews(Connection& connection, int64_t annotation_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "SELECT id, annotation_id, task_id, reviewer_id, accepted, comment, created_at"
                                   " FROM annotation_reviews WHERE annotation_id = ? ORDER BY id",
                                   {annotation_id}));
  std::vector<AnnotationReview> reviews;
  for (const store::Row& row : rows) {
    reviews.push_back({row.Int(0), row.Int(1), row.Int(2), row.OptionalInt(3), row.Bool(4), row.Text(5), row.Int(6)});
  }
  return reviews;
}

}  // namespace tally::labeling
