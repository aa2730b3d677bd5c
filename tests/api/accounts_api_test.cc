// Accounts end to end: every authentication scheme, roles and organization
// boundaries, against a real `tally serve` on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include "accounts/account_store.h"
#include "core/crypto.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

namespace bj = boost::json;
using testing::HttpClient;
using testing::TallyProcess;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef01234567";
constexpr const char* kPublicKey = "pk-lf-api-test";
constexpr const char* kSecretKey = "sk-lf-api-test-secret-0001";

class AccountsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    server_ = std::make_unique<TallyProcess>(testing::ServeOptions{
        .database_url = database_->url(),
        .environment = {{"TALLY_INIT_USER_EMAIL", "admin@example.com"},
                        {"TALLY_INIT_USER_PASSWORD", "correct-horse"},
                        {"TALLY_INIT_USER_TOKEN", kToken},
                        {"TALLY_INIT_PROJECT_NAME", "Tracing"},
                        {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                        {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}}});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  // Adds an organization with its own owner directly in the database and
  // returns that owner's token.
  std::string SeedOtherOrganization() {
    auto token = database_->db().Write([](store::Connection& c) -> Result<std::string> {
      TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Other", std::nullopt));
      TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "eve@other.io"}));
      TALLY_TRY(accounts::AddMember(c, organization.id, user.id, accounts::Role::kOwner));
      TALLY_TRY(accounts::SetActiveOrganization(c, user.id, organization.id));
      return accounts::ResetLegacyToken(c, user.id);
    });
    EXPECT_TRUE(token) << token.error().detail;
    return token ? *token : "";
  }

  static std::string TokenHeader(const std::string& token) { return "Authorization: Token " + token; }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(AccountsApiTest, LegacyTokenAndApiKeyHeader) {
  auto me = client_->Get("/api/current-user", {TokenHeader(kToken)});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json().at("email"), "admin@example.com");

  auto alias = client_->Get("/api/current-user/", {std::string("X-Api-Key: ") + kToken});
  EXPECT_EQ(alias.status, 200);

  auto wrong = client_->Get("/api/current-user", {TokenHeader("not-a-token")});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json().at("detail"), "Invalid token.");
  EXPECT_EQ(wrong.Json().at("status_code"), 401);
}

TEST_P(AccountsApiTest, ResetTokenRevokesOldOne) {
  auto reset = client_->Post("/api/current-user/reset-token", "", {TokenHeader(kToken)});
  ASSERT_EQ(reset.status, 200) << reset.body;
  const std::string fresh = std::string(reset.Json().at("token").as_string());
  EXPECT_EQ(fresh.size(), 40u);
  EXPECT_EQ(client_->Get("/api/current-user", {TokenHeader(kToken)}).status, 401);
  EXPECT_EQ(client_->Get("/api/current-user", {TokenHeader(fresh)}).status, 200);

  auto hint = client_->Get("/api/current-user/token", {TokenHeader(fresh)});
  ASSERT_EQ(hint.status, 200);
  EXPECT_EQ(hint.body.find(fresh), std::string::npos) << "a stored token is never shown again";
}

TEST_P(AccountsApiTest, PersonalAccessTokenFlow) {
  auto created = client_->Post("/api/token", "{}", {TokenHeader(kToken)});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string pat = std::string(created.Json().at("token").as_string());

  auto refreshed = client_->Post("/api/token/refresh", bj::serialize(bj::object{{"refresh", pat}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string access = std::string(refreshed.Json().at("access").as_string());

  EXPECT_EQ(client_->Get("/api/current-user", {"Authorization: Bearer " + access}).status, 200);
  EXPECT_EQ(client_->Get("/api/current-user", {"Authorization: Bearer " + pat}).status, 401)
      << "a refresh token is not an access token";

  auto listed = client_->Get("/api/token", {TokenHeader(kToken)});
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.Json().as_array().size(), 1u);
  EXPECT_EQ(listed.body.find(pat), std::string::npos);

  auto revoked = client_->Post("/api/token/blacklist", bj::serialize(bj::object{{"refresh", pat}}),
                               {TokenHeader(kToken)});
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(client_->Post("/api/token/refresh", bj::serialize(bj::object{{"refresh", pat}})).status, 401);
  EXPECT_EQ(client_->Post("/api/token/refresh", R"({"refresh": "garbage"})").status, 401);
}

TEST_P(AccountsApiTest, SessionCookieNeedsCsrfForWrites) {
  auto failed = client_->Post("/api/auth/login", R"({"email":"admin@example.com","password":"wrong"})");
  EXPECT_EQ(failed.status, 401);

  auto login = client_->Post("/api/auth/login", R"({"email":"ADMIN@example.com","password":"correct-horse"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string session;
  for (auto [it, end] = login.headers.equal_range("set-cookie"); it != end; ++it) {
    if (it->second.starts_with("tally_session=")) {
      session = it->second.substr(0, it->second.find(';'));
      EXPECT_NE(it->second.find("HttpOnly"), std::string::npos);
    }
  }
  ASSERT_FALSE(session.empty());
  const std::string csrf = std::string(login.Json().at("csrf_token").as_string());
  const std::string cookie = "Cookie: " + session;

  EXPECT_EQ(client_->Get("/api/current-user", {cookie}).status, 200);
  EXPECT_EQ(client_->Send("PATCH", "/api/current-user", R"({"first_name":"Ada"})", {cookie}).status, 403);
  EXPECT_EQ(client_->Send("PATCH", "/api/current-user", R"({"first_name":"Ada"})", {cookie, "X-CSRFToken: wrong"}).status,
            403);
  auto patched = client_->Send("PATCH", "/api/current-user", R"({"first_name":"Ada"})",
                               {cookie, "X-CSRFToken: " + csrf});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("first_name"), "Ada");

  EXPECT_EQ(client_->Post("/api/auth/logout", "", {cookie}).status, 204);
  EXPECT_EQ(client_->Get("/api/current-user", {cookie}).status, 401);
}

TEST_P(AccountsApiTest, ProjectKeyPairAuth) {
  const std::string basic = "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey);
  auto projects = client_->Get("/api/public/projects", {basic});
  ASSERT_EQ(projects.status, 200) << projects.body;
  EXPECT_EQ(projects.Json().at("data").at(0).at("name"), "Tracing");
  const std::string project_id = std::string(projects.Json().at("data").at(0).at("id").as_string());

  auto wrong = client_->Get("/api/public/projects",
                            {"Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":sk-lf-wrong")});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json().at("message"), "Invalid credentials. Confirm that you've configured the correct host.");

  auto missing = client_->Get("/api/public/projects");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.Json().at("message"), "No authorization header");

  auto public_only = client_->Get("/api/public/projects", {std::string("Authorization: Bearer ") + kPublicKey});
  EXPECT_EQ(public_only.status, 403);

  // A key pair created through the API works at once, and stops at once when deleted.
  auto created = client_->Post("/api/projects/" + project_id + "/api-keys", R"({"note":"ci"})", {TokenHeader(kToken)});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto key = created.Json().as_object();
  const std::string pair = "Authorization: Basic " + Base64Encode(std::string(key.at("publicKey").as_string()) + ":" +
                                                                  std::string(key.at("secretKey").as_string()));
  EXPECT_EQ(client_->Get("/api/public/projects", {pair}).status, 200);

  auto listed = client_->Get("/api/projects/" + project_id + "/api-keys", {TokenHeader(kToken)});
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(std::string(key.at("secretKey").as_string())), std::string::npos);

  EXPECT_EQ(client_->Send("DELETE", "/api/projects/" + project_id + "/api-keys/" + std::string(key.at("id").as_string()),
                          "", {TokenHeader(kToken)})
                .status,
            204);
  EXPECT_EQ(client_->Get("/api/public/projects", {pair}).status, 401);

  // Key pairs cannot call user routes.
  EXPECT_EQ(client_->Get("/api/current-user", {basic}).status, 403);
}

TEST_P(AccountsApiTest, UnauthorizedNamesTheScheme) {
  const std::string basic_challenge = R"(Basic realm="tally", charset="UTF-8")";

  // The Langfuse API requests a key pair, when it is missing or wrong.
  const testing::HttpResponse public_missing = client_->Get("/api/public/projects");
  EXPECT_EQ(public_missing.status, 401);
  EXPECT_EQ(public_missing.Header("www-authenticate"), basic_challenge);
  const testing::HttpResponse public_wrong = client_->Get(
      "/api/public/traces", {"Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":wrong")});
  EXPECT_EQ(public_wrong.status, 401);
  EXPECT_EQ(public_wrong.Header("www-authenticate"), basic_challenge);

  // Label Studio's API requests a token.
  const testing::HttpResponse labeling_missing = client_->Get("/api/projects");
  EXPECT_EQ(labeling_missing.status, 401);
  EXPECT_EQ(labeling_missing.Header("www-authenticate"), "Token");
  const testing::HttpResponse labeling_wrong = client_->Get("/api/current-user", {TokenHeader("not-a-token")});
  EXPECT_EQ(labeling_wrong.status, 401);
  EXPECT_EQ(labeling_wrong.Header("www-authenticate"), "Token");

  // A user's session or token on the Langfuse API, as the web UI sends it,
  // gets no Basic challenge, so browsers show no login dialog.
  const testing::HttpResponse ui_session = client_->Get("/api/public/traces", {"X-Tally-Project: 1"});
  EXPECT_EQ(ui_session.status, 401);
  EXPECT_EQ(ui_session.Header("www-authenticate"), "Token");

  // Responses other than 401 carry no challenge.
  const testing::HttpResponse forbidden = client_->Get("/api/public/projects", {std::string("Authorization: Bearer ") + kPublicKey});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.Header("www-authenticate"), "");
}

TEST_P(AccountsApiTest, UsersReachProjectKeyRoutesForOneProject) {
  const std::string basic = "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey);
  auto projects = client_->Get("/api/public/projects", {basic});
  ASSERT_EQ(projects.status, 200) << projects.body;
  const std::string project_id = std::string(projects.Json().at("data").at(0).at("id").as_string());
  const std::string scope = "X-Tally-Project: " + project_id;
  auto ingested = client_->Post(
      "/api/public/ingestion",
      R"({"batch":[{"id":"e1","type":"trace-create","timestamp":"2026-01-05T10:00:00.000Z","body":{"id":"t-scoped","name":"chat"}}]})",
      {basic});
  ASSERT_EQ(ingested.status, 207) << ingested.body;

  // The owner reads the project's traces with a token and the header.
  auto traces = client_->Get("/api/public/traces", {TokenHeader(kToken), scope});
  ASSERT_EQ(traces.status, 200) << traces.body;
  ASSERT_EQ(traces.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(traces.Json().at("data").at(0).at("id"), "t-scoped");

  auto unscoped = client_->Get("/api/public/traces", {TokenHeader(kToken)});
  EXPECT_EQ(unscoped.status, 401);
  EXPECT_NE(unscoped.body.find("X-Tally-Project"), std::string::npos) << unscoped.body;
  auto malformed = client_->Get("/api/public/traces", {TokenHeader(kToken), "X-Tally-Project: twelve"});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("X-Tally-Project"), std::string::npos) << malformed.body;
  EXPECT_EQ(client_->Get("/api/public/traces", {TokenHeader(kToken), "X-Tally-Project: 999999"}).status, 404);

  // Someone from another organization learns nothing about the project.
  const std::string outsider = SeedOtherOrganization();
  EXPECT_EQ(client_->Get("/api/public/traces", {TokenHeader(outsider), scope}).status, 404);

  // An annotator reads and scores, but does not change prompts.
  auto annotator = database_->db().Write([](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT organization_id FROM projects ORDER BY id LIMIT 1"));
    TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "ann@example.com"}));
    TALLY_TRY(accounts::AddMember(c, row->Int(0), user.id, accounts::Role::kAnnotator));
    TALLY_TRY(accounts::SetActiveOrganization(c, user.id, row->Int(0)));
    return accounts::ResetLegacyToken(c, user.id);
  });
  ASSERT_TRUE(annotator) << annotator.error().detail;
  EXPECT_EQ(client_->Get("/api/public/traces/t-scoped", {TokenHeader(*annotator), scope}).status, 200);
  const std::string prompt = R"({"name":"greeting","type":"text","prompt":"Hello {{name}}"})";
  EXPECT_EQ(client_->Post("/api/public/v2/prompts", prompt, {TokenHeader(*annotator), scope}).status, 403);
  auto score = client_->Post("/api/public/scores", R"({"traceId":"t-scoped","name":"helpful","value":1})",
                             {TokenHeader(*annotator), scope});
  EXPECT_EQ(score.status, 200) << score.body;
  auto created = client_->Post("/api/public/v2/prompts", prompt, {TokenHeader(kToken), scope});
  EXPECT_EQ(created.status, 201) << created.body;

  // Through the batch endpoint the annotator still adds scores only, and
  // cannot overwrite a score by naming its id.
  const std::string batch = R"({"batch":[
    {"id":"a1","type":"trace-create","timestamp":"2026-01-05T10:00:01.000Z","body":{"id":"t-scoped","name":"renamed"}},
    {"id":"a2","type":"score-create","timestamp":"2026-01-05T10:00:01.000Z","body":{"traceId":"t-scoped","name":"tone","value":2}},
    {"id":"a3","type":"score-create","timestamp":"2026-01-05T10:00:01.000Z","body":{"id":"s-owned","traceId":"t-scoped","name":"tone","value":-99}}]})";
  auto mixed = client_->Post("/api/public/ingestion", batch, {TokenHeader(*annotator), scope});
  ASSERT_EQ(mixed.status, 207) << mixed.body;
  ASSERT_EQ(mixed.Json().at("successes").as_array().size(), 1u) << mixed.body;
  EXPECT_EQ(mixed.Json().at("successes").at(0).at("id"), "a2");
  ASSERT_EQ(mixed.Json().at("errors").as_array().size(), 2u) << mixed.body;
  EXPECT_EQ(client_->Get("/api/public/traces/t-scoped", {basic}).Json().at("name"), "chat");
  EXPECT_EQ(client_->Post("/api/public/scores", R"({"id":"s-owned","traceId":"t-scoped","name":"tone","value":-99})",
                          {TokenHeader(*annotator), scope})
                .status,
            403);
  auto owned = client_->Post("/api/public/scores", R"({"id":"s-owned","traceId":"t-scoped","name":"tone","value":3})",
                             {TokenHeader(kToken), scope});
  EXPECT_EQ(owned.status, 200) << owned.body;
}

TEST_P(AccountsApiTest, CrossOrganizationAccessDenied) {
  const std::string outsider = SeedOtherOrganization();
  auto mine = client_->Get("/api/organizations", {TokenHeader(outsider)});
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.Json().as_array().size(), 1u);
  EXPECT_EQ(mine.Json().at(0).at("title"), "Other");

  auto admin_orgs = client_->Get("/api/organizations", {TokenHeader(kToken)});
  const int64_t admin_org = admin_orgs.Json().at(0).at("id").as_int64();
  const std::string admin_path = "/api/organizations/" + std::to_string(admin_org);
  EXPECT_EQ(client_->Get(admin_path, {TokenHeader(kToken)}).status, 200);
  EXPECT_EQ(client_->Get(admin_path, {TokenHeader(outsider)}).status, 403);
  EXPECT_EQ(client_->Get(admin_path + "/memberships", {TokenHeader(outsider)}).status, 403);
  EXPECT_EQ(client_->Send("PATCH", admin_path, R"({"title":"taken"})", {TokenHeader(outsider)}).status, 403);

  auto projects = client_->Get("/api/public/projects",
                               {"Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey)});
  const std::string project_id = std::string(projects.Json().at("data").at(0).at("id").as_string());
  EXPECT_EQ(client_->Get("/api/projects/" + project_id + "/api-keys", {TokenHeader(outsider)}).status, 404);
  EXPECT_EQ(client_->Post("/api/projects/" + project_id + "/api-keys", "{}", {TokenHeader(outsider)}).status, 404);
}

TEST_P(AccountsApiTest, RolesGateUserManagement) {
  auto created = client_->Post("/api/users", R"({"email":"ann@example.com","password":"annotator-pass","role":"annotator"})",
                               {TokenHeader(kToken)});
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t ann_id = created.Json().at("id").as_int64();

  auto ann_token = database_->db().Write([&](store::Connection& c) { return accounts::ResetLegacyToken(c, ann_id); });
  ASSERT_TRUE(ann_token);
  auto denied = client_->Post("/api/users", R"({"email":"bob@example.com"})", {TokenHeader(*ann_token)});
  EXPECT_EQ(denied.status, 403);

  auto members = client_->Get("/api/organizations/" + std::to_string(created.Json().at("active_organization").as_int64()) +
                                  "/memberships?page_size=1",
                              {TokenHeader(*ann_token)});
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_EQ(members.Json().at("count"), 2);
  EXPECT_EQ(members.Json().at("results").as_array().size(), 1u);
  EXPECT_FALSE(members.Json().at("next").is_null());

  auto promoted = client_->Send("PATCH", "/api/users/" + std::to_string(ann_id), R"({"role":"manager"})",
                                {TokenHeader(*ann_token)});
  EXPECT_EQ(promoted.status, 403) << "an annotator cannot raise their own role";
}

TEST_P(AccountsApiTest, RepeatedFailedLoginsAreLimited) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(client_->Post("/api/auth/login", R"({"email":"admin@example.com","password":"wrong-guess"})").status, 401);
  }
  auto limited = client_->Post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("retry-after"), "60");
}

TEST_P(AccountsApiTest, OwnersAreProtected) {
  auto admin = client_->Post("/api/users", R"({"email":"adm@example.com","role":"admin"})", {TokenHeader(kToken)});
  ASSERT_EQ(admin.status, 201) << admin.body;
  const int64_t admin_id = admin.Json().at("id").as_int64();
  const int64_t organization = admin.Json().at("active_organization").as_int64();
  auto admin_token = database_->db().Write([&](store::Connection& c) { return accounts::ResetLegacyToken(c, admin_id); });
  ASSERT_TRUE(admin_token);

  auto me = client_->Get("/api/current-user", {TokenHeader(kToken)});
  const std::string owner_id = std::to_string(me.Json().at("id").as_int64());
  const std::string memberships = "/api/organizations/" + std::to_string(organization) + "/memberships/";

  // An admin can neither remove nor demote nor edit an owner.
  EXPECT_EQ(client_->Send("DELETE", "/api/users/" + owner_id, "", {TokenHeader(*admin_token)}).status, 403);
  EXPECT_EQ(client_->Send("DELETE", memberships + owner_id, "", {TokenHeader(*admin_token)}).status, 403);
  EXPECT_EQ(client_->Send("PATCH", memberships + owner_id, R"({"role":"annotator"})", {TokenHeader(*admin_token)}).status,
            403);
  EXPECT_EQ(client_->Send("PATCH", "/api/users/" + owner_id, R"({"first_name":"X"})", {TokenHeader(*admin_token)}).status,
            403);

  // The last owner cannot demote themselves.
  auto demoted = client_->Send("PATCH", "/api/users/" + owner_id, R"({"role":"annotator"})", {TokenHeader(kToken)});
  EXPECT_EQ(demoted.status, 400) << demoted.body;
  EXPECT_TRUE(demoted.Json().at("validation_errors").as_object().contains("role"));
}

TEST_P(AccountsApiTest, RemovedMemberLosesOrganization) {
  auto created = client_->Post("/api/users", R"({"email":"gone@example.com","role":"manager"})", {TokenHeader(kToken)});
  ASSERT_EQ(created.status, 201);
  const int64_t user_id = created.Json().at("id").as_int64();
  auto token = database_->db().Write([&](store::Connection& c) { return accounts::ResetLegacyToken(c, user_id); });
  ASSERT_TRUE(token);
  EXPECT_EQ(client_->Get("/api/users", {TokenHeader(*token)}).status, 200);

  ASSERT_EQ(client_->Send("DELETE", "/api/users/" + std::to_string(user_id), "", {TokenHeader(kToken)}).status, 204);
  EXPECT_EQ(client_->Get("/api/users", {TokenHeader(*token)}).status, 403);
  auto organizations = client_->Get("/api/organizations", {TokenHeader(*token)});
  EXPECT_EQ(organizations.status, 200);
  EXPECT_TRUE(organizations.Json().as_array().empty());
}

TEST_P(AccountsApiTest, BadInputNamesTheField) {
  auto missing = client_->Post("/api/users", R"({"password":"long-enough"})", {TokenHeader(kToken)});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Json().at("validation_errors").at("email").at(0), "This field is required.");

  auto wrong_type = client_->Post("/api/users", R"({"email": 42})", {TokenHeader(kToken)});
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.Json().at("validation_errors").at("email").at(0), "must be a string, got a number");

  auto malformed = client_->Post("/api/users", R"({"email": )", {TokenHeader(kToken)});
  EXPECT_EQ(malformed.status, 400);

  auto short_password = client_->Post("/api/users", R"({"email":"c@d.io","password":"short"})", {TokenHeader(kToken)});
  EXPECT_EQ(short_password.status, 400);
  EXPECT_TRUE(short_password.Json().at("validation_errors").as_object().contains("password"));
  EXPECT_EQ(short_password.body.find("short\""), std::string::npos) << "the password is not echoed";

  auto duplicate = client_->Post("/api/users", R"({"email":"admin@example.com"})", {TokenHeader(kToken)});
  EXPECT_EQ(duplicate.status, 400);

  auto bad_page = client_->Get("/api/organizations/1/memberships?page=zero", {TokenHeader(kToken)});
  EXPECT_EQ(bad_page.status, 400);
  auto past_end = client_->Get("/api/organizations/1/memberships?page=99", {TokenHeader(kToken)});
  EXPECT_EQ(past_end.status, 404);
}

TEST_P(AccountsApiTest, SecretsNeverReachTheLog) {
  client_->Post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
  client_->Get("/api/current-user?token=leak-me", {TokenHeader(kToken)});
  client_->Get("/api/public/projects", {"Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey)});
  server_->Stop();
  const std::string log = server_->Log();
  for (const std::string secret : {std::string(kToken), std::string(kSecretKey), std::string("correct-horse"),
                                   std::string("leak-me"), std::string("admin@example.com")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " appears in the log";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
