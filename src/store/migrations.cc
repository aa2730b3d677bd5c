#include "store/migrations.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/log.h"
#include "core/time.h"

namespace tally::store {

namespace {

// Arbitrary constant shared by every tally process: the key of the advisory
// lock that serializes migrations on PostgreSQL.
constexpr int64_t kMigrationLockKey = 0x7461'6c6c'7930'0001;

Result<void> LockForMigration(Connection& connection) {
  if (connection.dialect() != Dialect::kPostgres) return Ok();
  TALLY_TRY(connection.Query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey}));
  return Ok();
}

Result<std::vector<int>> AppliedVersions(Connection& connection) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT version FROM schema_migrations ORDER BY version"));
  std::vector<int> versions;
  for (const auto& row : rows) versions.push_back(static_cast<int>(row.Int(0)));
  return versions;
}

}  // namespace

Result<void> Migrator::EnsureTable() {
  // Under the migration lock: two processes creating the table at once make
  // PostgreSQL's CREATE TABLE IF NOT EXISTS fail on its catalogue's unique index.
  return database_.Write([](Connection& connection) -> Result<void> {
    TALLY_TRY(LockForMigration(connection));
    return connection.ExecuteScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " applied_at BIGINT NOT NULL)");
  });
}

Result<int> Migrator::Up(std::optional<int> steps) {
  TALLY_TRY(EnsureTable());
  int applied_count = 0;
  for (const Migration& migration : migrations_) {
    if (steps && applied_count >= *steps) break;

    // One transaction per step: the lock, the check and the apply belong
    // together so two processes starting at once apply each step once.
    TALLY_ASSIGN_OR_RETURN(applied_now, database_.Write([&](Connection& connection) -> Result<bool> {
      TALLY_TRY(LockForMigration(connection));
      TALLY_ASSIGN_OR_RETURN(existing, connection.QueryOne("SELECT 1 FROM schema_migrations WHERE version = ?",
                                                           {int64_t{migration.version}}));
      if (existing) return false;

      const std::string& script =
          connection.dialect() == Dialect::kPostgres ? migration.up_postgres : migration.up_sqlite;
      if (auto done = connection.ExecuteScript(script); !done) {
        Error error = done.error();
        error.detail = fmt::format("migration {} {} up: {}", migration.version, migration.name, error.detail);
        return error;
      }
      TALLY_TRY(connection.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                   {int64_t{migration.version}, migration.name, NowMicros()}));
      return true;
    }));
    if (applied_now) {
      ++applied_count;
      TALLY_LOG_INFO("event=migration_applied version={} name={}", migration.version, migration.name);
    }
  }
  return applied_count;
}

Result<int> Migrator::Down(int steps) {
  TALLY_TRY(EnsureTable());
  int reverted = 0;
  for (int i = 0; i < steps; ++i) {
    TALLY_ASSIGN_OR_RETURN(reverted_version, database_.Write([&](Connection& connection) -> Result<int> {
      TALLY_TRY(LockForMigration(connection));
      TALLY_ASSIGN_OR_RETURN(latest, connection.QueryOne("SELECT MAX(version) FROM schema_migrations"));
      if (!latest || latest->IsNull(0)) return 0;
      const int version = static_cast<int>(latest->Int(0));

      auto known = std::find_if(migrations_.begin(), migrations_.end(),
                                [&](const Migration& migration) { return migration.version == version; });
      if (known == migrations_.end()) {
        return Error::Conflict(fmt::format(
            "Migration {} was applied by a newer tally; revert it with that version's `tally migrate down`", version));
      }
      const std::string& script =
          connection.dialect() == Dialect::kPostgres ? known->down_postgres : known->down_sqlite;
      if (auto done = connection.ExecuteScript(script); !done) {
        Error error = done.error();
        error.detail = fmt::format("migration {} {} down: {}", known->version, known->name, error.detail);
        return error;
      }
      TALLY_TRY(connection.Execute("DELETE FROM schema_migrations WHERE version = ?", {int64_t{version}}));
      return version;
    }));
    if (reverted_version == 0) break;
    ++reverted;
    TALLY_LOG_INFO("event=migration_reverted version={}", reverted_version);
  }
  return reverted;
}

Result<std::vector<MigrationStatus>> Migrator::Status() {
  TALLY_TRY(EnsureTable());
  return database_.Read([&](Connection& connection) -> Result<std::vector<MigrationStatus>> {
    TALLY_ASSIGN_OR_RETURN(rows,
                           connection.Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version"));
    std::vector<MigrationStatus> statuses;
    for (const Migration& migration : migrations_) statuses.push_back({migration.version, migration.name, {}});
    for (const auto& row : rows) {
      const int version = static_cast<int>(row.Int(0));
      auto it = std::find_if(statuses.begin(), statuses.end(),
                             [&](const MigrationStatus& status) { return status.version == version; });
      if (it == statuses.end()) {
        statuses.push_back({version, "unknown (" + row.Text(1) + ")", row.Int(2)});
      } else {
        it->applied_at = row.Int(2);
      }
    }
    std::sort(statuses.begin(), statuses.end(),
              [](const MigrationStatus& a, const MigrationStatus& b) { return a.version < b.version; });
    return statuses;
  });
}

Result<int> Migrator::CurrentVersion() {
  TALLY_TRY(EnsureTable());
  return database_.Read([](Connection& connection) -> Result<int> {
    TALLY_ASSIGN_OR_RETURN(versions, AppliedVersions(connection));
    return versions.empty() ? 0 : versions.back();
  });
}

Result<void> Migrator::CheckNotNewer() {
  TALLY_ASSIGN_OR_RETURN(current, CurrentVersion());
  const int newest_known = migrations_.empty() ? 0 : migrations_.back().version;
  if (current > newest_known) {
    return Error::Conflict(fmt::format(
        "The database schema is at version {} but this tally knows only up to {}; run the newer tally release",
        current, newest_known));
  }
  return Ok();
}

}  // namespace tally::store
