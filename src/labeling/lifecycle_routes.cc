// Task lifecycle over HTTP: a project's workflow definition, a task's
// transitions, and reviewers' verdicts on annotations.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"
#include "core/log.h"
#include "labeling/lifecycle.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kWorkflowSchema = R"({"type":"object","properties":{
  "review_required":{"type":"boolean"},"maximum_annotations":{"type":["integer","null"]},
  "states":{"type":"array","items":{"type":"string"}},
  "transitions":{"type":"array","items":{"type":"object","required":["from","on","to"],"properties":{
    "from":{"type":"string"},"on":{"type":"string"},"to":{"type":"string"}}}}}})";

constexpr const char* kReviewSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "annotation":{"type":"integer"},"task":{"type":"integer"},"created_by":{"type":["integer","null"]},
  "accepted":{"type":"boolean"},"comment":{"type":"string"},"created_at":{"type":"string"}}})";

// The definition as stored: only the keys the parser reads.
bj::object StoredDefinition(const Workflow& workflow) {
  bj::object stored = WorkflowJson(workflow);
  bj::object definition;
  definition["review_required"] = stored["review_required"];
  definition["maximum_annotations"] = stored["maximum_annotations"];
  definition["states"] = stored["extra_states"];
  definition["transitions"] = stored["custom_transitions"];
  return definition;
}

Result<bj::object> ReplaceWorkflow(Connection& c, const Project& project, const bj::value& definition,
                                   int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(workflow, ParseWorkflow(definition));
  TALLY_TRY(StoreWorkflow(c, project.id, definition.is_null() ? bj::value(nullptr) : bj::value(StoredDefinition(workflow))));
  if (workflow.maximum_annotations && *workflow.maximum_annotations != project.maximum_annotations()) {
    ProjectPatch patch;
    patch.settings["maximum_annotations"] = *workflow.maximum_annotations;
    TALLY_TRY(UpdateProject(c, project.id, patch));
    TALLY_ASSIGN_OR_RETURN(updated, FindProject(c, project.id));
    TALLY_TRY(RecomputeProjectOverlaps(c, *updated));
    TALLY_TRY(ReconcileTaskStates(c, project.id, user_id));
  }
  return WorkflowJson(workflow);
}

}  // namespace

void AddLifecycleRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/workflow", .auth = Auth::kUser,
              .doc = {.summary = "The project's task workflow: states, review, overlap and the transition table",
                      .tag = "Lifecycle", .response_schema = kWorkflowSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(workflow, ProjectWorkflow(c, project));
                  return Response::Json(WorkflowJson(workflow));
                });
              }});

  router.Add({.method = "PUT", .pattern = "/api/projects/{id:int}/workflow", .auth = Auth::kUser,
              .doc = {.summary = "Replace the project's workflow definition; maximum_annotations also sets the "
                                 "overlap (managers)",
                      .tag = "Lifecycle", .request_schema = kWorkflowSchema, .response_schema = kWorkflowSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonBody(request));
                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
                  return ReplaceWorkflow(c, project, body, request.principal.user_id);
                }));
                TALLY_LOG_INFO("event=workflow_updated project_id={} by_user_id={}", project_id,
                               request.principal.user_id);
                return Response::Json(rendered);
              }});

  router.Add({.method = "DELETE", .pattern = "/api/projects/{id:int}/workflow", .auth = Auth::kUser,
              .doc = {.summary = "Restore the built-in workflow (managers)", .tag = "Lifecycle",
                      .response_schema = kWorkflowSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
                  return ReplaceWorkflow(c, project, nullptr, request.principal.user_id);
                }));
                return Response::Json(rendered);
              }});

  router.Add({.method = "GET", .pattern = "/api/tasks/{id:int}/transitions", .auth = Auth::kUser,
              .doc = {.summary = "Every state change of a task, oldest first: from, to, event, who, when, why",
                      .tag = "Lifecycle",
                      .response_schema = R"({"type":"array","items":{"type":"object","properties":{
                        "from_state":{"type":"string"},"to_state":{"type":"string"},"event":{"type":"string"},
                        "user":{"type":["integer","null"]},"reason":{"type":"string"},
                        "comment":{"type":"string"},"created_at":{"type":"string"}}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizedTask(c, request.principal, task_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(records, ListTaskTransitions(c, task_id));
                  bj::array items;
                  for (const TaskTransitionRecord& record : records) items.push_back(TaskTransitionJson(record));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/annotation-reviews", .auth = Auth::kUser,
              .doc = {.summary = "Accept or reject an annotation with a comment; moves its task (reviewers)",
                      .tag = "Lifecycle",
                      .request_schema = R"({"type":"object","required":["annotation","accepted"],"properties":{
                        "annotation":{"type":"integer"},"accepted":{"type":"boolean"},
                        "comment":{"type":"string"}}})",
                      .response_schema = kReviewSchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(annotation_id, json::RequireInt(body, "annotation"));
                TALLY_ASSIGN_OR_RETURN(accepted, json::OptionalBool(body, "accepted"));
                if (!accepted) return Error::InvalidField("accepted", "This field is required: true or false.");
                TALLY_ASSIGN_OR_RETURN(comment, json::OptionalString(body, "comment"));

                TALLY_ASSIGN_OR_RETURN(review, db.Write([&](Connection& c) -> Result<AnnotationReview> {
                  TALLY_ASSIGN_OR_RETURN(annotation, FindAnnotation(c, annotation_id));
                  if (!annotation) return Error::InvalidField("annotation", "Invalid pk - object does not exist.");
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, annotation->project_id,
                                                                    Role::kReviewer));
                  if (annotation->was_cancelled) {
                    return Error::InvalidField("annotation", "A skipped task has no annotation to review.");
                  }
                  TALLY_ASSIGN_OR_RETURN(workflow, ProjectWorkflow(c, project));
                  return ReviewAnnotation(c, project, workflow, annotation_id, annotation->task_id,
                                          request.principal.user_id, *accepted, comment.value_or(""));
                }));
                TALLY_LOG_INFO("event=annotation_reviewed annotation_id={} task_id={} accepted={} by_user_id={}",
                               annotation_id, review.task_id, review.accepted, request.principal.user_id);
                return Response::Json(AnnotationReviewJson(review), 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/annotation-reviews", .auth = Auth::kUser,
              .doc = {.summary = "Reviews of one annotation, oldest first", .tag = "Lifecycle",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})", .query = {"annotation"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(annotation_id, QueryInt(request, "annotation"));
                if (!annotation_id) return Error::InvalidField("annotation", "This query parameter is required.");
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(annotation, FindAnnotation(c, *annotation_id));
                  if (!annotation) return Error::NotFound("Not found.");
                  TALLY_TRY(AuthorizedProject(c, request.principal, annotation->project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(reviews, ListAnnotationReviews(c, *annotation_id));
                  bj::array items;
                  for (const AnnotationReview& review : reviews) items.push_back(AnnotationReviewJson(review));
                  return Response::Json(items);
                });
              }});
}

}  // namespace tally::labeling
