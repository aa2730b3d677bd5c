#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/testing/test_databases.h"

namespace tally::store {
namespace {

class MigrationsTest : public ::testing::TestWithParam<std::string> {};

Result<std::vector<std::string>> TableNames(Database& db) {
  return db.Read([&](Connection& connection) -> Result<std::vector<std::string>> {
    const char* sql = connection.dialect() == Dialect::kSqlite
                          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                            " ORDER BY name"
                          : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                            " ORDER BY table_name";
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql));
    std::vector<std::string> names;
    for (const auto& row : rows) names.push_back(row.Text(0));
    return names;
  });
}

TEST_P(MigrationsTest, WalksUpDownAndUpAgain) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrator migrator(test->db());
  const int total = static_cast<int>(BuiltinMigrations().size());
  ASSERT_GT(total, 0);

  auto applied = migrator.Up();
  ASSERT_TRUE(applied) << applied.error().detail;
  EXPECT_EQ(*applied, total);
  const auto tables_after_first_up = TableNames(test->db()).value();

  // Down one step at a time, checking the version falls each time.
  for (int expected = total - 1; expected >= 0; --expected) {
    auto reverted = migrator.Down(1);
    ASSERT_TRUE(reverted) << reverted.error().detail;
    EXPECT_EQ(*reverted, 1);
    EXPECT_EQ(migrator.CurrentVersion().value(), expected == 0 ? 0 : BuiltinMigrations()[expected - 1].version);
  }
  EXPECT_EQ(TableNames(test->db()).value(), std::vector<std::string>{"schema_migrations"});

  auto reapplied = migrator.Up();
  ASSERT_TRUE(reapplied) << reapplied.error().detail;
  EXPECT_EQ(*reapplied, total);
  EXPECT_EQ(TableNames(test->db()).value(), tables_after_first_up);
}

TEST_P(MigrationsTest, UpIsIdempotentAndStepped) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrator migrator(test->db());
  EXPECT_EQ(migrator.Up(1).value(), 1);
  EXPECT_EQ(migrator.CurrentVersion().value(), BuiltinMigrations()[0].version);
  EXPECT_EQ(migrator.Up().value(), static_cast<int>(BuiltinMigrations().size()) - 1);
  EXPECT_EQ(migrator.Up().value(), 0);

  auto status = migrator.Status().value();
  ASSERT_EQ(status.size(), BuiltinMigrations().size());
  for (const auto& entry : status) EXPECT_TRUE(entry.applied_at.has_value()) << entry.name;
}

TEST_P(MigrationsTest, RefusesNewerSchema) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrator migrator(test->db());
  ASSERT_TRUE(migrator.Up());
  EXPECT_TRUE(migrator.CheckNotNewer());

  ASSERT_TRUE(test->db().Write([](Connection& connection) {
    return connection.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  }));
  auto checked = migrator.CheckNotNewer();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::kConflict);
  EXPECT_NE(checked.error().message.find("9999"), std::string::npos);

  // Down refuses to revert a step it has no script for.
  auto reverted = migrator.Down(1);
  ASSERT_FALSE(reverted);
  EXPECT_EQ(reverted.error().code, Errc::kConflict);
}

TEST_P(MigrationsTest, FailedStepLeavesNoRecord) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  std::vector<Migration> migrations = {
      {1, "good", "CREATE TABLE a (x INTEGER)", "DROP TABLE a", "CREATE TABLE a (x INTEGER)", "DROP TABLE a"},
      {2, "bad", "CREATE TABLE b (x INTEGER); CREATE TABLE nonsense (", "DROP TABLE b",
       "CREATE TABLE b (x INTEGER); CREATE TABLE nonsense (", "DROP TABLE b"},
  };
  Migrator migrator(test->db(), migrations);
  auto applied = migrator.Up();
  ASSERT_FALSE(applied);
  EXPECT_EQ(migrator.CurrentVersion().value(), 1);
  const auto tables = TableNames(test->db()).value();
  EXPECT_EQ(std::count(tables.begin(), tables.end(), "b"), 0) << "step 2 must roll back as a whole";
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest, ::testing::ValuesIn(testing::Backends()));

}  // namespace
}  // namespace tally::store
