// Sending traces to labeling: POST /api/projects/{id}/tasks/from-traces
// creates one task per trace or observation (trace_tasks.h).
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"
#include "core/log.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/trace_tasks.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kFromTracesSchema = R"({"type":"object","properties":{
  "trace_project":{"type":"integer","description":"Project whose traces to send; default: this project"},
  "trace_ids":{"type":"array","items":{"type":"string"},"description":"Traces, one task each"},
  "observations":{"type":"array","items":{"type":"object","required":["trace_id","observation_id"],
    "properties":{"trace_id":{"type":"string"},"observation_id":{"type":"string"}}},
    "description":"Observations, one task each"}}})";

// Reads a list of non-empty strings at `key`; absent is an empty list.
Result<std::vector<std::string>> StringList(const bj::object& body, std::string_view key) {
  std::vector<std::string> items;
  const bj::value* list = body.if_contains(key);
  if (list == nullptr || list->is_null()) return items;
  if (!list->is_array()) return Error::InvalidField(std::string(key), "must be a list of ids");
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const bj::value& item = list->as_array()[i];
    if (!item.is_string() || item.as_string().empty()) {
      return Error::InvalidField(fmt::format("{}.{}", key, i), "must be a non-empty string id");
    }
    items.emplace_back(item.as_string());
  }
  return items;
}

Result<std::vector<TraceRef>> ReadRefs(const bj::object& body) {
  std::vector<TraceRef> refs;
  TALLY_ASSIGN_OR_RETURN(trace_ids, StringList(body, "trace_ids"));
  for (size_t i = 0; i < trace_ids.size(); ++i) {
    refs.push_back({.trace_id = std::move(trace_ids[i]), .field = fmt::format("trace_ids.{}", i)});
  }

  if (const bj::value* list = body.if_contains("observations"); list != nullptr && !list->is_null()) {
    if (!list->is_array()) return Error::InvalidField("observations", "must be a list of {trace_id, observation_id}");
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const bj::object* item = list->as_array()[i].if_object();
      const std::string field = fmt::format("observations.{}", i);
      if (item == nullptr) return Error::InvalidField(field, "must be an object {trace_id, observation_id}");
      auto trace_id = json::RequireString(*item, "trace_id");
      if (!trace_id) return Error::InvalidField(field + ".trace_id", "must be a non-empty string id");
      auto observation_id = json::RequireString(*item, "observation_id");
      if (!observation_id) return Error::InvalidField(field + ".observation_id", "must be a non-empty string id");
      refs.push_back({.trace_id = std::move(*trace_id), .observation_id = std::move(*observation_id), .field = field});
    }
  }

  if (refs.empty()) return Error::InvalidField("trace_ids", "Give at least one trace id or observation to send.");
  if (refs.size() > kMaxTracesPerRequest) {
    return Error::InvalidField("trace_ids", fmt::format("At most {} traces and observations per request; send the "
                                                        "rest in another request.",
                                                        kMaxTracesPerRequest));
  }
  return refs;
}

}  // namespace

void AddTraceTaskRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add(
      {.method = "POST", .pattern = "/api/projects/{id:int}/tasks/from-traces", .auth = Auth::kUser,
       .doc = {.summary = "Create tasks from traces or observations; their annotations become scores on the trace",
               .tag = "Tasks", .request_schema = kFromTracesSchema,
               .response_schema = R"({"type":"object","properties":{"task_count":{"type":"integer"},
                 "task_ids":{"type":"array","items":{"type":"integer"}}}})",
               .success_status = 201},
       .handler = [&db](Request& request) -> Result<Response> {
         TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
         TALLY_ASSIGN_OR_RETURN(parsed, ParseJsonBody(request));
         if (!parsed.is_object()) return Error::InvalidField("non_field_errors", "The body must be a JSON object.");
         const bj::object& body = parsed.as_object();
         TALLY_ASSIGN_OR_RETURN(trace_project, json::OptionalInt(body, "trace_project"));
         TALLY_ASSIGN_OR_RETURN(refs, ReadRefs(body));

         TALLY_ASSIGN_OR_RETURN(task_ids, db.Write([&](Connection& c) -> Result<std::vector<int64_t>> {
           TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
           const int64_t source_id = trace_project.value_or(project_id);
           // Reading the traces needs access to their project too; a project
           // of another organization is not found, as everywhere else.
           TALLY_ASSIGN_OR_RETURN(source, AuthorizedProject(c, request.principal, source_id, kReadRole));
           TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
           return CreateTasksFromTraces(c, project, config, request.principal.user_id, source.id, refs);
         }));
         TALLY_LOG_INFO("event=tasks_created_from_traces project_id={} trace_project_id={} task_count={} by_user_id={}",
                        project_id, trace_project.value_or(project_id), task_ids.size(), request.principal.user_id);
         return Response::Json(bj::object{{"task_count", task_ids.size()}, {"task_ids", bj::value_from(task_ids)}},
                               201);
       }});
}

}  // namespace tally::labeling
