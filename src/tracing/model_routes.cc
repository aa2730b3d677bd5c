// Routes for model definitions: the managed table plus the project's own.
#include <fmt/format.h>

#include <algorithm>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "tracing/config_store.h"
#include "tracing/route_helpers.h"
#include "tracing/routes.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;

namespace {

constexpr const char* kModelSchema = R"({
  "type": "object", "required": ["id", "modelName", "matchPattern", "isLangfuseManaged", "pricingTiers"],
  "properties": {
    "id": {"type": "string"}, "modelName": {"type": "string"}, "matchPattern": {"type": "string"},
    "startDate": {"type": ["string", "null"]}, "unit": {"type": ["string", "null"]},
    "inputPrice": {"type": ["number", "null"]}, "outputPrice": {"type": ["number", "null"]},
    "totalPrice": {"type": ["number", "null"]}, "tokenizerId": {"type": ["string", "null"]},
    "tokenizerConfig": {}, "isLangfuseManaged": {"type": "boolean"}, "createdAt": {"type": "string"},
    "prices": {"type": "object"}, "pricingTiers": {"type": "array"}
  }
})";

constexpr const char* kModelCreateSchema = R"({
  "type": "object", "required": ["modelName", "matchPattern"],
  "properties": {
    "modelName": {"type": "string"}, "matchPattern": {"type": "string", "description": "Regular expression; a leading (?i) makes it case-insensitive."},
    "startDate": {"type": "string", "format": "date-time"},
    "unit": {"type": "string", "enum": ["TOKENS", "CHARACTERS", "MILLISECONDS", "SECONDS", "REQUESTS", "IMAGES"]},
    "inputPrice": {"type": "number"}, "outputPrice": {"type": "number"}, "totalPrice": {"type": "number"},
    "pricingTiers": {"type": "array"}, "tokenizerId": {"type": "string", "enum": ["openai", "claude"]},
    "tokenizerConfig": {"type": "object"}
  }
})";

// Managed and project definitions in API order: modelName, unit, then the
// latest startDate first (none last).
std::vector<const ModelDefinition*> AllModels(const std::vector<ModelDefinition>& project_models) {
  std::vector<const ModelDefinition*> all;
  for (const auto& model : project_models) all.push_back(&model);
  for (const auto& model : ManagedModels()) all.push_back(&model);
  std::stable_sort(all.begin(), all.end(), [](const ModelDefinition* a, const ModelDefinition* b) {
    if (a->model_name != b->model_name) return a->model_name < b->model_name;
    if (a->unit != b->unit) return a->unit.value_or("") < b->unit.value_or("");
    if (a->start_date.has_value() != b->start_date.has_value()) return a->start_date.has_value();
    return a->start_date.value_or(0) > b->start_date.value_or(0);
  });
  return all;
}

Result<http::Response> ListModelsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(models, database.Read([&](Connection& c) { return ProjectModels(c, project_id); }));
  const auto all = AllModels(models);
  bj::array data;
  const size_t first = static_cast<size_t>((page.page - 1) * page.limit);
  for (size_t i = first; i < all.size() && i < first + static_cast<size_t>(page.limit); ++i) {
    data.push_back(ModelToJson(*all[i]));
  }
  return http::Response::Json(
      bj::object{{"data", std::move(data)}, {"meta", PageMeta(page, static_cast<int64_t>(all.size()))}});
}

Result<http::Response> GetModelRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "id");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(models, database.Read([&](Connection& c) { return ProjectModels(c, project_id); }));
  for (const ModelDefinition* model : AllModels(models)) {
    if (model->id == id) return http::Response::Json(ModelToJson(*model));
  }
  return Error::NotFound("No model with this id found.");
}

Result<http::Response> CreateModelRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  body.erase("id");  // ids are assigned here
  TALLY_ASSIGN_OR_RETURN(model, ParseModelDefinition(body));
  const int64_t project_id = request.principal.project_id;
  model.id = NewUuidV4();
  model.project_id = project_id;
  model.created_at = model.updated_at = NowMicros();
  for (size_t i = 0; i < model.tiers.size(); ++i) {
    if (model.tiers[i].id.empty()) model.tiers[i].id = NewUuidV4();
  }
  TALLY_TRY(database.Write([&](Connection& c) { return InsertModel(c, project_id, model); }));
  TALLY_LOG_INFO("event=model_created request_id={} project_id={} model_id={}", request.request_id, project_id,
                 model.id);
  return http::Response::Json(ModelToJson(model));
}

Result<http::Response> DeleteModelRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "id");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(deleted, database.Write([&](Connection& c) { return DeleteModel(c, project_id, id); }));
  if (!deleted) return Error::NotFound("No model with this id found.");
  TALLY_LOG_INFO("event=model_deleted request_id={} project_id={} model_id={}", request.request_id, project_id, id);
  return http::Response::Json(bj::object{{"message", "Model successfully deleted"}});
}

}  // namespace

void AddModelRoutes(http::Router& router, store::Database& database) {
  auto add = [&](const char* method, const char* pattern, const char* summary, const char* request_schema,
                 const char* response_schema, std::vector<std::string> query,
                 Result<http::Response> (*handler)(store::Database&, const http::Request&)) {
    router.Add({.method = method,
                .pattern = pattern,
                .auth = http::Auth::kProjectKey,
                .doc = {.summary = summary,
                        .tag = "Models",
                        .request_schema = request_schema,
                        .response_schema = response_schema,
                        .query = std::move(query)},
                .handler = [&database, handler](http::Request& request) { return handler(database, request); }});
  };
  add("GET", "/api/public/models", "List managed and project model definitions", "",
      R"({"type": "object", "required": ["data", "meta"], "properties": {"data": {"type": "array"}, "meta": {"type": "object"}}})",
      {"page", "limit"}, ListModelsRoute);
  add("GET", "/api/public/models/{id}", "Get a model definition", "", kModelSchema, {}, GetModelRoute);
  add("POST", "/api/public/models", "Create a project model definition with prices", kModelCreateSchema, kModelSchema,
      {}, CreateModelRoute);
  add("DELETE", "/api/public/models/{id}", "Delete a project model definition", "",
      R"({"type": "object", "properties": {"message": {"type": "string"}}})", {}, DeleteModelRoute);
}

}  // namespace tally::tracing
