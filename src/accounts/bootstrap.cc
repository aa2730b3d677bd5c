#include "accounts/bootstrap.h"

#include <cstdlib>
#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/log.h"

namespace tally::accounts {

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

Result<User> RequireUserByEmail(store::Connection& connection, const std::string& email) {
  TALLY_ASSIGN_OR_RETURN(user, FindUserByEmail(connection, email));
  if (!user) return Error::NotFound(fmt::format("No user with email {}; create it with `tally user create`", email));
  return *user;
}

}  // namespace

InitSettings InitSettingsFromEnvironment() {
  InitSettings settings;
  settings.user_email = Env("TALLY_INIT_USER_EMAIL");
  settings.user_password = Env("TALLY_INIT_USER_PASSWORD");
  settings.user_token = Env("TALLY_INIT_USER_TOKEN");
  settings.project_name = Env("TALLY_INIT_PROJECT_NAME");
  settings.project_public_key = Env("TALLY_INIT_PROJECT_PUBLIC_KEY");
  settings.project_secret_key = Env("TALLY_INIT_PROJECT_SECRET_KEY");
  return settings;
}

namespace {

// Records that one TALLY_INIT_* step ran, in the server_secrets key-value
// table. Returns true the first time for `name`: each step applies once, so
// a token reset or a key pair deleted later is not brought back by the
// variables on the next start.
Result<bool> ClaimInitStep(store::Connection& connection, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(inserted, connection.Execute(
                                       "INSERT INTO server_secrets (name, value, created_at) VALUES (?, 'applied', ?)"
                                       " ON CONFLICT (name) DO NOTHING",
                                       {"init:" + name, NowMicros()}));
  return inserted == 1;
}

// Prefixes an error's message with the variable it came from.
// Prefixes the variable's name. A validation error's field messages replace
// its generic "Validation error" summary, which adds nothing here.
Error ForVariable(const char* variable, Error error) {
  std::string message = std::string(variable) + ":";
  if (error.fields.empty()) message += " " + error.message;
  for (const auto& field : error.fields) message += " " + field.message;
  error.message = std::move(message);
  error.fields.clear();
  return error;
}

}  // namespace

Result<void> ApplyInitSettings(store::Database& database, const InitSettings& settings) {
  if (settings.user_email.empty()) {
    if (!settings.project_name.empty() || !settings.project_public_key.empty()) {
      return Error::Invalid("TALLY_INIT_PROJECT_* needs TALLY_INIT_USER_EMAIL: a project belongs to a user's organization");
    }
    return Ok();
  }
  if (settings.project_public_key.empty() != settings.project_secret_key.empty()) {
    return Error::Invalid("Set both TALLY_INIT_PROJECT_PUBLIC_KEY and TALLY_INIT_PROJECT_SECRET_KEY, or neither");
  }
  if (!settings.project_public_key.empty() && settings.project_name.empty()) {
    return Error::Invalid("TALLY_INIT_PROJECT_PUBLIC_KEY needs TALLY_INIT_PROJECT_NAME to name its project");
  }
  if (!settings.user_password.empty() && settings.user_password.size() < 8) {
    return Error::Invalid("TALLY_INIT_USER_PASSWORD: use at least 8 characters");
  }

  // Hash before the write transaction: argon2id is slow on purpose.
  const std::string password_hash = settings.user_password.empty() ? "" : HashPassword(settings.user_password);

  std::vector<std::string> events;  // logged after the commit, never for a rolled-back start
  TALLY_TRY(database.Write([&](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(existing, FindUserByEmail(c, settings.user_email));
    TALLY_ASSIGN_OR_RETURN(first_start, ClaimInitStep(c, "user:" + Sha256Hex(settings.user_email)));

    User user;
    if (existing) {
      user = *existing;
    } else if (first_start) {
      auto created = CreateUser(c, NewUser{.email = settings.user_email, .password_hash = password_hash});
      if (!created) return ForVariable("TALLY_INIT_USER_EMAIL", created.error());
      user = *created;
      TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, settings.organization_title, user.id));
      TALLY_TRY(AddMember(c, organization.id, user.id, Role::kOwner));
      TALLY_TRY(SetActiveOrganization(c, user.id, organization.id));
      events.push_back(fmt::format("event=init_user_created user_id={} organization_id={}", user.id, organization.id));
    } else {
      // The user was created by an earlier start and deleted since: respect that.
      return Ok();
    }
    if (first_start && !user.has_password && !password_hash.empty()) TALLY_TRY(SetPasswordHash(c, user.id, password_hash));

    TALLY_ASSIGN_OR_RETURN(organizations, OrganizationsOfUser(c, user.id));
    if (organizations.empty()) return Ok();  // removed from every organization since: nothing to attach to
    int64_t organization_id = organizations.front().id;
    for (const auto& organization : organizations) {
      if (user.active_organization_id == organization.id) organization_id = organization.id;
    }

    if (!settings.user_token.empty()) {
      TALLY_ASSIGN_OR_RETURN(owner, UserIdByLegacyToken(c, settings.user_token));
      if (owner && *owner != user.id) return Error::Conflict("TALLY_INIT_USER_TOKEN already belongs to another user");
      TALLY_ASSIGN_OR_RETURN(apply, ClaimInitStep(c, "user_token:" + Sha256Hex(settings.user_token)));
      if (apply && !owner) {
        auto set = SetLegacyToken(c, user.id, settings.user_token);
        if (!set) return ForVariable("TALLY_INIT_USER_TOKEN", set.error());
      }
    }

    if (settings.project_name.empty()) return Ok();
    TALLY_ASSIGN_OR_RETURN(project, FindProjectByTitle(c, organization_id, settings.project_name));
    TALLY_ASSIGN_OR_RETURN(create_project, ClaimInitStep(c, fmt::format("project:{}:{}", organization_id,
                                                                        Sha256Hex(settings.project_name))));
    if (!project && create_project) {
      TALLY_ASSIGN_OR_RETURN(created, CreateProjectRecord(c, organization_id, settings.project_name, user.id));
      project = created;
      events.push_back(fmt::format("event=init_project_created project_id={} organization_id={}", created.id,
                                   organization_id));
    }
    if (!project || settings.project_public_key.empty()) return Ok();

    TALLY_ASSIGN_OR_RETURN(key, FindApiKeyByPublicKey(c, settings.project_public_key));
    TALLY_ASSIGN_OR_RETURN(create_key, ClaimInitStep(c, "api_key:" + settings.project_public_key));
    if (key && key->project_id != project->id) {
      return Error::Conflict("TALLY_INIT_PROJECT_PUBLIC_KEY already belongs to another project");
    }
    if (!create_key) return Ok();  // applied before; a later deletion stands
    if (key) {
      TALLY_ASSIGN_OR_RETURN(by_secret, FindApiKeyBySecret(c, settings.project_secret_key));
      if (!by_secret || by_secret->id != key->id) {
        return Error::Conflict("TALLY_INIT_PROJECT_PUBLIC_KEY exists with another secret key; delete the pair first");
      }
      return Ok();
    }
    auto created = CreateApiKey(c, project->id, settings.project_public_key, settings.project_secret_key,
                                std::string("created from TALLY_INIT_PROJECT_PUBLIC_KEY"));
    if (!created) return ForVariable("TALLY_INIT_PROJECT_SECRET_KEY", created.error());
    events.push_back(fmt::format("event=init_api_key_created project_id={}", project->id));
    return Ok();
  }));

  for (const auto& event : events) TALLY_LOG_INFO("{}", event);
  return Ok();
}

Result<User> CreateUserWithPassword(store::Database& database, const std::string& email, const std::string& password,
                                    std::optional<Role> role, std::optional<int64_t> organization_id) {
  if (password.size() < 8) return Error::InvalidField("password", "Use at least 8 characters.");
  const std::string hash = HashPassword(password);
  return database.Write([&](store::Connection& c) -> Result<User> {
    TALLY_ASSIGN_OR_RETURN(user, CreateUser(c, NewUser{.email = email, .password_hash = hash}));
    int64_t target = 0;
    Role granted = role.value_or(Role::kAnnotator);
    if (organization_id) {
      TALLY_ASSIGN_OR_RETURN(organization, FindOrganization(c, *organization_id));
      if (!organization) return Error::NotFound(fmt::format("No organization with id {}", *organization_id));
      target = *organization_id;
    } else {
      TALLY_ASSIGN_OR_RETURN(oldest, c.QueryOne("SELECT id FROM organizations ORDER BY id LIMIT 1"));
      if (oldest) {
        target = oldest->Int(0);
      } else {
        TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, "Tally", user.id));
        target = organization.id;
        granted = role.value_or(Role::kOwner);
      }
    }
    TALLY_TRY(AddMember(c, target, user.id, granted));
    TALLY_TRY(SetActiveOrganization(c, user.id, target));
    user.active_organization_id = target;
    return user;
  });
}

Result<void> SetUserPassword(store::Database& database, const std::string& email, const std::string& password) {
  if (password.size() < 8) return Error::InvalidField("password", "Use at least 8 characters.");
  const std::string hash = HashPassword(password);
  return database.Write([&](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(user, RequireUserByEmail(c, email));
    TALLY_TRY(SetPasswordHash(c, user.id, hash));
    // A new password ends every browser session of the user.
    TALLY_TRY(c.Execute("DELETE FROM browser_sessions WHERE user_id = ?", {user.id}));
    return Ok();
  });
}

Result<std::string> CreateLegacyTokenFor(store::Database& database, const std::string& email) {
  return database.Write([&](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(user, RequireUserByEmail(c, email));
    return ResetLegacyToken(c, user.id);
  });
}

}  // namespace tally::accounts
