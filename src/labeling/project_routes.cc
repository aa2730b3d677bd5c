// Projects: list, create, read, change, delete, and label config validation.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "accounts/project_access.h"
#include "accounts/serialize.h"
#include "core/json.h"
#include "core/log.h"
#include "labeling/config/config_change.h"
#include "labeling/config/json_form.h"
#include "labeling/config/validator.h"
#include "labeling/config_checks.h"
#include "labeling/counters.h"
#include "labeling/lifecycle.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/serialize.h"
#include "labeling/webhook_events.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kProjectSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "title":{"type":"string"},"description":{"type":"string"},"label_config":{"type":"string"},
  "parsed_label_config":{"type":"object"},"maximum_annotations":{"type":"integer"},
  "task_number":{"type":"integer"},"finished_task_number":{"type":"integer"},
  "total_annotations_number":{"type":"integer"},"skipped_annotations_number":{"type":"integer"},
  "total_predictions_number":{"type":"integer"},"num_tasks_with_annotations":{"type":"integer"},
  "useful_annotation_number":{"type":"integer"},"ground_truth_number":{"type":"integer"},
  "created_by":{"type":["object","null"]},"created_at":{"type":"string"}}})";

constexpr const char* kProjectWriteSchema = R"({"type":"object","properties":{"title":{"type":"string",
  "maxLength":50},"description":{"type":"string"},"label_config":{"type":"string"},
  "expert_instruction":{"type":"string"},"show_skip_button":{"type":"boolean"},
  "enable_empty_annotation":{"type":"boolean"},"maximum_annotations":{"type":"integer","minimum":1},
  "overlap_cohort_percentage":{"type":"integer"},"sampling":{"type":"string"},"skip_queue":{"type":"string"},
  "model_version":{"type":"string"},"color":{"type":"string"},"control_weights":{"type":"object"}}})";

constexpr size_t kMaxTitleLength = 50;
constexpr size_t kMinTitleLength = 3;

// Builds the project body: parsed config, creator and the caller's queue_done.
Result<bj::object> RenderProject(Connection& c, const Project& project, const http::Principal& principal) {
  bj::object parsed;
  if (auto config = LoadLabelConfig(project.label_config)) parsed = ParsedLabelConfigJson(*config);
  TALLY_ASSIGN_OR_RETURN(creator, UserBriefJson(c, project.created_by));
  TALLY_ASSIGN_OR_RETURN(done, CountTasksDoneByUser(c, project.id, principal.user_id));
  return ProjectJson(project, parsed, std::move(creator), done);
}

// Reads title, description, label_config and settings from a create or
// change body. Label Studio lets a title be empty but otherwise 3–50
// characters long.
Result<ProjectPatch> ReadProjectPatch(const bj::object& body) {
  ProjectPatch patch;
  TALLY_ASSIGN_OR_RETURN(title, json::OptionalString(body, "title"));
  if (title) {
    if (title->size() > kMaxTitleLength) {
      return Error::InvalidField("title", "Ensure this field has no more than 50 characters.");
    }
    if (!title->empty() && title->size() < kMinTitleLength) {
      return Error::InvalidField("title", "Ensure this field has at least 3 characters.");
    }
  }
  patch.title = std::move(title);
  TALLY_ASSIGN_OR_RETURN(description, json::OptionalString(body, "description"));
  patch.description = std::move(description);
  TALLY_ASSIGN_OR_RETURN(label_config, json::OptionalString(body, "label_config"));
  patch.label_config = std::move(label_config);
  TALLY_ASSIGN_OR_RETURN(settings, CheckProjectSettings(body));
  patch.settings = std::move(settings);
  return patch;
}

bool ChangesOverlap(const ProjectPatch& patch) {
  return patch.settings.contains("maximum_annotations") || patch.settings.contains("overlap_cohort_percentage") ||
         patch.settings.contains("skip_queue");
}

}  // namespace

void AddProjectRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/projects", .auth = Auth::kUser,
              .doc = {.summary = "Projects of the active organization, pinned first, then newest first",
                      .tag = "Projects",
                      .response_schema = R"({"type":"object","properties":{"count":{"type":"integer"},
                        "next":{"type":["string","null"]},"previous":{"type":["string","null"]},
                        "results":{"type":"array","items":{"type":"object"}}}})",
                      .query = {"page", "page_size", "ids", "title", "filter", "ordering"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(page, accounts::ParsePageRequest(request, 30, 100));
                ProjectListQuery query;
                query.organization_id = request.principal.organization_id;
                query.offset = page.offset();
                query.limit = page.page_size;
                query.title_contains = request.Query("title");
                if (query.title_contains && query.title_contains->empty()) query.title_contains.reset();
                TALLY_ASSIGN_OR_RETURN(ids, QueryIds(request, "ids"));
                query.ids = std::move(ids);
                const std::string filter = request.Query("filter").value_or("all");
                if (filter == "pinned_only") query.pinned = ProjectListQuery::Pinned::kPinnedOnly;
                if (filter == "exclude_pinned") query.pinned = ProjectListQuery::Pinned::kExcludePinned;
                query.ordering = request.Query("ordering").value_or("");

                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(accounts::RequireMembership(c, request.principal, query.organization_id));
                  TALLY_ASSIGN_OR_RETURN(listed, ListProjects(c, query));
                  bj::array results;
                  for (const Project& project : listed.first) {
                    TALLY_ASSIGN_OR_RETURN(body, RenderProject(c, project, request.principal));
                    results.push_back(std::move(body));
                  }
                  TALLY_ASSIGN_OR_RETURN(body, accounts::PageJson(request, page, listed.second, std::move(results)));
                  return Response::Json(body);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/projects", .auth = Auth::kUser,
              .doc = {.summary = "Create a project in the active organization (managers)", .tag = "Projects",
                      .request_schema = kProjectWriteSchema, .response_schema = kProjectSchema,
                      .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(patch, ReadProjectPatch(body));
                if (patch.label_config) TALLY_TRY(LoadLabelConfig(*patch.label_config));

                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  const int64_t organization_id = request.principal.organization_id;
                  TALLY_ASSIGN_OR_RETURN(role, accounts::RequireMembership(c, request.principal, organization_id));
                  if (!accounts::RoleAtLeast(role, kManageRole)) {
                    return Error::Forbidden("Your role in this organization does not allow this action.");
                  }
                  TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization_id,
                                                                            patch.title.value_or(""),
                                                                            request.principal.user_id));
                  TALLY_ASSIGN_OR_RETURN(project, InitializeProject(c, ref.id, patch));
                  TALLY_TRY(EmitProjectEvent(c, project, "PROJECT_CREATED"));
                  return RenderProject(c, project, request.principal);
                }));
                TALLY_LOG_INFO("event=project_created project_id={} organization_id={} by_user_id={}",
                               rendered.at("id").as_int64(), request.principal.organization_id,
                               request.principal.user_id);
                return Response::Json(rendered, 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One project with its settings and counters", .tag = "Projects",
                      .response_schema = kProjectSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(body, RenderProject(c, project, request.principal));
                  return Response::Json(body);
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/projects/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Change a project; a new label config must keep existing annotations valid "
                                 "(managers)",
                      .tag = "Projects", .request_schema = kProjectWriteSchema, .response_schema = kProjectSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(patch, ReadProjectPatch(body));

                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
                  if (patch.label_config) TALLY_TRY(CheckNewLabelConfig(c, project, *patch.label_config));
                  TALLY_TRY(UpdateProject(c, project_id, patch));

                  TALLY_ASSIGN_OR_RETURN(updated, FindProject(c, project_id));
                  if (ChangesOverlap(patch)) {
                    TALLY_TRY(RecomputeProjectOverlaps(c, *updated));
                    TALLY_TRY(ReconcileTaskStates(c, project_id, request.principal.user_id));
                  }
                  TALLY_ASSIGN_OR_RETURN(recounted, FindProject(c, project_id));
                  TALLY_TRY(EmitProjectEvent(c, *recounted, "PROJECT_UPDATED"));
                  return RenderProject(c, *recounted, request.principal);
                }));
                TALLY_LOG_INFO("event=project_updated project_id={} by_user_id={} label_config_changed={}", project_id,
                               request.principal.user_id, patch.label_config.has_value());
                return Response::Json(rendered);
              }});

  router.Add({.method = "DELETE", .pattern = "/api/projects/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete a project with all its tasks, annotations, predictions, traces, prompts and "
                                 "datasets (managers)",
                      .tag = "Projects", .success_status = 204},
              .handler = [&db, forget_credentials = context.forget_credentials](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
                  TALLY_TRY(EmitProjectDeleted(c, project));
                  TALLY_ASSIGN_OR_RETURN(deleted, DeleteProject(c, project_id));
                  if (!deleted) return Error::NotFound("Not found.");
                  return Ok();
                }));

                // A cached key pair would let SDKs keep writing traces under
                // the deleted project's id. NOTE: other processes sharing the
                // database accept the keys until their cache expires (10 s).
                if (forget_credentials) forget_credentials();
                TALLY_LOG_INFO("event=project_deleted project_id={} by_user_id={}", project_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});

  // Label Studio returns this one outside its error envelope: 204 when the
  // config is valid, else 400 with {"label_config": [messages]}.
  router.Add({.method = "POST", .pattern = "/api/projects/validate", .auth = Auth::kUser,
              .doc = {.summary = "Check a label config without saving it; 400 lists every error",
                      .tag = "Projects",
                      .request_schema = R"({"type":"object","required":["label_config"],
                        "properties":{"label_config":{"type":"string"}}})",
                      .success_status = 204},
              .handler = [](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                auto label_config = json::RequireString(body, "label_config");
                std::vector<std::string> messages;
                if (!label_config) {
                  messages.push_back("This field is required.");
                } else if (auto config = LoadLabelConfig(*label_config); !config) {
                  for (const FieldError& field : config.error().fields) messages.push_back(field.message);
                  if (messages.empty()) messages.push_back(config.error().message);
                }
                if (messages.empty()) return Response::NoContent();
                bj::array list;
                for (std::string& message : messages) list.emplace_back(std::move(message));
                return Response::Json(bj::object{{"label_config", std::move(list)}}, 400);
              }});

  router.Add({.method = "POST", .pattern = "/api/projects/{id:int}/validate", .auth = Auth::kUser,
              .doc = {.summary = "Check a new label config against the project's annotations without saving it",
                      .tag = "Projects",
                      .request_schema = R"({"type":"object","required":["label_config"],
                        "properties":{"label_config":{"type":"string"}}})",
                      .response_schema = R"({"type":"object","properties":{
                        "config_essential_data_has_changed":{"type":"boolean"}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(label_config, json::RequireString(body, "label_config"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(config, CheckNewLabelConfig(c, project, label_config));
                  bool essential = false;
                  if (auto old_config = LoadLabelConfig(project.label_config)) {
                    essential = HasEssentialChanges(*old_config, config);
                  }
                  return Response::Json(bj::object{{"config_essential_data_has_changed", essential}});
                });
              }});
}

}  // namespace tally::labeling
