// Predictions: create (one or a list), list by task or project, read,
// change and delete.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"
#include "core/log.h"
#include "labeling/config/result_validator.h"
#include "labeling/counters.h"
#include "labeling/prediction_result.h"
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

constexpr const char* kPredictionSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "task":{"type":"integer"},"project":{"type":"integer"},"model_version":{"type":"string"},
  "score":{"type":["number","null"]},"result":{"type":["array","null"]},"created_at":{"type":"string"}}})";

constexpr const char* kPredictionWriteSchema = R"({"type":"object","required":["task","result"],"properties":{
  "task":{"type":"integer"},"result":{},"score":{"type":"number"},"model_version":{"type":"string"}}})";

// Expands shorthand and checks the result against the config. Predictions
// may be partial, so required controls are not enforced.
Result<bj::value> CheckPredictionResult(const LabelConfig& config, const bj::value& result, const std::string& field) {
  TALLY_ASSIGN_OR_RETURN(expanded, ExpandPredictionResult(config, result, field));
  if (expanded.is_null()) return expanded;
  TALLY_ASSIGN_OR_RETURN(checked,
                         ValidateAnnotationResult(config, expanded, {.require_answers = false, .field_prefix = field}));
  return bj::value(std::move(checked));
}

// Where a prediction is created from, which decides two rules.
struct PredictionTarget {
  // Set for the project import endpoint: the task must belong to it.
  std::optional<int64_t> project_id;
  // Label Studio's model_version when the request has none: "" for
  // /api/predictions, "undefined" for the project import endpoint.
  std::string default_model_version;
};

// Reads one prediction of a create request; `prefix` is "" for a single
// object and "3." for item 3 of a list.
Result<Prediction> CreateOnePrediction(Connection& c, const http::Principal& principal, const bj::value& item,
                                       const std::string& prefix, const PredictionTarget& target = {}) {
  if (!item.is_object()) return Error::InvalidField(prefix.empty() ? "non_field_errors" : prefix + "task",
                                                    "Each prediction must be a JSON object.");
  const bj::object& body = item.as_object();
  auto task_id = json::OptionalInt(body, "task");
  if (!task_id) {
    Error error = task_id.error();
    for (FieldError& field : error.fields) field.field = prefix + field.field;
    return error;
  }
  if (!*task_id) return Error::InvalidField(prefix + "task", "This field is required.");
  if (target.project_id) {
    TALLY_ASSIGN_OR_RETURN(task, FindTask(c, **task_id));
    if (!task || task->project_id != *target.project_id) {
      return Error::InvalidField(prefix + "task",
                                 fmt::format("Task {} does not belong to project {}.", **task_id, *target.project_id));
    }
  }
  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, principal, **task_id, kManageRole));

  Prediction p;
  p.task_id = found.task.id;
  p.project_id = found.project.id;
  auto model_version = json::OptionalString(body, "model_version");
  if (!model_version) return Error::InvalidField(prefix + "model_version", "Not a valid string.");
  p.model_version = model_version->value_or(target.default_model_version);
  auto score = json::OptionalNumber(body, "score");
  if (!score) return Error::InvalidField(prefix + "score", "A valid number is required.");
  p.score = *score;

  const bj::value* result = body.if_contains("result");
  if (!result) return Error::InvalidField(prefix + "result", "This field is required.");
  TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(found.project));
  TALLY_ASSIGN_OR_RETURN(checked, CheckPredictionResult(config, *result, prefix + "result"));
  p.result = std::move(checked);

  TALLY_ASSIGN_OR_RETURN(stored, InsertPrediction(c, std::move(p)));
  TALLY_TRY(RefreshTaskCounters(c, found.project, stored.task_id));
  return stored;
}

struct PredictionAndProject {
  Prediction prediction;
  Project project;
};

Result<PredictionAndProject> AuthorizedPrediction(Connection& c, const http::Principal& principal,
                                                  int64_t prediction_id, Role minimum) {
  TALLY_ASSIGN_OR_RETURN(prediction, FindPrediction(c, prediction_id));
  if (!prediction) return Error::NotFound("Not found.");
  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, principal, prediction->project_id, minimum));
  return PredictionAndProject{std::move(*prediction), std::move(project)};
}

}  // namespace

void AddPredictionRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/predictions", .auth = Auth::kUser,
              .doc = {.summary = "Predictions of a task or of a project", .tag = "Predictions",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})",
                      .query = {"task", "project"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, QueryInt(request, "task"));
                TALLY_ASSIGN_OR_RETURN(project_id, QueryInt(request, "project"));
                if (!task_id && !project_id) {
                  return Error::InvalidField("task", "Give a task or a project to list predictions of.");
                }
                return db.Read([&](Connection& c) -> Result<Response> {
                  if (task_id) TALLY_TRY(AuthorizedTask(c, request.principal, *task_id, kReadRole));
                  if (project_id) TALLY_TRY(AuthorizedProject(c, request.principal, *project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(predictions, ListPredictions(c, task_id.value_or(0), project_id.value_or(0)));
                  bj::array items;
                  for (const Prediction& p : predictions) items.push_back(PredictionJson(p));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/predictions", .auth = Auth::kUser,
              .doc = {.summary = "Create a prediction, or a list of them in one transaction (managers)",
                      .tag = "Predictions", .request_schema = kPredictionWriteSchema,
                      .response_schema = kPredictionSchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonBody(request));
                TALLY_ASSIGN_OR_RETURN(created, db.Write([&](Connection& c) -> Result<bj::value> {
                  if (!body.is_array()) {
                    TALLY_ASSIGN_OR_RETURN(stored, CreateOnePrediction(c, request.principal, body, ""));
                    return bj::value(PredictionJson(stored));
                  }
                  bj::array items;
                  const bj::array& list = body.as_array();
                  for (size_t i = 0; i < list.size(); ++i) {
                    TALLY_ASSIGN_OR_RETURN(stored,
                                           CreateOnePrediction(c, request.principal, list[i], std::to_string(i) + "."));
                    items.push_back(PredictionJson(stored));
                  }
                  return bj::value(std::move(items));
                }));
                TALLY_LOG_INFO("event=predictions_created count={} by_user_id={}",
                               created.is_array() ? created.as_array().size() : 1, request.principal.user_id);
                return Response::Json(created, 201);
              }});

  router.Add({.method = "POST", .pattern = "/api/projects/{id:int}/import/predictions", .auth = Auth::kUser,
              .doc = {.summary = "Create predictions for tasks of one project, all or nothing (managers)",
                      .tag = "Predictions",
                      .request_schema = R"({"type":"array","items":{"type":"object","required":["task","result"],
                        "properties":{"task":{"type":"integer"},"result":{},"score":{"type":"number"},
                        "model_version":{"type":"string"}}}})",
                      .response_schema = R"({"type":"object","properties":{"created":{"type":"integer"}}})",
                      .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonBody(request));
                if (!body.is_array()) return Error::Invalid("Request body must be a JSON list of predictions");
                const PredictionTarget target{.project_id = project_id, .default_model_version = "undefined"};
                TALLY_ASSIGN_OR_RETURN(created, db.Write([&](Connection& c) -> Result<int64_t> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kManageRole));
                  const bj::array& list = body.as_array();
                  for (size_t i = 0; i < list.size(); ++i) {
                    TALLY_TRY(CreateOnePrediction(c, request.principal, list[i], std::to_string(i) + ".", target));
                  }
                  return static_cast<int64_t>(list.size());
                }));
                TALLY_LOG_INFO("event=predictions_imported project_id={} count={} by_user_id={}", project_id, created,
                               request.principal.user_id);
                return Response::Json(bj::object{{"created", created}}, 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/predictions/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One prediction", .tag = "Predictions", .response_schema = kPredictionSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(prediction_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedPrediction(c, request.principal, prediction_id, kReadRole));
                  return Response::Json(PredictionJson(found.prediction));
                });
              }});

  auto change = [&db](Request& request) -> Result<Response> {
    TALLY_ASSIGN_OR_RETURN(prediction_id, request.IdParam("id"));
    TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
    TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Prediction> {
      TALLY_ASSIGN_OR_RETURN(found, AuthorizedPrediction(c, request.principal, prediction_id, kManageRole));
      Prediction p = std::move(found.prediction);
      TALLY_ASSIGN_OR_RETURN(model_version, json::OptionalString(body, "model_version"));
      if (model_version) p.model_version = *model_version;
      if (body.contains("score")) {
        TALLY_ASSIGN_OR_RETURN(score, json::OptionalNumber(body, "score"));
        p.score = score;
      }
      if (const bj::value* result = body.if_contains("result")) {
        TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(found.project));
        TALLY_ASSIGN_OR_RETURN(checked, CheckPredictionResult(config, *result, "result"));
        p.result = std::move(checked);
      }
      return UpdatePrediction(c, std::move(p));
    }));
    TALLY_LOG_INFO("event=prediction_updated prediction_id={} by_user_id={}", prediction_id, request.principal.user_id);
    return Response::Json(PredictionJson(stored));
  };
  for (const char* method : {"PATCH", "PUT"}) {
    router.Add({.method = method, .pattern = "/api/predictions/{id:int}", .auth = Auth::kUser,
                .doc = {.summary = "Change a prediction's result, score or model version (managers)",
                        .tag = "Predictions", .request_schema = kPredictionWriteSchema,
                        .response_schema = kPredictionSchema},
                .handler = change});
  }

  router.Add({.method = "DELETE", .pattern = "/api/predictions/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete a prediction (managers)", .tag = "Predictions", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(prediction_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedPrediction(c, request.principal, prediction_id, kManageRole));
                  TALLY_TRY(DeletePrediction(c, prediction_id));
                  TALLY_TRY(RefreshTaskCounters(c, found.project, found.prediction.task_id));
                  return Ok();
                }));
                TALLY_LOG_INFO("event=prediction_deleted prediction_id={} by_user_id={}", prediction_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});
}

}  // namespace tally::labeling
