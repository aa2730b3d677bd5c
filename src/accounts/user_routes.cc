#include <boost/json.hpp>

#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <unordered_map>

#include "accounts/project_access.h"
#include "accounts/routes.h"
#include "accounts/serialize.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"

namespace tally::accounts {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kUserSchema = R"({"type":"object","properties":{
  "id":{"type":"integer"},"first_name":{"type":"string"},"last_name":{"type":"string"},
  "username":{"type":"string"},"email":{"type":"string"},"last_activity":{"type":"string","format":"date-time"},
  "avatar":{"type":["string","null"]},"initials":{"type":"string"},"phone":{"type":"string"},
  "active_organization":{"type":["integer","null"]},"allow_newsletters":{"type":"boolean"},
  "date_joined":{"type":"string","format":"date-time"}}})";

Result<User> LoadUser(store::Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(user, FindUserById(connection, user_id));
  if (!user) return Error::NotFound("Not found.");
  return *user;
}

Result<UserPatch> ParseUserPatch(const bj::object& body) {
  UserPatch patch;
  TALLY_ASSIGN_OR_RETURN(first_name, json::OptionalString(body, "first_name"));
  TALLY_ASSIGN_OR_RETURN(last_name, json::OptionalString(body, "last_name"));
  TALLY_ASSIGN_OR_RETURN(username, json::OptionalString(body, "username"));
  TALLY_ASSIGN_OR_RETURN(phone, json::OptionalString(body, "phone"));
  TALLY_ASSIGN_OR_RETURN(newsletters, json::OptionalBool(body, "allow_newsletters"));
  TALLY_ASSIGN_OR_RETURN(organization, json::OptionalInt(body, "active_organization"));
  if (username && username->empty()) return Error::InvalidField("username", "This field may not be blank.");
  patch.first_name = first_name;
  patch.last_name = last_name;
  patch.username = username;
  patch.phone = phone;
  patch.allow_newsletters = newsletters;
  patch.active_organization = organization;
  return patch;
}

// A password must resist guessing; the rule matches common guidance (NIST
// SP 800-63B asks for at least 8 characters and no composition rules).
Result<void> CheckPassword(const std::string& password) {
  if (password.size() < 8) return Error::InvalidField("password", "Use at least 8 characters.");
  if (password.size() > 1024) return Error::InvalidField("password", "Use at most 1024 characters.");
  return Ok();
}

// Guards the password check, which costs about 50 ms and 64 MiB (argon2id):
// failed logins per client address are capped, and at most two checks run
// at once so a login flood cannot starve other requests of CPU and memory.
class LoginGuard {
 public:
  static constexpr int kMaxFailures = 10;
  static constexpr auto kWindow = std::chrono::minutes(5);

  // kRateLimited when `address` failed too often in the window.
  Result<void> CheckAllowed(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(address);
    if (it == failures_.end()) return Ok();
    if (std::chrono::steady_clock::now() - it->second.first > kWindow) {
      failures_.erase(it);
      return Ok();
    }
    if (it->second.second >= kMaxFailures) {
      return Error::RateLimited("Too many failed logins from this address; wait a few minutes and retry.");
    }
    return Ok();
  }

  void RecordFailure(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (failures_.size() > 100'000) failures_.clear();  // bound memory under a spray of addresses
    auto& [since, count] = failures_[address];
    if (count == 0) since = std::chrono::steady_clock::now();
    ++count;
  }

  void RecordSuccess(const std::string& address) {
    std::lock_guard lock(mutex_);
    failures_.erase(address);
  }

  // Runs `check` when fewer than two checks are running; waits up to 5 s.
  Result<bool> Verify(const std::function<bool()>& check) {
    std::unique_lock lock(mutex_);
    if (!slot_free_.wait_for(lock, std::chrono::seconds(5), [this] { return running_ < 2; })) {
      return Error::Unavailable("The server is busy checking passwords; retry in a moment");
    }
    ++running_;
    lock.unlock();
    const bool ok = check();
    lock.lock();
    --running_;
    slot_free_.notify_one();
    return ok;
  }

 private:
  std::mutex mutex_;
  std::condition_variable slot_free_;
  int running_ = 0;
  std::unordered_map<std::string, std::pair<std::chrono::steady_clock::time_point, int>> failures_;
};

// Verifies against a fixed hash when the user is unknown, so a login takes
// the same time whether or not the email exists.
bool VerifyOrBurn(const std::string& password, const std::string& hash) {
  static const std::string dummy = HashPassword(RandomHex(16));
  if (hash.empty()) {
    (void)VerifyPassword(password, dummy);
    return false;
  }
  return VerifyPassword(password, hash);
}

std::string SessionCookie(const AccountsContext& context, const std::string& name, const std::string& value,
                          int64_t max_age_seconds, bool http_only) {
  return fmt::format("{}={}; Path=/; Max-Age={}; SameSite=Lax{}{}", name, value, max_age_seconds,
                     http_only ? "; HttpOnly" : "", context.secure_cookies ? "; Secure" : "");
}

}  // namespace

void AddUserRoutes(http::Router& router, AccountsContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/current-user", .auth = Auth::kUser,
              .doc = {.summary = "The calling user", .tag = "Users", .response_schema = kUserSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(user, db.Read([&](store::Connection& c) {
                  return LoadUser(c, request.principal.user_id);
                }));
                return Response::Json(UserJson(user));
              }});

  router.Add({.method = "PATCH", .pattern = "/api/current-user", .auth = Auth::kUser,
              .doc = {.summary = "Update the calling user's profile or active organization", .tag = "Users",
                      .request_schema = R"({"type":"object","properties":{"first_name":{"type":"string"},
                        "last_name":{"type":"string"},"username":{"type":"string"},"phone":{"type":"string"},
                        "allow_newsletters":{"type":"boolean"},"active_organization":{"type":"integer"}}})",
                      .response_schema = kUserSchema},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(patch, ParseUserPatch(body));
                TALLY_ASSIGN_OR_RETURN(user, db.Write([&](store::Connection& c) -> Result<User> {
                  if (patch.active_organization) {
                    TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, *patch.active_organization,
                                                                      request.principal.user_id));
                    if (!membership) {
                      return Error::InvalidField("active_organization", "You are not a member of this organization.");
                    }
                  }
                  return UpdateUser(c, request.principal.user_id, patch);
                }));
                if (patch.active_organization) context.authenticator.Forget();
                return Response::Json(UserJson(user));
              }});

  router.Add({.method = "GET", .pattern = "/api/current-user/whoami", .auth = Auth::kUser,
              .doc = {.summary = "The calling user with their organization memberships", .tag = "Users",
                      .response_schema = kUserSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(user, LoadUser(c, request.principal.user_id));
                  TALLY_ASSIGN_OR_RETURN(organizations, OrganizationsOfUser(c, user.id));
                  bj::object body = UserJson(user);
                  bj::array memberships;
                  for (const Organization& organization : organizations) {
                    TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, organization.id, user.id));
                    memberships.push_back(bj::object{
                        {"organization_id", organization.id},
                        {"role", membership ? std::string(RoleName(membership->role)) : std::string("annotator")}});
                  }
                  body["active_organization"] = request.principal.organization_id;
                  body["org_membership"] = std::move(memberships);
                  return Response::Json(body);
                });
              }});

  router.Add({.method = "GET", .pattern = "/api/users", .auth = Auth::kUser,
              .doc = {.summary = "Users of the active organization", .tag = "Users",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_TRY(RequireMembership(c, request.principal, request.principal.organization_id));
                  TALLY_ASSIGN_OR_RETURN(page, ListMembers(c, request.principal.organization_id, 0, 100000));
                  bj::array users;
                  for (const auto& [membership, user] : page.members) users.push_back(UserJson(user));
                  return Response::Json(users);
                });
              }});

  router.Add({.method = "POST", .pattern = "/api/users", .auth = Auth::kUser,
              .doc = {.summary = "Create a user in the active organization (owners and admins)", .tag = "Users",
                      .request_schema = R"({"type":"object","required":["email"],"properties":{
                        "email":{"type":"string"},"username":{"type":"string"},"first_name":{"type":"string"},
                        "last_name":{"type":"string"},"password":{"type":"string"},
                        "role":{"enum":["owner","admin","manager","reviewer","annotator"]}}})",
                      .response_schema = kUserSchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(email, json::RequireString(body, "email"));
                TALLY_ASSIGN_OR_RETURN(password, json::OptionalString(body, "password"));
                TALLY_ASSIGN_OR_RETURN(role_name, json::OptionalString(body, "role"));
                const auto role = ParseRole(role_name.value_or("annotator"));
                if (!role) {
                  return Error::InvalidField("role", "Use one of owner, admin, manager, reviewer, annotator.");
                }
                if (password) TALLY_TRY(CheckPassword(*password));

                NewUser fields;
                fields.email = email;
                TALLY_ASSIGN_OR_RETURN(username, json::OptionalString(body, "username"));
                TALLY_ASSIGN_OR_RETURN(first_name, json::OptionalString(body, "first_name"));
                TALLY_ASSIGN_OR_RETURN(last_name, json::OptionalString(body, "last_name"));
                fields.username = username.value_or("");
                fields.first_name = first_name.value_or("");
                fields.last_name = last_name.value_or("");
                // Hash outside the write transaction: argon2id takes tens of
                // milliseconds and SQLite has one writer.
                if (password) fields.password_hash = HashPassword(*password);

                const int64_t organization_id = request.principal.organization_id;
                TALLY_ASSIGN_OR_RETURN(user, db.Write([&](store::Connection& c) -> Result<User> {
                  TALLY_ASSIGN_OR_RETURN(caller_role, RequireMembership(c, request.principal, organization_id));
                  if (!RoleAtLeast(caller_role, Role::kAdmin)) {
                    return Error::Forbidden("Only owners and admins can add users.");
                  }
                  if (*role == Role::kOwner && caller_role != Role::kOwner) {
                    return Error::Forbidden("Only owners can add owners.");
                  }
                  TALLY_ASSIGN_OR_RETURN(created, CreateUser(c, fields));
                  TALLY_TRY(AddMember(c, organization_id, created.id, *role));
                  TALLY_TRY(SetActiveOrganization(c, created.id, organization_id));
                  created.active_organization_id = organization_id;
                  return created;
                }));
                TALLY_LOG_INFO("event=user_created user_id={} organization_id={} by_user_id={}", user.id,
                               organization_id, request.principal.user_id);
                return Response::Json(UserJson(user), 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/users/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One user of the active organization", .tag = "Users", .response_schema = kUserSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(user_id, request.IdParam("id"));
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_TRY(RequireMembership(c, request.principal, request.principal.organization_id));
                  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, request.principal.organization_id, user_id));
                  if (!membership) return Error::NotFound("Not found.");
                  TALLY_ASSIGN_OR_RETURN(user, LoadUser(c, user_id));
                  return Response::Json(UserJson(user));
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/users/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Update a user's profile (the user or an admin), or role (admins)", .tag = "Users",
                      .request_schema = R"({"type":"object","properties":{"first_name":{"type":"string"},
                        "last_name":{"type":"string"},"username":{"type":"string"},"phone":{"type":"string"},
                        "role":{"enum":["owner","admin","manager","reviewer","annotator"]}}})",
                      .response_schema = kUserSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(user_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(patch, ParseUserPatch(body));
                patch.active_organization.reset();
                TALLY_ASSIGN_OR_RETURN(role_name, json::OptionalString(body, "role"));
                std::optional<Role> role;
                if (role_name) {
                  role = ParseRole(*role_name);
                  if (!role) return Error::InvalidField("role", "Use one of owner, admin, manager, reviewer, annotator.");
                }
                const int64_t organization_id = request.principal.organization_id;
                TALLY_ASSIGN_OR_RETURN(user, db.Write([&](store::Connection& c) -> Result<User> {
                  TALLY_ASSIGN_OR_RETURN(caller_role, RequireMembership(c, request.principal, organization_id));
                  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, organization_id, user_id));
                  if (!membership) return Error::NotFound("Not found.");
                  const bool is_self = user_id == request.principal.user_id;
                  if (!is_self && !RoleAtLeast(caller_role, Role::kAdmin)) {
                    return Error::Forbidden("Only the user or an admin can change this profile.");
                  }
                  if (!is_self && membership->role == Role::kOwner && caller_role != Role::kOwner) {
                    return Error::Forbidden("Only owners can change an owner's profile.");
                  }
                  if (role) {
                    if (!RoleAtLeast(caller_role, Role::kAdmin)) return Error::Forbidden("Only admins can change roles.");
                    TALLY_TRY(CheckOwnershipChange(c, caller_role, *membership, *role));
                    TALLY_TRY(SetMemberRole(c, organization_id, user_id, *role));
                  }
                  return UpdateUser(c, user_id, patch);
                }));
                return Response::Json(UserJson(user));
              }});

  router.Add({.method = "DELETE", .pattern = "/api/users/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Remove a user from the active organization (admins)", .tag = "Users",
                      .success_status = 204},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(user_id, request.IdParam("id"));
                const int64_t organization_id = request.principal.organization_id;
                TALLY_TRY(db.Write([&](store::Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(caller_role, RequireMembership(c, request.principal, organization_id));
                  if (!RoleAtLeast(caller_role, Role::kAdmin)) return Error::Forbidden("Only admins can remove users.");
                  if (user_id == request.principal.user_id) {
                    return Error::InvalidField("id", "You cannot remove yourself; ask another admin.");
                  }
                  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, organization_id, user_id));
                  if (!membership) return Error::NotFound("Not found.");
                  TALLY_TRY(CheckOwnershipChange(c, caller_role, *membership, std::nullopt));
                  return RemoveMember(c, organization_id, user_id);
                }));
                context.authenticator.Forget();
                return Response::NoContent();
              }});

  router.Add({.method = "POST", .pattern = "/api/auth/login", .auth = Auth::kNone,
              .doc = {.summary = "Log in with email and password; sets the session cookie", .tag = "Auth",
                      .request_schema = R"({"type":"object","required":["email","password"],"properties":{
                        "email":{"type":"string"},"password":{"type":"string"}}})",
                      .response_schema = R"({"type":"object","properties":{"user":{"type":"object"},
                        "csrf_token":{"type":"string"}}})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                static LoginGuard guard;
                TALLY_TRY(guard.CheckAllowed(request.remote_address));
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(email, json::RequireString(body, "email"));
                TALLY_ASSIGN_OR_RETURN(password, json::RequireString(body, "password"));

                TALLY_ASSIGN_OR_RETURN(found, db.Read([&](store::Connection& c) -> Result<std::pair<std::optional<User>, std::string>> {
                  TALLY_ASSIGN_OR_RETURN(user, FindUserByEmail(c, email));
                  if (!user || !user->is_active) return std::make_pair(std::optional<User>(), std::string());
                  TALLY_ASSIGN_OR_RETURN(hash, PasswordHashOf(c, user->id));
                  return std::make_pair(user, hash);
                }));
                TALLY_ASSIGN_OR_RETURN(verified, guard.Verify([&] { return VerifyOrBurn(password, found.second); }));
                if (!verified || !found.first) {
                  guard.RecordFailure(request.remote_address);
                  TALLY_LOG_WARN("event=login_failed remote={}", request.remote_address);
                  return Error::Unauthorized("Invalid email or password.");
                }
                guard.RecordSuccess(request.remote_address);

                const User& user = *found.first;
                const auto lifetime = std::chrono::duration_cast<std::chrono::microseconds>(context.session_lifetime);
                TALLY_ASSIGN_OR_RETURN(session, db.Write([&](store::Connection& c) -> Result<BrowserSession> {
                  TALLY_TRY(c.Execute("UPDATE users SET last_activity = ? WHERE id = ?", {NowMicros(), user.id}));
                  return CreateBrowserSession(c, user.id, lifetime.count());
                }));
                TALLY_LOG_INFO("event=login user_id={}", user.id);

                const int64_t max_age = std::chrono::duration_cast<std::chrono::seconds>(context.session_lifetime).count();
                Response response = Response::Json(bj::object{{"user", UserJson(user)}, {"csrf_token", session.csrf_token}});
                response.WithHeader("Set-Cookie", SessionCookie(context, kSessionCookie, session.cookie_value, max_age, true));
                response.WithHeader("Set-Cookie", SessionCookie(context, kCsrfCookie, session.csrf_token, max_age, false));
                return response;
              }});

  router.Add({.method = "POST", .pattern = "/api/auth/logout", .auth = Auth::kNone,
              .doc = {.summary = "End the browser session and clear its cookies", .tag = "Auth", .success_status = 204},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                const std::string_view cookie = CookieValue(request.Header("cookie"), kSessionCookie);
                if (!cookie.empty()) {
                  TALLY_TRY(db.Write([&](store::Connection& c) { return DeleteBrowserSession(c, cookie); }));
                  context.authenticator.Forget();
                }
                Response response = Response::NoContent();
                response.WithHeader("Set-Cookie", SessionCookie(context, kSessionCookie, "", 0, true));
                response.WithHeader("Set-Cookie", SessionCookie(context, kCsrfCookie, "", 0, false));
                return response;
              }});
}

}  // namespace tally::accounts
