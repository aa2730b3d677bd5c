// The workflow table, its parser and the event rules. Storage of states,
// transitions and reviews is in lifecycle_store.cc.
#include "labeling/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr std::pair<TaskEvent, std::string_view> kEventNames[] = {
    {TaskEvent::kLocked, "locked"},
    {TaskEvent::kLockExpired, "lock_expired"},
    {TaskEvent::kAnnotated, "annotated"},
    {TaskEvent::kSkipped, "skipped"},
    {TaskEvent::kCompleted, "completed"},
    {TaskEvent::kUncompleted, "uncompleted"},
    {TaskEvent::kAnnotationChanged, "annotation_changed"},
    {TaskEvent::kAnnotationsRemoved, "annotations_removed"},
    {TaskEvent::kReviewAccepted, "review_accepted"},
    {TaskEvent::kReviewRejected, "review_rejected"},
    {TaskEvent::kImported, "imported"},
};

// The built-in table. Absent pairs are forbidden: notably a reviewed task
// accepts no annotation edit (reject the review first), and only the
// deletion of its last annotation returns it to unlabeled.
const std::vector<WorkflowTransition>& BuiltInTransitions() {
  static const std::vector<WorkflowTransition> table = {
      {"unlabeled", "locked", "in_progress"},
      {"in_progress", "locked", "in_progress"},
      {"skipped", "locked", "in_progress"},
      {"in_progress", "lock_expired", "unlabeled"},
      {"unlabeled", "annotated", "in_progress"},
      {"in_progress", "annotated", "in_progress"},
      {"skipped", "annotated", "in_progress"},
      {"unlabeled", "skipped", "skipped"},
      {"in_progress", "skipped", "skipped"},
      {"skipped", "skipped", "skipped"},
      {"unlabeled", "completed", "labeled"},
      {"in_progress", "completed", "labeled"},
      {"skipped", "completed", "labeled"},
      {"labeled", "completed", "labeled"},
      {"reviewed", "completed", "reviewed"},
      {"labeled", "uncompleted", "in_progress"},
      {"labeled", "annotation_changed", "labeled"},
      {"in_progress", "annotation_changed", "labeled"},
      {"unlabeled", "annotations_removed", "unlabeled"},
      {"in_progress", "annotations_removed", "unlabeled"},
      {"labeled", "annotations_removed", "unlabeled"},
      {"reviewed", "annotations_removed", "unlabeled"},
      {"skipped", "annotations_removed", "unlabeled"},
      {"labeled", "review_accepted", "reviewed"},
      {"reviewed", "review_accepted", "reviewed"},
      {"labeled", "review_rejected", "in_progress"},
      {"reviewed", "review_rejected", "in_progress"},
  };
  return table;
}

bool IsStateName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

Result<std::string> RequireStateField(const bj::object& item, std::string_view key, const std::string& field) {
  const bj::value* value = item.if_contains(key);
  if (!value || !value->is_string()) return Error::InvalidField(field, "This field is required and must be a string.");
  return std::string(value->as_string());
}

}  // namespace

const std::vector<std::string_view> kBuiltInTaskStates = {"unlabeled", "in_progress", "labeled", "reviewed",
                                                          "skipped"};

std::string_view TaskEventName(TaskEvent event) {
  for (const auto& [value, name] : kEventNames) {
    if (value == event) return name;
  }
  return "unknown";
}

std::optional<TaskEvent> ParseTaskEvent(std::string_view name) {
  for (const auto& [value, known] : kEventNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Workflow::Target(std::string_view state, TaskEvent event) const {
  const std::string_view on = TaskEventName(event);
  for (const WorkflowTransition& transition : transitions) {
    if (transition.from == state && transition.on == on) return transition.to;
  }
  return std::nullopt;
}

bool Workflow::HasState(std::string_view state) const {
  return std::find(kBuiltInTaskStates.begin(), kBuiltInTaskStates.end(), state) != kBuiltInTaskStates.end() ||
         std::find(extra_states.begin(), extra_states.end(), state) != extra_states.end();
}

Result<Workflow> ParseWorkflow(const bj::value& definition) {
  Workflow workflow;
  if (!definition.is_null()) {
    if (!definition.is_object()) return Error::InvalidField("workflow", "Must be a JSON object or null.");
    const bj::object& object = definition.as_object();

    TALLY_ASSIGN_OR_RETURN(review, json::OptionalBool(object, "review_required"));
    workflow.review_required = review.value_or(false);
    TALLY_ASSIGN_OR_RETURN(maximum, json::OptionalInt(object, "maximum_annotations"));
    if (maximum && *maximum < 1) return Error::InvalidField("maximum_annotations", "Must be 1 or more.");
    workflow.maximum_annotations = maximum;

    if (const bj::value* states = object.if_contains("states"); states && !states->is_null()) {
      if (!states->is_array()) return Error::InvalidField("states", "Must be a list of state names.");
      for (size_t i = 0; i < states->as_array().size(); ++i) {
        const bj::value& state = states->as_array()[i];
        const std::string field = fmt::format("states.{}", i);
        if (!state.is_string() || !IsStateName(state.as_string())) {
          return Error::InvalidField(field, "A state name is 1 to 64 characters of a-z and _.");
        }
        const std::string name(state.as_string());
        if (workflow.HasState(name)) {
          return Error::InvalidField(field, fmt::format("State \"{}\" is already defined.", name));
        }
        workflow.extra_states.push_back(name);
      }
    }

    if (const bj::value* list = object.if_contains("transitions"); list && !list->is_null()) {
      if (!list->is_array()) return Error::InvalidField("transitions", "Must be a list of {from, on, to} objects.");
      for (size_t i = 0; i < list->as_array().size(); ++i) {
        const std::string prefix = fmt::format("transitions.{}", i);
        const bj::value& item = list->as_array()[i];
        if (!item.is_object()) return Error::InvalidField(prefix, "Must be an object with from, on and to.");
        WorkflowTransition transition;
        TALLY_ASSIGN_OR_RETURN(from, RequireStateField(item.as_object(), "from", prefix + ".from"));
        TALLY_ASSIGN_OR_RETURN(on, RequireStateField(item.as_object(), "on", prefix + ".on"));
        TALLY_ASSIGN_OR_RETURN(to, RequireStateField(item.as_object(), "to", prefix + ".to"));
        if (!workflow.HasState(from)) {
          return Error::InvalidField(prefix + ".from", fmt::format("Unknown state \"{}\"; declare it in states.", from));
        }
        if (!workflow.HasState(to)) {
          return Error::InvalidField(prefix + ".to", fmt::format("Unknown state \"{}\"; declare it in states.", to));
        }
        const std::optional<TaskEvent> event = ParseTaskEvent(on);
        if (!event || *event == TaskEvent::kImported) {
          return Error::InvalidField(prefix + ".on", fmt::format("Unknown event \"{}\".", on));
        }
        for (const WorkflowTransition& earlier : workflow.custom) {
          if (earlier.from == from && earlier.on == on) {
            return Error::InvalidField(prefix, fmt::format("A transition from \"{}\" on \"{}\" is already defined.",
                                                           from, on));
          }
        }
        workflow.custom.push_back({std::move(from), std::move(on), std::move(to)});
      }
    }
  }

  // The effective table: the project's transitions win over built-in ones
  // for the same (from, on). Deleting the last annotation returns an extra
  // state to unlabeled unless the project defines another target.
  workflow.transitions = workflow.custom;
  auto overridden = [&](const WorkflowTransition& t) {
    return std::any_of(workflow.custom.begin(), workflow.custom.end(),
                       [&](const WorkflowTransition& c) { return c.from == t.from && c.on == t.on; });
  };
  for (const WorkflowTransition& transition : BuiltInTransitions()) {
    if (!overridden(transition)) workflow.transitions.push_back(transition);
  }
  for (const std::string& state : workflow.extra_states) {
    WorkflowTransition removed{state, "annotations_removed", "unlabeled"};
    if (!overridden(removed)) workflow.transitions.push_back(std::move(removed));
  }
  return workflow;
}

bj::object WorkflowJson(const Workflow& workflow) {
  auto transitions_json = [](const std::vector<WorkflowTransition>& list) {
    bj::array items;
    for (const WorkflowTransition& t : list) items.push_back(bj::object{{"from", t.from}, {"on", t.on}, {"to", t.to}});
    return items;
  };
  bj::array states;
  for (std::string_view state : kBuiltInTaskStates) states.push_back(bj::value(state));
  for (const std::string& state : workflow.extra_states) states.push_back(bj::value(state));
  bj::array extra;
  for (const std::string& state : workflow.extra_states) extra.push_back(bj::value(state));
  return bj::object{
      {"review_required", workflow.review_required},
      {"maximum_annotations",
       workflow.maximum_annotations ? bj::value(*workflow.maximum_annotations) : bj::value(nullptr)},
      {"extra_states", std::move(extra)},
      {"states", std::move(states)},
      {"custom_transitions", transitions_json(workflow.custom)},
      {"transitions", transitions_json(workflow.transitions)},
  };
}

TaskEvent AnnotationWriteEvent(const TaskCounts& before, const TaskCounts& after) {
  if (after.total_annotations + after.cancelled_annotations == 0) return TaskEvent::kAnnotationsRemoved;
  if (after.is_labeled) return before.is_labeled ? TaskEvent::kAnnotationChanged : TaskEvent::kCompleted;
  if (after.total_annotations == 0) return TaskEvent::kSkipped;
  return before.is_labeled ? TaskEvent::kUncompleted : TaskEvent::kAnnotated;
}

double ResultDisagreement(const std::vector<bj::value>& results) {
  if (results.size() < 2) return 0;
  std::map<std::string, int64_t> groups;
  int64_t largest = 0;
  for (const bj::value& result : results) {
    // A result's meaning without its region ids: its items' from_name, type
    // and value, sorted so item order does not matter.
    std::vector<std::string> items;
    if (result.is_array()) {
      for (const bj::value& item : result.as_array()) {
        if (!item.is_object()) continue;
        bj::object key;
        for (const char* name : {"from_name", "type", "value"}) {
          if (const bj::value* part = item.as_object().if_contains(name)) key[name] = *part;
        }
        items.push_back(json::Serialize(key));
      }
    }
    std::sort(items.begin(), items.end());
    std::string signature;
    for (const std::string& item : items) signature += item + "\n";
    largest = std::max(largest, ++groups[signature]);
  }
  return 1.0 - static_cast<double>(largest) / static_cast<double>(results.size());
}

bj::object TaskTransitionJson(const TaskTransitionRecord& record) {
  return bj::object{
      {"id", record.id},
      {"task", record.task_id},
      {"from_state", record.from_state},
      {"to_state", record.to_state},
      {"event", record.event},
      {"user", record.user_id ? bj::value(*record.user_id) : bj::value(nullptr)},
      {"annotation", record.annotation_id ? bj::value(*record.annotation_id) : bj::value(nullptr)},
      {"reason", record.reason},
      {"comment", record.comment},
      {"created_at", FormatIsoMicros(record.created_at)},
  };
}

bj::object AnnotationReviewJson(const AnnotationReview& review) {
  return bj::object{
      {"id", review.id},
      {"annotation", review.annotation_id},
      {"task", review.task_id},
      {"created_by", review.reviewer_id ? bj::value(*review.reviewer_id) : bj::value(nullptr)},
      {"accepted", review.accepted},
      {"comment", review.comment},
      {"created_at", FormatIsoMicros(review.created_at)},
  };
}

}  // namespace tally::labeling
