// Data manager actions: GET /api/dm/actions lists them, POST runs one on
// the tasks a selection names (ids, all, or all but some), after the
// request's or the view's filters.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"
#include "core/log.h"
#include "labeling/datamanager/action_store.h"
#include "labeling/datamanager/query_store.h"
#include "labeling/datamanager/view_query.h"
#include "labeling/datamanager/view_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/ml_hooks.h"
#include "labeling/storage_hooks.h"
#include "labeling/webhook_events.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

struct ActionSpec {
  const char* id;
  const char* title;
  const char* dialog;
};

const ActionSpec kActions[] = {
    {"retrieve_tasks_predictions", "Retrieve Predictions",
     "Send the selected tasks to the project's ML backends for predictions."},
    {"predictions_to_annotations", "Create Annotations From Predictions",
     "Create an annotation from each prediction of the selected tasks that has not been converted yet."},
    {"delete_tasks", "Delete Tasks", "Delete the selected tasks with their annotations, predictions and drafts."},
    {"delete_tasks_annotations", "Delete Annotations", "Delete every annotation and draft of the selected tasks."},
    {"delete_tasks_predictions", "Delete Predictions", "Delete every prediction of the selected tasks."},
};

bj::array ActionListJson() {
  bj::array actions;
  int order = 0;
  for (const ActionSpec& action : kActions) {
    actions.push_back(bj::object{
        {"id", action.id},
        {"title", action.title},
        {"order", order++},
        {"permission", "tasks.change"},
        {"dialog", bj::object{{"title", action.title}, {"text", action.dialog}, {"type", "confirm"}}},
        {"reload", std::string_view(action.id) == "delete_tasks"},
    });
  }
  return actions;
}

struct ActionOutcome {
  int64_t processed = 0;
  std::string detail;
  bool reload = false;
};

// The selected task ids. An explicit empty inclusion selects nothing here,
// although Label Studio's task list treats it as no selection: an action
// must not widen an empty pick to the whole project.
Result<std::vector<int64_t>> SelectedTaskIds(Connection& c, const Project& project, int64_t user_id,
                                             const TaskQuery& query) {
  if (!query.selection.all && query.selection.included.empty()) return std::vector<int64_t>();
  TALLY_ASSIGN_OR_RETURN(compiled, CompileTaskQuery(c.dialect(), project.id, user_id, query, true));
  return AllMatchingTaskIds(c, compiled);
}

// The body's model_version: a string or a list of strings. Absent or null
// returns an empty list, which selects every model version.
// NOTE: Label Studio's API reference documents no default here. Tally does
// not fall back to the project's model_version.
Result<std::vector<std::string>> RequestedModelVersions(const bj::object& body) {
  const bj::value* value = body.if_contains("model_version");
  if (!value || value->is_null()) return std::vector<std::string>();
  if (value->is_string()) return std::vector<std::string>{std::string(value->get_string())};
  const char* expected = "Invalid type; expected a model version string or a list of model version strings.";
  if (!value->is_array()) return Error::InvalidField("model_version", expected);
  std::vector<std::string> versions;
  for (const bj::value& item : value->get_array()) {
    if (!item.is_string()) return Error::InvalidField("model_version", expected);
    versions.emplace_back(item.get_string());
  }
  // An empty list is rejected because it would otherwise mean every version.
  if (versions.empty()) {
    return Error::InvalidField("model_version",
                               "Empty list; give at least one model version, or omit the field for every version.");
  }
  return versions;
}

Result<ActionOutcome> RunAction(Connection& c, const Project& project, int64_t user_id, const std::string& action,
                                const TaskQuery& query, const bj::object& body) {
  TALLY_ASSIGN_OR_RETURN(ids, SelectedTaskIds(c, project, user_id, query));
  ActionOutcome outcome;
  if (action == "delete_tasks") {
    TALLY_ASSIGN_OR_RETURN(deleted, ids.empty() ? Result<int64_t>(int64_t{0}) : DeleteTasks(c, project, ids));
    TALLY_TRY(EmitTasksDeleted(c, project, ids));
    outcome = {deleted, fmt::format("Deleted {} tasks", deleted), true};
    return outcome;
  }
  if (action == "delete_tasks_annotations") {
    TALLY_ASSIGN_OR_RETURN(annotator, json::OptionalInt(body, "annotator"));
    // Annotation ids are collected only when a webhook receives them or a
    // target storage deletes their objects.
    std::vector<int64_t> annotation_ids;
    TALLY_ASSIGN_OR_RETURN(webhook_notify, HasWebhookReceivers(c, project, "ANNOTATIONS_DELETED"));
    TALLY_ASSIGN_OR_RETURN(storage_notify, AnnotationDeletionsExported(c, project));
    const bool notify = webhook_notify || storage_notify;
    for (size_t i = 0; notify && i < ids.size(); ++i) {
      TALLY_ASSIGN_OR_RETURN(annotations, ListTaskAnnotations(c, ids[i], /*include_skipped=*/true));
      for (const Annotation& annotation : annotations) {
        if (!annotator || annotation.completed_by == annotator) annotation_ids.push_back(annotation.id);
      }
    }
    TALLY_ASSIGN_OR_RETURN(deleted, DeleteAnnotationsOfTasks(c, project, ids, annotator, user_id));
    TALLY_TRY(EmitAnnotationsDeleted(c, project, annotation_ids));
    for (size_t i = 0; storage_notify && i < annotation_ids.size(); ++i) {
      TALLY_TRY(NotifyAnnotationWritten(c, project, annotation_ids[i], /*deleted=*/true));
    }
    outcome = {deleted, fmt::format("Deleted {} annotations", deleted)};
    return outcome;
  }
  if (action == "predictions_to_annotations") {
    TALLY_ASSIGN_OR_RETURN(versions, RequestedModelVersions(body));
    TALLY_ASSIGN_OR_RETURN(created, AnnotationsFromPredictions(c, project, ids, versions, user_id));
    TALLY_TRY(EmitAnnotationsCreated(c, project, created));
    for (const Annotation& annotation : created) {
      TALLY_TRY(NotifyAnnotationWritten(c, project, annotation.id, /*deleted=*/false));
    }
    const auto count = static_cast<int64_t>(created.size());
    outcome = {count, fmt::format("Created {} annotations", count)};
    return outcome;
  }
  if (action == "delete_tasks_predictions") {
    TALLY_ASSIGN_OR_RETURN(deleted, DeletePredictionsOfTasks(c, project, ids));
    outcome = {deleted, fmt::format("Deleted {} predictions", deleted)};
    return outcome;
  }
  const MlHooks& hooks = GetMlHooks();
  if (hooks.retrieve_predictions) {
    TALLY_ASSIGN_OR_RETURN(detail, hooks.retrieve_predictions(c, project, ids, user_id));
    outcome = {static_cast<int64_t>(ids.size()), std::move(detail)};
    return outcome;
  }
  outcome = {0, fmt::format("No ML backend is connected; {} selected tasks were not sent", ids.size())};
  return outcome;
}

}  // namespace

void AddDataManagerActionRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/dm/actions", .auth = Auth::kUser,
              .doc = {.summary = "Data manager actions available on a project's tasks", .tag = "Data manager",
                      .response_schema = R"({"type":"array","items":{"type":"object","properties":{
                        "id":{"type":"string"},"title":{"type":"string"},"order":{"type":"integer"},
                        "dialog":{"type":"object"}}}})",
                      .query = {"project"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, *project_id, kReadRole));
                  return Response::Json(ActionListJson());
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/dm/actions", .auth = Auth::kUser,
              .doc = {.summary = "Run a data manager action (delete_tasks, delete_tasks_annotations, "
                                 "delete_tasks_predictions, predictions_to_annotations, "
                                 "retrieve_tasks_predictions) on selected tasks (managers)",
                      .tag = "Data manager",
                      .request_schema = R"({"type":"object","properties":{"selectedItems":{"type":"object",
                        "properties":{"all":{"type":"boolean"},"included":{"type":"array"},
                        "excluded":{"type":"array"}}},"filters":{"type":"object"},"ordering":{"type":"array"},
                        "annotator":{"type":"integer"},
                        "model_version":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]}}})",
                      .response_schema = R"({"type":"object","properties":{"processed_items":{"type":"integer"},
                        "detail":{"type":"string"},"reload":{"type":"boolean"}}})",
                      .query = {"id", "project", "view"}},
              .handler = [&db](Request& request) -> Result<Response> {
                const std::string action = request.Query("id").value_or("");
                bool known = false;
                for (const ActionSpec& spec : kActions) known = known || action == spec.id;
                if (!known) {
                  return Error::InvalidField("id", "Unknown action; use delete_tasks, delete_tasks_annotations, "
                                                   "delete_tasks_predictions, predictions_to_annotations or "
                                                   "retrieve_tasks_predictions.");
                }
                TALLY_ASSIGN_OR_RETURN(project_id, QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                TALLY_ASSIGN_OR_RETURN(view_id, QueryInt(request, "view"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));

                TALLY_ASSIGN_OR_RETURN(outcome, db.Write([&](Connection& c) -> Result<ActionOutcome> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, *project_id, kManageRole));
                  TALLY_ASSIGN_OR_RETURN(query, ResolveTaskQuery(c, project.id, request.principal.user_id, view_id,
                                                                 body, "", ViewPrecedence::kViewWins));
                  TALLY_ASSIGN_OR_RETURN(result, RunAction(c, project, request.principal.user_id, action, query, body));
                  if (action == "delete_tasks") {
                    // Label Studio drops a project's views once it has no tasks.
                    TALLY_ASSIGN_OR_RETURN(stored, FindProject(c, project.id));
                    if (stored && stored->counters.task_number == 0) {
                      TALLY_TRY(DeleteProjectViews(c, project.id));
                    }
                  }
                  return result;
                }));
                TALLY_LOG_INFO("event=dm_action action={} project_id={} processed={} by_user_id={}", action,
                               *project_id, outcome.processed, request.principal.user_id);
                bj::object response{{"processed_items", outcome.processed}, {"detail", outcome.detail}};
                if (outcome.reload) response["reload"] = true;
                return Response::Json(response);
              }});
}

}  // namespace tally::labeling
