#include "accounts/project_access.h"

namespace tally::accounts {

Result<std::optional<ProjectRef>> FindProjectRef(Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT id, organization_id, title FROM projects WHERE id = ?",
                                                  {project_id}));
  if (!row) return std::optional<ProjectRef>();
  return std::optional<ProjectRef>(ProjectRef{row->Int(0), row->Int(1), row->Text(2)});
}

Result<std::optional<ProjectRef>> FindProjectByTitle(Connection& connection, int64_t organization_id,
                                                     const std::string& title) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT id, organization_id, title FROM projects WHERE organization_id = ? AND title = ?"
                                  " ORDER BY id LIMIT 1",
                                  {organization_id, title}));
  if (!row) return std::optional<ProjectRef>();
  return std::optional<ProjectRef>(ProjectRef{row->Int(0), row->Int(1), row->Text(2)});
}

Result<ProjectRef> CreateProjectRecord(Connection& connection, int64_t organization_id, std::string title,
                                       std::optional<int64_t> created_by) {
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO projects (organization_id, title, created_by, created_at, updated_at)"
                                  " VALUES (?, ?, ?, ?, ?) RETURNING id",
                                  {organization_id, title, store::OrNull(created_by), now, now}));
  return ProjectRef{row->Int(0), organization_id, std::move(title)};
}

Result<Role> RequireMembership(Connection& connection, const http::Principal& principal, int64_t organization_id) {
  if (!principal.is_user()) return Error::Forbidden("You do not have permission to perform this action.");
  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(connection, organization_id, principal.user_id));
  if (!membership) return Error::Forbidden("You are not a member of this organization.");
  return membership->role;
}

Result<ProjectRef> AuthorizeProject(Connection& connection, const http::Principal& principal, int64_t project_id,
                                    Role minimum) {
  TALLY_ASSIGN_OR_RETURN(project, FindProjectRef(connection, project_id));
  if (!project) return Error::NotFound("Not found.");

  if (principal.kind == http::Principal::Kind::kProjectKey) {
    if (principal.project_id != project_id) return Error::NotFound("Not found.");
    return *project;
  }
  if (!principal.is_user()) return Error::NotFound("Not found.");

  TALLY_ASSIGN_OR_RETURN(membership, FindMembership(connection, project->organization_id, principal.user_id));
  if (!membership) return Error::NotFound("Not found.");
  if (!RoleAtLeast(membership->role, minimum)) {
    return Error::Forbidden("Your role in this organization does not allow this action.");
  }
  return *project;
}

http::Hub::TopicCheck ProjectTopicCheck(store::Database& database) {
  return [&database](const http::Principal& principal, std::string_view topic) -> Result<void> {
    // "project:" then digits then ":" and a stream name.
    std::string_view rest = topic.substr(std::string_view("project:").size());
    const size_t colon = rest.find(':');
    const std::string_view digits = rest.substr(0, colon);
    if (digits.empty() || colon == std::string_view::npos || colon + 1 == rest.size() ||
        digits.find_first_not_of("0123456789") != std::string_view::npos || digits.size() > 18) {
      return Error::InvalidField("topic", "Use project:<id>:<stream>, e.g. project:12:traces");
    }
    const int64_t project_id = std::stoll(std::string(digits));
    return database.Read([&](Connection& connection) -> Result<void> {
      TALLY_TRY(AuthorizeProject(connection, principal, project_id, Role::kAnnotator));
      return Ok();
    });
  };
}

}  // namespace tally::accounts
