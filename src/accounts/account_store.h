// Storage of users, organizations, memberships and credentials.
//
// Every function takes the Connection of a transaction the caller opened with
// Database::Read or Write, so several steps (create a user, its organization
// and its membership) commit together or not at all.
//
// Credentials are never stored in the clear: legacy tokens, personal access
// tokens, browser session ids and key-pair secrets are kept as SHA-256 hex
// digests (they are long random strings, so a fast hash is enough), passwords
// as argon2id hashes. Functions that create a credential return its value
// once; nothing can read it back later.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"

namespace tally::accounts {

using store::Connection;

// Roles in an organization, from most to least powerful. Owners and admins
// manage members; managers create and configure projects; reviewers accept or
// reject annotations; annotators label.
enum class Role { kOwner, kAdmin, kManager, kReviewer, kAnnotator };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// True when `role` is at least as powerful as `minimum`.
bool RoleAtLeast(Role role, Role minimum);

struct User {
  int64_t id = 0;
  std::string email;
  std::string username;
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::optional<int64_t> active_organization_id;
  bool is_active = true;
  bool allow_newsletters = false;
  Micros date_joined = 0;
  Micros last_activity = 0;
  bool has_password = false;
};

struct NewUser {
  std::string email;          // stored lower-cased; must be unique
  std::string username;       // defaults to the part of the email before '@'
  std::string first_name;
  std::string last_name;
  std::string password_hash;  // empty: the user cannot log in with a password
};

struct Organization {
  int64_t id = 0;
  std::string title;
  std::optional<int64_t> created_by;
  Micros created_at = 0;
};

struct Membership {
  int64_t organization_id = 0;
  int64_t user_id = 0;
  Role role = Role::kAnnotator;
  Micros created_at = 0;
};

// ---- users ---------------------------------------------------------------

// Creates a user. kConflict when the email is taken; kInvalidArgument naming
// "email" when it is not an address.
[[nodiscard]] Result<User> CreateUser(Connection& connection, NewUser user);
// nullopt when there is no such user.
[[nodiscard]] Result<std::optional<User>> FindUserById(Connection& connection, int64_t id);
[[nodiscard]] Result<std::optional<User>> FindUserByEmail(Connection& connection, std::string_view email);
// The stored argon2id hash, empty when the user has none.
[[nodiscard]] Result<std::string> PasswordHashOf(Connection& connection, int64_t user_id);
[[nodiscard]] Result<void> SetPasswordHash(Connection& connection, int64_t user_id, const std::string& hash);
[[nodiscard]] Result<void> SetActiveOrganization(Connection& connection, int64_t user_id, int64_t organization_id);

struct UserPatch {
  std::optional<std::string> first_name, last_name, username, phone;
  std::optional<bool> allow_newsletters;
  std::optional<int64_t> active_organization;
};
// Applies the fields that are set; kNotFound when the user does not exist.
[[nodiscard]] Result<User> UpdateUser(Connection& connection, int64_t user_id, const UserPatch& patch);
[[nodiscard]] Result<void> DeactivateUser(Connection& connection, int64_t user_id);

// ---- organizations and memberships --------------------------------------

[[nodiscard]] Result<Organization> CreateOrganization(Connection& connection, std::string title,
                                                      std::optional<int64_t> created_by);
[[nodiscard]] Result<std::optional<Organization>> FindOrganization(Connection& connection, int64_t id);
[[nodiscard]] Result<std::vector<Organization>> OrganizationsOfUser(Connection& connection, int64_t user_id);
[[nodiscard]] Result<void> RenameOrganization(Connection& connection, int64_t id, const std::string& title);

// Adds or re-activates a membership with `role`.
[[nodiscard]] Result<void> AddMember(Connection& connection, int64_t organization_id, int64_t user_id, Role role);
// The active membership, nullopt when the user is not (or no longer) a member.
[[nodiscard]] Result<std::optional<Membership>> FindMembership(Connection& connection, int64_t organization_id,
                                                               int64_t user_id);
[[nodiscard]] Result<void> SetMemberRole(Connection& connection, int64_t organization_id, int64_t user_id, Role role);
// Soft-deletes a membership; kNotFound when there is none.
[[nodiscard]] Result<void> RemoveMember(Connection& connection, int64_t organization_id, int64_t user_id);

// Checks that a caller with `caller_role` may change member `target` to
// `new_role` (nullopt: remove the member). Only owners grant, change or
// revoke the owner role, and the last owner can neither leave nor be
// demoted: kForbidden or kInvalidArgument naming what to do instead.
[[nodiscard]] Result<void> CheckOwnershipChange(Connection& connection, Role caller_role, const Membership& target,
                                                std::optional<Role> new_role);

struct MemberPage {
  int64_t total = 0;
  std::vector<std::pair<Membership, User>> members;
};
[[nodiscard]] Result<MemberPage> ListMembers(Connection& connection, int64_t organization_id, int64_t offset,
                                             int64_t limit);

// ---- credentials ---------------------------------------------------------

// Replaces the user's legacy token and returns the new one (40 hex chars).
[[nodiscard]] Result<std::string> ResetLegacyToken(Connection& connection, int64_t user_id);
// Stores a token the operator chose (TALLY_INIT_USER_TOKEN); kConflict when another user has it.
[[nodiscard]] Result<void> SetLegacyToken(Connection& connection, int64_t user_id, const std::string& token);
// The masked form ("abcd…wxyz") of the user's legacy token, nullopt when none.
[[nodiscard]] Result<std::optional<std::string>> LegacyTokenHint(Connection& connection, int64_t user_id);
// The owner of a legacy token, nullopt when no user has it.
[[nodiscard]] Result<std::optional<int64_t>> UserIdByLegacyToken(Connection& connection, std::string_view token);

struct PersonalAccessToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string token_hint;
  Micros created_at = 0;
  std::optional<Micros> expires_at;
  std::optional<Micros> revoked_at;
};
// Records a personal access token (its value comes from the caller, a signed JWT).
[[nodiscard]] Result<PersonalAccessToken> InsertPersonalAccessToken(Connection& connection, int64_t user_id,
                                                                    std::string_view token,
                                                                    std::optional<Micros> expires_at);
// The record of a token that is neither revoked nor expired, else nullopt.
[[nodiscard]] Result<std::optional<PersonalAccessToken>> FindLivePersonalAccessToken(Connection& connection,
                                                                                     std::string_view token);
[[nodiscard]] Result<std::vector<PersonalAccessToken>> ListPersonalAccessTokens(Connection& connection,
                                                                              int64_t user_id);
// Revokes a token; kNotFound when it is unknown or already revoked.
[[nodiscard]] Result<void> RevokePersonalAccessToken(Connection& connection, std::string_view token);

struct BrowserSession {
  std::string cookie_value;  // only set by CreateBrowserSession
  int64_t user_id = 0;
  std::string csrf_token;
  Micros expires_at = 0;
};
[[nodiscard]] Result<BrowserSession> CreateBrowserSession(Connection& connection, int64_t user_id, Micros lifetime);
// The live session for a cookie value, nullopt when unknown or expired.
[[nodiscard]] Result<std::optional<BrowserSession>> FindBrowserSession(Connection& connection,
                                                                       std::string_view cookie_value);
[[nodiscard]] Result<void> DeleteBrowserSession(Connection& connection, std::string_view cookie_value);

// ---- project key pairs ---------------------------------------------------

struct ApiKey {
  std::string id;
  int64_t project_id = 0;
  std::string public_key;
  std::string secret_key;          // only set by CreateApiKey
  std::string display_secret_key;  // "sk-lf-...abcd"
  std::optional<std::string> note;
  Micros created_at = 0;
};
// Creates a key pair for a project. `public_key`/`secret_key` may be given
// (they must start with pk-lf- and sk-lf-), otherwise they are generated.
[[nodiscard]] Result<ApiKey> CreateApiKey(Connection& connection, int64_t project_id,
                                          std::optional<std::string> public_key,
                                          std::optional<std::string> secret_key, std::optional<std::string> note);
[[nodiscard]] Result<std::optional<ApiKey>> FindApiKeyBySecret(Connection& connection, std::string_view secret_key);
[[nodiscard]] Result<std::optional<ApiKey>> FindApiKeyByPublicKey(Connection& connection, std::string_view public_key);
[[nodiscard]] Result<std::vector<ApiKey>> ListApiKeys(Connection& connection, int64_t project_id);
[[nodiscard]] Result<void> DeleteApiKey(Connection& connection, int64_t project_id, const std::string& id);

// ---- server secrets -------------------------------------------------------

// Returns the named secret, creating a random one the first time. Safe when
// several processes start at once: the first insert wins and all read it.
[[nodiscard]] Result<std::string> GetOrCreateServerSecret(store::Database& database, const std::string& name);

}  // namespace tally::accounts
