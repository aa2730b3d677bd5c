#include "store/database.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/postgres/postgres_database.h"
#include "store/testing/test_databases.h"

namespace tally::store {
namespace {

class DatabaseTest : public ::testing::TestWithParam<std::string> {};

Result<void> CreateItemsPortable(Database& db) {
  const char* blob_type = db.dialect() == Dialect::kPostgres ? "BYTEA" : "BLOB";
  return db.Write([&](Connection& connection) -> Result<void> {
    return connection.ExecuteScript(std::string("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                                                " score DOUBLE PRECISION, payload ") +
                                    blob_type + ")");
  });
}

TEST_P(DatabaseTest, ValuesRoundTrip) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));

  auto inserted = test->db().Write([](Connection& connection) -> Result<int64_t> {
    return connection.Execute("INSERT INTO items (id, name, score, payload) VALUES (?, ?, ?, ?)",
                              {int64_t{1}, std::string("it's ?"), 0.25, Blob{std::string("\0\x01\xff", 3)}});
  });
  ASSERT_TRUE(inserted) << inserted.error().detail;
  EXPECT_EQ(*inserted, 1);

  auto row = test->db().Read([](Connection& connection) {
    return connection.QueryOne("SELECT id, name, score, payload FROM items WHERE name = ?", {std::string("it's ?")});
  });
  ASSERT_TRUE(row) << row.error().detail;
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->Int(0), 1);
  EXPECT_EQ((*row)->Text(1), "it's ?");
  EXPECT_DOUBLE_EQ((*row)->Double(2), 0.25);
  EXPECT_EQ((*row)->Text(3), std::string("\0\x01\xff", 3));
  EXPECT_EQ((*row)->Column("score"), 2u);
}

TEST_P(DatabaseTest, NullsReadAsFallback) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  ASSERT_TRUE(test->db().Write([](Connection& connection) {
    return connection.Execute("INSERT INTO items (id, name, score) VALUES (?, ?, ?)",
                              {int64_t{1}, std::string("a"), nullptr});
  }));
  auto row = test->db().Read([](Connection& c) { return c.QueryOne("SELECT score FROM items"); }).value();
  ASSERT_TRUE(row);
  EXPECT_TRUE(row->IsNull(0));
  EXPECT_FALSE(row->OptionalDouble(0).has_value());
  EXPECT_EQ(row->Double(0, -1), -1);
}

TEST_P(DatabaseTest, UniqueViolationIsConflict) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  auto insert = [&](int64_t id) {
    return test->db().Write([&](Connection& connection) {
      return connection.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {id, std::string("same")});
    });
  };
  ASSERT_TRUE(insert(1));
  auto second = insert(2);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::kConflict);
  EXPECT_FALSE(second.error().detail.empty());
}

TEST_P(DatabaseTest, FailedCallbackRollsBack) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  auto failed = test->db().Write([](Connection& connection) -> Result<void> {
    TALLY_TRY(connection.Execute("INSERT INTO items (id, name) VALUES (1, 'kept?')"));
    return Error::Invalid("stop here");
  });
  ASSERT_FALSE(failed);
  auto count = test->db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items"); }).value();
  EXPECT_EQ(count->Int(0), 0);
}

TEST_P(DatabaseTest, ExceptionRollsBackAndReleases) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam(), DatabaseOptions{.pool_size = 1});
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  EXPECT_THROW((void)test->db().Write([](Connection& connection) -> Result<void> {
    (void)connection.Execute("INSERT INTO items (id, name) VALUES (1, 'x')");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  // The connection went back to the pool and the insert did not stick.
  auto count = test->db().Write([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items"); });
  ASSERT_TRUE(count) << count.error().detail;
  EXPECT_EQ((*count)->Int(0), 0);
}

TEST_P(DatabaseTest, ForEachStopsEarly) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  ASSERT_TRUE(test->db().Write([](Connection& connection) -> Result<void> {
    for (int64_t i = 1; i <= 100; ++i) {
      TALLY_TRY(connection.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {i, "n" + std::to_string(i)}));
    }
    return Ok();
  }));
  int seen = 0;
  auto scanned = test->db().Read([&](Connection& connection) {
    return connection.ForEach("SELECT id FROM items ORDER BY id", {}, [&](const Row& row) {
      ++seen;
      EXPECT_EQ(row.Int(0), seen);
      return seen < 10;
    });
  });
  ASSERT_TRUE(scanned) << scanned.error().detail;
  EXPECT_EQ(seen, 10);
  // The connection is usable after an early stop.
  auto count = test->db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items"); });
  ASSERT_TRUE(count) << count.error().detail;
  EXPECT_EQ((*count)->Int(0), 100);
}

TEST_P(DatabaseTest, SyntaxErrorIsInternalWithDetail) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  auto broken = test->db().Read([](Connection& c) { return c.Query("SELEC nothing"); });
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, Errc::kInternal);
  EXPECT_EQ(broken.error().message, "Internal server error");
  EXPECT_FALSE(broken.error().detail.empty());
}

TEST_P(DatabaseTest, ReadersRunBesideWriter) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam(), DatabaseOptions{.pool_size = 4});
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int64_t id = t * 1000 + i;
        auto written = test->db().Write([&](Connection& c) {
          return c.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {id, std::to_string(id)});
        });
        auto read = test->db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items"); });
        if (!written || !read) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto count = test->db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items"); }).value();
  EXPECT_EQ(count->Int(0), 200);
  EXPECT_EQ(test->db().Stats().in_use, 0);
}

TEST_P(DatabaseTest, NulAndBadUtf8AreClientErrors) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  ASSERT_TRUE(CreateItemsPortable(test->db()));
  auto nul = test->db().Write([](Connection& c) {
    return c.Execute("INSERT INTO items (id, name) VALUES (1, ?)", {std::string("a\0b", 3)});
  });
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, Errc::kInvalidArgument);

  if (test->db().dialect() == Dialect::kPostgres) {
    auto bad = test->db().Read([](Connection& c) { return c.Query("SELECT id FROM items WHERE name = ?", {std::string("\xff")}); });
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
  }
}

// The data manager's regex filter: SQLite's REGEXP (our function) and
// PostgreSQL's ~ both search, and a pattern that backtracks on a long text
// gives no match instead of crashing the process.
TEST_P(DatabaseTest, RegexSearchIsBoundedOnLongText) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  const std::string op = test->db().dialect() == Dialect::kPostgres ? " ~ " : " REGEXP ";
  auto matches = [&](const std::string& subject, const std::string& pattern) {
    return test->db().Read([&](Connection& c) {
      return c.QueryOne("SELECT CASE WHEN CAST(? AS TEXT)" + op + "CAST(? AS TEXT) THEN 1 ELSE 0 END",
                        {subject, pattern});
    });
  };
  auto found = matches("label: cat", "ca+t$");
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ((*found)->Int(0), 1);

  auto long_text = matches(std::string(200'000, 'a'), "(a|b)*c");
  ASSERT_TRUE(long_text) << long_text.error().detail;
  EXPECT_EQ((*long_text)->Int(0), 0);
}

TEST_P(DatabaseTest, PingSucceeds) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  EXPECT_TRUE(test->db().Ping());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::Backends()));

TEST(DatabaseOpen, RejectsUnknownScheme) {
  auto opened = Database::Open("mysql://x");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kInvalidArgument);
}

TEST(DatabaseOpen, UnreachablePostgresIsUnavailableWithoutPassword) {
  auto opened = Database::Open("postgresql://user:hunter2@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::kUnavailable);
  EXPECT_EQ(opened.error().detail.find("hunter2"), std::string::npos);
}

TEST(RewritePlaceholders, SkipsQuotesAndComments) {
  EXPECT_EQ(RewritePlaceholders("SELECT ? , '?' , \"?\" -- ?\n, ?"), "SELECT $1 , '?' , \"?\" -- ?\n, $2");
}

}  // namespace
}  // namespace tally::store
