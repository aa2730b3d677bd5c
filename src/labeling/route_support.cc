#include "labeling/route_support.h"

#include <fmt/format.h>

#include <charconv>

#include "accounts/project_access.h"
#include "core/json.h"
#include "labeling/config/validator.h"

namespace tally::labeling {

namespace bj = boost::json;

Result<Project> AuthorizedProject(Connection& connection, const http::Principal& principal, int64_t project_id,
                                  Role minimum) {
  TALLY_TRY(accounts::AuthorizeProject(connection, principal, project_id, minimum));
  TALLY_ASSIGN_OR_RETURN(project, FindProject(connection, project_id));
  if (!project) return Error::NotFound("Not found.");
  return std::move(*project);
}

Result<TaskAndProject> AuthorizedTask(Connection& connection, const http::Principal& principal, int64_t task_id,
                                      Role minimum) {
  TALLY_ASSIGN_OR_RETURN(task, FindTask(connection, task_id));
  if (!task) return Error::NotFound("Not found.");
  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(connection, principal, task->project_id, minimum));
  return TaskAndProject{std::move(*task), std::move(project)};
}

Result<Role> CallerRole(Connection& connection, const http::Principal& principal, const Project& project) {
  return accounts::RequireMembership(connection, principal, project.organization_id);
}

Result<LabelConfig> ProjectLabelConfig(const Project& project) {
  auto config = LoadLabelConfig(project.label_config);
  if (!config) {
    // The detail is logged, so it names the project only: the config's own
    // text and messages are user content.
    return Error::Internal(fmt::format("stored label config of project {} no longer validates", project.id));
  }
  return std::move(*config);
}

Result<bj::value> UserBriefJson(Connection& connection, std::optional<int64_t> user_id) {
  if (!user_id) return bj::value(nullptr);
  TALLY_ASSIGN_OR_RETURN(user, accounts::FindUserById(connection, *user_id));
  if (!user) return bj::value(nullptr);
  return bj::value(bj::object{{"id", user->id},
                              {"first_name", user->first_name},
                              {"last_name", user->last_name},
                              {"email", user->email},
                              {"avatar", nullptr}});
}

Result<bj::value> ParseJsonBody(const http::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return bj::value(bj::object());
  return json::ParseBody(request.body);
}

Result<bj::object> ParseJsonObjectBody(const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(value, ParseJsonBody(request));
  if (!value.is_object()) return Error::Invalid("Request body must be a JSON object");
  return std::move(value.as_object());
}

namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<std::optional<int64_t>> QueryInt(const http::Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  auto value = ParseInt(*text);
  if (!value) return Error::InvalidField(std::string(name), "A valid integer is required.");
  return value;
}

bool QueryFlag(const http::Request& request, std::string_view name, bool fallback) {
  auto text = request.Query(name);
  if (!text) return fallback;
  std::string lower;
  for (char ch : *text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return fallback;
}

Result<std::vector<int64_t>> QueryIds(const http::Request& request, std::string_view name) {
  std::vector<int64_t> ids;
  std::vector<std::string> values = request.QueryAll(name);
  for (const std::string& value : request.QueryAll(std::string(name) + "[]")) values.push_back(value);
  for (const std::string& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      std::string_view part(value.data() + start, end - start);
      if (!part.empty()) {
        auto id = ParseInt(part);
        if (!id) return Error::InvalidField(std::string(name), "Must be a comma-separated list of integer ids.");
        ids.push_back(*id);
      }
      start = end + 1;
    }
  }
  return ids;
}

Result<bj::value> RequireResultList(const bj::value* value, const std::string& field, bool allow_null) {
  if (!value || value->is_null()) {
    if (allow_null) return bj::value(nullptr);
    return Error::InvalidField(field, "This field may not be null.");
  }
  if (!value->is_array()) return Error::InvalidField(field, "Expected a list of result items.");
  return *value;
}

Result<boost::json::object> QueryJsonObject(const http::Request& request, std::string_view name) {
  const std::optional<std::string> text = request.Query(name);
  if (!text || text->empty()) return boost::json::object();
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*text, ec);
  if (ec || !parsed.is_object()) {
    return Error::InvalidField(std::string(name), "Must be a URL-encoded JSON object such as {\"filters\": …}.");
  }
  return std::move(parsed.as_object());
}

}  // namespace tally::labeling
