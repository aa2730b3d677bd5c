// Fresh, empty databases for tests, one per backend.
//
// SQLite: a new file in a temporary directory. PostgreSQL: a new schema in the
// cluster named by TALLY_TEST_POSTGRES_URL (make test starts one), reached
// through search_path, so tests run in parallel without seeing each other.
// Both are removed when the TestDatabase is destroyed.
//
// When TALLY_TEST_POSTGRES_URL is unset, PostgreSQL cases are skipped with a
// message, except under CI=true, where they fail: CI must exercise both.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/database.h"

namespace tally::store::testing {

class TestDatabase {
 public:
  ~TestDatabase();
  Database& db() { return *database_; }
  const std::string& url() const { return url_; }
  const std::string& backend() const { return backend_; }

  // Opens an empty database of `backend` ("sqlite" or "postgres"). Returns
  // nullptr with `skip_reason` set when that backend is not available here.
  static std::unique_ptr<TestDatabase> Open(const std::string& backend, std::string& skip_reason,
                                            const DatabaseOptions& options = {});

 private:
  std::string backend_;
  std::string url_;
  std::string cleanup_;  // directory (SQLite) or schema name (PostgreSQL)
  std::string admin_url_;
  std::unique_ptr<Database> database_;
};

// The backends every storage test runs against.
std::vector<std::string> Backends();

}  // namespace tally::store::testing

// Opens `var` as a fresh database for the current test's backend parameter, or
// skips (fails under CI) when the backend is unavailable.
#define TALLY_OPEN_TEST_DATABASE(var, backend, ...)                                          \
  std::string var##_skip_reason;                                                             \
  auto var = ::tally::store::testing::TestDatabase::Open(backend, var##_skip_reason, ##__VA_ARGS__); \
  if (!var) {                                                                                \
    if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") {                    \
      FAIL() << var##_skip_reason;                                                           \
    }                                                                                        \
    GTEST_SKIP() << var##_skip_reason;                                                       \
  }
