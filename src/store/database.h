// The Database interface every subsystem stores its tables through.
//
// Two backends implement it: SQLite (the default; one file under the data
// directory, one writer connection and a pool of readers, WAL mode) and
// PostgreSQL (a pool of libpq connections shared by any number of processes).
//
// SQL is written once with `?` placeholders; the PostgreSQL backend rewrites
// them to `$1…$n`. Where the dialects differ (DDL, upserts, JSON operators,
// SKIP LOCKED), callers branch on dialect(). Values cross the interface as
// store::Value: null, 64-bit integer, double, text or blob. Booleans are stored
// as integers 0/1 in both dialects so rows read back the same everywhere.
//
// Thread-safety: Database is thread-safe. A Connection is used by one thread
// at a time; it is borrowed from the pool inside Read()/Write() and returned
// when the callback ends. Never keep a Connection& past the callback.
//
// Errors: every call returns Result. Constraint violations (unique, foreign
// key) are Errc::kConflict; a busy or unreachable database is
// Errc::kUnavailable; anything else is Errc::kInternal with the driver's
// message in Error::detail (never shown to clients).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace tally::store {

enum class Dialect { kSqlite, kPostgres };

struct Blob {
  std::string bytes;
};

using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

// Helpers to build parameters: an empty optional binds NULL.
inline Value Null() { return nullptr; }
template <class T>
Value OrNull(const std::optional<T>& value) {
  if (!value) return nullptr;
  return Value(*value);
}
inline Value Bool(bool value) { return static_cast<int64_t>(value ? 1 : 0); }

// One result row. Accessors convert where lossless (an integer read as
// double, a numeric text read as integer) and return the fallback for NULL.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const Value& at(size_t index) const { return values_.at(index); }
  bool IsNull(size_t index) const { return std::holds_alternative<std::nullptr_t>(values_.at(index)); }

  int64_t Int(size_t index, int64_t fallback = 0) const;
  double Double(size_t index, double fallback = 0) const;
  bool Bool(size_t index, bool fallback = false) const { return Int(index, fallback ? 1 : 0) != 0; }
  std::string Text(size_t index, std::string fallback = {}) const;
  std::optional<int64_t> OptionalInt(size_t index) const;
  std::optional<double> OptionalDouble(size_t index) const;
  std::optional<std::string> OptionalText(size_t index) const;

  // Index of a column by name; throws std::out_of_range for an unknown name
  // (a programming error, not a runtime condition).
  size_t Column(std::string_view name) const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

using Params = std::vector<Value>;

// Rejects text parameters that contain NUL: PostgreSQL cannot store it and
// would cut the text short, so both backends refuse it alike (kInvalidArgument).
[[nodiscard]] Result<void> CheckTextParams(const Params& params);

// A borrowed connection, valid only inside a Read() or Write() callback.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // Runs one statement and returns all its rows (empty for statements without
  // a result set).
  [[nodiscard]] virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;

  // Runs one statement and returns the number of rows it changed.
  [[nodiscard]] virtual Result<int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;

  // Runs one statement and calls `on_row` per row without holding them all in
  // memory; `on_row` returns false to stop early. For streaming exports.
  [[nodiscard]] virtual Result<void> ForEach(std::string_view sql, const Params& params,
                                             const std::function<bool(const Row&)>& on_row) = 0;

  // Runs a script of several statements without parameters (migrations).
  [[nodiscard]] virtual Result<void> ExecuteScript(std::string_view sql) = 0;

  // Convenience: the first row of Query, or nullopt when there is none.
  [[nodiscard]] Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
};

struct PoolStats {
  int connections = 0;  // open connections, readers and writer together
  int in_use = 0;       // borrowed right now
  int64_t waits = 0;    // borrows that had to wait for a free connection
  int64_t timeouts = 0; // borrows that gave up after the acquire timeout
};

struct DatabaseOptions {
  // Connections in the pool: readers for SQLite (plus its one writer), all
  // connections for PostgreSQL. Default 8: enough for the worker pool, small
  // enough for PostgreSQL's default max_connections=100 across ~10 processes.
  int pool_size = 8;
  // How long a borrow waits for a free connection before Errc::kUnavailable.
  std::chrono::milliseconds acquire_timeout{5000};
  // SQLite only: how long a statement waits on another process's lock.
  std::chrono::milliseconds busy_timeout{5000};
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens `url`: "sqlite:///abs/path.db", "sqlite://relative.db" or
  // "postgresql://…"/"postgres://…". Fails with kInvalidArgument for an
  // unknown scheme and kUnavailable when the database cannot be reached.
  [[nodiscard]] static Result<std::unique_ptr<Database>> Open(const std::string& url, const DatabaseOptions& options = {});

  virtual Dialect dialect() const = 0;

  // Runs `work` inside one transaction on a connection that may write, and
  // commits if it returns success, rolls back otherwise (and on exception).
  // SQLite serializes writers on its one write connection.
  template <class F>
  auto Write(F&& work) -> decltype(work(std::declval<Connection&>()));

  // Runs `work` on a read connection inside a read-only snapshot.
  template <class F>
  auto Read(F&& work) -> decltype(work(std::declval<Connection&>()));

  virtual PoolStats Stats() const = 0;

  // Cheap liveness probe (SELECT 1) on a read connection.
  [[nodiscard]] Result<void> Ping();

 protected:
  enum class Access { kRead, kWrite };

  // A connection on loan; returns itself to the pool when destroyed.
  class Lease {
   public:
    Lease(Connection* connection, std::function<void(Connection*)> release)
        : connection_(connection), release_(std::move(release)) {}
    Lease(Lease&& other) noexcept : connection_(other.connection_), release_(std::move(other.release_)) {
      other.connection_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (connection_ && release_) release_(connection_);
    }
    Connection& operator*() const { return *connection_; }

   private:
    Connection* connection_;
    std::function<void(Connection*)> release_;
  };

  [[nodiscard]] virtual Result<Lease> Acquire(Access access) = 0;
  [[nodiscard]] virtual Result<void> Begin(Connection& connection, Access access) = 0;
  [[nodiscard]] virtual Result<void> Commit(Connection& connection) = 0;
  virtual void Rollback(Connection& connection) = 0;

 private:
  template <class F>
  auto RunInTransaction(Access access, F&& work) -> decltype(work(std::declval<Connection&>()));
};

// ---------------------------------------------------------------------------
// Template definitions

template <class F>
auto Database::Write(F&& work) -> decltype(work(std::declval<Connection&>())) {
  return RunInTransaction(Access::kWrite, std::forward<F>(work));
}

template <class F>
auto Database::Read(F&& work) -> decltype(work(std::declval<Connection&>())) {
  return RunInTransaction(Access::kRead, std::forward<F>(work));
}

template <class F>
auto Database::RunInTransaction(Access access, F&& work) -> decltype(work(std::declval<Connection&>())) {
  auto lease = Acquire(access);
  if (!lease) return lease.error();
  Connection& connection = **lease;

  if (auto begun = Begin(connection, access); !begun) return begun.error();
  try {
    auto result = work(connection);
    if (!result) {
      Rollback(connection);
      return result;
    }
    if (auto committed = Commit(connection); !committed) {
      Rollback(connection);
      return committed.error();
    }
    return result;
  } catch (...) {
    Rollback(connection);
    throw;
  }
}

}  // namespace tally::store
