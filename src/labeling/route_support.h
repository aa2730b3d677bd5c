// Helpers the labeling route files share: access checks that load the
// labeling objects they guard, the project's parsed label config, and
// request parsing. Internal to src/labeling.
//
// Thread-safety: the functions are reentrant; those taking a Connection run
// inside the caller's transaction.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "accounts/account_store.h"
#include "http/message.h"
#include "labeling/annotation_store.h"
#include "labeling/config/model.h"
#include "labeling/project_store.h"
#include "labeling/task_store.h"

namespace tally::labeling {

using accounts::Role;

// Role needed to read a project's data and to annotate it.
inline constexpr Role kReadRole = Role::kAnnotator;
// Role needed to configure a project, import into it and delete its data.
inline constexpr Role kManageRole = Role::kManager;

// The project when the caller has at least `minimum` in its organization.
// not_found for a missing project or one in an organization the caller is
// not a member of; forbidden when the role is too low.
[[nodiscard]] Result<Project> AuthorizedProject(Connection& connection, const http::Principal& principal,
                                                int64_t project_id, Role minimum);

struct TaskAndProject {
  Task task;
  Project project;
};

// The task and its project, authorized as AuthorizedProject. not_found when
// the task does not exist.
[[nodiscard]] Result<TaskAndProject> AuthorizedTask(Connection& connection, const http::Principal& principal,
                                                    int64_t task_id, Role minimum);

// The caller's role in the project's organization (for checks that depend on
// ownership, such as editing another user's annotation).
[[nodiscard]] Result<Role> CallerRole(Connection& connection, const http::Principal& principal,
                                      const Project& project);

// The project's stored config, parsed. A stored config was validated on save,
// so a failure here is internal.
[[nodiscard]] Result<LabelConfig> ProjectLabelConfig(const Project& project);

// {"id","first_name","last_name","email","avatar"} of a user, or null.
[[nodiscard]] Result<boost::json::value> UserBriefJson(Connection& connection, std::optional<int64_t> user_id);

// The request body as a JSON value; an empty body is an empty object.
[[nodiscard]] Result<boost::json::value> ParseJsonBody(const http::Request& request);
// The request body as a JSON object; an empty body is an empty object.
[[nodiscard]] Result<boost::json::object> ParseJsonObjectBody(const http::Request& request);

// An optional integer query parameter; invalid_argument naming it when it is
// not an integer.
[[nodiscard]] Result<std::optional<int64_t>> QueryInt(const http::Request& request, std::string_view name);

// A query parameter holding a JSON object (the data manager's ?query=); an
// empty object when absent, invalid_argument naming it when it is not a
// JSON object.
[[nodiscard]] Result<boost::json::object> QueryJsonObject(const http::Request& request, std::string_view name);

// A boolean query parameter as Label Studio reads them ("true", "1", "yes").
bool QueryFlag(const http::Request& request, std::string_view name, bool fallback = false);

// Ids from a comma list and/or repeated parameters (ids=1,2&ids=3, ids[]=4).
[[nodiscard]] Result<std::vector<int64_t>> QueryIds(const http::Request& request, std::string_view name);

// Reads a result value from a request: a list, or null when `allow_null`.
// invalid_argument under `field` otherwise.
[[nodiscard]] Result<boost::json::value> RequireResultList(const boost::json::value* value, const std::string& field,
                                                           bool allow_null);

}  // namespace tally::labeling
