// A write the server acknowledged survives a crash: kill -9 right after the
// answers, restart on the same data, and every acknowledged row is there.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

constexpr const char* kToken = "feedfacefeedfacefeedfacefeedfacefeedface";

class DurabilityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DurabilityTest, AcknowledgedWritesSurviveKill) {
  std::string skip_reason;
  auto database = store::testing::TestDatabase::Open(GetParam(), skip_reason);
  if (!database) {
    if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
    GTEST_SKIP() << skip_reason;
  }
  const std::string data_dir =
      (std::filesystem::temp_directory_path() / ("tally-crash-" + std::to_string(std::random_device()()))).string();
  const testing::ServeOptions options{
      .database_url = database->url(),
      .data_dir = data_dir,
      .environment = {{"TALLY_INIT_USER_EMAIL", "owner@example.com"}, {"TALLY_INIT_USER_TOKEN", kToken}}};
  const std::string auth = std::string("Authorization: Token ") + kToken;

  constexpr int kUsers = 25;
  {
    testing::TallyProcess server(options);
    ASSERT_TRUE(server.started()) << server.failure_reason();
    testing::HttpClient client(server.base_url());
    for (int i = 0; i < kUsers; ++i) {
      auto created = client.Post("/api/users", R"({"email":"user)" + std::to_string(i) + R"(@example.com"})", {auth});
      ASSERT_EQ(created.status, 201) << created.body;
    }
    server.Kill();
  }

  testing::TallyProcess restarted(options);
  ASSERT_TRUE(restarted.started()) << restarted.failure_reason();
  testing::HttpClient client(restarted.base_url());
  auto users = client.Get("/api/users", {auth});
  ASSERT_EQ(users.status, 200) << users.body;
  EXPECT_EQ(users.Json().as_array().size(), static_cast<size_t>(kUsers + 1));
  restarted.Stop();
  std::filesystem::remove_all(data_dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, DurabilityTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
