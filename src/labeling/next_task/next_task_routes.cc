// GET /api/projects/{id}/next: the next task for the caller (next_task.h).
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/log.h"
#include "labeling/ml_hooks.h"
#include "labeling/next_task/next_task.h"
#include "labeling/prediction_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/serialize.h"
#include "labeling/storage_hooks.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

// The task as the labeling stream receives it: predictions of the model
// version in use (none when show_collab_predictions is off), the caller's
// own annotations that are not ground truth, and the caller's drafts.
Result<bj::object> RenderNextTask(Connection& c, const Project& project, const Task& task, int64_t user_id,
                                  const std::string& model_version) {
  bj::object body = TaskJson(task);
  bj::array predictions, annotations, drafts;
  const bj::value* collab = project.settings.if_contains("show_collab_predictions");
  if (!collab || !collab->is_bool() || collab->as_bool()) {
    TALLY_ASSIGN_OR_RETURN(stored, ListPredictions(c, task.id, 0));
    for (const Prediction& p : stored) {
      if (model_version.empty() || p.model_version == model_version) predictions.push_back(PredictionJson(p));
    }
  }
  TALLY_ASSIGN_OR_RETURN(own, ListTaskAnnotations(c, task.id, /*include_skipped=*/true));
  for (const Annotation& a : own) {
    if (a.completed_by == user_id && !a.ground_truth) annotations.push_back(AnnotationJson(a));
  }
  TALLY_ASSIGN_OR_RETURN(user_drafts, ListUserDraftsOfTask(c, task.id, user_id));
  for (const Draft& d : user_drafts) drafts.push_back(DraftJson(d));
  body["predictions"] = std::move(predictions);
  body["annotations"] = std::move(annotations);
  body["drafts"] = std::move(drafts);
  TALLY_TRY(ResolveTaskUris(c, project.id, task.id, body));
  return body;
}

// Whether the project requests pre-annotation of the tasks /next returns.
// This is the hook's own condition, read from the project this request has
// already loaded, so projects without it skip the hook's read transaction.
bool PreannotationOn(const Project& project) {
  const bj::value* automatic = project.settings.if_contains("evaluate_predictions_automatically");
  const bj::value* collab = project.settings.if_contains("show_collab_predictions");
  return automatic && automatic->is_bool() && automatic->as_bool() &&
         (!collab || !collab->is_bool() || collab->as_bool());
}

}  // namespace

void AddNextTaskRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/next", .auth = Auth::kUser,
              .doc = {.summary = "Lock and return the caller's next task to label; 404 when none is left",
                      .tag = "Tasks",
                      .response_schema = R"({"type":"object","properties":{"id":{"type":"integer"},
                        "data":{"type":"object"},"predictions":{"type":"array"},"annotations":{"type":"array"},
                        "drafts":{"type":"array"},"allow_postpone":{"type":"boolean"},"queue":{"type":"string"},
                        "state":{"type":"string"}}})",
                      .query = {"strategy", "model_version"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                NextTaskRequest next{.user_id = request.principal.user_id,
                                     .strategy = request.Query("strategy").value_or(""),
                                     .options = {.model_version = request.Query("model_version").value_or("")}};

                bool preannotation_on = false;
                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  preannotation_on = PreannotationOn(project);
                  TALLY_ASSIGN_OR_RETURN(choice, PickNextTask(c, project, next));
                  if (!choice.task_id) {
                    return Error::NotFound(
                        choice.any_locked_by_others
                            ? "There are still some tasks to complete, but they are locked by other annotators."
                            : "There are no tasks remaining to be annotated by this user.");
                  }
                  TALLY_ASSIGN_OR_RETURN(task, FindTask(c, *choice.task_id));
                  if (!task) return Error::Internal("next task vanished inside its transaction");
                  const std::string version =
                      next.options.model_version.empty() ? project.model_version() : next.options.model_version;
                  TALLY_ASSIGN_OR_RETURN(body, RenderNextTask(c, project, *task, request.principal.user_id, version));
                  body["allow_postpone"] = choice.allow_postpone;
                  body["queue"] = choice.queue;
                  return body;
                }));
                // Pre-annotation waits for the backend, so it runs after the
                // lock commits; a failure leaves the task without a prediction
                // and is recorded on the backend, not returned to the annotator.
                const int64_t task_id = rendered.at("id").as_int64();
                if (const MlHooks& hooks = GetMlHooks(); hooks.preannotate && preannotation_on) {
                  auto stored = hooks.preannotate(project_id, task_id);
                  if (!stored) {
                    TALLY_LOG_WARN("event=preannotation_failed project_id={} task_id={} error=\"{}\"", project_id,
                                   task_id, stored.error().message);
                  } else if (*stored) {
                    TALLY_ASSIGN_OR_RETURN(refreshed, db.Read([&](Connection& c) -> Result<bj::object> {
                      TALLY_ASSIGN_OR_RETURN(project, FindProject(c, project_id));
                      TALLY_ASSIGN_OR_RETURN(task, FindTask(c, task_id));
                      if (!project || !task) return Error::NotFound("Not found.");
                      const std::string version =
                          next.options.model_version.empty() ? project->model_version() : next.options.model_version;
                      return RenderNextTask(c, *project, *task, request.principal.user_id, version);
                    }));
                    rendered["predictions"] = refreshed.at("predictions");
                  }
                }
                TALLY_LOG_DEBUG("event=next_task project_id={} task_id={} user_id={} queue=\"{}\"", project_id,
                                rendered.at("id").as_int64(), request.principal.user_id,
                                rendered.at("queue").as_string().c_str());
                return Response::Json(rendered);
              }});
}

}  // namespace tally::labeling
