#include "store/testing/test_databases.h"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

#include "core/crypto.h"

namespace tally::store::testing {

std::vector<std::string> Backends() { return {"sqlite", "postgres"}; }

TestDatabase::~TestDatabase() {
  database_.reset();
  if (backend_ == "sqlite") {
    std::error_code ec;
    std::filesystem::remove_all(cleanup_, ec);
  } else if (!cleanup_.empty()) {
    auto admin = Database::Open(admin_url_, {.pool_size = 1});
    if (admin) {
      (void)(*admin)->Write([&](Connection& connection) -> Result<void> {
        return connection.ExecuteScript("DROP SCHEMA IF EXISTS " + cleanup_ + " CASCADE");
      });
    }
  }
}

std::unique_ptr<TestDatabase> TestDatabase::Open(const std::string& backend, std::string& skip_reason,
                                                 const DatabaseOptions& options) {
  InitCrypto();
  auto test_database = std::unique_ptr<TestDatabase>(new TestDatabase());
  test_database->backend_ = backend;

  if (backend == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / ("tally-test-" + RandomHex(6));
    std::filesystem::create_directories(dir);
    test_database->cleanup_ = dir.string();
    test_database->url_ = "sqlite://" + (dir / "tally.db").string();
  } else {
    const char* admin_url = std::getenv("TALLY_TEST_POSTGRES_URL");
    if (!admin_url || !*admin_url) {
      skip_reason = "PostgreSQL tests need TALLY_TEST_POSTGRES_URL (make test starts a cluster and sets it)";
      return nullptr;
    }
    test_database->admin_url_ = admin_url;
    auto admin = Database::Open(admin_url, {.pool_size = 1});
    if (!admin) {
      skip_reason = "cannot reach TALLY_TEST_POSTGRES_URL: " + admin.error().detail;
      return nullptr;
    }
    const std::string schema = "test_" + RandomHex(8);
    auto created = (*admin)->Write([&](Connection& connection) -> Result<void> {
      return connection.ExecuteScript("CREATE SCHEMA " + schema);
    });
    if (!created) {
      skip_reason = "cannot create a test schema: " + created.error().detail;
      return nullptr;
    }
    test_database->cleanup_ = schema;
    const std::string separator = std::string(admin_url).find('?') == std::string::npos ? "?" : "&";
    test_database->url_ = fmt::format("{}{}options=-csearch_path%3D{}", admin_url, separator, schema);
  }

  auto database = Database::Open(test_database->url_, options);
  if (!database) {
    skip_reason = "cannot open " + backend + " test database: " + database.error().detail;
    return nullptr;
  }
  test_database->database_ = std::move(*database);
  return test_database;
}

}  // namespace tally::store::testing
