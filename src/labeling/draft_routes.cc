// Drafts: a user's unsubmitted work on a task, or on one of their
// annotations. Each user sees and changes only their own drafts; submitting
// an annotation removes the drafts it replaces (annotation_routes.cc).
#include <boost/json.hpp>

#include "core/json.h"
#include "core/log.h"
#include "labeling/prediction_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/serialize.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kDraftSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "task":{"type":"integer"},"annotation":{"type":["integer","null"]},"user":{"type":"integer"},
  "result":{"type":"array"},"lead_time":{"type":["number","null"]},"was_postponed":{"type":"boolean"},
  "created_at":{"type":"string"},"updated_at":{"type":"string"}}})";

constexpr const char* kDraftWriteSchema = R"({"type":"object","properties":{"result":{"type":"array"},
  "lead_time":{"type":"number"},"was_postponed":{"type":"boolean"}}})";

// Reads result, lead_time and was_postponed into `draft`. Drafts hold work in
// progress, so the result is only required to be a list, not checked against
// the config.
Result<void> ReadDraftFields(const bj::object& body, Draft& draft) {
  if (const bj::value* result = body.if_contains("result")) {
    TALLY_ASSIGN_OR_RETURN(list, RequireResultList(result, "result", /*allow_null=*/false));
    draft.result = std::move(list);
  }
  if (body.contains("lead_time")) {
    TALLY_ASSIGN_OR_RETURN(lead_time, json::OptionalNumber(body, "lead_time"));
    draft.lead_time = lead_time;
  }
  TALLY_ASSIGN_OR_RETURN(was_postponed, json::OptionalBool(body, "was_postponed"));
  if (was_postponed) draft.was_postponed = *was_postponed;
  return Ok();
}

// The draft when it is the caller's own: not_found for drafts in projects
// the caller cannot see, forbidden for another member's draft.
Result<Draft> OwnDraft(Connection& c, const http::Principal& principal, int64_t draft_id) {
  TALLY_ASSIGN_OR_RETURN(draft, FindDraft(c, draft_id));
  if (!draft) return Error::NotFound("Not found.");
  TALLY_TRY(AuthorizedProject(c, principal, draft->project_id, kReadRole));
  if (draft->user_id != principal.user_id) return Error::Forbidden("This draft belongs to another user.");
  return std::move(*draft);
}

// Resolves the task and, for annotation drafts, checks the annotation is on it.
Result<TaskAndProject> DraftTarget(Connection& c, const Request& request, std::optional<int64_t> annotation_id) {
  TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, request.principal, task_id, kReadRole));
  if (annotation_id) {
    TALLY_ASSIGN_OR_RETURN(annotation, FindAnnotation(c, *annotation_id));
    if (!annotation || annotation->task_id != task_id) return Error::NotFound("Not found.");
  }
  return found;
}

}  // namespace

void AddDraftRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  for (bool on_annotation : {false, true}) {
    const std::string pattern = on_annotation ? "/api/tasks/{id:int}/annotations/{annotation_id:int}/drafts"
                                              : "/api/tasks/{id:int}/drafts";
    const std::string target_name = on_annotation ? "an annotation" : "a task";

    router.Add({.method = "GET", .pattern = pattern, .auth = Auth::kUser,
                .doc = {.summary = "The caller's drafts on " + target_name, .tag = "Drafts",
                        .response_schema = R"({"type":"array","items":{"type":"object"}})"},
                .handler = [&db, on_annotation](Request& request) -> Result<Response> {
                  std::optional<int64_t> annotation_id;
                  if (on_annotation) {
                    TALLY_ASSIGN_OR_RETURN(id, request.IdParam("annotation_id"));
                    annotation_id = id;
                  }
                  return db.Read([&](Connection& c) -> Result<Response> {
                    TALLY_ASSIGN_OR_RETURN(found, DraftTarget(c, request, annotation_id));
                    TALLY_ASSIGN_OR_RETURN(drafts,
                                           ListDrafts(c, found.task.id, request.principal.user_id, annotation_id));
                    bj::array items;
                    for (const Draft& d : drafts) items.push_back(DraftJson(d));
                    return Response::Json(items);
                  });
                }});

    router.Add({.method = "POST", .pattern = pattern, .auth = Auth::kUser,
                .doc = {.summary = "Save a draft on " + target_name + " for the caller", .tag = "Drafts",
                        .request_schema = kDraftWriteSchema, .response_schema = kDraftSchema,
                        .success_status = 201},
                .handler = [&db, on_annotation](Request& request) -> Result<Response> {
                  std::optional<int64_t> annotation_id;
                  if (on_annotation) {
                    TALLY_ASSIGN_OR_RETURN(id, request.IdParam("annotation_id"));
                    annotation_id = id;
                  }
                  TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                  TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Draft> {
                    TALLY_ASSIGN_OR_RETURN(found, DraftTarget(c, request, annotation_id));
                    Draft draft;
                    draft.task_id = found.task.id;
                    draft.annotation_id = annotation_id;
                    draft.project_id = found.project.id;
                    draft.user_id = request.principal.user_id;
                    TALLY_TRY(ReadDraftFields(body, draft));
                    return InsertDraft(c, std::move(draft));
                  }));
                  TALLY_LOG_INFO("event=draft_created draft_id={} task_id={} by_user_id={}", stored.id,
                                 stored.task_id, request.principal.user_id);
                  return Response::Json(DraftJson(stored), 201);
                }});
  }

  router.Add({.method = "GET", .pattern = "/api/drafts/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One of the caller's drafts", .tag = "Drafts", .response_schema = kDraftSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(draft_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(draft, OwnDraft(c, request.principal, draft_id));
                  return Response::Json(DraftJson(draft));
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/drafts/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Change one of the caller's drafts", .tag = "Drafts",
                      .request_schema = kDraftWriteSchema, .response_schema = kDraftSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(draft_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Draft> {
                  TALLY_ASSIGN_OR_RETURN(draft, OwnDraft(c, request.principal, draft_id));
                  TALLY_TRY(ReadDraftFields(body, draft));
                  return UpdateDraft(c, std::move(draft));
                }));
                return Response::Json(DraftJson(stored));
              }});

  router.Add({.method = "DELETE", .pattern = "/api/drafts/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete one of the caller's drafts", .tag = "Drafts", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(draft_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(OwnDraft(c, request.principal, draft_id));
                  TALLY_TRY(DeleteDraft(c, draft_id));
                  return Ok();
                }));
                TALLY_LOG_INFO("event=draft_deleted draft_id={} by_user_id={}", draft_id, request.principal.user_id);
                return Response::NoContent();
              }});
}

}  // namespace tally::labeling
