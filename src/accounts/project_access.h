// Projects as the accounts layer sees them: which organization owns a
// project, and whether a caller may act on it. The labeling and tracing
// subsystems keep their own project fields; this is the shared core every
// access check goes through.
#pragma once

#include <optional>
#include <string>

#include "accounts/account_store.h"
#include "http/hub.h"
#include "http/message.h"
#include "store/database.h"

namespace tally::accounts {

struct ProjectRef {
  int64_t id = 0;
  int64_t organization_id = 0;
  std::string title;
};

// nullopt when there is no such project.
[[nodiscard]] Result<std::optional<ProjectRef>> FindProjectRef(Connection& connection, int64_t project_id);
[[nodiscard]] Result<std::optional<ProjectRef>> FindProjectByTitle(Connection& connection, int64_t organization_id,
                                                                   const std::string& title);
// Inserts the project row with its shared columns only.
[[nodiscard]] Result<ProjectRef> CreateProjectRecord(Connection& connection, int64_t organization_id,
                                                     std::string title, std::optional<int64_t> created_by);

// Returns the project when `principal` may act on it with at least `minimum`
// role. A user must be an active member of the project's organization; a key
// pair must belong to the project. kNotFound when the project does not exist
// or the caller cannot see it (so ids of other organizations leak nothing),
// kForbidden when the caller sees it but has too low a role.
[[nodiscard]] Result<ProjectRef> AuthorizeProject(Connection& connection, const http::Principal& principal,
                                                  int64_t project_id, Role minimum);

// Returns the caller's role in `organization_id`: kForbidden when the user is
// not an active member.
[[nodiscard]] Result<Role> RequireMembership(Connection& connection, const http::Principal& principal,
                                             int64_t organization_id);

// The check for live-event topics "project:<id>:<stream>": the subscriber
// must be able to read project <id> (any role, or that project's key pair).
http::Hub::TopicCheck ProjectTopicCheck(store::Database& database);

}  // namespace tally::accounts
