// Fixture of the evaluation API suites: a real `tally serve` on SQLite or
// PostgreSQL with one user (token) and one project with a Langfuse key pair.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "core/crypto.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {

namespace bj = boost::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TallyProcess;

inline constexpr const char* kEvalsPublicKey = "pk-lf-evals-test";
inline constexpr const char* kEvalsSecretKey = "sk-lf-evals-test-secret-0001";
inline constexpr const char* kEvalsToken = "0123456789abcdef0123456789abcdef00evals0";
inline constexpr const char* kEvalsProject = "Evals";

class EvalsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    testing::ServeOptions options{.database_url = database_->url(),
                                  .environment = {{"TALLY_INIT_USER_EMAIL", "admin@example.com"},
                                                  {"TALLY_INIT_USER_TOKEN", kEvalsToken},
                                                  {"TALLY_INIT_PROJECT_NAME", kEvalsProject},
                                                  {"TALLY_INIT_PROJECT_PUBLIC_KEY", kEvalsPublicKey},
                                                  {"TALLY_INIT_PROJECT_SECRET_KEY", kEvalsSecretKey}}};
    for (auto& [name, value] : extra_environment_) options.environment[name] = value;
    server_ = std::make_unique<TallyProcess>(options);
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  static std::string Basic() {
    return "Authorization: Basic " + Base64Encode(std::string(kEvalsPublicKey) + ":" + kEvalsSecretKey);
  }
  static std::string Token() { return std::string("Authorization: Token ") + kEvalsToken; }

  // Key-pair requests (the Langfuse API).
  HttpResponse Get(const std::string& path) { return client_->Get(path, {Basic()}); }
  HttpResponse Post(const std::string& path, const bj::value& body) {
    return client_->Post(path, bj::serialize(body), {Basic()});
  }
  HttpResponse Delete(const std::string& path) { return client_->Send("DELETE", path, "", {Basic()}); }

  // User-token requests (Label Studio and Tally's own API).
  HttpResponse UserGet(const std::string& path) { return client_->Get(path, {Token()}); }
  HttpResponse UserSend(const std::string& method, const std::string& path, const bj::value& body) {
    return client_->Send(method, path, bj::serialize(body), {Token(), "Content-Type: application/json"});
  }
  HttpResponse UserPost(const std::string& path, const bj::value& body) { return UserSend("POST", path, body); }

  HttpResponse Ingest(const bj::array& events) {
    return Post("/api/public/ingestion", bj::object{{"batch", events}});
  }

  // An ingestion event of `type` ("trace-create", "generation-create", …).
  static bj::object Event(const std::string& type, bj::object body,
                          const std::string& timestamp = "2026-01-05T10:00:00.000Z") {
    return bj::object{{"id", "event-" + RandomHex(8)}, {"type", type}, {"timestamp", timestamp}, {"body", std::move(body)}};
  }

  // The id of the project the init settings created.
  int64_t ProjectId() {
    auto id = database_->db().Read([](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT id FROM projects WHERE title = ?", {std::string(kEvalsProject)}));
      return row ? row->Int(0) : 0;
    });
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  std::map<std::string, std::string> extra_environment_;
  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace tally
