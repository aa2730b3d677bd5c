// Data manager views (/api/dm/views): each user's saved tabs of a project.
// A view's filters, ordering and selection are checked on every save, so a
// stored view always applies.
#include <boost/json.hpp>

#include "core/json.h"
#include "core/log.h"
#include "labeling/datamanager/task_query.h"
#include "labeling/datamanager/view_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kViewSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "project":{"type":"integer"},"user":{"type":["integer","null"]},"order":{"type":"integer"},
  "data":{"type":"object","properties":{"title":{"type":"string"},"filters":{"type":"object"},
    "ordering":{"type":"array"},"hiddenColumns":{"type":"object"},"selectedItems":{"type":"object"}}}}})";

constexpr const char* kViewWriteSchema = R"({"type":"object","properties":{"project":{"type":"integer"},
  "data":{"type":"object","properties":{"title":{"type":"string"},"filters":{"type":"object"},
    "ordering":{"type":"array"},"hiddenColumns":{"type":"object"},"selectedItems":{"type":"object"}}}}})";

// The view's data from a request body, checked as a task query.
Result<bj::object> ReadViewData(const bj::object& body) {
  const bj::value* data = body.if_contains("data");
  if (!data || data->is_null()) return bj::object();
  if (!data->is_object()) return Error::InvalidField("data", "Must be a JSON object.");
  TALLY_TRY(ParseTaskQuery(data->as_object(), "data."));
  return data->as_object();
}

// The caller's own view, with its project authorized for reading.
Result<DataManagerView> AuthorizedView(Connection& c, const http::Principal& principal, int64_t view_id) {
  TALLY_ASSIGN_OR_RETURN(view, FindView(c, view_id));
  if (!view || view->user_id != principal.user_id) return Error::NotFound("Not found.");
  TALLY_TRY(AuthorizedProject(c, principal, view->project_id, kReadRole));
  return std::move(*view);
}

Result<int64_t> RequireProjectParam(const Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, QueryInt(request, "project"));
  if (!project_id) return Error::InvalidField("project", "This query parameter is required.");
  return *project_id;
}

}  // namespace

void AddDataManagerViewRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/dm/views", .auth = Auth::kUser,
              .doc = {.summary = "The caller's data manager views of a project, in tab order",
                      .tag = "Data manager",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})", .query = {"project"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, RequireProjectParam(request));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(views, ListViews(c, project_id, request.principal.user_id));
                  bj::array items;
                  for (const DataManagerView& view : views) items.push_back(ViewJson(view));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/dm/views", .auth = Auth::kUser,
              .doc = {.summary = "Create a data manager view; its filters and ordering are checked",
                      .tag = "Data manager", .request_schema = kViewWriteSchema, .response_schema = kViewSchema,
                      .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(project_id, json::RequireInt(body, "project"));
                TALLY_ASSIGN_OR_RETURN(data, ReadViewData(body));
                TALLY_ASSIGN_OR_RETURN(view, db.Write([&](Connection& c) -> Result<DataManagerView> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  return InsertView(c, project_id, request.principal.user_id, data);
                }));
                TALLY_LOG_INFO("event=dm_view_created project_id={} view_id={} by_user_id={}", project_id, view.id,
                               request.principal.user_id);
                return Response::Json(ViewJson(view), 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/dm/views/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One of the caller's data manager views", .tag = "Data manager",
                      .response_schema = kViewSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(view_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(view, AuthorizedView(c, request.principal, view_id));
                  return Response::Json(ViewJson(view));
                });
              }});

  // PUT replaces data; PATCH merges the given data keys into the stored ones.
  for (const char* method : {"PUT", "PATCH"}) {
    const bool merge = std::string_view(method) == "PATCH";
    router.Add({.method = method, .pattern = "/api/dm/views/{id:int}", .auth = Auth::kUser,
                .doc = {.summary = merge ? "Change some keys of a data manager view's data"
                                         : "Replace a data manager view's data",
                        .tag = "Data manager", .request_schema = kViewWriteSchema, .response_schema = kViewSchema},
                .handler = [&db, merge](Request& request) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(view_id, request.IdParam("id"));
                  TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                  TALLY_ASSIGN_OR_RETURN(data, ReadViewData(body));
                  TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<DataManagerView> {
                    TALLY_ASSIGN_OR_RETURN(view, AuthorizedView(c, request.principal, view_id));
                    bj::object next = merge ? view.data : bj::object();
                    for (const auto& entry : data) next[entry.key()] = entry.value();
                    TALLY_TRY(ParseTaskQuery(next, "data."));
                    TALLY_ASSIGN_OR_RETURN(updated, UpdateView(c, view_id, next));
                    return std::move(*updated);
                  }));
                  return Response::Json(ViewJson(stored));
                }});
  }

  router.Add({.method = "DELETE", .pattern = "/api/dm/views/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete one of the caller's data manager views", .tag = "Data manager",
                      .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(view_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedView(c, request.principal, view_id));
                  TALLY_TRY(DeleteView(c, view_id));
                  return Ok();
                }));
                return Response::NoContent();
              }});

  router.Add({.method = "DELETE", .pattern = "/api/dm/views/reset", .auth = Auth::kUser,
              .doc = {.summary = "Delete all of the caller's data manager views of a project", .tag = "Data manager",
                      .success_status = 204, .query = {"project"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, RequireProjectParam(request));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_TRY(DeleteUserViews(c, project_id, request.principal.user_id));
                  return Ok();
                }));
                return Response::NoContent();
              }});

  router.Add({.method = "POST", .pattern = "/api/dm/views/order", .auth = Auth::kUser,
              .doc = {.summary = "Set the tab order of the caller's views of a project", .tag = "Data manager",
                      .request_schema = R"({"type":"object","required":["project","ids"],"properties":{
                        "project":{"type":"integer"},"ids":{"type":"array","items":{"type":"integer"}}}})",
                      .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(project_id, json::RequireInt(body, "project"));
                const bj::value* list = body.if_contains("ids");
                if (!list || !list->is_array()) return Error::InvalidField("ids", "Must be a list of view ids.");
                std::vector<int64_t> ids;
                for (const bj::value& id : list->as_array()) {
                  if (!id.is_int64()) return Error::InvalidField("ids", "View ids must be integers.");
                  ids.push_back(id.as_int64());
                }
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  return ReorderViews(c, project_id, request.principal.user_id, ids);
                }));
                return Response::NoContent();
              }});
}

}  // namespace tally::labeling
