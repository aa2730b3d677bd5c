#include "accounts/account_store.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/crypto.h"

namespace tally::accounts {

using store::Row;

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner: return "owner";
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kReviewer: return "reviewer";
    case Role::kAnnotator: return "annotator";
  }
  return "annotator";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kOwner, Role::kAdmin, Role::kManager, Role::kReviewer, Role::kAnnotator}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool RoleAtLeast(Role role, Role minimum) { return static_cast<int>(role) <= static_cast<int>(minimum); }

namespace {

// The columns UserFromRow reads, in its order, each prefixed with `alias`.
std::string BuildUserColumns(std::string_view alias) {
  static constexpr const char* kColumns[] = {"id", "email", "username", "first_name", "last_name", "phone",
                                             "active_organization_id", "is_active", "allow_newsletters",
                                             "date_joined", "last_activity"};
  std::string out;
  for (const char* column : kColumns) out += fmt::format("{}{}, ", alias, column);
  out += fmt::format("{0}password_hash IS NOT NULL AND {0}password_hash <> ''", alias);
  return out;
}

// Built once: the list is on the path of every authenticated request.
const std::string& UserColumns(std::string_view alias = "") {
  static const std::string plain = BuildUserColumns("");
  static const std::string qualified = BuildUserColumns("u.");
  return alias.empty() ? plain : qualified;
}

User UserFromRow(const Row& row) {
  User user;
  user.id = row.Int(0);
  user.email = row.Text(1);
  user.username = row.Text(2);
  user.first_name = row.Text(3);
  user.last_name = row.Text(4);
  user.phone = row.Text(5);
  user.active_organization_id = row.OptionalInt(6);
  user.is_active = row.Bool(7);
  user.allow_newsletters = row.Bool(8);
  user.date_joined = row.Int(9);
  user.last_activity = row.Int(10);
  user.has_password = row.Bool(11);
  return user;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Hint(std::string_view secret) {
  if (secret.size() <= 8) return std::string(secret.size(), '*');
  return fmt::format("{}...{}", secret.substr(0, 4), secret.substr(secret.size() - 4));
}

Result<std::optional<User>> FindUserWhere(Connection& connection, const char* where, const store::Params& params) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM users WHERE {}", UserColumns(), where),
                                                  params));
  if (!row) return std::optional<User>();
  return std::optional<User>(UserFromRow(*row));
}

}  // namespace

// ---- users ---------------------------------------------------------------

Result<User> CreateUser(Connection& connection, NewUser user) {
  user.email = Lower(user.email);
  const size_t at = user.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= user.email.size() || user.email.size() > 254) {
    return Error::InvalidField("email", "Enter a valid email address, such as name@example.com.");
  }
  if (user.username.empty()) user.username = user.email.substr(0, at);

  const Micros now = NowMicros();
  auto inserted = connection.QueryOne(
      "INSERT INTO users (email, username, first_name, last_name, password_hash, date_joined, last_activity)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {user.email, user.username, user.first_name, user.last_name,
       user.password_hash.empty() ? store::Null() : store::Value(user.password_hash), now, now});
  if (!inserted && inserted.error().IsConflict()) {
    return Error::InvalidField("email", "A user with this email address already exists.");
  }
  if (!inserted) return inserted.error();
  TALLY_ASSIGN_OR_RETURN(created, FindUserById(connection, (*inserted)->Int(0)));
  return *created;
}

Result<std::optional<User>> FindUserById(Connection& connection, int64_t id) {
  return FindUserWhere(connection, "id = ?", {id});
}

Result<std::optional<User>> FindUserByEmail(Connection& connection, std::string_view email) {
  return FindUserWhere(connection, "email = ?", {Lower(email)});
}

Result<std::string> PasswordHashOf(Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT password_hash FROM users WHERE id = ?", {user_id}));
  if (!row) return Error::NotFound("User not found.");
  return row->Text(0);
}

Result<void> SetPasswordHash(Connection& connection, int64_t user_id, const std::string& hash) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("UPDATE users SET password_hash = ? WHERE id = ?", {hash, user_id}));
  if (changed == 0) return Error::NotFound("User not found.");
  return Ok();
}

Result<void> SetActiveOrganization(Connection& connection, int64_t user_id, int64_t organization_id) {
  TALLY_TRY(connection.Execute("UPDATE users SET active_organization_id = ? WHERE id = ?", {organization_id, user_id}));
  return Ok();
}

Result<User> UpdateUser(Connection& connection, int64_t user_id, const UserPatch& patch) {
  std::string sets;
  store::Params params;
  auto add = [&](const char* column, store::Value value) {
    sets += fmt::format("{}{} = ?", sets.empty() ? "" : ", ", column);
    params.push_back(std::move(value));
  };
  if (patch.first_name) add("first_name", *patch.first_name);
  if (patch.last_name) add("last_name", *patch.last_name);
  if (patch.username) add("username", *patch.username);
  if (patch.phone) add("phone", *patch.phone);
  if (patch.allow_newsletters) add("allow_newsletters", store::Bool(*patch.allow_newsletters));
  if (patch.active_organization) add("active_organization_id", *patch.active_organization);
  if (!sets.empty()) {
    params.push_back(user_id);
    TALLY_TRY(connection.Execute("UPDATE users SET " + sets + " WHERE id = ?", params));
  }
  TALLY_ASSIGN_OR_RETURN(user, FindUserById(connection, user_id));
  if (!user) return Error::NotFound("User not found.");
  return *user;
}

Result<void> DeactivateUser(Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("UPDATE users SET is_active = 0 WHERE id = ?", {user_id}));
  if (changed == 0) return Error::NotFound("User not found.");
  // A deactivated user's credentials stop working at once.
  TALLY_TRY(connection.Execute("DELETE FROM legacy_tokens WHERE user_id = ?", {user_id}));
  TALLY_TRY(connection.Execute("DELETE FROM browser_sessions WHERE user_id = ?", {user_id}));
  TALLY_TRY(connection.Execute("UPDATE personal_access_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                               {NowMicros(), user_id}));
  return Ok();
}

// ---- organizations and memberships --------------------------------------

Result<Organization> CreateOrganization(Connection& connection, std::string title, std::optional<int64_t> created_by) {
  if (title.empty()) return Error::InvalidField("title", "This field may not be blank.");
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO organizations (title, created_by, created_at, updated_at)"
                                  " VALUES (?, ?, ?, ?) RETURNING id",
                                  {title, store::OrNull(created_by), now, now}));
  return Organization{row->Int(0), std::move(title), created_by, now};
}

Result<std::optional<Organization>> FindOrganization(Connection& connection, int64_t id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT id, title, created_by, created_at FROM organizations WHERE id = ?", {id}));
  if (!row) return std::optional<Organization>();
  return std::optional<Organization>(Organization{row->Int(0), row->Text(1), row->OptionalInt(2), row->Int(3)});
}

Result<std::vector<Organization>> OrganizationsOfUser(Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "SELECT o.id, o.title, o.created_by, o.created_at FROM organizations o"
                                   " JOIN memberships m ON m.organization_id = o.id"
                                   " WHERE m.user_id = ? AND m.deleted_at IS NULL ORDER BY o.id",
                                   {user_id}));
  std::vector<Organization> organizations;
  for (const Row& row : rows) {
    organizations.push_back({row.Int(0), row.Text(1), row.OptionalInt(2), row.Int(3)});
  }
  return organizations;
}

Result<void> RenameOrganization(Connection& connection, int64_t id, const std::string& title) {
  if (title.empty()) return Error::InvalidField("title", "This field may not be blank.");
  TALLY_TRY(connection.Execute("UPDATE organizations SET title = ?, updated_at = ? WHERE id = ?",
                               {title, NowMicros(), id}));
  return Ok();
}

Result<void> AddMember(Connection& connection, int64_t organization_id, int64_t user_id, Role role) {
  TALLY_TRY(connection.Execute(
      "INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role, deleted_at = NULL",
      {organization_id, user_id, std::string(RoleName(role)), NowMicros()}));
  return Ok();
}

Result<std::optional<Membership>> FindMembership(Connection& connection, int64_t organization_id, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT role, created_at FROM memberships"
                                  " WHERE organization_id = ? AND user_id = ? AND deleted_at IS NULL",
                                  {organization_id, user_id}));
  if (!row) return std::optional<Membership>();
  return std::optional<Membership>(
      Membership{organization_id, user_id, ParseRole(row->Text(0)).value_or(Role::kAnnotator), row->Int(1)});
}

Result<void> SetMemberRole(Connection& connection, int64_t organization_id, int64_t user_id, Role role) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(
                                      "UPDATE memberships SET role = ?"
                                      " WHERE organization_id = ? AND user_id = ? AND deleted_at IS NULL",
                                      {std::string(RoleName(role)), organization_id, user_id}));
  if (changed == 0) return Error::NotFound("Membership not found.");
  return Ok();
}

Result<void> RemoveMember(Connection& connection, int64_t organization_id, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(
                                      "UPDATE memberships SET deleted_at = ?"
                                      " WHERE organization_id = ? AND user_id = ? AND deleted_at IS NULL",
                                      {NowMicros(), organization_id, user_id}));
  if (changed == 0) return Error::NotFound("Membership not found.");
  return Ok();
}

Result<void> CheckOwnershipChange(Connection& connection, Role caller_role, const Membership& target,
                                  std::optional<Role> new_role) {
  const bool touches_owner = target.role == Role::kOwner || new_role == Role::kOwner;
  if (touches_owner && caller_role != Role::kOwner) {
    return Error::Forbidden("Only owners can grant, change or revoke the owner role.");
  }
  const bool loses_owner = target.role == Role::kOwner && new_role != Role::kOwner;
  if (!loses_owner) return Ok();

  TALLY_ASSIGN_OR_RETURN(owners, connection.QueryOne(
                                     "SELECT COUNT(*) FROM memberships"
                                     " WHERE organization_id = ? AND role = 'owner' AND deleted_at IS NULL",
                                     {target.organization_id}));
  if (owners->Int(0) <= 1) {
    return Error::InvalidField("role", "An organization needs at least one owner; make another member owner first.");
  }
  return Ok();
}

Result<MemberPage> ListMembers(Connection& connection, int64_t organization_id, int64_t offset, int64_t limit) {
  MemberPage page;
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne(
                                    "SELECT COUNT(*) FROM memberships WHERE organization_id = ? AND deleted_at IS NULL",
                                    {organization_id}));
  page.total = count->Int(0);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT m.role, m.created_at, {} FROM memberships m"
                                                            " JOIN users u ON u.id = m.user_id"
                                                            " WHERE m.organization_id = ? AND m.deleted_at IS NULL"
                                                            " ORDER BY u.id LIMIT ? OFFSET ?",
                                                            UserColumns("u.")),
                                                {organization_id, limit, offset}));
  for (const Row& row : rows) {
    std::vector<store::Value> user_values;
    for (size_t i = 2; i < row.size(); ++i) user_values.push_back(row.at(i));
    Row user_row(std::make_shared<std::vector<std::string>>(), std::move(user_values));
    User user = UserFromRow(user_row);
    page.members.emplace_back(
        Membership{organization_id, user.id, ParseRole(row.Text(0)).value_or(Role::kAnnotator), row.Int(1)},
        std::move(user));
  }
  return page;
}

// ---- credentials ---------------------------------------------------------

Result<std::string> ResetLegacyToken(Connection& connection, int64_t user_id) {
  const std::string token = RandomHex(20);
  TALLY_TRY(SetLegacyToken(connection, user_id, token));
  return token;
}

Result<void> SetLegacyToken(Connection& connection, int64_t user_id, const std::string& token) {
  if (token.size() < 16) {
    return Error::InvalidField("token", "A token needs at least 16 characters; use 40 random hex characters.");
  }
  TALLY_TRY(connection.Execute("DELETE FROM legacy_tokens WHERE user_id = ?", {user_id}));
  auto inserted = connection.Execute(
      "INSERT INTO legacy_tokens (user_id, token_hash, token_hint, created_at) VALUES (?, ?, ?, ?)",
      {user_id, Sha256Hex(token), Hint(token), NowMicros()});
  if (!inserted && inserted.error().IsConflict()) return Error::Conflict("This token is already in use by another user.");
  if (!inserted) return inserted.error();
  return Ok();
}

Result<std::optional<std::string>> LegacyTokenHint(Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT token_hint FROM legacy_tokens WHERE user_id = ?", {user_id}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

Result<std::optional<int64_t>> UserIdByLegacyToken(Connection& connection, std::string_view token) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT t.user_id FROM legacy_tokens t JOIN users u ON u.id = t.user_id"
                                  " WHERE t.token_hash = ? AND u.is_active = 1",
                                  {Sha256Hex(token)}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->Int(0));
}

namespace {

PersonalAccessToken PatFromRow(const Row& row) {
  return PersonalAccessToken{row.Int(0), row.Int(1), row.Text(2), row.Int(3), row.OptionalInt(4), row.OptionalInt(5)};
}

constexpr const char* kPatColumns = "id, user_id, token_hint, created_at, expires_at, revoked_at";

}  // namespace

Result<PersonalAccessToken> InsertPersonalAccessToken(Connection& connection, int64_t user_id, std::string_view token,
                                                      std::optional<Micros> expires_at) {
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "INSERT INTO personal_access_tokens (user_id, token_hash, token_hint, created_at,"
                                  " expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                  {user_id, Sha256Hex(token), Hint(token), now, store::OrNull(expires_at)}));
  return PersonalAccessToken{row->Int(0), user_id, Hint(token), now, expires_at, std::nullopt};
}

Result<std::optional<PersonalAccessToken>> FindLivePersonalAccessToken(Connection& connection, std::string_view token) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  fmt::format("SELECT {} FROM personal_access_tokens WHERE token_hash = ?"
                                              " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                                              kPatColumns),
                                  {Sha256Hex(token), NowMicros()}));
  if (!row) return std::optional<PersonalAccessToken>();
  return std::optional<PersonalAccessToken>(PatFromRow(*row));
}

Result<std::vector<PersonalAccessToken>> ListPersonalAccessTokens(Connection& connection, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   fmt::format("SELECT {} FROM personal_access_tokens WHERE user_id = ?"
                                               " AND revoked_at IS NULL ORDER BY id",
                                               kPatColumns),
                                   {user_id}));
  std::vector<PersonalAccessToken> tokens;
  for (const Row& row : rows) tokens.push_back(PatFromRow(row));
  return tokens;
}

Result<void> RevokePersonalAccessToken(Connection& connection, std::string_view token) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(
                                      "UPDATE personal_access_tokens SET revoked_at = ?"
                                      " WHERE token_hash = ? AND revoked_at IS NULL",
                                      {NowMicros(), Sha256Hex(token)}));
  if (changed == 0) return Error::NotFound("Token is invalid or already revoked.");
  return Ok();
}

Result<BrowserSession> CreateBrowserSession(Connection& connection, int64_t user_id, Micros lifetime) {
  BrowserSession session{RandomHex(32), user_id, RandomHex(32), NowMicros() + lifetime};
  TALLY_TRY(connection.Execute(
      "INSERT INTO browser_sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      {Sha256Hex(session.cookie_value), user_id, session.csrf_token, NowMicros(), session.expires_at}));
  TALLY_TRY(connection.Execute("DELETE FROM browser_sessions WHERE expires_at < ?", {NowMicros()}));
  return session;
}

Result<std::optional<BrowserSession>> FindBrowserSession(Connection& connection, std::string_view cookie_value) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT s.user_id, s.csrf_token, s.expires_at FROM browser_sessions s"
                                  " JOIN users u ON u.id = s.user_id"
                                  " WHERE s.id_hash = ? AND s.expires_at > ? AND u.is_active = 1",
                                  {Sha256Hex(cookie_value), NowMicros()}));
  if (!row) return std::optional<BrowserSession>();
  return std::optional<BrowserSession>(BrowserSession{"", row->Int(0), row->Text(1), row->Int(2)});
}

Result<void> DeleteBrowserSession(Connection& connection, std::string_view cookie_value) {
  TALLY_TRY(connection.Execute("DELETE FROM browser_sessions WHERE id_hash = ?", {Sha256Hex(cookie_value)}));
  return Ok();
}

// ---- project key pairs ---------------------------------------------------

namespace {

constexpr const char* kApiKeyColumns = "id, project_id, public_key, display_secret_key, note, created_at";

ApiKey ApiKeyFromRow(const Row& row) {
  ApiKey key;
  key.id = row.Text(0);
  key.project_id = row.Int(1);
  key.public_key = row.Text(2);
  key.display_secret_key = row.Text(3);
  key.note = row.OptionalText(4);
  key.created_at = row.Int(5);
  return key;
}

}  // namespace

Result<ApiKey> CreateApiKey(Connection& connection, int64_t project_id, std::optional<std::string> public_key,
                            std::optional<std::string> secret_key, std::optional<std::string> note) {
  if (public_key && !public_key->starts_with("pk-lf-")) {
    return Error::InvalidField("publicKey", "A public key must start with pk-lf-.");
  }
  if (secret_key && !secret_key->starts_with("sk-lf-")) {
    return Error::InvalidField("secretKey", "A secret key must start with sk-lf-.");
  }
  if (secret_key && secret_key->size() < 22) {
    return Error::InvalidField("secretKey", "A secret key needs at least 16 characters after sk-lf-.");
  }

  ApiKey key;
  key.id = NewUuidV4();
  key.project_id = project_id;
  key.public_key = public_key.value_or("pk-lf-" + NewUuidV4());
  key.secret_key = secret_key.value_or("sk-lf-" + NewUuidV4());
  key.display_secret_key = "sk-lf-..." + key.secret_key.substr(key.secret_key.size() - 4);
  key.note = std::move(note);
  key.created_at = NowMicros();

  auto inserted = connection.Execute(
      "INSERT INTO api_keys (id, project_id, public_key, secret_hash, display_secret_key, note, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
      {key.id, project_id, key.public_key, Sha256Hex(key.secret_key), key.display_secret_key, store::OrNull(key.note),
       key.created_at});
  if (!inserted && inserted.error().IsConflict()) return Error::Conflict("This key pair already exists.");
  if (!inserted) return inserted.error();
  return key;
}

Result<std::optional<ApiKey>> FindApiKeyBySecret(Connection& connection, std::string_view secret_key) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM api_keys WHERE secret_hash = ?",
                                                              kApiKeyColumns),
                                                  {Sha256Hex(secret_key)}));
  if (!row) return std::optional<ApiKey>();
  return std::optional<ApiKey>(ApiKeyFromRow(*row));
}

Result<std::optional<ApiKey>> FindApiKeyByPublicKey(Connection& connection, std::string_view public_key) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM api_keys WHERE public_key = ?",
                                                              kApiKeyColumns),
                                                  {std::string(public_key)}));
  if (!row) return std::optional<ApiKey>();
  return std::optional<ApiKey>(ApiKeyFromRow(*row));
}

Result<std::vector<ApiKey>> ListApiKeys(Connection& connection, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM api_keys WHERE project_id = ? ORDER BY"
                                                            " created_at",
                                                            kApiKeyColumns),
                                                {project_id}));
  std::vector<ApiKey> keys;
  for (const Row& row : rows) keys.push_back(ApiKeyFromRow(row));
  return keys;
}

Result<void> DeleteApiKey(Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM api_keys WHERE project_id = ? AND id = ?",
                                                     {project_id, id}));
  if (changed == 0) return Error::NotFound("Not found.");
  return Ok();
}

// ---- server secrets -------------------------------------------------------

Result<std::string> GetOrCreateServerSecret(store::Database& database, const std::string& name) {
  return database.Write([&](Connection& connection) -> Result<std::string> {
    TALLY_TRY(connection.Execute(
        "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
        {name, RandomHex(32), NowMicros()}));
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT value FROM server_secrets WHERE name = ?", {name}));
    return row->Text(0);
  });
}

}  // namespace tally::accounts
