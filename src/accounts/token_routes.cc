#include <boost/json.hpp>

#include "accounts/account_store.h"
#include "accounts/jwt.h"
#include "accounts/routes.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"

namespace tally::accounts {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

bj::object PatJson(const PersonalAccessToken& token, const std::string& value) {
  return bj::object{{"token", value},
                    {"created_at", FormatIsoMicros(token.created_at)},
                    {"expires_at", token.expires_at ? bj::value(FormatIsoMicros(*token.expires_at)) : bj::value(nullptr)}};
}

// Signs a new personal access token for `user_id` and records its hash.
Result<std::pair<PersonalAccessToken, std::string>> IssuePat(store::Connection& connection, const std::string& key,
                                                             int64_t user_id, std::optional<int64_t> ttl_days) {
  const int64_t now_seconds = NowMicros() / 1'000'000;
  bj::object claims{{"token_type", "refresh"}, {"user_id", user_id}, {"jti", RandomHex(16)}, {"iat", now_seconds}};
  std::optional<Micros> expires_at;
  if (ttl_days) {
    claims["exp"] = now_seconds + *ttl_days * 86400;
    expires_at = (now_seconds + *ttl_days * 86400) * 1'000'000;
  }
  const std::string token = SignJwt(claims, key);
  TALLY_ASSIGN_OR_RETURN(record, InsertPersonalAccessToken(connection, user_id, token, expires_at));
  return std::make_pair(record, token);
}

Result<std::string> RefreshField(const Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  return json::RequireString(body, "refresh");
}

}  // namespace

void AddTokenRoutes(http::Router& router, AccountsContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/current-user/token", .auth = Auth::kUser,
              .doc = {.summary = "Masked form of the caller's legacy token (tokens are shown only once, on reset)",
                      .tag = "Tokens",
                      .response_schema = R"({"type":"object","properties":{"token":{"type":"null"},
                        "token_hint":{"type":["string","null"]}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(hint, db.Read([&](store::Connection& c) {
                  return LegacyTokenHint(c, request.principal.user_id);
                }));
                return Response::Json(bj::object{{"token", nullptr},
                                                  {"token_hint", hint ? bj::value(*hint) : bj::value(nullptr)}});
              }});

  router.Add({.method = "POST", .pattern = "/api/current-user/reset-token", .auth = Auth::kUser,
              .doc = {.summary = "Replace the caller's legacy token and return the new one once", .tag = "Tokens",
                      .response_schema = R"({"type":"object","properties":{"token":{"type":"string"}}})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(token, db.Write([&](store::Connection& c) {
                  return ResetLegacyToken(c, request.principal.user_id);
                }));
                context.authenticator.Forget();
                TALLY_LOG_INFO("event=legacy_token_reset user_id={}", request.principal.user_id);
                return Response::Json(bj::object{{"token", token}});
              }});

  router.Add({.method = "GET", .pattern = "/api/token", .auth = Auth::kUser,
              .doc = {.summary = "The caller's personal access tokens, masked", .tag = "Tokens",
                      .response_schema = R"({"type":"array","items":{"type":"object","properties":{
                        "token":{"type":"string"},"created_at":{"type":"string"},"expires_at":{"type":["string","null"]}}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(tokens, db.Read([&](store::Connection& c) {
                  return ListPersonalAccessTokens(c, request.principal.user_id);
                }));
                bj::array items;
                for (const auto& token : tokens) items.push_back(PatJson(token, token.token_hint));
                return Response::Json(items);
              }});

  router.Add({.method = "POST", .pattern = "/api/token", .auth = Auth::kUser,
              .doc = {.summary = "Create a personal access token; its value is shown only in this answer",
                      .tag = "Tokens",
                      .request_schema = R"({"type":"object","properties":{"ttl_days":{"type":"integer","minimum":1}}})",
                      .response_schema = R"({"type":"object","properties":{"token":{"type":"string"},
                        "created_at":{"type":"string"},"expires_at":{"type":["string","null"]}}})",
                      .success_status = 201},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                std::optional<int64_t> ttl_days;
                if (!request.body.empty()) {
                  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                  TALLY_ASSIGN_OR_RETURN(ttl, json::OptionalInt(body, "ttl_days"));
                  if (ttl && (*ttl < 1 || *ttl > 36500)) {
                    return Error::InvalidField("ttl_days", "must be between 1 and 36500 days, or absent for no expiry");
                  }
                  ttl_days = ttl;
                }
                TALLY_ASSIGN_OR_RETURN(issued, db.Write([&](store::Connection& c) {
                  return IssuePat(c, context.authenticator.jwt_key(), request.principal.user_id, ttl_days);
                }));
                TALLY_LOG_INFO("event=personal_access_token_created user_id={} token_id={}", request.principal.user_id,
                               issued.first.id);
                return Response::Json(PatJson(issued.first, issued.second), 201);
              }});

  router.Add({.method = "POST", .pattern = "/api/token/refresh", .auth = Auth::kNone,
              .doc = {.summary = "Exchange a personal access token for an access token (Bearer, minutes long)",
                      .tag = "Tokens",
                      .request_schema = R"({"type":"object","required":["refresh"],"properties":{"refresh":{"type":"string"}}})",
                      .response_schema = R"({"type":"object","properties":{"access":{"type":"string"}}})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(refresh, RefreshField(request));
                const int64_t now_seconds = NowMicros() / 1'000'000;
                TALLY_ASSIGN_OR_RETURN(claims, VerifyJwt(refresh, context.authenticator.jwt_key(), now_seconds));
                const auto* type = claims.if_contains("token_type");
                if (!type || !type->is_string() || type->as_string() != "refresh") {
                  return Error::Unauthorized("Token is invalid or expired");
                }
                TALLY_ASSIGN_OR_RETURN(record, db.Read([&](store::Connection& c) {
                  return FindLivePersonalAccessToken(c, refresh);
                }));
                if (!record) return Error::Unauthorized("Token is blacklisted, expired or unknown");

                const int64_t lifetime =
                    std::chrono::duration_cast<std::chrono::seconds>(context.access_token_lifetime).count();
                bj::object access{{"token_type", "access"}, {"user_id", record->user_id}, {"jti", RandomHex(16)},
                                  {"iat", now_seconds}, {"exp", now_seconds + lifetime}};
                return Response::Json(bj::object{{"access", SignJwt(access, context.authenticator.jwt_key())}});
              }});

  router.Add({.method = "POST", .pattern = "/api/token/blacklist", .auth = Auth::kUser,
              .doc = {.summary = "Revoke one of the caller's personal access tokens", .tag = "Tokens",
                      .request_schema = R"({"type":"object","required":["refresh"],"properties":{"refresh":{"type":"string"}}})",
                      .response_schema = R"({"type":"object"})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(refresh, RefreshField(request));
                TALLY_TRY(db.Write([&](store::Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(record, FindLivePersonalAccessToken(c, refresh));
                  if (!record || record->user_id != request.principal.user_id) {
                    return Error::NotFound("Token is invalid or already revoked.");
                  }
                  return RevokePersonalAccessToken(c, refresh);
                }));
                context.authenticator.Forget();
                return Response::Json(bj::object{});
              }});

  router.Add({.method = "POST", .pattern = "/api/token/rotate", .auth = Auth::kUser,
              .doc = {.summary = "Revoke a personal access token and issue its replacement", .tag = "Tokens",
                      .request_schema = R"({"type":"object","required":["refresh"],"properties":{"refresh":{"type":"string"}}})",
                      .response_schema = R"({"type":"object","properties":{"refresh":{"type":"string"}}})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(refresh, RefreshField(request));
                TALLY_ASSIGN_OR_RETURN(issued, db.Write([&](store::Connection& c) -> Result<std::string> {
                  TALLY_ASSIGN_OR_RETURN(record, FindLivePersonalAccessToken(c, refresh));
                  if (!record || record->user_id != request.principal.user_id) {
                    return Error::NotFound("Token is invalid or already revoked.");
                  }
                  TALLY_TRY(RevokePersonalAccessToken(c, refresh));
                  std::optional<int64_t> ttl_days;
                  if (record->expires_at) {
                    ttl_days = std::max<int64_t>(1, (*record->expires_at - record->created_at) / (86400LL * 1'000'000));
                  }
                  TALLY_ASSIGN_OR_RETURN(fresh, IssuePat(c, context.authenticator.jwt_key(), record->user_id, ttl_days));
                  return fresh.second;
                }));
                context.authenticator.Forget();
                return Response::Json(bj::object{{"refresh", issued}});
              }});
}

}  // namespace tally::accounts
