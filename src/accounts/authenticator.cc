#include "accounts/authenticator.h"

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>

#include "accounts/account_store.h"
#include "accounts/jwt.h"
#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/log.h"

namespace tally::accounts {

using http::Principal;

namespace {

// Bounds the cache: a flood of distinct bad credentials must not grow memory.
constexpr size_t kMaxCacheEntries = 100'000;

bool IsLangfuse(const http::Request& request) { return request.path.starts_with("/api/public"); }

Error InvalidCredentials(const http::Request& request) {
  return Error::Unauthorized(IsLangfuse(request) ? "Invalid credentials. Confirm that you've configured the correct host."
                                                 : "Invalid token.");
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string_view CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const size_t semicolon = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semicolon));
    cookie_header = semicolon == std::string_view::npos ? std::string_view() : cookie_header.substr(semicolon + 1);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) return pair.substr(equals + 1);
  }
  return {};
}

void TokenAuthenticator::Forget() {
  std::unique_lock lock(cache_mutex_);
  cache_.clear();
}

Result<Principal> TokenAuthenticator::ResolveUser(int64_t user_id, bool via_session) {
  return database_.Read([&](store::Connection& connection) -> Result<Principal> {
    TALLY_ASSIGN_OR_RETURN(user, FindUserById(connection, user_id));
    if (!user || !user->is_active) return Error::Unauthorized("User inactive or deleted.");
    Principal principal{.kind = Principal::Kind::kUser, .user_id = user_id, .via_session = via_session};
    // The active organization counts only while the user is still a member
    // there; a removed member falls back to another organization, or none.
    std::optional<Membership> active;
    if (user->active_organization_id) {
      TALLY_ASSIGN_OR_RETURN(found, FindMembership(connection, *user->active_organization_id, user_id));
      active = found;
    }
    if (active) {
      principal.organization_id = active->organization_id;
    } else {
      TALLY_ASSIGN_OR_RETURN(organizations, OrganizationsOfUser(connection, user_id));
      if (!organizations.empty()) principal.organization_id = organizations.front().id;
    }
    return principal;
  });
}

Result<Principal> TokenAuthenticator::Resolve(std::string_view scheme, std::string_view credential) {
  if (scheme == "token") {
    TALLY_ASSIGN_OR_RETURN(user_id, database_.Read([&](store::Connection& connection) {
      return UserIdByLegacyToken(connection, credential);
    }));
    if (!user_id) return Error::Unauthorized("Invalid token.");
    return ResolveUser(*user_id, false);
  }

  if (scheme == "session") {
    TALLY_ASSIGN_OR_RETURN(session, database_.Read([&](store::Connection& connection) {
      return FindBrowserSession(connection, credential);
    }));
    if (!session) return Principal{};  // an expired cookie is no credential at all
    return ResolveUser(session->user_id, true);
  }

  if (scheme == "jwt") {
    const int64_t now_seconds = NowMicros() / 1'000'000;
    TALLY_ASSIGN_OR_RETURN(claims, VerifyJwt(credential, jwt_key_, now_seconds));
    const auto* type = claims.if_contains("token_type");
    if (!type || !type->is_string() || type->as_string() != "access") {
      return Error::Unauthorized("Token is not an access token; exchange it at POST /api/token/refresh.");
    }
    const auto* user_id = claims.if_contains("user_id");
    if (!user_id || !user_id->is_int64()) return Error::Unauthorized("Token is invalid or expired");
    return ResolveUser(user_id->as_int64(), false);
  }

  if (scheme == "public_key") {
    TALLY_ASSIGN_OR_RETURN(key, database_.Read([&](store::Connection& connection) -> Result<std::optional<std::pair<ApiKey, int64_t>>> {
      TALLY_ASSIGN_OR_RETURN(found, FindApiKeyByPublicKey(connection, credential));
      if (!found) return std::optional<std::pair<ApiKey, int64_t>>();
      TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT organization_id FROM projects WHERE id = ?",
                                                      {found->project_id}));
      return std::optional<std::pair<ApiKey, int64_t>>(std::make_pair(*found, row ? row->Int(0) : 0));
    }));
    if (!key) return Error::Unauthorized("Invalid credentials. Confirm that you've configured the correct host.");
    return Principal{.kind = Principal::Kind::kPublicKey,
                     .organization_id = key->second,
                     .project_id = key->first.project_id};
  }

  // scheme == "basic": credential is "pk-lf-…:sk-lf-…"
  const size_t colon = credential.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == credential.size()) {
    return Error::Unauthorized("Invalid authorization header: expected Basic base64(publicKey:secretKey)");
  }
  const std::string_view public_key = credential.substr(0, colon);
  const std::string_view secret_key = credential.substr(colon + 1);
  TALLY_ASSIGN_OR_RETURN(key, database_.Read([&](store::Connection& connection) -> Result<std::optional<std::pair<ApiKey, int64_t>>> {
    TALLY_ASSIGN_OR_RETURN(found, FindApiKeyBySecret(connection, secret_key));
    if (!found) return std::optional<std::pair<ApiKey, int64_t>>();
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT organization_id FROM projects WHERE id = ?",
                                                    {found->project_id}));
    return std::optional<std::pair<ApiKey, int64_t>>(std::make_pair(*found, row ? row->Int(0) : 0));
  }));
  // Stricter than Langfuse, which accepts a mismatched public key with a
  // warning: here the pair must belong together.
  if (!key || !ConstantTimeEquals(key->first.public_key, public_key)) {
    return Error::Unauthorized("Invalid credentials. Confirm that you've configured the correct host.");
  }
  return Principal{.kind = Principal::Kind::kProjectKey,
                   .organization_id = key->second,
                   .project_id = key->first.project_id};
}

Result<Principal> TokenAuthenticator::Authenticate(const http::Request& request) {
  std::string scheme;
  std::string credential;

  const std::string_view api_key = Trim(request.Header("x-api-key"));
  const std::string_view authorization = Trim(request.Header("authorization"));
  if (!api_key.empty()) {
    scheme = "token";
    credential = api_key;
  } else if (!authorization.empty()) {
    const size_t space = authorization.find(' ');
    const std::string_view kind = authorization.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view() : Trim(authorization.substr(space + 1));
    if (value.empty()) return InvalidCredentials(request);
    if (EqualsIgnoreCase(kind, "Token")) {
      scheme = "token";
      credential = value;
    } else if (EqualsIgnoreCase(kind, "Bearer")) {
      scheme = value.starts_with("pk-lf-") ? "public_key" : "jwt";
      credential = value;
    } else if (EqualsIgnoreCase(kind, "Basic")) {
      auto decoded = Base64Decode(value);
      if (!decoded) return Error::Unauthorized("Invalid authorization header: the Basic credentials are not base64");
      scheme = "basic";
      credential = std::move(*decoded);
    } else {
      return Error::Unauthorized("Unsupported authorization scheme; use Token, Bearer or Basic");
    }
  } else {
    const std::string_view session = CookieValue(request.Header("cookie"), kSessionCookie);
    if (session.empty()) return Principal{};
    scheme = "session";
    credential = session;
  }

  // Every credential Tally issues is printable ASCII; anything else cannot
  // match and must not reach the database as text.
  const bool printable = std::all_of(credential.begin(), credential.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!printable) {
    if (scheme == "session") return Principal{};
    return InvalidCredentials(request);
  }

  const std::string cache_key = Sha256Hex(scheme + ":" + credential);
  const auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end() && it->second.expires > now) return it->second.principal;
  }

  auto resolved = Resolve(scheme, credential);
  if (!resolved) {
    if (resolved.error().code == Errc::kUnauthorized && IsLangfuse(request) && scheme == "token") {
      return InvalidCredentials(request);
    }
    return resolved;
  }
  // Access tokens expire in minutes; never cache one past a short window.
  const auto ttl = scheme == "jwt" ? std::min(cache_ttl_, std::chrono::seconds(5)) : cache_ttl_;
  if (resolved->kind != Principal::Kind::kAnonymous) {
    std::unique_lock lock(cache_mutex_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_[cache_key] = CacheEntry{*resolved, now + ttl};
  }
  return resolved;
}

Result<void> TokenAuthenticator::CheckCsrf(const http::Request& request) {
  const std::string_view session_cookie = CookieValue(request.Header("cookie"), kSessionCookie);
  const std::string_view sent = Trim(request.Header("x-csrftoken"));
  const Error failed = Error::Forbidden("CSRF Failed: send the csrf_token from login in the X-CSRFToken header.");
  if (session_cookie.empty() || sent.empty()) return failed;

  TALLY_ASSIGN_OR_RETURN(session, database_.Read([&](store::Connection& connection) {
    return FindBrowserSession(connection, session_cookie);
  }));
  if (!session || !ConstantTimeEquals(session->csrf_token, sent)) return failed;
  return Ok();
}

Result<http::Principal> TokenAuthenticator::ScopeToProject(const http::Principal& user, std::string_view project_id,
                                                           bool write) {
  const std::string_view digits = Trim(project_id);
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error::InvalidField("X-Tally-Project", "Send the numeric id of a project you are a member of");
  }
  const int64_t id = std::stoll(std::string(digits));
  http::Principal scoped = user;
  TALLY_TRY(database_.Read([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(project, AuthorizeProject(connection, user, id, write ? Role::kManager : Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(role, RequireMembership(connection, user, project.organization_id));
    scoped.project_id = project.id;
    scoped.organization_id = project.organization_id;
    scoped.project_manager = RoleAtLeast(role, Role::kManager);
    return Ok();
  }));
  return scoped;
}

}  // namespace tally::accounts
