// The tally command line: help, migrations, users, tokens and config checks,
// run as a separate process the way an operator runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "store/testing/test_databases.h"
#include "support/command.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

using testing::RunTally;

class CliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
  }
  std::vector<std::string> With(std::vector<std::string> arguments) {
    arguments.push_back("--database-url");
    arguments.push_back(database_->url());
    return arguments;
  }
  std::unique_ptr<store::testing::TestDatabase> database_;
};

TEST_P(CliTest, MigrateUpDownStatus) {
  auto pending = RunTally(With({"migrate", "status"}));
  ASSERT_EQ(pending.exit_code, 0) << pending.error;
  EXPECT_NE(pending.output.find("pending"), std::string::npos);
  EXPECT_EQ(pending.output.find("applied"), std::string::npos);

  auto up = RunTally(With({"migrate", "up"}));
  ASSERT_EQ(up.exit_code, 0) << up.error;
  EXPECT_NE(up.output.find("Applied"), std::string::npos);

  auto status = RunTally(With({"migrate", "status"}));
  EXPECT_EQ(status.output.find("pending"), std::string::npos) << status.output;

  auto unconfirmed = RunTally(With({"migrate", "down"}));
  EXPECT_EQ(unconfirmed.exit_code, 2);
  EXPECT_NE(unconfirmed.error.find("--yes"), std::string::npos);
  EXPECT_EQ(RunTally(With({"migrate", "status"})).output.find("pending"), std::string::npos) << "nothing reverted";

  auto down = RunTally(With({"migrate", "down", "--yes"}));
  ASSERT_EQ(down.exit_code, 0) << down.error;
  EXPECT_NE(down.output.find("Reverted 1 "), std::string::npos) << down.output;

  // Asking for more than exist reverts what there is and says how many.
  auto all_down = RunTally(With({"migrate", "down", "99", "--yes"}));
  ASSERT_EQ(all_down.exit_code, 0) << all_down.error;
  auto empty = RunTally(With({"migrate", "status"}));
  EXPECT_EQ(empty.output.find("applied"), std::string::npos) << empty.output;

  EXPECT_EQ(RunTally(With({"migrate", "up"})).exit_code, 0);
}

TEST_P(CliTest, UserAndTokenCommands) {
  auto created = RunTally(With({"user", "create", "--email", "ops@example.com", "--password-stdin"}),
                          "a long enough password\n");
  ASSERT_EQ(created.exit_code, 0) << created.error;
  EXPECT_NE(created.output.find("ops@example.com"), std::string::npos);

  auto duplicate = RunTally(With({"user", "create", "--email", "ops@example.com", "--password", "another password"}));
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_NE(duplicate.error.find("email"), std::string::npos) << duplicate.error;

  auto short_password = RunTally(With({"user", "create", "--email", "x@example.com", "--password", "short"}));
  EXPECT_EQ(short_password.exit_code, 1);
  EXPECT_NE(short_password.error.find("8 characters"), std::string::npos);

  auto no_password = RunTally(With({"user", "create", "--email", "y@example.com"}));
  EXPECT_EQ(no_password.exit_code, 2);

  auto token = RunTally(With({"token", "create", "--email", "ops@example.com"}));
  ASSERT_EQ(token.exit_code, 0) << token.error;
  const std::string value = token.output.substr(0, token.output.find('\n'));
  EXPECT_TRUE(std::regex_match(value, std::regex("[0-9a-f]{40}"))) << value;

  auto unknown = RunTally(With({"token", "create", "--email", "nobody@example.com"}));
  EXPECT_EQ(unknown.exit_code, 1);

  auto changed = RunTally(With({"user", "set-password", "--email", "ops@example.com", "--password-stdin"}),
                          "a brand new password\n");
  EXPECT_EQ(changed.exit_code, 0) << changed.error;

  // The token and the new password work against a server on the same database.
  testing::TallyProcess server(testing::ServeOptions{.database_url = database_->url()});
  ASSERT_TRUE(server.started()) << server.failure_reason();
  testing::HttpClient client(server.base_url());
  EXPECT_EQ(client.Get("/api/current-user", {"Authorization: Token " + value}).status, 200);
  EXPECT_EQ(client.Post("/api/auth/login", R"({"email":"ops@example.com","password":"a brand new password"})").status,
            200);
  EXPECT_EQ(client.Post("/api/auth/login", R"({"email":"ops@example.com","password":"a long enough password"})").status,
            401);
}

INSTANTIATE_TEST_SUITE_P(Backends, CliTest, ::testing::ValuesIn(store::testing::Backends()));

TEST(CliHelp, NamesOptionsAndVariables) {
  auto help = RunTally({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* subcommand : {"serve", "worker", "migrate", "user", "token", "config"}) {
    EXPECT_NE(help.output.find(subcommand), std::string::npos) << subcommand;
  }
  auto serve = RunTally({"serve", "--help"});
  EXPECT_EQ(serve.exit_code, 0);
  for (const char* expected : {"--port", "TALLY_PORT", "--database-url", "TALLY_DATABASE_URL", "--max-queued"}) {
    EXPECT_NE(serve.output.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(RunTally({"serve", "--port", "not-a-number"}).exit_code, 0);
  EXPECT_NE(RunTally({"no-such-command"}).exit_code, 0);
}

TEST(CliServe, BadDatabaseUrlFailsWithMessage) {
  auto unknown = RunTally({"serve", "--database-url", "mysql://x", "--port", "0"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.error.find("sqlite://"), std::string::npos) << unknown.error;

  auto unreachable = RunTally({"serve", "--database-url", "postgresql://u:hunter2@127.0.0.1:1/x?connect_timeout=2",
                               "--port", "0"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_EQ(unreachable.error.find("hunter2"), std::string::npos) << "passwords stay out of messages";
}

TEST(CliConfig, ValidatesLabelConfigFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("tally-cli-" + std::to_string(std::random_device()()));
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.xml";
  const auto bad = dir / "bad.xml";
  std::ofstream(good) << R"(<View><Text name="text" value="$text"/>
<Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>)";
  std::ofstream(bad) << "<View>\n  <Choices name=\"c\" toName=\"missing\"><Choice value=\"A\"/></Choices>\n</View>";

  EXPECT_EQ(RunTally({"config", "validate", good.string()}).exit_code, 0);
  auto failed = RunTally({"config", "validate", bad.string()});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.error.find(bad.string() + ":2:"), std::string::npos) << failed.error;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tally
