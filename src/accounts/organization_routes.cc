#include <boost/json.hpp>

#include "accounts/project_access.h"
#include "accounts/routes.h"
#include "accounts/serialize.h"
#include "core/json.h"

namespace tally::accounts {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kOrganizationSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "title":{"type":"string"},"contact_info":{"type":"string"},"created_at":{"type":"string"}}})";

bj::object OrganizationJson(const Organization& organization) {
  return bj::object{{"id", organization.id},
                    {"title", organization.title},
                    {"contact_info", ""},
                    {"created_at", FormatIsoMicros(organization.created_at)}};
}

bj::object MembershipJson(const Membership& membership, const User& user) {
  return bj::object{{"user", UserJson(user)},
                    {"organization", membership.organization_id},
                    {"role", RoleName(membership.role)},
                    {"created_at", FormatIsoMicros(membership.created_at)}};
}

Result<Organization> LoadOrganization(store::Connection& connection, int64_t id) {
  TALLY_ASSIGN_OR_RETURN(organization, FindOrganization(connection, id));
  if (!organization) return Error::NotFound("Not found.");
  return *organization;
}

}  // namespace

void AddOrganizationRoutes(http::Router& router, AccountsContext& context) {
  store::Database& db = context.database;

  router.Add({.method = "GET", .pattern = "/api/organizations", .auth = Auth::kUser,
              .doc = {.summary = "Organizations the caller belongs to", .tag = "Organizations",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(organizations, db.Read([&](store::Connection& c) {
                  return OrganizationsOfUser(c, request.principal.user_id);
                }));
                bj::array items;
                for (const auto& organization : organizations) items.push_back(OrganizationJson(organization));
                return Response::Json(items);
              }});

  router.Add({.method = "GET", .pattern = "/api/organizations/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One organization the caller belongs to", .tag = "Organizations",
                      .response_schema = kOrganizationSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(id, request.IdParam("id"));
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(organization, LoadOrganization(c, id));
                  TALLY_TRY(RequireMembership(c, request.principal, id));
                  return Response::Json(OrganizationJson(organization));
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/organizations/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Rename an organization (owners and admins)", .tag = "Organizations",
                      .request_schema = R"({"type":"object","properties":{"title":{"type":"string"}}})",
                      .response_schema = kOrganizationSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(title, json::OptionalString(body, "title"));
                return db.Write([&](store::Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(organization, LoadOrganization(c, id));
                  TALLY_ASSIGN_OR_RETURN(role, RequireMembership(c, request.principal, id));
                  if (!RoleAtLeast(role, Role::kAdmin)) return Error::Forbidden("Only owners and admins can rename it.");
                  if (title) {
                    TALLY_TRY(RenameOrganization(c, id, *title));
                    organization.title = *title;
                  }
                  return Response::Json(OrganizationJson(organization));
                });
              }});

  router.Add({.method = "GET", .pattern = "/api/organizations/{id:int}/memberships", .auth = Auth::kUser,
              .doc = {.summary = "Members of an organization, page by page", .tag = "Organizations",
                      .response_schema = R"({"type":"object","properties":{"count":{"type":"integer"},
                        "next":{"type":["string","null"]},"previous":{"type":["string","null"]},
                        "results":{"type":"array"}}})",
                      .query = {"page", "page_size"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(page, ParsePageRequest(request));
                return db.Read([&](store::Connection& c) -> Result<Response> {
                  TALLY_TRY(LoadOrganization(c, id));
                  TALLY_TRY(RequireMembership(c, request.principal, id));
                  TALLY_ASSIGN_OR_RETURN(members, ListMembers(c, id, page.offset(), page.page_size));
                  bj::array results;
                  for (const auto& [membership, user] : members.members) results.push_back(MembershipJson(membership, user));
                  TALLY_ASSIGN_OR_RETURN(body, PageJson(request, page, members.total, std::move(results)));
                  return Response::Json(body);
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/organizations/{id:int}/memberships/{user_id:int}",
              .auth = Auth::kUser,
              .doc = {.summary = "Change a member's role (owners and admins)", .tag = "Organizations",
                      .request_schema = R"({"type":"object","required":["role"],"properties":{
                        "role":{"enum":["owner","admin","manager","reviewer","annotator"]}}})",
                      .response_schema = R"({"type":"object"})"},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(user_id, request.IdParam("user_id"));
                TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
                TALLY_ASSIGN_OR_RETURN(role_name, json::RequireString(body, "role"));
                const auto role = ParseRole(role_name);
                if (!role) return Error::InvalidField("role", "Use one of owner, admin, manager, reviewer, annotator.");
                auto response = db.Write([&](store::Connection& c) -> Result<Response> {
                  TALLY_TRY(LoadOrganization(c, id));
                  TALLY_ASSIGN_OR_RETURN(caller_role, RequireMembership(c, request.principal, id));
                  if (!RoleAtLeast(caller_role, Role::kAdmin)) return Error::Forbidden("Only owners and admins can change roles.");
                  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, id, user_id));
                  if (!membership) return Error::NotFound("Not found.");
                  TALLY_TRY(CheckOwnershipChange(c, caller_role, *membership, *role));
                  TALLY_TRY(SetMemberRole(c, id, user_id, *role));
                  membership->role = *role;
                  TALLY_ASSIGN_OR_RETURN(user, FindUserById(c, user_id));
                  return Response::Json(MembershipJson(*membership, *user));
                });
                context.authenticator.Forget();
                return response;
              }});

  router.Add({.method = "DELETE", .pattern = "/api/organizations/{id:int}/memberships/{user_id:int}",
              .auth = Auth::kUser,
              .doc = {.summary = "Remove a member (owners and admins)", .tag = "Organizations", .success_status = 204},
              .handler = [&db, &context](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(user_id, request.IdParam("user_id"));
                TALLY_TRY(db.Write([&](store::Connection& c) -> Result<void> {
                  TALLY_TRY(LoadOrganization(c, id));
                  TALLY_ASSIGN_OR_RETURN(caller_role, RequireMembership(c, request.principal, id));
                  if (!RoleAtLeast(caller_role, Role::kAdmin)) return Error::Forbidden("Only owners and admins can remove members.");
                  if (user_id == request.principal.user_id) {
                    return Error::InvalidField("user_id", "You cannot remove yourself; ask another admin.");
                  }
                  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(c, id, user_id));
                  if (!membership) return Error::NotFound("Not found.");
                  TALLY_TRY(CheckOwnershipChange(c, caller_role, *membership, std::nullopt));
                  return RemoveMember(c, id, user_id);
                }));
                context.authenticator.Forget();
                return Response::NoContent();
              }});
}

}  // namespace tally::accounts
