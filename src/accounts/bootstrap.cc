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

  // Hash before the write transaction: argon2id is slow on purpose.
  const std::string password_hash = settings.user_password.empty() ? "" : HashPassword(settings.user_password);

  return database.Write([&](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(existing, FindUserByEmail(c, settings.user_email));
    User user;
    int64_t organization_id = 0;
    if (existing) {
      user = *existing;
      TALLY_ASSIGN_OR_RETURN(organizations, OrganizationsOfUser(c, user.id));
      if (organizations.empty()) {
        TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, settings.organization_title, user.id));
        TALLY_TRY(AddMember(c, organization.id, user.id, Role::kOwner));
        organizations.push_back(organization);
      }
      organization_id = user.active_organization_id.value_or(organizations.front().id);
      // An existing password stays: the variable only seeds the first start.
      if (!user.has_password && !password_hash.empty()) TALLY_TRY(SetPasswordHash(c, user.id, password_hash));
    } else {
      TALLY_ASSIGN_OR_RETURN(created, CreateUser(c, NewUser{.email = settings.user_email, .password_hash = password_hash}));
      user = created;
      TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, settings.organization_title, user.id));
      TALLY_TRY(AddMember(c, organization.id, user.id, Role::kOwner));
      organization_id = organization.id;
      TALLY_LOG_INFO("event=init_user_created user_id={} organization_id={}", user.id, organization_id);
    }
    TALLY_TRY(SetActiveOrganization(c, user.id, organization_id));

    if (!settings.user_token.empty()) {
      TALLY_ASSIGN_OR_RETURN(owner, UserIdByLegacyToken(c, settings.user_token));
      if (owner && *owner != user.id) return Error::Conflict("TALLY_INIT_USER_TOKEN already belongs to another user");
      if (!owner) TALLY_TRY(SetLegacyToken(c, user.id, settings.user_token));
    }

    if (settings.project_name.empty()) return Ok();
    TALLY_ASSIGN_OR_RETURN(project, FindProjectByTitle(c, organization_id, settings.project_name));
    if (!project) {
      TALLY_ASSIGN_OR_RETURN(created, CreateProjectRecord(c, organization_id, settings.project_name, user.id));
      project = created;
      TALLY_LOG_INFO("event=init_project_created project_id={} organization_id={}", project->id, organization_id);
    }

    if (settings.project_public_key.empty()) return Ok();
    TALLY_ASSIGN_OR_RETURN(key, FindApiKeyByPublicKey(c, settings.project_public_key));
    if (!key) {
      TALLY_TRY(CreateApiKey(c, project->id, settings.project_public_key, settings.project_secret_key,
                             std::string("created from TALLY_INIT_PROJECT_PUBLIC_KEY")));
      TALLY_LOG_INFO("event=init_api_key_created project_id={}", project->id);
      return Ok();
    }
    if (key->project_id != project->id) {
      return Error::Conflict("TALLY_INIT_PROJECT_PUBLIC_KEY already belongs to another project");
    }
    TALLY_ASSIGN_OR_RETURN(by_secret, FindApiKeyBySecret(c, settings.project_secret_key));
    if (!by_secret || by_secret->id != key->id) {
      return Error::Conflict("TALLY_INIT_PROJECT_PUBLIC_KEY exists with another secret key; delete the pair first");
    }
    return Ok();
  });
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
