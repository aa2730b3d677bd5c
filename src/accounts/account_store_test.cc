#include "accounts/account_store.h"

#include <gtest/gtest.h>

#include "accounts/bootstrap.h"
#include "accounts/project_access.h"
#include "core/crypto.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::accounts {
namespace {

class AccountStoreTest : public ::testing::TestWithParam<std::string> {};

#define OPEN_MIGRATED(var)                       \
  TALLY_OPEN_TEST_DATABASE(var, GetParam());     \
  ASSERT_TRUE(store::Migrator(var->db()).Up());

TEST_P(AccountStoreTest, UserEmailIsUniqueAndLowerCased) {
  OPEN_MIGRATED(test);
  auto first = test->db().Write([](store::Connection& c) { return CreateUser(c, {.email = "Ann@Example.com"}); });
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first->email, "ann@example.com");
  EXPECT_EQ(first->username, "ann");

  auto duplicate = test->db().Write([](store::Connection& c) { return CreateUser(c, {.email = "ann@example.com"}); });
  ASSERT_FALSE(duplicate);
  ASSERT_EQ(duplicate.error().fields.size(), 1u);
  EXPECT_EQ(duplicate.error().fields[0].field, "email");

  auto invalid = test->db().Write([](store::Connection& c) { return CreateUser(c, {.email = "not-an-address"}); });
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().fields[0].field, "email");
}

TEST_P(AccountStoreTest, LegacyTokenIsStoredHashed) {
  OPEN_MIGRATED(test);
  auto token = test->db().Write([](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(user, CreateUser(c, {.email = "a@b.c"}));
    return ResetLegacyToken(c, user.id);
  });
  ASSERT_TRUE(token);
  EXPECT_EQ(token->size(), 40u);

  auto stored = test->db().Read([](store::Connection& c) { return c.QueryOne("SELECT token_hash FROM legacy_tokens"); });
  ASSERT_TRUE(stored);
  ASSERT_TRUE(*stored);
  EXPECT_NE((*stored)->Text(0), *token);
  EXPECT_EQ((*stored)->Text(0), Sha256Hex(*token));

  auto owner = test->db().Read([&](store::Connection& c) { return UserIdByLegacyToken(c, *token); });
  ASSERT_TRUE(owner);
  ASSERT_TRUE(owner->has_value());
  auto nobody = test->db().Read([](store::Connection& c) { return UserIdByLegacyToken(c, "wrong"); });
  ASSERT_TRUE(nobody);
  EXPECT_FALSE(nobody->has_value());
}

TEST_P(AccountStoreTest, ApiKeyFoundBySecretOnly) {
  OPEN_MIGRATED(test);
  auto key = test->db().Write([](store::Connection& c) -> Result<ApiKey> {
    TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, "Org", std::nullopt));
    TALLY_ASSIGN_OR_RETURN(project, CreateProjectRecord(c, organization.id, "P", std::nullopt));
    return CreateApiKey(c, project.id, std::nullopt, std::nullopt, std::nullopt);
  });
  ASSERT_TRUE(key) << key.error().detail;
  EXPECT_TRUE(key->public_key.starts_with("pk-lf-"));
  EXPECT_TRUE(key->secret_key.starts_with("sk-lf-"));
  EXPECT_EQ(key->display_secret_key, "sk-lf-..." + key->secret_key.substr(key->secret_key.size() - 4));

  auto found = test->db().Read([&](store::Connection& c) { return FindApiKeyBySecret(c, key->secret_key); });
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->secret_key.empty()) << "the secret is never read back";

  auto bad_prefix = test->db().Write([&](store::Connection& c) {
    return CreateApiKey(c, key->project_id, std::string("pk-x"), std::nullopt, std::nullopt);
  });
  ASSERT_FALSE(bad_prefix);
  EXPECT_EQ(bad_prefix.error().fields[0].field, "publicKey");
}

TEST_P(AccountStoreTest, MembershipsAndRoles) {
  OPEN_MIGRATED(test);
  auto result = test->db().Write([](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, "Org", std::nullopt));
    TALLY_ASSIGN_OR_RETURN(ann, CreateUser(c, {.email = "ann@x.io"}));
    TALLY_ASSIGN_OR_RETURN(bob, CreateUser(c, {.email = "bob@x.io"}));
    TALLY_TRY(AddMember(c, organization.id, ann.id, Role::kOwner));
    TALLY_TRY(AddMember(c, organization.id, bob.id, Role::kAnnotator));

    TALLY_ASSIGN_OR_RETURN(page, ListMembers(c, organization.id, 0, 10));
    EXPECT_EQ(page.total, 2);
    EXPECT_EQ(page.members.size(), 2u);
    EXPECT_EQ(page.members[0].second.email, "ann@x.io");
    EXPECT_EQ(page.members[1].first.role, Role::kAnnotator);

    TALLY_TRY(RemoveMember(c, organization.id, bob.id));
    TALLY_ASSIGN_OR_RETURN(gone, FindMembership(c, organization.id, bob.id));
    EXPECT_FALSE(gone.has_value());
    EXPECT_FALSE(RemoveMember(c, organization.id, bob.id));

    TALLY_TRY(AddMember(c, organization.id, bob.id, Role::kReviewer));
    TALLY_ASSIGN_OR_RETURN(back, FindMembership(c, organization.id, bob.id));
    EXPECT_TRUE(back.has_value());
    EXPECT_EQ(back->role, Role::kReviewer);
    return Ok();
  });
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_TRUE(RoleAtLeast(Role::kOwner, Role::kAdmin));
  EXPECT_FALSE(RoleAtLeast(Role::kAnnotator, Role::kReviewer));
}

TEST_P(AccountStoreTest, InitSettingsAreIdempotent) {
  OPEN_MIGRATED(test);
  InitSettings settings{.user_email = "admin@example.com",
                        .user_password = "password123",
                        .user_token = "0123456789abcdef0123456789abcdef01234567",
                        .project_name = "Demo",
                        .project_public_key = "pk-lf-init",
                        .project_secret_key = "sk-lf-init-secret-0000"};
  ASSERT_TRUE(ApplyInitSettings(test->db(), settings));
  auto second = ApplyInitSettings(test->db(), settings);
  ASSERT_TRUE(second) << second.error().message;

  auto counts = test->db().Read([](store::Connection& c) {
    return c.QueryOne("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM organizations),"
                      " (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM api_keys),"
                      " (SELECT COUNT(*) FROM legacy_tokens)");
  });
  ASSERT_TRUE(counts);
  ASSERT_TRUE(*counts);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ((*counts)->Int(i), 1) << "column " << i;

  // A reset token and a deleted key pair are not brought back by a restart.
  ASSERT_TRUE(test->db().Write([](store::Connection& c) -> Result<void> {
    TALLY_TRY(c.Execute("DELETE FROM api_keys"));
    TALLY_TRY(c.Execute("DELETE FROM legacy_tokens"));
    return Ok();
  }));
  ASSERT_TRUE(ApplyInitSettings(test->db(), settings));
  auto after_restart = test->db().Read([](store::Connection& c) {
    return c.QueryOne("SELECT (SELECT COUNT(*) FROM api_keys), (SELECT COUNT(*) FROM legacy_tokens)");
  });
  ASSERT_TRUE(after_restart);
  ASSERT_TRUE(*after_restart);
  EXPECT_EQ((*after_restart)->Int(0), 0);
  EXPECT_EQ((*after_restart)->Int(1), 0);
}

TEST_P(AccountStoreTest, InitKeyConflictNamesVariable) {
  OPEN_MIGRATED(test);
  InitSettings settings{.user_email = "admin@example.com", .project_name = "Demo"};
  ASSERT_TRUE(ApplyInitSettings(test->db(), settings));
  // A pair created through the API with this public key and another secret.
  ASSERT_TRUE(test->db().Write([](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(project, c.QueryOne("SELECT id FROM projects"));
    TALLY_TRY(CreateApiKey(c, project->Int(0), std::string("pk-lf-taken"), std::string("sk-lf-the-api-one-0000"),
                           std::nullopt));
    return Ok();
  }));
  settings.project_public_key = "pk-lf-taken";
  settings.project_secret_key = "sk-lf-some-other-secret";
  auto conflicting = ApplyInitSettings(test->db(), settings);
  ASSERT_FALSE(conflicting);
  EXPECT_EQ(conflicting.error().code, Errc::kConflict);
  EXPECT_NE(conflicting.error().message.find("TALLY_INIT_PROJECT_PUBLIC_KEY"), std::string::npos);
  EXPECT_EQ(conflicting.error().message.find("sk-lf-some"), std::string::npos) << "no secret in messages";

  auto short_password = ApplyInitSettings(test->db(), {.user_email = "b@example.com", .user_password = "short"});
  ASSERT_FALSE(short_password);
  EXPECT_NE(short_password.error().message.find("TALLY_INIT_USER_PASSWORD"), std::string::npos);

  settings.project_public_key = "pk-lf-fresh";
  settings.project_secret_key = "not-a-secret-key";
  auto bad_secret = ApplyInitSettings(test->db(), settings);
  ASSERT_FALSE(bad_secret);
  EXPECT_EQ(bad_secret.error().message, "TALLY_INIT_PROJECT_SECRET_KEY: A secret key must start with sk-lf-.");
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountStoreTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::accounts
