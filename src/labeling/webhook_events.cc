#include "labeling/webhook_events.h"

#include <boost/json.hpp>

#include "integrations/webhooks/events.h"
#include "integrations/webhooks/webhook_store.h"
#include "labeling/config/json_form.h"
#include "labeling/config/validator.h"
#include "labeling/route_support.h"
#include "labeling/serialize.h"
#include "labeling/task_store.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace webhooks = integrations::webhooks;

namespace {

Result<bj::object> ProjectPayload(Connection& connection, const Project& project) {
  bj::object parsed;
  if (auto config = LoadLabelConfig(project.label_config)) parsed = ParsedLabelConfigJson(*config);
  TALLY_ASSIGN_OR_RETURN(creator, UserBriefJson(connection, project.created_by));
  return ProjectJson(project, parsed, std::move(creator), 0);
}

bj::array IdObjects(const std::vector<int64_t>& ids) {
  bj::array items;
  for (int64_t id : ids) items.push_back(bj::object{{"id", id}});
  return items;
}

Result<void> Emit(Connection& connection, const Project& project, std::string_view action,
                  const webhooks::PayloadBuilder& build) {
  TALLY_TRY(webhooks::EmitEvent(connection, project.organization_id, project.id, action, build));
  return Ok();
}

}  // namespace

Result<bool> HasWebhookReceivers(Connection& connection, const Project& project, std::string_view action) {
  TALLY_ASSIGN_OR_RETURN(receivers, webhooks::ListReceivers(connection, project.organization_id, project.id));
  for (const auto& webhook : receivers) {
    if (webhook.Subscribes(action)) return true;
  }
  return false;
}

Result<void> EmitProjectEvent(Connection& connection, const Project& project, std::string_view action) {
  return Emit(connection, project, action, [&]() -> Result<bj::object> {
    TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
    return bj::object{{"project", std::move(rendered)}};
  });
}

Result<void> EmitProjectDeleted(Connection& connection, const Project& project) {
  TALLY_TRY(webhooks::EmitEvent(connection, project.organization_id, std::nullopt, "PROJECT_DELETED",
                                [&]() -> Result<bj::object> {
                                  return bj::object{{"project", bj::object{{"id", project.id}}}};
                                }));
  return Ok();
}

Result<void> EmitTasksCreated(Connection& connection, const Project& project, const std::vector<int64_t>& task_ids) {
  if (task_ids.empty()) return Ok();
  TALLY_ASSIGN_OR_RETURN(wanted, HasWebhookReceivers(connection, project, "TASKS_CREATED"));
  if (!wanted) return Ok();

  std::optional<bj::object> project_json;
  for (size_t start = 0; start < task_ids.size(); start += kTasksPerWebhookEvent) {
    const size_t end = std::min(task_ids.size(), start + kTasksPerWebhookEvent);
    const std::vector<int64_t> chunk(task_ids.begin() + start, task_ids.begin() + end);
    TALLY_TRY(Emit(connection, project, "TASKS_CREATED", [&]() -> Result<bj::object> {
      if (!project_json) {
        TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
        project_json = std::move(rendered);
      }
      TALLY_ASSIGN_OR_RETURN(tasks, ListTasksByIds(connection, chunk));
      bj::array items;
      for (const Task& task : tasks) items.push_back(TaskJson(task));
      return bj::object{{"tasks", std::move(items)}, {"project", *project_json}};
    }));
  }
  return Ok();
}

Result<void> EmitTasksDeleted(Connection& connection, const Project& project, const std::vector<int64_t>& task_ids) {
  if (task_ids.empty()) return Ok();
  return Emit(connection, project, "TASKS_DELETED", [&]() -> Result<bj::object> {
    TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
    return bj::object{{"tasks", IdObjects(task_ids)}, {"project", std::move(rendered)}};
  });
}

Result<void> EmitAnnotationEvent(Connection& connection, const Project& project, std::string_view action,
                                 const Annotation& annotation) {
  return Emit(connection, project, action, [&]() -> Result<bj::object> {
    TALLY_ASSIGN_OR_RETURN(task, FindTask(connection, annotation.task_id));
    TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
    return bj::object{{"annotation", AnnotationJson(annotation)},
                      {"task", task ? bj::value(TaskJson(*task)) : bj::value(nullptr)},
                      {"project", std::move(rendered)}};
  });
}

Result<void> EmitAnnotationsCreated(Connection& connection, const Project& project,
                                    const std::vector<Annotation>& annotations) {
  if (annotations.empty()) return Ok();
  return Emit(connection, project, "ANNOTATIONS_CREATED", [&]() -> Result<bj::object> {
    bj::array annotation_items;
    std::vector<int64_t> task_ids;
    for (const Annotation& annotation : annotations) {
      annotation_items.push_back(AnnotationJson(annotation));
      // Callers pass annotations grouped by task, so a repeat is always the
      // previous task.
      if (task_ids.empty() || task_ids.back() != annotation.task_id) task_ids.push_back(annotation.task_id);
    }
    TALLY_ASSIGN_OR_RETURN(tasks, ListTasksByIds(connection, task_ids));
    bj::array task_items;
    for (const Task& task : tasks) task_items.push_back(TaskJson(task));
    TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
    return bj::object{{"annotation", std::move(annotation_items)},
                      {"task", std::move(task_items)},
                      {"project", std::move(rendered)}};
  });
}

Result<void> EmitAnnotationsDeleted(Connection& connection, const Project& project,
                                    const std::vector<int64_t>& annotation_ids) {
  if (annotation_ids.empty()) return Ok();
  return Emit(connection, project, "ANNOTATIONS_DELETED", [&]() -> Result<bj::object> {
    TALLY_ASSIGN_OR_RETURN(rendered, ProjectPayload(connection, project));
    return bj::object{{"annotations", IdObjects(annotation_ids)}, {"project", std::move(rendered)}};
  });
}

}  // namespace tally::labeling
