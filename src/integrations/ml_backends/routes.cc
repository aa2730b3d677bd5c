// ML backends: /api/ml CRUD with health and setup on connect, training,
// predictions (test, background, interactive), model versions, and the
// comparison of model versions against ground truth.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>
#include <random>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "integrations/ml_backends/compare.h"
#include "integrations/ml_backends/ml_store.h"
#include "integrations/routes.h"
#include "integrations/webhooks/webhook_store.h"
#include "labeling/annotation_store.h"
#include "labeling/ml_hooks.h"
#include "labeling/prediction_store.h"
#include "labeling/route_support.h"
#include "labeling/task_store.h"

namespace tally::integrations {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;
using ml::MlBackend;
using store::Connection;

namespace {

constexpr double kMaxTimeoutSeconds = 3600;

constexpr const char* kBackendSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "project":{"type":"integer"},"url":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},
  "state":{"type":"string","enum":["CO","DI","ER","TR","PR"]},"readable_state":{"type":"string"},
  "error_message":{"type":["string","null"]},"model_version":{"type":"string"},"is_interactive":{"type":"boolean"},
  "auth_method":{"type":"string","enum":["NONE","BASIC_AUTH"]},"basic_auth_user":{"type":["string","null"]},
  "basic_auth_pass_is_set":{"type":"boolean"},"extra_params":{"type":["object","null"]},"timeout":{"type":"number"},
  "auto_update":{"type":"boolean"},"created_at":{"type":"string"},"updated_at":{"type":"string"}}})";

constexpr const char* kBackendWriteSchema = R"({"type":"object","properties":{"url":{"type":"string"},
  "project":{"type":"integer"},"title":{"type":"string"},"description":{"type":"string"},
  "is_interactive":{"type":"boolean"},"auth_method":{"type":"string","enum":["NONE","BASIC_AUTH"]},
  "basic_auth_user":{"type":"string"},"basic_auth_pass":{"type":"string","description":"stored sealed, never returned"},
  "extra_params":{"type":["object","null"]},"timeout":{"type":"number","description":"seconds for predict and train"}}})";

std::string ReadableState(const std::string& state) {
  if (state == "CO") return "Connected";
  if (state == "DI") return "Disconnected";
  if (state == "ER") return "Error";
  if (state == "TR") return "Training";
  if (state == "PR") return "Predicting";
  return state;
}

bj::object BackendJson(const MlBackend& backend) {
  bj::object out;
  out["id"] = backend.id;
  out["project"] = backend.project_id;
  out["url"] = backend.url;
  out["title"] = backend.title;
  out["description"] = backend.description;
  out["state"] = backend.state;
  out["readable_state"] = ReadableState(backend.state);
  out["error_message"] = backend.error_message ? bj::value(*backend.error_message) : bj::value(nullptr);
  out["model_version"] = backend.model_version;
  out["is_interactive"] = backend.is_interactive;
  out["auth_method"] = backend.auth_method;
  out["basic_auth_user"] = backend.basic_auth_user ? bj::value(*backend.basic_auth_user) : bj::value(nullptr);
  out["basic_auth_pass_is_set"] = backend.basic_auth_pass_sealed.has_value();
  out["extra_params"] = backend.extra_params;
  out["timeout"] = backend.timeout_seconds;
  out["auto_update"] = true;
  out["created_at"] = FormatIsoMicros(backend.created_at);
  out["updated_at"] = FormatIsoMicros(backend.updated_at);
  return out;
}

// The backend and its project when the caller has at least `minimum`.
Result<MlBackend> AuthorizedBackend(Connection& c, const http::Principal& principal, int64_t backend_id,
                                    accounts::Role minimum) {
  TALLY_ASSIGN_OR_RETURN(backend, ml::FindMlBackend(c, backend_id));
  if (!backend) return Error::NotFound("Not found.");
  TALLY_TRY(labeling::AuthorizedProject(c, principal, backend->project_id, minimum));
  return std::move(*backend);
}

// Applies the body to `backend`; `password` receives a new basic_auth_pass
// to seal, if any.
Result<void> ApplyFields(const IntegrationsContext& context, const bj::object& body, MlBackend& backend,
                         std::optional<std::string>& password) {
  if (const bj::value* url = body.if_contains("url")) {
    if (!url->is_string() || url->as_string().empty() || url->as_string().size() > 2048) {
      return Error::InvalidField("url", "Must be an http or https URL of at most 2048 characters.");
    }
    const std::string text(url->as_string());
    if (auto checked = context.client.CheckUrl(text); !checked) {
      return Error::InvalidField("url", checked.error().message);
    }
    backend.url = text;
  }
  TALLY_ASSIGN_OR_RETURN(title, json::OptionalString(body, "title"));
  if (title) {
    if (title->empty() || title->size() > 500) return Error::InvalidField("title", "Must be 1 to 500 characters.");
    backend.title = *title;
  }
  TALLY_ASSIGN_OR_RETURN(description, json::OptionalString(body, "description"));
  if (description) backend.description = *description;
  TALLY_ASSIGN_OR_RETURN(interactive, json::OptionalBool(body, "is_interactive"));
  if (interactive) backend.is_interactive = *interactive;
  TALLY_ASSIGN_OR_RETURN(auth_method, json::OptionalString(body, "auth_method"));
  if (auth_method) {
    if (*auth_method != "NONE" && *auth_method != "BASIC_AUTH") {
      return Error::InvalidField("auth_method", "Must be NONE or BASIC_AUTH.");
    }
    backend.auth_method = *auth_method;
  }
  TALLY_ASSIGN_OR_RETURN(user, json::OptionalString(body, "basic_auth_user"));
  if (user) backend.basic_auth_user = *user;
  TALLY_ASSIGN_OR_RETURN(pass, json::OptionalString(body, "basic_auth_pass"));
  if (pass) password = *pass;
  if (const bj::value* extra = body.if_contains("extra_params")) {
    if (!extra->is_null() && !extra->is_object()) {
      return Error::InvalidField("extra_params", "Must be an object or null.");
    }
    backend.extra_params = *extra;
  }
  TALLY_ASSIGN_OR_RETURN(timeout, json::OptionalNumber(body, "timeout"));
  if (timeout) {
    if (!(*timeout > 0) || *timeout > kMaxTimeoutSeconds) {
      return Error::InvalidField("timeout", fmt::format("Must be seconds above 0 and at most {}.", kMaxTimeoutSeconds));
    }
    backend.timeout_seconds = *timeout;
  }
  if (backend.auth_method == "BASIC_AUTH" && backend.basic_auth_user.value_or("").empty()) {
    return Error::InvalidField("basic_auth_user", "Required when auth_method is BASIC_AUTH.");
  }
  return Ok();
}

// Label Studio creates a project webhook to <backend>/webhook so backends
// hear of annotation changes; skipped when one with that URL exists or no
// secret can be sealed.
Result<void> EnsureBackendWebhook(Connection& c, const IntegrationsContext& context, const labeling::Project& project,
                                  const MlBackend& backend, int64_t user_id) {
  std::string url = backend.url;
  if (!url.ends_with('/')) url += '/';
  url += "webhook";
  TALLY_ASSIGN_OR_RETURN(existing, webhooks::ListWebhooks(c, project.organization_id, project.id));
  for (const auto& webhook : existing) {
    if (webhook.url == url) return Ok();
  }
  auto sealed = context.secret_box.Seal("whsec_" + RandomHex(24));
  if (!sealed) {
    TALLY_LOG_WARN("event=ml_backend_webhook_skipped backend_id={} reason=\"{}\"", backend.id, sealed.error().message);
    return Ok();
  }
  webhooks::Webhook webhook;
  webhook.organization_id = project.organization_id;
  webhook.project_id = project.id;
  webhook.url = url;
  webhook.secret_sealed = std::move(*sealed);
  webhook.created_by = user_id;
  TALLY_TRY(webhooks::InsertWebhook(c, std::move(webhook)));
  return Ok();
}

// Ground truth per task: the ground_truth annotations, or, in a project
// that marks none, each task's newest submitted annotation.
struct GroundTruth {
  std::map<int64_t, bj::value> by_task;
  std::string source;
};

Result<GroundTruth> LoadGroundTruth(Connection& c, const std::vector<int64_t>& task_ids) {
  std::vector<labeling::Annotation> annotations;
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < task_ids.size(); start += kChunk) {
    const size_t end = std::min(task_ids.size(), start + kChunk);
    TALLY_ASSIGN_OR_RETURN(chunk, labeling::ListAnnotationsOfTasks(c, {task_ids.begin() + start, task_ids.begin() + end}));
    annotations.insert(annotations.end(), chunk.begin(), chunk.end());
  }
  GroundTruth truth;
  const bool any_marked = std::any_of(annotations.begin(), annotations.end(), [](const labeling::Annotation& a) {
    return a.ground_truth && !a.was_cancelled;
  });
  truth.source = any_marked ? "ground_truth" : "latest_annotation";
  std::map<int64_t, Micros> newest;
  for (const labeling::Annotation& a : annotations) {
    if (a.was_cancelled || (any_marked && !a.ground_truth)) continue;
    if (!truth.by_task.contains(a.task_id) || a.updated_at > newest[a.task_id]) {
      truth.by_task[a.task_id] = a.result;
      newest[a.task_id] = a.updated_at;
    }
  }
  return truth;
}

}  // namespace

void AddMlBackendRoutes(http::Router& router, const IntegrationsContext& context) {
  store::Database& db = context.database;
  ml::MlService& service = context.ml_service;

  router.Add({.method = "GET", .pattern = "/api/ml", .auth = Auth::kUser,
              .doc = {.summary = "ML backends of a project; each is health-checked and set up again first",
                      .tag = "ML backends", .response_schema = R"({"type":"array","items":{"type":"object"}})",
                      .query = {"project", "is_interactive"}},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, labeling::QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                std::optional<bool> interactive;
                if (request.Query("is_interactive")) interactive = labeling::QueryFlag(request, "is_interactive");
                TALLY_ASSIGN_OR_RETURN(listed, db.Read([&](Connection& c) -> Result<std::vector<MlBackend>> {
                  TALLY_TRY(labeling::AuthorizedProject(c, request.principal, *project_id, labeling::kReadRole));
                  return ml::ListMlBackends(c, *project_id, interactive);
                }));
                bj::array items;
                for (const MlBackend& backend : listed) {
                  TALLY_ASSIGN_OR_RETURN(refreshed, service.Connect(backend.id));
                  items.push_back(BackendJson(refreshed));
                }
                return Response::Json(items);
              }});

  router.Add({.method = "POST", .pattern = "/api/ml", .auth = Auth::kUser,
              .doc = {.summary = "Connect an ML backend to a project: health check, then setup (managers)",
                      .tag = "ML backends", .request_schema = kBackendWriteSchema, .response_schema = kBackendSchema,
                      .success_status = 201},
              .handler = [&db, &service, context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(project_id, json::OptionalInt(body, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                if (!body.contains("url")) return Error::InvalidField("url", "This field is required.");
                MlBackend backend;
                backend.project_id = *project_id;
                std::optional<std::string> password;
                TALLY_TRY(ApplyFields(context, body, backend, password));
                if (password) {
                  TALLY_ASSIGN_OR_RETURN(sealed, context.secret_box.Seal(*password));
                  backend.basic_auth_pass_sealed = std::move(sealed);
                }
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<MlBackend> {
                  TALLY_ASSIGN_OR_RETURN(project, labeling::AuthorizedProject(c, request.principal, *project_id,
                                                                              labeling::kManageRole));
                  TALLY_ASSIGN_OR_RETURN(inserted, ml::InsertMlBackend(c, backend));
                  TALLY_TRY(EnsureBackendWebhook(c, context, project, inserted, request.principal.user_id));
                  return inserted;
                }));
                TALLY_LOG_INFO("event=ml_backend_created backend_id={} project_id={} by_user_id={}", stored.id,
                               stored.project_id, request.principal.user_id);
                TALLY_ASSIGN_OR_RETURN(connected, service.Connect(stored.id));
                return Response::Json(BackendJson(connected), 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/ml/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One ML backend, health-checked and set up again first", .tag = "ML backends",
                      .response_schema = kBackendSchema},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_TRY(db.Read([&](Connection& c) {
                  return AuthorizedBackend(c, request.principal, backend_id, labeling::kReadRole);
                }));
                TALLY_ASSIGN_OR_RETURN(refreshed, service.Connect(backend_id));
                return Response::Json(BackendJson(refreshed));
              }});

  router.Add({.method = "PATCH", .pattern = "/api/ml/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Change an ML backend, then check and set it up again (managers)",
                      .tag = "ML backends", .request_schema = kBackendWriteSchema, .response_schema = kBackendSchema},
              .handler = [&db, &service, context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                if (body.contains("project")) {
                  return Error::InvalidField("project", "An ML backend cannot move to another project.");
                }
                std::optional<std::string> password;
                std::optional<std::string> sealed;
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(backend,
                                         AuthorizedBackend(c, request.principal, backend_id, labeling::kManageRole));
                  TALLY_TRY(ApplyFields(context, body, backend, password));
                  if (password) {
                    TALLY_ASSIGN_OR_RETURN(new_sealed, context.secret_box.Seal(*password));
                    backend.basic_auth_pass_sealed = std::move(new_sealed);
                  }
                  TALLY_TRY(ml::UpdateMlBackend(c, std::move(backend)));
                  return Ok();
                }));
                TALLY_LOG_INFO("event=ml_backend_updated backend_id={} by_user_id={}", backend_id,
                               request.principal.user_id);
                TALLY_ASSIGN_OR_RETURN(refreshed, service.Connect(backend_id));
                return Response::Json(BackendJson(refreshed));
              }});

  router.Add({.method = "DELETE", .pattern = "/api/ml/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Disconnect an ML backend; its predictions stay (managers)", .tag = "ML backends",
                      .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(backend,
                                         AuthorizedBackend(c, request.principal, backend_id, labeling::kManageRole));
                  TALLY_TRY(ml::DeleteMlBackend(c, backend_id));
                  // The project's current version goes with the backend that set it.
                  TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(c, backend.project_id));
                  if (project && !backend.model_version.empty() && project->model_version() == backend.model_version) {
                    labeling::ProjectPatch patch;
                    patch.settings["model_version"] = "";
                    TALLY_TRY(labeling::UpdateProject(c, project->id, patch));
                  }
                  return Ok();
                }));
                TALLY_LOG_INFO("event=ml_backend_deleted backend_id={} by_user_id={}", backend_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});

  router.Add({.method = "POST", .pattern = "/api/ml/{id:int}/train", .auth = Auth::kUser,
              .doc = {.summary = "Ask the backend to train (START_TRAINING to its /webhook); state becomes TR",
                      .tag = "ML backends", .response_schema = R"({"type":"object"})"},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_TRY(db.Read([&](Connection& c) {
                  return AuthorizedBackend(c, request.principal, backend_id, labeling::kManageRole);
                }));
                auto reply = service.Train(backend_id);
                if (!reply) return Response::Json(bj::object{{"errors", bj::array{bj::string(reply.error().message)}}}, 502);
                return Response::Json(bj::object{{"status", "ok"}, {"response", *reply}});
              }});

  router.Add({.method = "POST", .pattern = "/api/ml/{id:int}/predict/test", .auth = Auth::kUser,
              .doc = {.summary = "Predict one random task of the project now and store the prediction",
                      .tag = "ML backends", .response_schema = R"({"type":"object"})", .query = {"random"}},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                if (!labeling::QueryFlag(request, "random")) {
                  return Response::Json(bj::object{{"detail", "Only ?random=true is supported."}}, 501);
                }
                TALLY_ASSIGN_OR_RETURN(task_id, db.Read([&](Connection& c) -> Result<int64_t> {
                  TALLY_ASSIGN_OR_RETURN(backend,
                                         AuthorizedBackend(c, request.principal, backend_id, labeling::kManageRole));
                  TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(c, backend.project_id));
                  const int64_t count = project ? project->counters.task_number : 0;
                  if (count == 0) return Error::InvalidField("project", "The project has no tasks to predict.");
                  std::mt19937_64 random(std::random_device{}());
                  const int64_t offset = static_cast<int64_t>(random() % static_cast<uint64_t>(count));
                  TALLY_ASSIGN_OR_RETURN(tasks, labeling::ListTasks(c, backend.project_id, offset, 1));
                  if (tasks.empty()) return Error::InvalidField("project", "The project has no tasks to predict.");
                  return tasks.front().id;
                }));
                auto outcome = service.PredictTasks(backend_id, {task_id}, 1);
                if (!outcome) {
                  if (!outcome.error().Is(Errc::kUnavailable)) return outcome.error();
                  return Response::Json(bj::object{{"errors", bj::array{bj::string(outcome.error().message)}}}, 502);
                }
                bj::object body = outcome->ToJson();
                body["task"] = task_id;
                return Response::Json(body);
              }});

  router.Add({.method = "POST", .pattern = "/api/ml/{id:int}/predict", .auth = Auth::kUser,
              .doc = {.summary = "Predict the project's tasks (or body.tasks) in the background; returns the job ids",
                      .tag = "ML backends",
                      .request_schema = R"({"type":"object","properties":{"tasks":{"type":"array","items":{"type":"integer"}}}})",
                      .response_schema = R"({"type":"object","properties":{"job_ids":{"type":"array"}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(job_ids, db.Write([&](Connection& c) -> Result<std::vector<int64_t>> {
                  TALLY_ASSIGN_OR_RETURN(backend,
                                         AuthorizedBackend(c, request.principal, backend_id, labeling::kManageRole));
                  TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(c, backend.project_id));
                  std::vector<int64_t> task_ids;
                  if (const bj::value* tasks = body.if_contains("tasks")) {
                    if (!tasks->is_array()) return Error::InvalidField("tasks", "Must be a list of task ids.");
                    for (const auto& id : tasks->as_array()) {
                      if (!id.is_int64()) return Error::InvalidField("tasks", "Must be a list of task ids.");
                      task_ids.push_back(id.as_int64());
                    }
                  } else {
                    TALLY_ASSIGN_OR_RETURN(all, labeling::ListTasks(c, project->id, 0, project->counters.task_number + 1));
                    for (const auto& task : all) task_ids.push_back(task.id);
                  }
                  return ml::MlService::EnqueuePredictJobs(c, backend, project->organization_id, task_ids,
                                                           request.principal.user_id);
                }));
                return Response::Json(bj::object{{"job_ids", bj::value_from(job_ids)}});
              }});

  router.Add({.method = "POST", .pattern = "/api/ml/{id:int}/interactive-annotating", .auth = Auth::kUser,
              .doc = {.summary = "Ask an interactive backend for suggestions on one task with the editor's context; "
                                 "nothing is stored",
                      .tag = "ML backends",
                      .request_schema = R"({"type":"object","required":["task"],"properties":{
                        "task":{"type":"integer"},"context":{"type":["object","null"]}}})",
                      .response_schema = R"({"type":"object"})"},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(task_id, json::OptionalInt(body, "task"));
                if (!task_id) return Error::InvalidField("task", "This field is required.");
                TALLY_TRY(db.Read([&](Connection& c) {
                  return AuthorizedBackend(c, request.principal, backend_id, labeling::kReadRole);
                }));
                const bj::value context_value = body.contains("context") ? body.at("context") : bj::value(nullptr);
                auto reply = service.Interactive(backend_id, *task_id, context_value);
                if (!reply) {
                  if (!reply.error().Is(Errc::kUnavailable)) return reply.error();
                  // Label Studio's editor reads errors from a 200 body here.
                  return Response::Json(bj::object{{"errors", bj::array{bj::string(reply.error().message)}}});
                }
                return Response::Json(bj::object{{"data", *reply}});
              }});

  router.Add({.method = "GET", .pattern = "/api/ml/{id:int}/versions", .auth = Auth::kUser,
              .doc = {.summary = "Model versions the backend reports", .tag = "ML backends",
                      .response_schema = R"({"type":"object"})"},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(backend_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(backend, db.Read([&](Connection& c) {
                  return AuthorizedBackend(c, request.principal, backend_id, labeling::kReadRole);
                }));
                auto reply = service.client().Versions(backend);
                if (!reply) {
                  return Response::Json(bj::object{{"versions", bj::array()}, {"message", reply.error().message}});
                }
                bj::value versions = reply->is_object() && reply->as_object().contains("versions")
                                         ? reply->as_object().at("versions")
                                         : bj::value(bj::array());
                return Response::Json(bj::object{{"versions", versions}, {"message", ""}});
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/model-versions/compare", .auth = Auth::kUser,
              .doc = {.summary = "Per model version, per-label precision, recall and F1 of predictions against "
                                 "ground-truth annotations (choices, spans, IoU-matched rectangles)",
                      .tag = "ML backends", .response_schema = R"({"type":"object"})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(labeling::AuthorizedProject(c, request.principal, project_id, labeling::kReadRole));
                  TALLY_ASSIGN_OR_RETURN(predictions, labeling::ListPredictions(c, 0, project_id));
                  // Newest prediction per (task, model version).
                  std::map<int64_t, std::map<std::string, bj::value>> predicted;
                  std::vector<int64_t> task_ids;
                  for (const auto& prediction : predictions) {
                    if (!predicted.contains(prediction.task_id)) task_ids.push_back(prediction.task_id);
                    predicted[prediction.task_id][prediction.model_version] = prediction.result;
                  }
                  TALLY_ASSIGN_OR_RETURN(truth, LoadGroundTruth(c, task_ids));
                  std::vector<ml::ScoredTask> scored;
                  for (const auto& [task_id, versions] : predicted) {
                    auto found = truth.by_task.find(task_id);
                    if (found == truth.by_task.end()) continue;
                    ml::ScoredTask task{found->second, {}};
                    for (const auto& [version, result] : versions) task.predictions.emplace_back(version, result);
                    scored.push_back(std::move(task));
                  }
                  bj::array versions;
                  for (const auto& version : ml::CompareModelVersions(scored)) versions.push_back(version.ToJson());
                  return Response::Json(bj::object{{"project", project_id},
                                                   {"ground_truth_source", truth.source},
                                                   {"tasks_with_ground_truth", truth.by_task.size()},
                                                   {"model_versions", std::move(versions)}});
                });
              }});
}

void InstallMlHooks(ml::MlService& service) {
  labeling::MlHooks hooks;
  hooks.preannotate = [&service](int64_t project_id, int64_t task_id) {
    return service.Preannotate(project_id, task_id);
  };
  hooks.retrieve_predictions = [](Connection& c, const labeling::Project& project,
                                  const std::vector<int64_t>& task_ids, int64_t user_id) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(backends, ml::ListMlBackends(c, project.id, /*interactive=*/false));
    if (backends.empty()) {
      return fmt::format("No ML backend is connected; {} selected tasks were not sent", task_ids.size());
    }
    size_t jobs = 0;
    for (const MlBackend& backend : backends) {
      TALLY_ASSIGN_OR_RETURN(job_ids,
                             ml::MlService::EnqueuePredictJobs(c, backend, project.organization_id, task_ids, user_id));
      jobs += job_ids.size();
    }
    return fmt::format("Retrieving predictions for {} tasks from {} ML backends in {} jobs", task_ids.size(),
                       backends.size(), jobs);
  };
  hooks.queue_training = [](Connection& c, const labeling::Project& project) -> Result<size_t> {
    TALLY_ASSIGN_OR_RETURN(job_ids, ml::MlService::EnqueueTrainJobs(c, project.id, project.organization_id));
    return job_ids.size();
  };
  labeling::SetMlHooks(std::move(hooks));
}

}  // namespace tally::integrations
