#include "prompts/routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "prompts/collaboration.h"
#include "prompts/prompt_request.h"
#include "prompts/prompt_service.h"
#include "prompts/serialize.h"

namespace tally::prompts {

namespace bj = boost::json;

namespace {

constexpr const char* kPromptSchema = R"({
  "type": "object",
  "required": ["id", "name", "version", "type", "prompt", "config", "labels", "tags"],
  "properties": {
    "id": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
    "updatedAt": {"type": "string", "format": "date-time"}, "projectId": {"type": "string"},
    "createdBy": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
    "type": {"type": "string", "enum": ["text", "chat"]},
    "prompt": {"description": "A string for text prompts; an array of {role, content} or {type: placeholder, name} for chat prompts"},
    "config": {}, "labels": {"type": "array", "items": {"type": "string"}},
    "tags": {"type": "array", "items": {"type": "string"}}, "commitMessage": {"type": ["string", "null"]},
    "isActive": {"type": ["boolean", "null"]},
    "resolutionGraph": {"type": ["object", "null"], "description": "{root: {id, name, version}, dependencies: {parentId: [{id, name, version}]}} when the prompt embeds others"}
  }
})";

constexpr const char* kCreateSchema = R"({
  "type": "object", "required": ["name", "prompt"],
  "properties": {
    "name": {"type": "string", "description": "Slashes make folders: folder/sub/name"},
    "type": {"type": "string", "enum": ["text", "chat"], "default": "text"},
    "prompt": {"description": "A string for text prompts; an array of chat messages for chat prompts"},
    "config": {}, "labels": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9_\\-.]{1,36}$"}},
    "tags": {"type": "array", "items": {"type": "string"}}, "commitMessage": {"type": "string", "maxLength": 500}
  }
})";

constexpr const char* kListSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {
    "data": {"type": "array", "items": {"type": "object", "properties": {
      "name": {"type": "string"}, "type": {"type": "string"}, "versions": {"type": "array", "items": {"type": "integer"}},
      "labels": {"type": "array"}, "tags": {"type": "array"}, "lastUpdatedAt": {"type": "string"}, "lastConfig": {}}}},
    "meta": {"type": "object"}, "pagination": {"type": "object"}
  }
})";

constexpr const char* kLabelsSchema = R"({
  "type": "object", "required": ["newLabels"],
  "properties": {"newLabels": {"type": "array", "items": {"type": "string"}}}
})";

constexpr const char* kAuditSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {
    "data": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": "integer"}, "name": {"type": "string"}, "version": {"type": "integer"},
      "action": {"type": "string", "enum": ["create_version", "add_label", "remove_label", "delete_version"]},
      "label": {"type": ["string", "null"]},
      "actor": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["user", "api_key"]}, "id": {"type": "string"}}},
      "createdAt": {"type": "string", "format": "date-time"}}}},
    "meta": {"type": "object"}
  }
})";

constexpr const char* kVersionsSchema = R"({
  "type": "object", "required": ["name", "data", "meta"],
  "properties": {
    "name": {"type": "string"},
    "data": {"type": "array", "description": "versions as stored (embedded-prompt tags unresolved), newest first",
             "items": {"type": "object"}},
    "meta": {"type": "object"}
  }
})";

using Service = std::shared_ptr<PromptService>;

bj::object PageMeta(int64_t page, int64_t limit, int64_t total) {
  return bj::object{{"page", page}, {"limit", limit}, {"totalItems", total}, {"totalPages", (total + limit - 1) / limit}};
}

// The prompt name from the path, its encoded slashes decoded.
std::string NameParam(const http::Request& request) {
  auto it = request.path_params.find("name");
  return it == request.path_params.end() ? std::string() : it->second;
}

// The key pair's public key, taken from the Basic credentials the
// authenticator already accepted. The secret after ':' is never kept.
Actor ActorFor(const http::Request& request) {
  if (request.principal.is_user()) return Actor{Actor::Kind::kUser, std::to_string(request.principal.user_id)};
  Actor actor{Actor::Kind::kApiKey, "unknown"};
  std::string_view header = request.Header("authorization");
  if (header.size() > 6 && (header.starts_with("Basic ") || header.starts_with("basic "))) {
    if (auto decoded = Base64Decode(header.substr(6))) {
      actor.id = decoded->substr(0, decoded->find(':'));
    }
  }
  return actor;
}

std::string SelectorText(const VersionSelector& selector) {
  if (selector.version) return fmt::format("version {}", *selector.version);
  return fmt::format("label '{}'", selector.label.value_or(kProductionLabel));
}

Result<http::Response> CreateRoute(PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(draft, ParseNewPromptVersion(request.body));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(created, service.Create(project_id, draft, ActorFor(request)));

  TALLY_LOG_INFO("event=prompt_version_created request_id={} project_id={} prompt_id={} version={}",
                 request.request_id, project_id, created.id, created.version);
  return http::Response::Json(PromptVersionJson(created, true), 201);
}

Result<http::Response> GetRoute(PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(selector, ParseVersionSelector(request));
  const std::string name = NameParam(request);
  bool resolve = true;
  if (auto text = request.Query("resolve")) {
    if (*text != "true" && *text != "false") return Error::InvalidField("resolve", "Expected true or false");
    resolve = *text == "true";
  }
  TALLY_ASSIGN_OR_RETURN(body, service.GetJson(request.principal.project_id, name, selector, resolve));
  if (!body) return Error::NotFound(fmt::format("Prompt not found: '{}' with {}", name, SelectorText(selector)));
  return http::Response{200, "application/json", {}, std::move(*body)};
}

Result<http::Response> ListRoute(PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(filter, ParseListFilter(request));
  TALLY_ASSIGN_OR_RETURN(list, service.List(request.principal.project_id, filter));

  bj::array data;
  for (const PromptSummary& summary : list.items) data.push_back(PromptSummaryJson(summary));
  bj::object meta = PageMeta(filter.page, filter.limit, list.total_names);
  // Langfuse sends the page figures twice; older clients read `pagination`.
  return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", meta}, {"pagination", meta}});
}

Result<http::Response> AddLabelsRoute(PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(labels, ParseNewLabels(request.body));
  TALLY_ASSIGN_OR_RETURN(version, request.IdParam("version"));
  const std::string name = NameParam(request);
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(updated, service.AddLabels(project_id, name, version, labels, ActorFor(request)));
  if (!updated) return Error::NotFound(fmt::format("Prompt '{}' version {} not found in project", name, version));

  TALLY_LOG_INFO("event=prompt_labels_added request_id={} project_id={} prompt_id={} version={} count={}",
                 request.request_id, project_id, updated->id, version, labels.size());
  return http::Response::Json(PromptVersionJson(*updated, false));
}

Result<http::Response> DeleteRoute(PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(selector, ParseVersionSelector(request));
  const std::string name = NameParam(request);
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(deleted, service.Delete(project_id, name, selector, ActorFor(request)));
  if (deleted == 0) return Error::NotFound("Prompt not found");

  TALLY_LOG_INFO("event=prompt_versions_deleted request_id={} project_id={} count={}", request.request_id, project_id,
                 deleted);
  return http::Response::NoContent();
}

Result<http::Response> AuditRoute(store::Database& database, PromptService& service, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_TRY(database.Read([&](store::Connection& connection) -> Result<void> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kAnnotator));
    return Ok();
  }));
  auto name = request.Query("name");
  if (!name || name->empty()) return Error::InvalidField("name", "Missing prompt name: add ?name=<prompt name> to the URL");
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request, 50));
  TALLY_ASSIGN_OR_RETURN(audit, service.Audit(project_id, *name, page.first, page.second));

  bj::array data;
  for (const AuditEntry& entry : audit.entries) data.push_back(AuditEntryJson(entry));
  return http::Response::Json(bj::object{{"data", std::move(data)},
                                         {"meta", PageMeta(page.first, page.second, audit.total)}});
}

// Every version of a name with its content, labels and commit message, newest
// first and paged, so a history view needs one request instead of one per
// version. Read in one snapshot, so a concurrent label move shows on one
// version only.
Result<http::Response> VersionsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  auto name = request.Query("name");
  if (!name || name->empty()) return Error::InvalidField("name", "Missing prompt name: add ?name=<prompt name> to the URL");
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request, 50));
  const std::string prompt_name(*name);
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(refs, ListVersionRefs(connection, project_id, prompt_name));
    if (refs.empty()) return Error::NotFound(fmt::format("Prompt not found: '{}'", prompt_name));

    const auto total = static_cast<int64_t>(refs.size());
    const int64_t first = std::min(total, (page.first - 1) * page.second);
    const int64_t last = std::min(total, first + page.second);
    bj::array data;
    for (int64_t index = total - 1 - first; index > total - 1 - last; --index) {
      const VersionSelector selector{.version = refs[index].version};
      TALLY_ASSIGN_OR_RETURN(version, FindPromptVersion(connection, project_id, prompt_name, selector));
      if (version) data.push_back(PromptVersionJson(*version, false));
    }
    return http::Response::Json(bj::object{{"name", prompt_name},
                                           {"data", std::move(data)},
                                           {"meta", PageMeta(page.first, page.second, total)}});
  });
}

}  // namespace

void AddPromptRoutes(http::Router& router, store::Database& database, http::Hub* hub,
                     PromptCacheOptions cache_options) {
  Service service = std::make_shared<PromptService>(database, cache_options);
  if (hub) hub->AddTopicHandler(std::make_shared<DraftCollaboration>(*hub, database, service));
  auto bind = [service](Result<http::Response> (*handler)(PromptService&, const http::Request&)) {
    return [service, handler](http::Request& request) { return handler(*service, request); };
  };

  router.Add({.method = "POST",
              .pattern = "/api/public/v2/prompts",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Create a prompt version (the next version of the name, labelled latest)",
                      .tag = "Prompts",
                      .request_schema = kCreateSchema,
                      .response_schema = kPromptSchema,
                      .success_status = 201},
              .handler = bind(CreateRoute)});
  router.Add({.method = "GET",
              .pattern = "/api/public/v2/prompts",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "List prompt names with their versions, labels and tags",
                      .tag = "Prompts",
                      .response_schema = kListSchema,
                      .query = {"name", "version", "label", "tag", "page", "limit", "fromUpdatedAt", "toUpdatedAt"}},
              .handler = bind(ListRoute)});

  // One segment contains the whole name: SDKs encode its slashes as %2F and the
  // server routes before decoding (Router::FindEncoded).
  const std::string name = "/api/public/v2/prompts/{name}";
  router.Add({.method = "GET",
              .pattern = name,
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Get a prompt version by label (default production) or version",
                      .tag = "Prompts",
                      .response_schema = kPromptSchema,
                      .query = {"version", "label", "resolve"}},
              .handler = bind(GetRoute)});
  router.Add({.method = "DELETE",
              .pattern = name,
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Delete one version (by version or label) or every version of a prompt",
                      .tag = "Prompts",
                      .response_schema = "",
                      .success_status = 204,
                      .query = {"version", "label"}},
              .handler = bind(DeleteRoute)});
  router.Add({.method = "PATCH",
              .pattern = name + "/versions/{version:int}",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Add labels to a prompt version, moving them off other versions",
                      .tag = "Prompts",
                      .request_schema = kLabelsSchema,
                      .response_schema = kPromptSchema},
              .handler = bind(AddLabelsRoute)});

  router.Add({.method = "GET",
              .pattern = "/api/prompts/{project_id:int}/audit",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Who created each version of a prompt and who moved its labels, oldest first",
                      .tag = "Prompts",
                      .response_schema = kAuditSchema,
                      .query = {"name", "page", "limit"}},
              .handler = [&database, service](http::Request& request) {
                return AuditRoute(database, *service, request);
              }});
  router.Add({.method = "GET",
              .pattern = "/api/prompts/{project_id:int}/versions",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Every version of a prompt with its content, labels and commit message, newest first",
                      .tag = "Prompts",
                      .response_schema = kVersionsSchema,
                      .query = {"name", "page", "limit"}},
              .handler = [&database](http::Request& request) { return VersionsRoute(database, request); }});
  AddPromptMetricsRoutes(router, database);
}

}  // namespace tally::prompts
