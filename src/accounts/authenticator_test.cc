#include "accounts/authenticator.h"

#include <gtest/gtest.h>

#include "accounts/account_store.h"
#include "accounts/jwt.h"
#include "accounts/project_access.h"
#include "core/crypto.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::accounts {
namespace {

using http::Principal;

class AuthenticatorTest : public ::testing::TestWithParam<std::string> {
 protected:
  struct Fixture {
    int64_t user_id = 0;
    int64_t organization_id = 0;
    int64_t project_id = 0;
    std::string token;
    ApiKey key;
  };

  static Result<Fixture> Seed(store::Database& db) {
    return db.Write([](store::Connection& c) -> Result<Fixture> {
      Fixture fixture;
      TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, "Org", std::nullopt));
      TALLY_ASSIGN_OR_RETURN(user, CreateUser(c, {.email = "ann@x.io"}));
      TALLY_TRY(AddMember(c, organization.id, user.id, Role::kOwner));
      TALLY_TRY(SetActiveOrganization(c, user.id, organization.id));
      TALLY_ASSIGN_OR_RETURN(token, ResetLegacyToken(c, user.id));
      TALLY_ASSIGN_OR_RETURN(project, CreateProjectRecord(c, organization.id, "P", user.id));
      TALLY_ASSIGN_OR_RETURN(key, CreateApiKey(c, project.id, std::nullopt, std::nullopt, std::nullopt));
      fixture.user_id = user.id;
      fixture.organization_id = organization.id;
      fixture.project_id = project.id;
      fixture.token = token;
      fixture.key = key;
      return fixture;
    });
  }

  static http::Request With(std::string header, std::string value, std::string path = "/api/x") {
    http::Request request;
    request.path = std::move(path);
    request.headers.emplace_back(std::move(header), std::move(value));
    return request;
  }
};

TEST_P(AuthenticatorTest, EachSchemeResolves) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(store::Migrator(test->db()).Up());
  auto fixture = Seed(test->db()).value();
  TokenAuthenticator authenticator(test->db(), "jwt-key");

  auto token = authenticator.Authenticate(With("authorization", "Token " + fixture.token));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->kind, Principal::Kind::kUser);
  EXPECT_EQ(token->user_id, fixture.user_id);
  EXPECT_EQ(token->organization_id, fixture.organization_id);

  auto api_key_header = authenticator.Authenticate(With("x-api-key", fixture.token));
  ASSERT_TRUE(api_key_header);
  EXPECT_EQ(api_key_header->user_id, fixture.user_id);

  const std::string basic = Base64Encode(fixture.key.public_key + ":" + fixture.key.secret_key);
  auto pair = authenticator.Authenticate(With("authorization", "Basic " + basic, "/api/public/traces"));
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->kind, Principal::Kind::kProjectKey);
  EXPECT_EQ(pair->project_id, fixture.project_id);

  auto public_only = authenticator.Authenticate(With("authorization", "Bearer " + fixture.key.public_key));
  ASSERT_TRUE(public_only);
  EXPECT_EQ(public_only->kind, Principal::Kind::kPublicKey);

  const std::string access =
      SignJwt({{"token_type", "access"}, {"user_id", fixture.user_id}, {"exp", NowMicros() / 1000000 + 60}}, "jwt-key");
  auto bearer = authenticator.Authenticate(With("authorization", "Bearer " + access));
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->user_id, fixture.user_id);

  auto session = test->db().Write([&](store::Connection& c) {
    return CreateBrowserSession(c, fixture.user_id, 60'000'000);
  }).value();
  auto cookie = authenticator.Authenticate(With("cookie", "a=b; tally_session=" + session.cookie_value));
  ASSERT_TRUE(cookie);
  EXPECT_TRUE(cookie->via_session);
  EXPECT_EQ(cookie->user_id, fixture.user_id);

  auto anonymous = authenticator.Authenticate(http::Request{});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->kind, Principal::Kind::kAnonymous);
}

TEST_P(AuthenticatorTest, WrongSecretsAreRejected) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(store::Migrator(test->db()).Up());
  auto fixture = Seed(test->db()).value();
  TokenAuthenticator authenticator(test->db(), "jwt-key");

  auto bad_token = authenticator.Authenticate(With("authorization", "Token nope"));
  ASSERT_FALSE(bad_token);
  EXPECT_EQ(bad_token.error().code, Errc::kUnauthorized);
  EXPECT_EQ(bad_token.error().message, "Invalid token.");

  auto wrong_secret = authenticator.Authenticate(
      With("authorization", "Basic " + Base64Encode(fixture.key.public_key + ":sk-lf-wrong"), "/api/public/x"));
  ASSERT_FALSE(wrong_secret);
  EXPECT_EQ(wrong_secret.error().code, Errc::kUnauthorized);

  // The right secret with another public key is refused too.
  auto mismatched = authenticator.Authenticate(
      With("authorization", "Basic " + Base64Encode("pk-lf-other:" + fixture.key.secret_key), "/api/public/x"));
  ASSERT_FALSE(mismatched);

  auto no_colon = authenticator.Authenticate(With("authorization", "Basic " + Base64Encode("nocolon")));
  ASSERT_FALSE(no_colon);
  auto not_base64 = authenticator.Authenticate(With("authorization", "Basic %%%"));
  ASSERT_FALSE(not_base64);

  auto forged = SignJwt({{"token_type", "access"}, {"user_id", fixture.user_id}}, "another-key");
  EXPECT_FALSE(authenticator.Authenticate(With("authorization", "Bearer " + forged)));

  auto refresh_as_access = SignJwt({{"token_type", "refresh"}, {"user_id", fixture.user_id}}, "jwt-key");
  EXPECT_FALSE(authenticator.Authenticate(With("authorization", "Bearer " + refresh_as_access)));

  EXPECT_FALSE(authenticator.Authenticate(With("authorization", "Digest abc")));
}

TEST_P(AuthenticatorTest, ResetTokenStopsOldOneAfterForget) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(store::Migrator(test->db()).Up());
  auto fixture = Seed(test->db()).value();
  TokenAuthenticator authenticator(test->db(), "jwt-key");
  ASSERT_TRUE(authenticator.Authenticate(With("authorization", "Token " + fixture.token)));

  ASSERT_TRUE(test->db().Write([&](store::Connection& c) { return ResetLegacyToken(c, fixture.user_id); }));
  authenticator.Forget();
  EXPECT_FALSE(authenticator.Authenticate(With("authorization", "Token " + fixture.token)));
}

TEST_P(AuthenticatorTest, CrossOrganizationProjectIsHidden) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(store::Migrator(test->db()).Up());
  auto fixture = Seed(test->db()).value();
  auto outsider = test->db().Write([](store::Connection& c) -> Result<Principal> {
    TALLY_ASSIGN_OR_RETURN(organization, CreateOrganization(c, "Other", std::nullopt));
    TALLY_ASSIGN_OR_RETURN(user, CreateUser(c, {.email = "eve@y.io"}));
    TALLY_TRY(AddMember(c, organization.id, user.id, Role::kOwner));
    return Principal{.kind = Principal::Kind::kUser, .user_id = user.id, .organization_id = organization.id};
  }).value();

  auto denied = test->db().Read([&](store::Connection& c) {
    return AuthorizeProject(c, outsider, fixture.project_id, Role::kAnnotator);
  });
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, Errc::kNotFound);

  Principal other_key{.kind = Principal::Kind::kProjectKey, .project_id = fixture.project_id + 1000};
  auto key_denied = test->db().Read([&](store::Connection& c) {
    return AuthorizeProject(c, other_key, fixture.project_id, Role::kAnnotator);
  });
  ASSERT_FALSE(key_denied);
  EXPECT_EQ(key_denied.error().code, Errc::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthenticatorTest, ::testing::ValuesIn(store::testing::Backends()));

TEST(CookieValue, FindsNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; tally_session=xyz; b=2", "tally_session"), "xyz");
  EXPECT_EQ(CookieValue("tally_session_other=1", "tally_session"), "");
  EXPECT_EQ(CookieValue("", "x"), "");
}

}  // namespace
}  // namespace tally::accounts
