#include <boost/json.hpp>

#include "accounts/project_access.h"
#include "accounts/routes.h"
#include "core/json.h"
#include "core/log.h"

namespace tally::accounts {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kApiKeySchema = R"({"type":"object","properties":{"id":{"type":"string"},
  "publicKey":{"type":"string"},"secretKey":{"type":"string","description":"only in the create answer"},
  "displaySecretKey":{"type":"string"},"note":{"type":["string","null"]},"createdAt":{"type":"string"}}})";

bj::object ApiKeyJson(const ApiKey& key) {
  bj::object body{{"id", key.id},
                  {"publicKey", key.public_key},
                  {"displaySecretKey", key.display_secret_key},
                  {"note", key.note ? bj::value(*key.note) : bj::value(nullptr)},
                  {"createdAt", FormatIsoMillis(key.created_at)}};
  if (!key.secret_key.empty()) body["secretKey"] = key.secret_key;
  return body;
}

}  // namespace

void AddKeyRoutes(http::Router& router, AccountsContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/api-keys", .auth = Auth::kUser,
              .doc = {.summary = "A project's Langfuse key pairs, secrets masked (managers)", .tag = "Projects",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizeProject(c, request.principal, project_id, Role::kManager));
                  TALLY_ASSIGN_OR_RETURN(keys, ListApiKeys(c, project_id));
                  bj::array items;
                  for (const auto& key : keys) items.push_back(ApiKeyJson(key));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/projects/{id:int}/api-keys", .auth = Auth::kUser,
              .doc = {.summary = "Create a key pair for the Langfuse SDKs; the secret is shown only here (managers)",
                      .tag = "Projects",
                      .request_schema = R"({"type":"object","properties":{"note":{"type":"string"},
                        "publicKey":{"type":"string","pattern":"^pk-lf-"},"secretKey":{"type":"string","pattern":"^sk-lf-"}}})",
                      .response_schema = kApiKeySchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                bj::object body;
                if (!request.body.empty()) {
                  TALLY_ASSIGN_OR_RETURN(parsed, json::ParseObject(request.body));
                  body = std::move(parsed);
                }
                TALLY_ASSIGN_OR_RETURN(note, json::OptionalString(body, "note"));
                TALLY_ASSIGN_OR_RETURN(public_key, json::OptionalString(body, "publicKey"));
                TALLY_ASSIGN_OR_RETURN(secret_key, json::OptionalString(body, "secretKey"));
                TALLY_ASSIGN_OR_RETURN(key, db.Write([&](store::Connection& c) -> Result<ApiKey> {
                  TALLY_TRY(AuthorizeProject(c, request.principal, project_id, Role::kManager));
                  return CreateApiKey(c, project_id, public_key, secret_key, note);
                }));
                TALLY_LOG_INFO("event=api_key_created project_id={} api_key_id={} by_user_id={}", project_id, key.id,
                               request.principal.user_id);
                return Response::Json(ApiKeyJson(key), 201);
              }});

  router.Add({.method = "DELETE", .pattern = "/api/projects/{id:int}/api-keys/{key_id}", .auth = Auth::kUser,
              .doc = {.summary = "Delete a key pair; SDKs using it get 401 at once (managers)", .tag = "Projects",
                      .success_status = 204},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                const std::string key_id = request.path_params["key_id"];
                TALLY_TRY(db.Write([&](store::Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizeProject(c, request.principal, project_id, Role::kManager));
                  return DeleteApiKey(c, project_id, key_id);
                }));
                context.authenticator.Forget();
                TALLY_LOG_INFO("event=api_key_deleted project_id={} api_key_id={}", project_id, key_id);
                return Response::NoContent();
              }});

  router.Add({.method = "GET", .pattern = "/api/public/projects", .auth = Auth::kProjectKey,
              .doc = {.summary = "The project of the calling key pair (Langfuse SDK auth check)", .tag = "Langfuse",
                      .response_schema = R"({"type":"object","properties":{"data":{"type":"array","items":{
                        "type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"},
                        "organization":{"type":"object"},"metadata":{"type":"object"}}}}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, FindProjectRef(c, request.principal.project_id));
                  if (!project) return Error::NotFound("Project not found");
                  TALLY_ASSIGN_OR_RETURN(organization, FindOrganization(c, project->organization_id));
                  bj::object item{{"id", std::to_string(project->id)},
                                  {"name", project->title},
                                  {"organization",
                                   {{"id", std::to_string(project->organization_id)},
                                    {"name", organization ? organization->title : std::string()}}},
                                  {"metadata", bj::object{}}};
                  return Response::Json(bj::object{{"data", bj::array{item}}});
                });
              }});
}

}  // namespace tally::accounts
