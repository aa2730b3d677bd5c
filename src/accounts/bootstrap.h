// First-start provisioning from the environment, and the account steps the
// CLI runs (`tally user create`, `tally user set-password`, `tally token create`).
//
// ApplyInitSettings runs at every start and applies each step once: the
// user, its token, the project and the key pair are created the first time
// and never again, so a container can keep the variables set, and a token
// reset or a key pair deleted later stays that way. It fails, without
// partial writes, when a value conflicts with what exists (a key pair that
// belongs to another project), naming the variable.
#pragma once

#include <optional>
#include <string>

#include "accounts/account_store.h"
#include "store/database.h"

namespace tally::accounts {

struct InitSettings {
  std::string user_email;         // TALLY_INIT_USER_EMAIL
  std::string user_password;      // TALLY_INIT_USER_PASSWORD
  std::string user_token;         // TALLY_INIT_USER_TOKEN (legacy API token)
  std::string project_name;       // TALLY_INIT_PROJECT_NAME
  std::string project_public_key; // TALLY_INIT_PROJECT_PUBLIC_KEY
  std::string project_secret_key; // TALLY_INIT_PROJECT_SECRET_KEY
  std::string organization_title = "Tally";
};

// Reads the TALLY_INIT_* variables.
InitSettings InitSettingsFromEnvironment();

[[nodiscard]] Result<void> ApplyInitSettings(store::Database& database, const InitSettings& settings);

// Creates a user with a password. The user joins `organization_id` when
// given, otherwise the oldest organization; with `role`, or as annotator.
// When no organization exists yet, one is created with the user as owner.
[[nodiscard]] Result<User> CreateUserWithPassword(store::Database& database, const std::string& email,
                                                  const std::string& password, std::optional<Role> role,
                                                  std::optional<int64_t> organization_id);

[[nodiscard]] Result<void> SetUserPassword(store::Database& database, const std::string& email,
                                           const std::string& password);

// Issues a new legacy token for the user and returns it.
[[nodiscard]] Result<std::string> CreateLegacyTokenFor(store::Database& database, const std::string& email);

}  // namespace tally::accounts
