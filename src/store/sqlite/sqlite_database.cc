#include "store/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <boost/regex.hpp>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "core/log.h"

namespace tally::store {

namespace {

Error SqliteError(sqlite3* db, int code, std::string_view what) {
  const int primary = code & 0xff;
  std::string detail = fmt::format("{}: {} ({})", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(code), code);
  if (primary == SQLITE_CONSTRAINT) {
    Error error = Error::Conflict("The change conflicts with existing data");
    error.detail = std::move(detail);
    return error;
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error::Unavailable("The database is busy; retry the request", std::move(detail));
  }
  return Error::Internal(std::move(detail));
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    // Rows are moved, not copied, because a row may carry large JSON text.
    TALLY_TRY(Run(sql, params, [&](Row& row) {
      rows.push_back(std::move(row));
      return true;
    }));
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const Params& params) override {
    TALLY_TRY(Run(sql, params, [](Row&) { return true; }));
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Result<void> ForEach(std::string_view sql, const Params& params,
                       const std::function<bool(const Row&)>& on_row) override {
    return Run(sql, params, [&on_row](Row& row) { return on_row(row); });
  }

  Result<void> ExecuteScript(std::string_view sql) override {
    char* message = nullptr;
    const int code = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
      Error error = SqliteError(db_, code, "script failed");
      if (message) {
        error.detail += std::string(": ") + message;
        sqlite3_free(message);
      }
      return error;
    }
    return Ok();
  }

  sqlite3* handle() const { return db_; }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    const int code = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                                        &statement, nullptr);
    if (code != SQLITE_OK) return SqliteError(db_, code, "prepare failed");
    statements_.emplace(std::move(key), statement);
    return statement;
  }

  // Text and blobs are bound without a copy (SQLITE_STATIC): Run keeps
  // `params` alive until it has reset the statement and cleared them.
  Result<void> Bind(sqlite3_stmt* statement, const Params& params) {
    const int expected = sqlite3_bind_parameter_count(statement);
    if (expected != static_cast<int>(params.size())) {
      return Error::Internal(fmt::format("statement expects {} parameters, got {}", expected, params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int code = SQLITE_OK;
      std::visit(
          [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              code = sqlite3_bind_null(statement, index);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              code = sqlite3_bind_int64(statement, index, value);
            } else if constexpr (std::is_same_v<T, double>) {
              code = sqlite3_bind_double(statement, index, value);
            } else if constexpr (std::is_same_v<T, std::string>) {
              code = sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
            } else {
              code = sqlite3_bind_blob64(statement, index, value.bytes.data(), value.bytes.size(), SQLITE_STATIC);
            }
          },
          params[i]);
      if (code != SQLITE_OK) return SqliteError(db_, code, "bind failed");
    }
    return Ok();
  }

  Result<void> Run(std::string_view sql, const Params& params, const std::function<bool(Row&)>& on_row) {
    TALLY_TRY(CheckTextParams(params));
    TALLY_ASSIGN_OR_RETURN(statement, Prepare(sql));
    // Reset on every exit path so the cached statement never holds a read lock.
    struct Resetter {
      sqlite3_stmt* statement;
      ~Resetter() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } resetter{statement};
    TALLY_TRY(Bind(statement, params));

    std::shared_ptr<const std::vector<std::string>> columns;
    while (true) {
      const int code = sqlite3_step(statement);
      if (code == SQLITE_DONE) return Ok();
      if (code != SQLITE_ROW) return SqliteError(db_, code, "step failed");

      const int count = sqlite3_column_count(statement);
      if (!columns) {
        auto names = std::make_shared<std::vector<std::string>>();
        for (int i = 0; i < count; ++i) names->emplace_back(sqlite3_column_name(statement, i));
        columns = std::move(names);
      }
      std::vector<Value> values;
      values.reserve(count);
      for (int i = 0; i < count; ++i) {
        switch (sqlite3_column_type(statement, i)) {
          case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(statement, i))); break;
          case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(statement, i)); break;
          case SQLITE_TEXT:
            values.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)),
                                            sqlite3_column_bytes(statement, i)));
            break;
          case SQLITE_BLOB: {
            const void* data = sqlite3_column_blob(statement, i);
            values.emplace_back(Blob{std::string(static_cast<const char*>(data), sqlite3_column_bytes(statement, i))});
            break;
          }
          default: values.emplace_back(nullptr);
        }
      }
      Row row(columns, std::move(values));
      if (!on_row(row)) return Ok();
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> writer, std::vector<std::unique_ptr<SqliteConnection>> readers,
                 const DatabaseOptions& options)
      : writer_(std::move(writer)), readers_(std::move(readers)), options_(options) {
    for (auto& reader : readers_) free_readers_.push_back(reader.get());
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  PoolStats Stats() const override {
    std::lock_guard lock(mutex_);
    PoolStats stats;
    stats.connections = static_cast<int>(readers_.size()) + 1;
    stats.in_use = static_cast<int>(readers_.size() - free_readers_.size()) + (writer_busy_ ? 1 : 0);
    stats.waits = waits_;
    stats.timeouts = timeouts_;
    return stats;
  }

 protected:
  Result<Lease> Acquire(Access access) override {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    if (access == Access::kWrite) {
      if (writer_busy_) ++waits_;
      if (!available_.wait_until(lock, deadline, [&] { return !writer_busy_; })) {
        ++timeouts_;
        return Error::Unavailable("The database is busy; retry the request", "timed out waiting for the writer");
      }
      writer_busy_ = true;
      return Lease(writer_.get(), [this](Connection*) {
        {
          std::lock_guard release_lock(mutex_);
          writer_busy_ = false;
        }
        available_.notify_all();
      });
    }

    if (free_readers_.empty()) ++waits_;
    if (!available_.wait_until(lock, deadline, [&] { return !free_readers_.empty(); })) {
      ++timeouts_;
      return Error::Unavailable("The database is busy; retry the request", "timed out waiting for a reader");
    }
    Connection* reader = free_readers_.back();
    free_readers_.pop_back();
    return Lease(reader, [this](Connection* connection) {
      {
        std::lock_guard release_lock(mutex_);
        free_readers_.push_back(connection);
      }
      available_.notify_all();
    });
  }

  Result<void> Begin(Connection& connection, Access access) override {
    // IMMEDIATE takes the write lock up front, so when another process holds
    // the file a transaction fails at BEGIN (after busy_timeout) rather than
    // half-way. Execute reuses the prepared statement, where ExecuteScript
    // would parse the SQL on every transaction.
    TALLY_TRY(connection.Execute(access == Access::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
    return Ok();
  }

  Result<void> Commit(Connection& connection) override {
    TALLY_TRY(connection.Execute("COMMIT"));
    return Ok();
  }

  void Rollback(Connection& connection) override {
    auto& sqlite = static_cast<SqliteConnection&>(connection);
    if (!sqlite3_get_autocommit(sqlite.handle())) (void)connection.ExecuteScript("ROLLBACK");
  }

 private:
  std::unique_ptr<SqliteConnection> writer_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  DatabaseOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  bool writer_busy_ = false;
  std::vector<Connection*> free_readers_;
  int64_t waits_ = 0;
  int64_t timeouts_ = 0;
};

// `subject REGEXP pattern` (SQLite calls regexp(pattern, subject)), which
// SQLite leaves undefined: a search with Boost.Regex's ECMAScript grammar, as
// PostgreSQL's `~` searches. An invalid pattern or a NULL operand matches
// nothing. Boost's matcher keeps its backtracking state on the heap and gives
// up past a complexity bound, so a pattern that backtracks on a long text
// matches nothing instead of overflowing the stack (std::regex recursed once
// per character). The compiled pattern is cached per statement with auxdata.
void RegexpFunction(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  const auto* cached = static_cast<const boost::regex*>(sqlite3_get_auxdata(context, 0));
  std::unique_ptr<boost::regex> compiled;
  if (!cached) {
    const unsigned char* pattern = sqlite3_value_text(argv[0]);
    if (!pattern) return sqlite3_result_int(context, 0);
    try {
      compiled = std::make_unique<boost::regex>(reinterpret_cast<const char*>(pattern), boost::regex::ECMAScript);
    } catch (const boost::regex_error&) {
      return sqlite3_result_int(context, 0);
    }
  }
  const unsigned char* subject = sqlite3_value_text(argv[1]);
  bool match = false;
  if (subject) {
    const char* begin = reinterpret_cast<const char*>(subject);
    const char* end = begin + sqlite3_value_bytes(argv[1]);
    try {
      match = boost::regex_search(begin, end, cached ? *cached : *compiled);
    } catch (const std::runtime_error&) {
      match = false;  // gave up: too complex, or out of its memory bound
    }
  }
  sqlite3_result_int(context, match ? 1 : 0);
  if (compiled) {
    sqlite3_set_auxdata(context, 0, compiled.release(), [](void* p) { delete static_cast<boost::regex*>(p); });
  }
}

Result<std::unique_ptr<SqliteConnection>> OpenConnection(const std::string& path, bool writer,
                                                         const DatabaseOptions& options) {
  sqlite3* db = nullptr;
  const int flags = (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    Error error = Error::Unavailable("The database file could not be opened",
                                     fmt::format("open {}: {}", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
    sqlite3_close_v2(db);
    return error;
  }
  auto connection = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, RegexpFunction, nullptr,
                          nullptr);

  // synchronous=NORMAL in WAL mode keeps every committed transaction across a
  // process crash; only an OS crash or power loss can drop the last commits.
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;";
  if (writer) pragmas = "PRAGMA journal_mode=WAL; " + pragmas;
  TALLY_TRY(connection->ExecuteScript(pragmas));
  return connection;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    // Owner only: the file holds password hashes and the token signing key.
    if (!ec) std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  if (ec) {
    return Error::Unavailable("The database directory could not be created",
                              fmt::format("create {}: {}", parent.string(), ec.message()));
  }

  // The writer opens first: it creates the file and switches it to WAL, which
  // read-only connections cannot do.
  TALLY_ASSIGN_OR_RETURN(writer, OpenConnection(path, true, options));
  std::vector<std::unique_ptr<SqliteConnection>> readers;
  for (int i = 0; i < std::max(1, options.pool_size); ++i) {
    TALLY_ASSIGN_OR_RETURN(reader, OpenConnection(path, false, options));
    readers.push_back(std::move(reader));
  }
  TALLY_LOG_INFO("event=database_opened backend=sqlite path={} readers={}", path, readers.size());
  return std::unique_ptr<Database>(new SqliteDatabase(std::move(writer), std::move(readers), options));
}

}  // namespace tally::store
