// A `tally serve` with an owner, an annotator of the same organization and
// an owner of another organization, for the labeling API suites. Runs on the
// backend named by the test parameter ("sqlite" or "postgres").
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "accounts/account_store.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {

namespace bj = boost::json;

inline constexpr const char* kOwnerToken = "0123456789abcdef0123456789abcdef01234567";

inline constexpr const char* kSentimentConfig =
    R"(<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">)"
    R"(<Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>)";

class LabelingApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void StartServer(std::map<std::string, std::string> extra_environment = {}) {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    std::map<std::string, std::string> environment = {{"TALLY_INIT_USER_EMAIL", "owner@example.com"},
                                                      {"TALLY_INIT_USER_TOKEN", kOwnerToken}};
    environment.merge(extra_environment);
    server_ = std::make_unique<testing::TallyProcess>(
        testing::ServeOptions{.database_url = database_->url(), .environment = environment});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<testing::HttpClient>(server_->base_url());
    annotator_token_ = SeedUser("annotator@example.com", accounts::Role::kAnnotator, /*own_organization=*/false);
    outsider_token_ = SeedUser("outsider@other.io", accounts::Role::kOwner, /*own_organization=*/true);
  }

  void SetUp() override { StartServer(); }

  // Adds a user with a legacy token, either to the owner's organization with
  // `role` or as owner of a new organization, and returns the token.
  std::string SeedUser(const std::string& email, accounts::Role role, bool own_organization) {
    auto token = database_->db().Write([&](store::Connection& c) -> Result<std::string> {
      TALLY_ASSIGN_OR_RETURN(owner, accounts::FindUserByEmail(c, "owner@example.com"));
      int64_t organization_id = owner->active_organization_id.value_or(0);
      if (own_organization) {
        TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Other", std::nullopt));
        organization_id = organization.id;
      }
      TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = email}));
      TALLY_TRY(accounts::AddMember(c, organization_id, user.id, role));
      TALLY_TRY(accounts::SetActiveOrganization(c, user.id, organization_id));
      return accounts::ResetLegacyToken(c, user.id);
    });
    EXPECT_TRUE(token) << token.error().message << " " << token.error().detail;
    return token ? *token : "";
  }

  static std::string Auth(const std::string& token) { return "Authorization: Token " + token; }

  testing::HttpResponse Get(const std::string& path, const std::string& token = kOwnerToken) {
    return client_->Get(path, {Auth(token)});
  }
  testing::HttpResponse Post(const std::string& path, const std::string& body,
                             const std::string& token = kOwnerToken) {
    return client_->Post(path, body, {Auth(token)});
  }
  testing::HttpResponse Patch(const std::string& path, const std::string& body,
                              const std::string& token = kOwnerToken) {
    return client_->Send("PATCH", path, body, {Auth(token), "Content-Type: application/json"});
  }
  testing::HttpResponse Delete(const std::string& path, const std::string& token = kOwnerToken) {
    return client_->Send("DELETE", path, "", {Auth(token)});
  }

  // Creates a project with `label_config` and returns its id.
  int64_t CreateProject(const std::string& label_config, const std::string& title = "Project") {
    auto created = Post("/api/projects", bj::serialize(bj::object{{"title", title}, {"label_config", label_config}}));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.Json().at("id").as_int64() : 0;
  }

  // Imports a JSON body and returns the response.
  testing::HttpResponse Import(int64_t project_id, const std::string& body, const std::string& query = "") {
    return Post("/api/projects/" + std::to_string(project_id) + "/import" + query, body);
  }

  // Uploads files as multipart/form-data: (file name, content) pairs.
  testing::HttpResponse Upload(int64_t project_id, const std::vector<std::pair<std::string, std::string>>& files,
                               const std::string& query = "") {
    const std::string boundary = "----tally-test-boundary-7f3a";
    std::string body;
    for (const auto& [name, content] : files) {
      body += "--" + boundary + "\r\n";
      body += "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n";
      body += "Content-Type: application/octet-stream\r\n\r\n";
      body += content + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return client_->Send("POST", "/api/projects/" + std::to_string(project_id) + "/import" + query, body,
                         {Auth(kOwnerToken), "Content-Type: multipart/form-data; boundary=" + boundary});
  }

  bj::object Project(int64_t project_id) {
    auto response = Get("/api/projects/" + std::to_string(project_id));
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().as_object() : bj::object();
  }

  // Every task of a project (up to 1000) with annotations and predictions.
  bj::array TaskList(int64_t project_id) {
    auto response = Get("/api/tasks?project=" + std::to_string(project_id) + "&fields=all&page_size=1000");
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.Json().at("tasks").as_array() : bj::array();
  }

  // Polls an import started with ?async=true until it is completed or
  // failed, for at most 20 seconds, and returns its last state.
  bj::value PollImport(const std::string& path) {
    bj::value state;
    for (int attempt = 0; attempt < 200; ++attempt) {
      auto response = Get(path);
      EXPECT_EQ(response.status, 200) << response.body;
      if (response.status != 200) break;
      state = response.Json();
      if (state.at("status") == "completed" || state.at("status") == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return state;
  }

  int64_t Counter(int64_t project_id, const char* name) { return Project(project_id).at(name).as_int64(); }

  // A template config from the shared reference corpus, or empty when the
  // corpus is not available (the caller skips).
  static std::string Template(const std::string& name) {
    const char* shared = std::getenv("TALLY_SHARED_DIR");
    if (!shared) return {};
    std::ifstream in(std::string(shared) + "/reference/label-studio-templates/" + name + ".xml");
    if (!in) return {};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<testing::TallyProcess> server_;
  std::unique_ptr<testing::HttpClient> client_;
  std::string annotator_token_;
  std::string outsider_token_;
};

#define TALLY_REQUIRE_TEMPLATE(var, name)                                                        \
  const std::string var = Template(name);                                                        \
  if (var.empty()) GTEST_SKIP() << "template " << name << " not found; set TALLY_SHARED_DIR"

}  // namespace tally
