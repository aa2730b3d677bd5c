// Task lifecycle: the state machine every task of a project moves through.
//
// A task is in one state at a time, stored in tasks.state. The built-in
// states are unlabeled, in_progress (locked by an annotator, or annotated
// fewer times than its overlap), labeled, reviewed and skipped. A project's
// workflow may add states such as needs_rework. Writes do not set states:
// they report an event (the task was locked, an annotation completed it, a
// reviewer rejected an annotation, …) and ApplyTaskEvent looks up the target
// state in the project's workflow. That lookup is the one place transitions
// are validated. Every change of state writes a task_transitions row (who,
// when, from, to, event, reason, comment) in the caller's transaction, so a
// task is never in a state without the record that put it there.
//
// The workflow is declarative and stored with the project (projects.workflow,
// JSON): whether review is on, an optional overlap, extra states, and
// transitions {"from", "on", "to"} that replace or add to the built-in
// table for the same (from, on) pair. An event with no transition from the
// task's state is forbidden: ApplyTaskEvent fails with conflict and the
// caller's transaction rolls back, so a reviewed task cannot drift back to
// in_progress through an annotation edit.
//
// Thread-safety: free functions over a borrowed Connection; the Workflow
// value is immutable after parsing.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "labeling/counters.h"
#include "labeling/project_store.h"

namespace tally::labeling {

// Event that moves a task. The names are stable because workflow
// definitions and transition records contain them.
enum class TaskEvent {
  kLocked,              // the next-task endpoint handed the task to an annotator
  kLockExpired,         // the last lock on a task without annotations expired
  kAnnotated,           // an annotation was added but the task needs more (overlap)
  kSkipped,             // the task's only annotations are skips
  kCompleted,           // an annotation write left the task labeled
  kUncompleted,         // an annotation write took a labeled task below its overlap
  kAnnotationChanged,   // an annotation of a labeled task changed; it stays labeled
  kAnnotationsRemoved,  // the task's last annotation was deleted
  kReviewAccepted,
  kReviewRejected,
  kImported,            // the task arrived with annotations (import)
};

std::string_view TaskEventName(TaskEvent event);
std::optional<TaskEvent> ParseTaskEvent(std::string_view name);

// The built-in states, in the order the API lists them.
extern const std::vector<std::string_view> kBuiltInTaskStates;

struct WorkflowTransition {
  std::string from;
  std::string on;  // a TaskEventName
  std::string to;
};

// A project's effective workflow: the built-in table overlaid with the
// project's definition.
struct Workflow {
  bool review_required = false;
  std::optional<int64_t> maximum_annotations;   // overlap, when the definition sets it
  std::vector<std::string> extra_states;
  std::vector<WorkflowTransition> custom;       // the project's own transitions, as stored
  std::vector<WorkflowTransition> transitions;  // effective table: custom first, then built-in

  // The target of `event` from `state`, or nullopt when the workflow has no
  // such transition (the event is forbidden in that state).
  std::optional<std::string> Target(std::string_view state, TaskEvent event) const;
  bool HasState(std::string_view state) const;
};

// Parses a stored or submitted definition. Fails with invalid_argument
// naming the field (workflow.transitions.2.to) for an unknown event or state,
// a state that shadows a built-in one, or a wrong type.
[[nodiscard]] Result<Workflow> ParseWorkflow(const boost::json::value& definition);

// The project's workflow (the built-in one when it stores none). A stored
// definition was checked on save, so a failure here is internal.
[[nodiscard]] Result<Workflow> ProjectWorkflow(Connection& connection, const Project& project);

// {"review_required", "maximum_annotations", "states", "transitions",
// "custom_transitions"}: what GET /api/projects/{id}/workflow returns.
boost::json::object WorkflowJson(const Workflow& workflow);

// Stores `definition` (already parsed by ParseWorkflow) as the project's
// workflow; null restores the built-in one.
[[nodiscard]] Result<void> StoreWorkflow(Connection& connection, int64_t project_id,
                                         const boost::json::value& definition);

// Actor and reason recorded with a transition.
struct TransitionContext {
  std::optional<int64_t> user_id;
  std::optional<int64_t> annotation_id;
  std::string reason;   // machine-written: "lock expired", "last annotation deleted", …
  std::string comment;  // a reviewer's words, empty otherwise
};

// Moves the task along `workflow` for `event` and records the transition.
// Returns the task's state afterwards; an event whose target is the current
// state changes nothing and writes no record. Fails with not_found when the
// task does not exist and conflict when the event is forbidden in the task's
// state (the message names both).
// REQUIRES: inside a Database::Write transaction with the write that caused
// the event.
[[nodiscard]] Result<std::string> ApplyTaskEvent(Connection& connection, const Workflow& workflow, int64_t task_id,
                                                 TaskEvent event, const TransitionContext& context,
                                                 Micros now = NowMicros());

// The event an annotation write reports, from the task's counts before and
// after it (RefreshTaskCounters' result).
TaskEvent AnnotationWriteEvent(const TaskCounts& before, const TaskCounts& after);

// Recounts the task, recomputes its disagreement and applies the event its
// annotation write implies. The one call annotation writers make after
// changing a task's annotations. Fails as ApplyTaskEvent.
// REQUIRES: inside the Database::Write transaction of the annotation write.
[[nodiscard]] Result<TaskCounts> AfterAnnotationWrite(Connection& connection, const Project& project,
                                                      int64_t task_id, const TransitionContext& context);

// Sets the state of a task inserted with its annotations (import) from its
// counts, recording an "imported" transition when that state is not
// unlabeled, and computes its disagreement when it has two annotations or
// more. REQUIRES: inside the import's transaction.
[[nodiscard]] Result<void> RecordImportedState(Connection& connection, int64_t project_id, int64_t task_id,
                                               const TaskCounts& counts, std::optional<int64_t> user_id);

// Brings every task's state in line with is_labeled after a bulk recount
// (a change of maximum_annotations or skip_queue): tasks that became labeled
// move to labeled, labeled tasks that no longer are move to in_progress, each
// with a transition record. Reviewed and workflow-specific states are kept.
[[nodiscard]] Result<void> ReconcileTaskStates(Connection& connection, int64_t project_id,
                                               std::optional<int64_t> user_id);

// 1 - (largest group of identical results / annotations) over the task's
// annotations that are not skips; 0 with fewer than two. Results compare by
// their items' from_name, type and value, so region ids do not count.
double ResultDisagreement(const std::vector<boost::json::value>& results);

struct TaskTransitionRecord {
  int64_t id = 0;
  int64_t task_id = 0;
  std::string from_state;
  std::string to_state;
  std::string event;
  std::optional<int64_t> user_id;
  std::optional<int64_t> annotation_id;
  std::string reason;
  std::string comment;
  Micros created_at = 0;
};

// The task's transitions, oldest first.
[[nodiscard]] Result<std::vector<TaskTransitionRecord>> ListTaskTransitions(Connection& connection,
                                                                           int64_t task_id);

struct AnnotationReview {
  int64_t id = 0;
  int64_t annotation_id = 0;
  int64_t task_id = 0;
  std::optional<int64_t> reviewer_id;
  bool accepted = false;
  std::string comment;
  Micros created_at = 0;
};

// Records a reviewer's verdict on an annotation and moves its task by
// review_accepted or review_rejected. Fails with invalid_argument when the
// workflow has review off, and as ApplyTaskEvent otherwise.
[[nodiscard]] Result<AnnotationReview> ReviewAnnotation(Connection& connection, const Project& project,
                                                        const Workflow& workflow, int64_t annotation_id,
                                                        int64_t task_id, int64_t reviewer_id, bool accepted,
                                                        std::string comment);

// Reviews of one annotation, oldest first.
[[nodiscard]] Result<std::vector<AnnotationReview>> ListAnnotationReviews(Connection& connection,
                                                                         int64_t annotation_id);

boost::json::object TaskTransitionJson(const TaskTransitionRecord& record);
boost::json::object AnnotationReviewJson(const AnnotationReview& review);

}  // namespace tally::labeling
