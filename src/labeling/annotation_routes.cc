// Annotations: create and list per task, read, change and delete one, and
// read its change history.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "accounts/account_store.h"
#include "core/json.h"
#include "core/log.h"
#include "labeling/config/result_validator.h"
#include "labeling/counters.h"
#include "labeling/lifecycle.h"
#include "labeling/ml_hooks.h"
#include "labeling/next_task/lock_store.h"
#include "labeling/prediction_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/serialize.h"
#include "labeling/storage_hooks.h"
#include "labeling/webhook_events.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kAnnotationSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "task":{"type":"integer"},"project":{"type":"integer"},"completed_by":{"type":["integer","null"]},
  "result":{"type":["array","null"]},"was_cancelled":{"type":"boolean"},"ground_truth":{"type":"boolean"},
  "lead_time":{"type":["number","null"]},"created_at":{"type":"string"},"updated_at":{"type":"string"},
  "last_action":{"type":["string","null"]},"prediction":{"type":"object"}}})";

constexpr const char* kAnnotationWriteSchema = R"({"type":"object","properties":{"result":{"type":["array","null"]},
  "was_cancelled":{"type":"boolean"},"ground_truth":{"type":"boolean"},"lead_time":{"type":"number"},
  "draft_id":{"type":"integer"},"completed_by":{"type":"integer"},"parent_prediction":{"type":"integer"},
  "parent_annotation":{"type":"integer"},"import_id":{"type":"integer"}}})";

// Checks a result against the project's config and returns the normalised
// copy. Required controls are not enforced: Label Studio's API accepts
// partial results and leaves that check to its editor.
Result<bj::value> CheckResult(const Project& project, const bj::value& result) {
  if (result.is_null()) return result;
  TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
  TALLY_ASSIGN_OR_RETURN(normalised,
                         ValidateAnnotationResult(config, result, {.require_answers = false, .field_prefix = "result"}));
  return bj::value(std::move(normalised));
}

// Rejects an empty submitted result in a project that disallows them.
Result<void> CheckNotEmpty(const Project& project, const Annotation& annotation) {
  if (annotation.was_cancelled || project.enable_empty_annotation()) return Ok();
  const bool empty = annotation.result.is_null() || (annotation.result.is_array() && annotation.result.as_array().empty());
  if (empty) return Error::InvalidField("result", "This project does not accept empty annotations.");
  return Ok();
}

// A user id that may appear as completed_by: an active member of the
// project's organization.
Result<void> CheckMember(Connection& c, const Project& project, int64_t user_id, const char* field) {
  TALLY_ASSIGN_OR_RETURN(membership, accounts::FindMembership(c, project.organization_id, user_id));
  if (!membership) return Error::InvalidField(field, fmt::format("User {} is not a member of this organization.", user_id));
  return Ok();
}

// The prediction of the project's current model_version on the task, as
// the annotation's snapshot; {} when there is none.
Result<bj::value> PredictionSnapshot(Connection& c, const Project& project, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(predictions, ListPredictions(c, task_id, 0));
  const std::string version = project.model_version();
  for (auto it = predictions.rbegin(); it != predictions.rend(); ++it) {
    if (it->model_version == version) return bj::value(PredictionJson(*it));
  }
  return bj::value(bj::object());
}

// Owners of an annotation may change it; so may managers and up.
Result<void> CheckMayEdit(Connection& c, const http::Principal& principal, const Project& project,
                          const Annotation& annotation) {
  if (annotation.completed_by && *annotation.completed_by == principal.user_id) return Ok();
  TALLY_ASSIGN_OR_RETURN(role, CallerRole(c, principal, project));
  if (accounts::RoleAtLeast(role, kManageRole)) return Ok();
  return Error::Forbidden("Only the annotator or a manager may change this annotation.");
}

// Enqueues training for every ML backend of the project when its
// min_annotations_to_start_training is N > 0 and the project's annotation
// count after this write, skips and ground truth included, is a multiple of
// N. An update counts as a write too, so an update while the count is a
// multiple of N trains again.
// NOTE: only these annotation routes call it, so annotations written by an
// import or by the data manager's predictions-to-annotations action do not
// start training until the next annotation saved here.
Result<void> QueueTrainingIfDue(Connection& c, const Project& project) {
  const int64_t every = project.settings.at("min_annotations_to_start_training").as_int64();
  const MlHooks& hooks = GetMlHooks();
  if (every <= 0 || !hooks.queue_training) return Ok();

  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COUNT(*) FROM annotations WHERE project_id = ?", {project.id}));
  const int64_t total = row ? row->Int(0) : 0;
  if (total == 0 || total % every != 0) return Ok();

  TALLY_ASSIGN_OR_RETURN(jobs, hooks.queue_training(c, project));
  TALLY_LOG_INFO("event=ml_training_queued project_id={} annotations={} every={} jobs={}", project.id, total, every,
                 jobs);
  return Ok();
}

Result<Annotation> CreateAnnotation(Connection& c, const Request& request, const TaskAndProject& found,
                                    const bj::object& body) {
  const Project& project = found.project;
  const Task& task = found.task;
  const int64_t user_id = request.principal.user_id;

  Annotation a;
  a.task_id = task.id;
  a.project_id = project.id;
  TALLY_ASSIGN_OR_RETURN(was_cancelled, json::OptionalBool(body, "was_cancelled"));
  a.was_cancelled = was_cancelled.value_or(QueryFlag(request, "was_cancelled"));
  TALLY_ASSIGN_OR_RETURN(ground_truth, json::OptionalBool(body, "ground_truth"));
  a.ground_truth = ground_truth.value_or(false);
  TALLY_ASSIGN_OR_RETURN(lead_time, json::OptionalNumber(body, "lead_time"));
  a.lead_time = lead_time;
  TALLY_ASSIGN_OR_RETURN(import_id, json::OptionalInt(body, "import_id"));
  a.import_id = import_id;

  // A skip may come without a result; a submit must carry the key.
  const bj::value* result = body.if_contains("result");
  if (!result && !a.was_cancelled) return Error::InvalidField("result", "This field is required.");
  TALLY_ASSIGN_OR_RETURN(raw_result, RequireResultList(result, "result", /*allow_null=*/true));
  if (!result && a.was_cancelled) raw_result = bj::array();
  TALLY_ASSIGN_OR_RETURN(checked, CheckResult(project, raw_result));
  a.result = std::move(checked);
  TALLY_TRY(CheckNotEmpty(project, a));

  if (a.was_cancelled && !task.allow_skip) {
    return Error::InvalidField("detail", "This task cannot be skipped.");
  }

  TALLY_ASSIGN_OR_RETURN(completed_by, json::OptionalInt(body, "completed_by"));
  a.completed_by = completed_by.value_or(user_id);
  if (*a.completed_by != user_id) TALLY_TRY(CheckMember(c, project, *a.completed_by, "completed_by"));

  TALLY_ASSIGN_OR_RETURN(parent_prediction, json::OptionalInt(body, "parent_prediction"));
  if (parent_prediction) {
    TALLY_ASSIGN_OR_RETURN(parent, FindPrediction(c, *parent_prediction));
    if (!parent || parent->project_id != project.id) {
      return Error::InvalidField("parent_prediction", "Invalid pk - object does not exist.");
    }
  }
  a.parent_prediction = parent_prediction;
  TALLY_ASSIGN_OR_RETURN(parent_annotation, json::OptionalInt(body, "parent_annotation"));
  if (parent_annotation) {
    TALLY_ASSIGN_OR_RETURN(parent, FindAnnotation(c, *parent_annotation));
    if (!parent || parent->project_id != project.id) {
      return Error::InvalidField("parent_annotation", "Invalid pk - object does not exist.");
    }
  }
  a.parent_annotation = parent_annotation;

  // The draft being submitted must be the caller's own, on this task.
  TALLY_ASSIGN_OR_RETURN(draft_id, json::OptionalInt(body, "draft_id"));
  if (draft_id) {
    TALLY_ASSIGN_OR_RETURN(draft, FindDraft(c, *draft_id));
    if (draft && (draft->user_id != user_id || draft->task_id != task.id)) {
      return Error::Forbidden("You do not have permission to submit this draft.");
    }
    if (draft) {
      a.draft_created_at = draft->created_at;
      TALLY_TRY(DeleteDraft(c, draft->id));
    }
  }
  TALLY_TRY(DeleteSubmittedDrafts(c, task.id, user_id, std::nullopt));

  if (!a.result.is_null()) {
    TALLY_ASSIGN_OR_RETURN(snapshot, PredictionSnapshot(c, project, task.id));
    a.prediction = std::move(snapshot);
  }
  a.last_action = a.was_cancelled ? "skipped" : "submitted";
  a.last_created_by = user_id;
  a.updated_by = user_id;

  TALLY_ASSIGN_OR_RETURN(stored, InsertAnnotation(c, std::move(a), user_id));
  TALLY_TRY(ReleaseTaskLock(c, task.id, user_id));
  TALLY_TRY(AfterAnnotationWrite(c, project, task.id, {.user_id = user_id, .annotation_id = stored.id}));
  TALLY_TRY(QueueTrainingIfDue(c, project));
  TALLY_TRY(EmitAnnotationEvent(c, project, "ANNOTATION_CREATED", stored));
  TALLY_TRY(NotifyAnnotationWritten(c, project, stored.id, /*deleted=*/false));
  return stored;
}

Result<Annotation> ChangeAnnotation(Connection& c, const http::Principal& principal, const Project& project,
                                    Annotation a, const bj::object& body) {
  TALLY_TRY(CheckMayEdit(c, principal, project, a));

  if (const bj::value* result = body.if_contains("result")) {
    TALLY_ASSIGN_OR_RETURN(raw_result, RequireResultList(result, "result", /*allow_null=*/true));
    TALLY_ASSIGN_OR_RETURN(checked, CheckResult(project, raw_result));
    a.result = std::move(checked);
  }
  TALLY_ASSIGN_OR_RETURN(was_cancelled, json::OptionalBool(body, "was_cancelled"));
  if (was_cancelled) a.was_cancelled = *was_cancelled;
  TALLY_ASSIGN_OR_RETURN(ground_truth, json::OptionalBool(body, "ground_truth"));
  if (ground_truth) a.ground_truth = *ground_truth;
  // Marking or unmarking ground truth alone gives a backend nothing new to
  // learn from, so it does not count towards training.
  const bool ground_truth_only = ground_truth && !body.contains("result") && !body.contains("was_cancelled") &&
                                 !body.contains("lead_time") && !body.contains("completed_by");
  if (body.contains("lead_time")) {
    TALLY_ASSIGN_OR_RETURN(lead_time, json::OptionalNumber(body, "lead_time"));
    a.lead_time = lead_time;
  }
  TALLY_ASSIGN_OR_RETURN(completed_by, json::OptionalInt(body, "completed_by"));
  if (completed_by && completed_by != a.completed_by) {
    TALLY_TRY(CheckMember(c, project, *completed_by, "completed_by"));
    a.completed_by = completed_by;
  }
  TALLY_TRY(CheckNotEmpty(project, a));
  a.last_action = "updated";

  TALLY_TRY(DeleteSubmittedDrafts(c, a.task_id, principal.user_id, a.id));
  TALLY_ASSIGN_OR_RETURN(stored, UpdateAnnotation(c, std::move(a), principal.user_id));
  TALLY_TRY(AfterAnnotationWrite(c, project, stored.task_id,
                                 {.user_id = principal.user_id, .annotation_id = stored.id}));
  if (!ground_truth_only) TALLY_TRY(QueueTrainingIfDue(c, project));
  TALLY_TRY(EmitAnnotationEvent(c, project, "ANNOTATION_UPDATED", stored));
  TALLY_TRY(NotifyAnnotationWritten(c, project, stored.id, /*deleted=*/false));
  return stored;
}

// The annotation and its project, authorized for `minimum`.
struct AnnotationAndProject {
  Annotation annotation;
  Project project;
};

Result<AnnotationAndProject> AuthorizedAnnotation(Connection& c, const http::Principal& principal,
                                                  int64_t annotation_id, Role minimum) {
  TALLY_ASSIGN_OR_RETURN(annotation, FindAnnotation(c, annotation_id));
  if (!annotation) return Error::NotFound("Not found.");
  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, principal, annotation->project_id, minimum));
  return AnnotationAndProject{std::move(*annotation), std::move(project)};
}

}  // namespace

void AddAnnotationRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/tasks/{id:int}/annotations", .auth = Auth::kUser,
              .doc = {.summary = "Annotations of a task, skips left out, oldest first", .tag = "Annotations",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizedTask(c, request.principal, task_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(annotations, ListTaskAnnotations(c, task_id, /*include_skipped=*/false));
                  bj::array items;
                  for (const Annotation& a : annotations) items.push_back(AnnotationJson(a));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/tasks/{id:int}/annotations", .auth = Auth::kUser,
              .doc = {.summary = "Submit or skip a task; the result is checked against the label config",
                      .tag = "Annotations", .request_schema = kAnnotationWriteSchema,
                      .response_schema = kAnnotationSchema, .success_status = 201, .query = {"was_cancelled"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Annotation> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, request.principal, task_id, kReadRole));
                  return CreateAnnotation(c, request, found, body);
                }));
                TALLY_LOG_INFO("event=annotation_created project_id={} task_id={} annotation_id={} by_user_id={} "
                               "was_cancelled={}",
                               stored.project_id, task_id, stored.id, request.principal.user_id, stored.was_cancelled);
                return Response::Json(AnnotationJson(stored), 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/annotations/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One annotation", .tag = "Annotations", .response_schema = kAnnotationSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(annotation_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedAnnotation(c, request.principal, annotation_id, kReadRole));
                  return Response::Json(AnnotationJson(found.annotation));
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/annotations/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Change an annotation (its annotator or a manager); the change is kept in its "
                                 "history",
                      .tag = "Annotations", .request_schema = kAnnotationWriteSchema,
                      .response_schema = kAnnotationSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(annotation_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Annotation> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedAnnotation(c, request.principal, annotation_id, kReadRole));
                  return ChangeAnnotation(c, request.principal, found.project, std::move(found.annotation), body);
                }));
                TALLY_LOG_INFO("event=annotation_updated annotation_id={} task_id={} by_user_id={}", annotation_id,
                               stored.task_id, request.principal.user_id);
                return Response::Json(AnnotationJson(stored));
              }});

  router.Add({.method = "DELETE", .pattern = "/api/annotations/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete an annotation (its annotator or a manager); its history stays readable",
                      .tag = "Annotations", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(annotation_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedAnnotation(c, request.principal, annotation_id, kReadRole));
                  TALLY_TRY(CheckMayEdit(c, request.principal, found.project, found.annotation));
                  TALLY_TRY(DeleteAnnotation(c, annotation_id, request.principal.user_id));
                  TALLY_TRY(AfterAnnotationWrite(c, found.project, found.annotation.task_id,
                                                 {.user_id = request.principal.user_id,
                                                  .annotation_id = annotation_id}));
                  TALLY_TRY(EmitAnnotationsDeleted(c, found.project, {annotation_id}));
                  TALLY_TRY(NotifyAnnotationWritten(c, found.project, annotation_id, /*deleted=*/true));
                  return Ok();
                }));
                TALLY_LOG_INFO("event=annotation_deleted annotation_id={} by_user_id={}", annotation_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});

  router.Add({.method = "GET", .pattern = "/api/annotations/{id:int}/history", .auth = Auth::kUser,
              .doc = {.summary = "Every change of an annotation, oldest first: who, when, and the state after it",
                      .tag = "Annotations",
                      .response_schema = R"({"type":"array","items":{"type":"object","properties":{
                        "action":{"type":"string","enum":["created","updated","deleted"]},
                        "user":{"type":["integer","null"]},"created_at":{"type":"string"},
                        "result":{"type":["array","null"]}}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(annotation_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(entries, ListAnnotationHistory(c, annotation_id));
                  if (entries.empty()) return Error::NotFound("Not found.");
                  // History outlives the annotation, so access goes by the
                  // project recorded in it.
                  TALLY_TRY(AuthorizedProject(c, request.principal, entries.front().project_id, kReadRole));
                  bj::array items;
                  for (const AnnotationHistoryEntry& entry : entries) items.push_back(AnnotationHistoryJson(entry));
                  return Response::Json(items);
                });
              }});
}

}  // namespace tally::labeling
