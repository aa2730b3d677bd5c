// Schema migrations: numbered steps, each with an up and a down script per
// dialect, recorded in the schema_migrations table.
//
// Scripts live in src/store/migrations/ as NNNN_name.{up,down}.{sqlite,postgres}.sql
// and are compiled into the binary, so a deployed `tally` carries exactly the
// schema it understands. Each step runs in its own transaction together with
// its schema_migrations row: a crash leaves the database at a step boundary.
// On PostgreSQL an advisory lock keeps two starting processes from migrating
// at once; on SQLite the write transaction does the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace tally::store {

struct Migration {
  int version = 0;
  std::string name;
  std::string up_sqlite, down_sqlite, up_postgres, down_postgres;
};

struct MigrationStatus {
  int version = 0;
  std::string name;
  std::optional<int64_t> applied_at;  // microseconds; nullopt when pending
};

// The migrations compiled into this binary, ascending by version.
const std::vector<Migration>& BuiltinMigrations();

class Migrator {
 public:
  Migrator(Database& database, const std::vector<Migration>& migrations = BuiltinMigrations())
      : database_(database), migrations_(migrations) {}

  // Applies pending migrations in order, at most `steps` of them (all when
  // nullopt). Returns how many were applied.
  [[nodiscard]] Result<int> Up(std::optional<int> steps = std::nullopt);

  // Reverts the latest `steps` applied migrations, newest first.
  [[nodiscard]] Result<int> Down(int steps);

  // Every known migration with its state, plus any applied version this
  // binary does not know (name "unknown").
  [[nodiscard]] Result<std::vector<MigrationStatus>> Status();

  // Fails with kConflict when the database holds a migration newer than the
  // newest this binary knows: running old code on a new schema risks data loss.
  [[nodiscard]] Result<void> CheckNotNewer();

  // Highest applied version, 0 when none.
  [[nodiscard]] Result<int> CurrentVersion();

 private:
  Result<void> EnsureTable();
  Database& database_;
  const std::vector<Migration>& migrations_;
};

}  // namespace tally::store
