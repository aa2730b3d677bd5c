// Webhooks: CRUD in Label Studio's shape, the action catalogue, a test send
// and the delivery log.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "accounts/project_access.h"
#include "accounts/serialize.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "integrations/routes.h"
#include "integrations/webhooks/events.h"
#include "integrations/webhooks/webhook_store.h"
#include "labeling/route_support.h"

namespace tally::integrations {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;
using store::Connection;
using webhooks::Webhook;
using webhooks::WebhookDelivery;

namespace {

constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMaxHeaders = 10;
// Receivers commonly refuse header lines past 8 KiB.
constexpr size_t kMaxHeaderValueBytes = 4096;

constexpr const char* kWebhookSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "organization":{"type":"integer"},"project":{"type":["integer","null"]},"url":{"type":"string"},
  "send_payload":{"type":"boolean"},"send_for_all_actions":{"type":"boolean"},
  "headers":{"type":"object","additionalProperties":{"type":"string"}},"is_active":{"type":"boolean"},
  "actions":{"type":"array","items":{"type":"string"}},"created_at":{"type":"string"},"updated_at":{"type":"string"},
  "secret":{"type":"string","description":"HMAC-SHA256 signing secret; returned only on create and rotate-secret"}}})";

constexpr const char* kWebhookWriteSchema = R"({"type":"object","required":["url"],"properties":{
  "url":{"type":"string","maxLength":2048},"project":{"type":["integer","null"]},"send_payload":{"type":"boolean"},
  "send_for_all_actions":{"type":"boolean"},"headers":{"type":"object","additionalProperties":{"type":"string"}},
  "is_active":{"type":"boolean"},"actions":{"type":"array","items":{"type":"string"}}}})";

constexpr const char* kDeliverySchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "webhook":{"type":"integer"},"delivery_id":{"type":"string"},"action":{"type":"string"},
  "attempt":{"type":"integer"},"status_code":{"type":["integer","null"]},"latency_ms":{"type":["number","null"]},
  "error":{"type":["string","null"]},"job_id":{"type":["integer","null"]},"is_test":{"type":"boolean"},
  "created_at":{"type":"string"}}})";

bj::object WebhookJson(const Webhook& webhook) {
  bj::object headers;
  for (const auto& [name, value] : webhook.headers) headers[name] = value;
  bj::array actions;
  for (const auto& action : webhook.actions) actions.push_back(bj::string(action));
  bj::object out;
  out["id"] = webhook.id;
  out["organization"] = webhook.organization_id;
  out["project"] = webhook.project_id ? bj::value(*webhook.project_id) : bj::value(nullptr);
  out["url"] = webhook.url;
  out["send_payload"] = webhook.send_payload;
  out["send_for_all_actions"] = webhook.send_for_all_actions;
  out["headers"] = std::move(headers);
  out["is_active"] = webhook.is_active;
  out["actions"] = std::move(actions);
  out["created_at"] = FormatIsoMicros(webhook.created_at);
  out["updated_at"] = FormatIsoMicros(webhook.updated_at);
  return out;
}

bj::object DeliveryJson(const WebhookDelivery& delivery) {
  bj::object out;
  out["id"] = delivery.id;
  out["webhook"] = delivery.webhook_id;
  out["delivery_id"] = delivery.delivery_id;
  out["action"] = delivery.action;
  out["attempt"] = delivery.attempt;
  out["status_code"] = delivery.status_code ? bj::value(*delivery.status_code) : bj::value(nullptr);
  out["latency_ms"] = delivery.latency_ms ? bj::value(std::round(*delivery.latency_ms * 10) / 10) : bj::value(nullptr);
  out["error"] = delivery.error ? bj::value(*delivery.error) : bj::value(nullptr);
  out["job_id"] = delivery.job_id ? bj::value(*delivery.job_id) : bj::value(nullptr);
  out["is_test"] = delivery.is_test;
  out["created_at"] = FormatIsoMicros(delivery.created_at);
  return out;
}

// Managers and up of the webhook's organization; a project webhook also
// needs the project to be visible to the caller.
Result<void> AuthorizeScope(Connection& c, const http::Principal& principal, int64_t organization_id,
                            std::optional<int64_t> project_id) {
  if (project_id) {
    TALLY_ASSIGN_OR_RETURN(project, labeling::AuthorizedProject(c, principal, *project_id, labeling::kManageRole));
    if (project.organization_id != organization_id) return Error::NotFound("Not found.");
    return Ok();
  }
  TALLY_ASSIGN_OR_RETURN(role, accounts::RequireMembership(c, principal, organization_id));
  if (!accounts::RoleAtLeast(role, labeling::kManageRole)) {
    return Error::Forbidden("Only managers and above may manage webhooks.");
  }
  return Ok();
}

// The webhook when the caller may manage it; "Not found." for other
// organizations so their ids stay hidden.
Result<Webhook> AuthorizedWebhook(Connection& c, const http::Principal& principal, int64_t webhook_id) {
  TALLY_ASSIGN_OR_RETURN(webhook, webhooks::FindWebhook(c, webhook_id));
  if (!webhook || webhook->organization_id != principal.organization_id) return Error::NotFound("Not found.");
  TALLY_TRY(AuthorizeScope(c, principal, webhook->organization_id, webhook->project_id));
  return std::move(*webhook);
}

Result<std::map<std::string, std::string>> ParseHeaders(const bj::value& value) {
  if (!value.is_object()) return Error::InvalidField("headers", "Must be an object of header names to string values.");
  const bj::object& object = value.as_object();
  if (object.size() > kMaxHeaders) {
    return Error::InvalidField("headers", fmt::format("At most {} headers are allowed.", kMaxHeaders));
  }
  static const std::regex kName("^[a-zA-Z0-9-_]+$");
  std::map<std::string, std::string> headers;
  for (const auto& [name, header_value] : object) {
    const std::string key(name);
    if (!std::regex_match(key, kName)) {
      return Error::InvalidField("headers", fmt::format("Header name \"{}\" may contain only letters, digits, - and _.",
                                                        key.substr(0, 64)));
    }
    if (!header_value.is_string()) {
      return Error::InvalidField("headers." + key, "Must be a string.");
    }
    // Headers the delivery itself sets, or that would change how the body
    // is framed, stay the sender's.
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::set<std::string> kReserved = {"host", "content-length", "transfer-encoding", "connection",
                                                    "x-tally-signature"};
    if (kReserved.contains(lower)) {
      return Error::InvalidField("headers." + key, "Is set by Tally for every delivery and cannot be overridden.");
    }
    const std::string text(header_value.as_string());
    if (text.size() > kMaxHeaderValueBytes) {
      return Error::InvalidField("headers." + key,
                                 fmt::format("Must be at most {} bytes long.", kMaxHeaderValueBytes));
    }
    const bool control = std::any_of(text.begin(), text.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return (byte < 0x20 && byte != '\t') || byte == 0x7f;
    });
    if (control) return Error::InvalidField("headers." + key, "Must not contain line breaks or control characters.");
    headers[key] = text;
  }
  return headers;
}

Result<std::vector<std::string>> ParseActions(const bj::value& value) {
  if (!value.is_array()) return Error::InvalidField("actions", "Must be a list of action names.");
  std::vector<std::string> actions;
  for (size_t i = 0; i < value.as_array().size(); ++i) {
    const bj::value& item = value.as_array()[i];
    if (!item.is_string() || !webhooks::FindAction(item.as_string())) {
      return Error::InvalidField(fmt::format("actions.{}", i),
                                 "Unknown action; GET /api/webhooks/info lists the valid names.");
    }
    const std::string action(item.as_string());
    if (std::find(actions.begin(), actions.end(), action) == actions.end()) actions.push_back(action);
  }
  return actions;
}

// Applies the body's fields to `webhook`. With `require_url` (create, PUT)
// the url must be present.
Result<void> ApplyFields(const IntegrationsContext& context, const bj::object& body, bool require_url,
                         Webhook& webhook) {
  if (const bj::value* url = body.if_contains("url")) {
    if (!url->is_string() || url->as_string().empty()) return Error::InvalidField("url", "Must be a non-empty URL.");
    if (url->as_string().size() > kMaxUrlLength) {
      return Error::InvalidField("url", fmt::format("Must be at most {} characters.", kMaxUrlLength));
    }
    const std::string text(url->as_string());
    if (auto checked = context.client.CheckUrl(text); !checked) {
      return Error::InvalidField("url", checked.error().message);
    }
    webhook.url = text;
  } else if (require_url) {
    return Error::InvalidField("url", "This field is required.");
  }

  if (const bj::value* project = body.if_contains("project")) {
    if (project->is_null()) {
      webhook.project_id.reset();
    } else if (project->is_int64()) {
      webhook.project_id = project->as_int64();
    } else {
      return Error::InvalidField("project", "Must be a project id or null.");
    }
  }
  for (auto [key, field] : {std::pair{"send_payload", &webhook.send_payload},
                            std::pair{"send_for_all_actions", &webhook.send_for_all_actions},
                            std::pair{"is_active", &webhook.is_active}}) {
    TALLY_ASSIGN_OR_RETURN(flag, json::OptionalBool(body, key));
    if (flag) *field = *flag;
  }
  if (const bj::value* headers = body.if_contains("headers")) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseHeaders(*headers));
    webhook.headers = std::move(parsed);
  }
  if (const bj::value* actions = body.if_contains("actions")) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseActions(*actions));
    webhook.actions = std::move(parsed);
  }

  if (webhook.project_id) {
    for (const std::string& action : webhook.actions) {
      if (webhooks::FindAction(action)->organization_only) {
        return Error::InvalidField("actions", fmt::format("{} is sent only to organization webhooks (project: null).",
                                                          action));
      }
    }
  }
  return Ok();
}

// A new random signing secret, prefixed so people recognize it in their
// receiver's configuration.
std::string NewSecret() { return "whsec_" + RandomHex(24); }

Result<int64_t> RequireUserOrganization(const Request& request) {
  if (request.principal.organization_id == 0) return Error::Forbidden("No active organization.");
  return request.principal.organization_id;
}

}  // namespace

void AddWebhookRoutes(http::Router& router, const IntegrationsContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/webhooks/info", .auth = Auth::kUser,
              .doc = {.summary = "Webhook actions: name, description and whether only organization webhooks get it",
                      .tag = "Webhooks", .response_schema = R"({"type":"object"})"},
              .handler = [](Request& request) -> Result<Response> {
                bj::object catalogue;
                for (const auto& action : webhooks::Actions()) {
                  bj::object entry{{"name", action.name}, {"description", action.description}, {"key", action.key}};
                  if (action.organization_only) entry["organization-only"] = true;
                  catalogue[action.key] = std::move(entry);
                }
                return Response::Json(catalogue);
              }});

  router.Add({.method = "GET", .pattern = "/api/webhooks", .auth = Auth::kUser,
              .doc = {.summary = "Webhooks of the active organization; ?project= keeps one project's",
                      .tag = "Webhooks",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})",
                      .query = {"project"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(organization_id, RequireUserOrganization(request));
                TALLY_ASSIGN_OR_RETURN(project_id, labeling::QueryInt(request, "project"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizeScope(c, request.principal, organization_id, project_id));
                  TALLY_ASSIGN_OR_RETURN(listed, webhooks::ListWebhooks(c, organization_id, project_id));
                  bj::array items;
                  for (const Webhook& webhook : listed) items.push_back(WebhookJson(webhook));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/webhooks", .auth = Auth::kUser,
              .doc = {.summary = "Create a webhook; the response carries its signing secret, shown only once",
                      .tag = "Webhooks", .request_schema = kWebhookWriteSchema, .response_schema = kWebhookSchema,
                      .success_status = 201},
              .handler = [&db, context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(organization_id, RequireUserOrganization(request));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                Webhook webhook;
                webhook.organization_id = organization_id;
                webhook.created_by = request.principal.user_id;
                TALLY_TRY(ApplyFields(context, body, /*require_url=*/true, webhook));
                const std::string secret = NewSecret();
                TALLY_ASSIGN_OR_RETURN(sealed, context.secret_box.Seal(secret));
                webhook.secret_sealed = std::move(sealed);

                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Webhook> {
                  TALLY_TRY(AuthorizeScope(c, request.principal, organization_id, webhook.project_id));
                  return webhooks::InsertWebhook(c, webhook);
                }));
                TALLY_LOG_INFO("event=webhook_created webhook_id={} organization_id={} project_id={} by_user_id={}",
                               stored.id, organization_id, stored.project_id.value_or(0), request.principal.user_id);
                bj::object out = WebhookJson(stored);
                out["secret"] = secret;
                return Response::Json(out, 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/webhooks/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One webhook (without its secret)", .tag = "Webhooks",
                      .response_schema = kWebhookSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(webhook, AuthorizedWebhook(c, request.principal, webhook_id));
                  return Response::Json(WebhookJson(webhook));
                });
              }});

  for (const char* method : {"PUT", "PATCH"}) {
    const bool replace = std::string_view(method) == "PUT";
    router.Add({.method = method, .pattern = "/api/webhooks/{id:int}", .auth = Auth::kUser,
                .doc = {.summary = replace ? "Replace a webhook's settings (url required)"
                                           : "Change some of a webhook's settings",
                        .tag = "Webhooks", .request_schema = kWebhookWriteSchema, .response_schema = kWebhookSchema},
                .handler = [&db, context, replace](Request& request) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                  TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                  TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Webhook> {
                    TALLY_ASSIGN_OR_RETURN(webhook, AuthorizedWebhook(c, request.principal, webhook_id));
                    TALLY_TRY(ApplyFields(context, body, /*require_url=*/replace, webhook));
                    TALLY_TRY(AuthorizeScope(c, request.principal, webhook.organization_id, webhook.project_id));
                    return webhooks::UpdateWebhook(c, std::move(webhook));
                  }));
                  TALLY_LOG_INFO("event=webhook_updated webhook_id={} by_user_id={}", webhook_id,
                                 request.principal.user_id);
                  return Response::Json(WebhookJson(stored));
                }});
  }

  router.Add({.method = "DELETE", .pattern = "/api/webhooks/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete a webhook and its delivery log; queued deliveries are dropped",
                      .tag = "Webhooks", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedWebhook(c, request.principal, webhook_id));
                  return webhooks::DeleteWebhook(c, webhook_id);
                }));
                TALLY_LOG_INFO("event=webhook_deleted webhook_id={} by_user_id={}", webhook_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});

  router.Add({.method = "POST", .pattern = "/api/webhooks/{id:int}/rotate-secret", .auth = Auth::kUser,
              .doc = {.summary = "Replace a webhook's signing secret; the response carries the new one, shown once",
                      .tag = "Webhooks", .response_schema = kWebhookSchema},
              .handler = [&db, context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                const std::string secret = NewSecret();
                TALLY_ASSIGN_OR_RETURN(sealed, context.secret_box.Seal(secret));
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Webhook> {
                  TALLY_ASSIGN_OR_RETURN(webhook, AuthorizedWebhook(c, request.principal, webhook_id));
                  webhook.secret_sealed = sealed;
                  return webhooks::UpdateWebhook(c, std::move(webhook));
                }));
                TALLY_LOG_INFO("event=webhook_secret_rotated webhook_id={} by_user_id={}", webhook_id,
                               request.principal.user_id);
                bj::object out = WebhookJson(stored);
                out["secret"] = secret;
                return Response::Json(out);
              }});

  router.Add({.method = "POST", .pattern = "/api/webhooks/{id:int}/test", .auth = Auth::kUser,
              .doc = {.summary = "Send a signed WEBHOOK_TEST event now, once, and return the logged attempt",
                      .tag = "Webhooks", .response_schema = kDeliverySchema},
              .handler = [&db, context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(webhook, db.Read([&](Connection& c) {
                  return AuthorizedWebhook(c, request.principal, webhook_id);
                }));
                bj::object body{{"action", "WEBHOOK_TEST"},
                                {"webhook", bj::object{{"id", webhook.id}}},
                                {"project", webhook.project_id ? bj::value(bj::object{{"id", *webhook.project_id}})
                                                               : bj::value(nullptr)}};
                TALLY_ASSIGN_OR_RETURN(delivery, context.webhook_sender.Attempt(
                                                     webhook, {.delivery_id = NewUuidV7(),
                                                               .action = "WEBHOOK_TEST",
                                                               .body = json::Serialize(body),
                                                               .attempt = 1,
                                                               .is_test = true}));
                return Response::Json(DeliveryJson(delivery));
              }});

  router.Add({.method = "GET", .pattern = "/api/webhooks/{id:int}/deliveries", .auth = Auth::kUser,
              .doc = {.summary = "Delivery attempts of a webhook, newest first: status, latency, attempt, error",
                      .tag = "Webhooks",
                      .response_schema = R"({"type":"object","properties":{"count":{"type":"integer"},
                        "next":{"type":["string","null"]},"previous":{"type":["string","null"]},
                        "results":{"type":"array","items":{"type":"object"}}}})",
                      .query = {"page", "page_size"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(webhook_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(page, accounts::ParsePageRequest(request, 30, 100));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(AuthorizedWebhook(c, request.principal, webhook_id));
                  TALLY_ASSIGN_OR_RETURN(count, webhooks::CountDeliveries(c, webhook_id));
                  TALLY_ASSIGN_OR_RETURN(listed,
                                         webhooks::ListDeliveries(c, webhook_id, page.page_size, page.offset()));
                  bj::array results;
                  for (const WebhookDelivery& delivery : listed) results.push_back(DeliveryJson(delivery));
                  TALLY_ASSIGN_OR_RETURN(body, accounts::PageJson(request, page, count, std::move(results)));
                  return Response::Json(body);
                });
              }});
}

}  // namespace tally::integrations
