// The reference for the import benchmark: inserts the tasks of a JSON task
// file into a table shaped like `tasks` with one prepared statement in one
// SQLite transaction, the floor any import through the API sits above.
//
// Usage: import_reference TASKS.json DATABASE.db
// Prints "reference_rows=N reference_seconds=S". Parsing the file and
// serializing each task's data happen before the clock starts, so the
// figure is the insert alone.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "labeling/import/json_items.h"

namespace bj = boost::json;

namespace {

bool Check(int code, sqlite3* db, const char* step) {
  if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) return true;
  std::fprintf(stderr, "import_reference: %s failed: %s\n", step, sqlite3_errmsg(db));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: import_reference TASKS.json DATABASE.db\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "import_reference: cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();

  std::vector<std::string> rows;
  auto read = tally::labeling::ForEachJsonItem(text.str(), [&](bj::value& item) -> tally::Result<void> {
    rows.push_back(bj::serialize(item));
    return tally::Ok();
  });
  if (!read) {
    std::fprintf(stderr, "import_reference: %s\n", read.error().message.c_str());
    return 1;
  }

  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
  // The same settings tally's SQLite backend uses for its writer.
  if (!Check(sqlite3_exec(db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                          "CREATE TABLE tasks_reference (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                          " project_id INTEGER NOT NULL, inner_id INTEGER NOT NULL, data TEXT NOT NULL,"
                          " meta TEXT NOT NULL DEFAULT '{}', overlap INTEGER NOT NULL DEFAULT 1,"
                          " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
                          "CREATE UNIQUE INDEX tasks_reference_inner ON tasks_reference (project_id, inner_id);",
                          nullptr, nullptr, nullptr),
             db, "schema")) {
    return 1;
  }

  sqlite3_stmt* insert = nullptr;
  if (!Check(sqlite3_prepare_v2(db,
                                "INSERT INTO tasks_reference (project_id, inner_id, data, meta, overlap, created_at,"
                                " updated_at) VALUES (1, ?, ?, '{}', 1, ?, ?)",
                                -1, &insert, nullptr),
             db, "prepare")) {
    return 1;
  }

  const auto started = std::chrono::steady_clock::now();
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t now = 1'700'000'000'000'000 + static_cast<int64_t>(i);
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i + 1));
    sqlite3_bind_text(insert, 2, rows[i].data(), static_cast<int>(rows[i].size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, now);
    sqlite3_bind_int64(insert, 4, now);
    if (!Check(sqlite3_step(insert), db, "insert")) return 1;
    sqlite3_reset(insert);
  }
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::printf("reference_rows=%zu reference_seconds=%.3f\n", rows.size(), seconds);
  return 0;
}
