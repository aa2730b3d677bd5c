#include "store/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <unordered_map>

#include "core/log.h"

namespace tally::store {

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += fmt::format("${}", next++);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

// Type OIDs from PostgreSQL's pg_type catalogue (stable across versions).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

Error PostgresError(PGconn* connection, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string detail = fmt::format("{}: {} (sqlstate {})", what, message, state ? state : "none");

  const std::string_view sqlstate = state ? state : "";
  // 22021: a byte sequence that is not UTF-8; 22P05: a character the
  // database encoding cannot hold. Both are the client's input.
  if (sqlstate == "22021" || sqlstate == "22P05") {
    Error error = Error::Invalid("Text values must be valid UTF-8");
    error.detail = std::move(detail);
    return error;
  }
  if (sqlstate.starts_with("23")) {
    Error error = Error::Conflict("The change conflicts with existing data");
    error.detail = std::move(detail);
    return error;
  }
  // NOTE: Database::Write does not retry a transaction that fails with a
  // deadlock (40P01) or serialization failure (40001). An HTTP client gets a
  // 503 and must resend (a job is retried by the job queue), so writers
  // must keep a consistent lock order.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57") || !state) {
    return Error::Unavailable("The database is unavailable; retry the request", std::move(detail));
  }
  return Error::Internal(std::move(detail));
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* connection) : connection_(connection) {}
  ~PostgresConnection() override { PQfinish(connection_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  bool healthy() const { return PQstatus(connection_) == CONNECTION_OK; }
  bool in_transaction() const { return PQtransactionStatus(connection_) != PQTRANS_IDLE; }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    TALLY_ASSIGN_OR_RETURN(result, Run(sql, params));
    AppendRows(result.get(), [&](Row row) {
      rows.push_back(std::move(row));
      return true;
    });
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const Params& params) override {
    TALLY_ASSIGN_OR_RETURN(result, Run(sql, params));
    const char* affected = PQcmdTuples(result.get());
    return affected && *affected ? std::stoll(affected) : int64_t{0};
  }

  Result<void> ForEach(std::string_view sql, const Params& params,
                       const std::function<bool(const Row&)>& on_row) override {
    TALLY_TRY(CheckTextParams(params));
    TALLY_ASSIGN_OR_RETURN(name, Prepare(sql));
    ParamArrays arrays(params);
    if (!PQsendQueryPrepared(connection_, name.c_str(), arrays.count(), arrays.values(), arrays.lengths(),
                             arrays.formats(), 0)) {
      return PostgresError(connection_, nullptr, "send failed");
    }
    PQsetSingleRowMode(connection_);

    // Drain every result even after the caller stops, so the connection is
    // ready for its next statement.
    bool wanted = true;
    std::optional<Error> failure;
    while (PGresult* raw = PQgetResult(connection_)) {
      ResultPtr result(raw);
      const auto status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE && wanted) {
        AppendRows(raw, [&](Row row) {
          wanted = on_row(row);
          return wanted;
        });
      } else if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK &&
                 !failure) {
        failure = PostgresError(connection_, raw, "query failed");
      }
    }
    if (failure) return *failure;
    return Ok();
  }

  Result<void> ExecuteScript(std::string_view sql) override {
    ResultPtr result(PQexec(connection_, std::string(sql).c_str()));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return PostgresError(connection_, result.get(), "script failed");
    }
    return Ok();
  }

 private:
  class ParamArrays {
   public:
    explicit ParamArrays(const Params& params) {
      storage_.reserve(params.size());
      for (const Value& value : params) {
        std::visit(
            [&](const auto& v) {
              using T = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<T, std::nullptr_t>) {
                storage_.emplace_back();
                null_.push_back(true);
                formats_.push_back(0);
              } else if constexpr (std::is_same_v<T, int64_t>) {
                storage_.push_back(std::to_string(v));
                null_.push_back(false);
                formats_.push_back(0);
              } else if constexpr (std::is_same_v<T, double>) {
                storage_.push_back(fmt::format("{}", v));
                null_.push_back(false);
                formats_.push_back(0);
              } else if constexpr (std::is_same_v<T, std::string>) {
                storage_.push_back(v);
                null_.push_back(false);
                formats_.push_back(0);
              } else {
                storage_.push_back(v.bytes);
                null_.push_back(false);
                formats_.push_back(1);
              }
            },
            value);
      }
      for (size_t i = 0; i < storage_.size(); ++i) {
        values_.push_back(null_[i] ? nullptr : storage_[i].data());
        lengths_.push_back(static_cast<int>(storage_[i].size()));
      }
    }
    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

   private:
    std::vector<std::string> storage_;
    std::vector<bool> null_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
  };

  Result<std::string> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    std::string name = fmt::format("tally_{}", statements_.size() + 1);
    ResultPtr result(PQprepare(connection_, name.c_str(), RewritePlaceholders(sql).c_str(), 0, nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return PostgresError(connection_, result.get(), "prepare failed");
    }
    statements_.emplace(std::move(key), name);
    return name;
  }

  Result<ResultPtr> Run(std::string_view sql, const Params& params) {
    TALLY_TRY(CheckTextParams(params));
    TALLY_ASSIGN_OR_RETURN(name, Prepare(sql));
    ParamArrays arrays(params);
    ResultPtr result(PQexecPrepared(connection_, name.c_str(), arrays.count(), arrays.values(), arrays.lengths(),
                                    arrays.formats(), 0));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return PostgresError(connection_, result.get(), "query failed");
    }
    return result;
  }

  template <class F>
  void AppendRows(const PGresult* result, F&& on_row) {
    const int fields = PQnfields(result);
    auto columns = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < fields; ++i) columns->emplace_back(PQfname(result, i));

    const int tuples = PQntuples(result);
    for (int row = 0; row < tuples; ++row) {
      std::vector<Value> values;
      values.reserve(fields);
      for (int i = 0; i < fields; ++i) values.push_back(ReadValue(result, row, i));
      if (!on_row(Row(columns, std::move(values)))) return;
    }
  }

  static Value ReadValue(const PGresult* result, int row, int column) {
    if (PQgetisnull(result, row, column)) return nullptr;
    const char* text = PQgetvalue(result, row, column);
    const int length = PQgetlength(result, row, column);
    switch (PQftype(result, column)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid: return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      case kBoolOid: return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid: return std::strtod(text, nullptr);
      case kByteaOid: {
        size_t size = 0;
        unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
        Blob blob{std::string(reinterpret_cast<char*>(bytes), size)};
        PQfreemem(bytes);
        return blob;
      }
      default: return std::string(text, length);
    }
  }

  PGconn* connection_;
  std::unordered_map<std::string, std::string> statements_;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, const DatabaseOptions& options) : url_(std::move(url)), options_(options) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  PoolStats Stats() const override {
    std::lock_guard lock(mutex_);
    PoolStats stats;
    stats.connections = open_;
    stats.in_use = open_ - static_cast<int>(idle_.size());
    stats.waits = waits_;
    stats.timeouts = timeouts_;
    return stats;
  }

  // Opens the first connection so a bad URL fails at start, not at first use.
  Result<void> Warm() {
    TALLY_ASSIGN_OR_RETURN(connection, Connect());
    std::lock_guard lock(mutex_);
    ++open_;
    idle_.push_back(std::move(connection));
    return Ok();
  }

 protected:
  Result<Lease> Acquire(Access) override {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    if (idle_.empty() && open_ >= options_.pool_size) {
      ++waits_;
      if (!available_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
        ++timeouts_;
        return Error::Unavailable("The database is busy; retry the request", "timed out waiting for a connection");
      }
    }

    std::unique_ptr<PostgresConnection> connection;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserve the slot before connecting outside the lock
      lock.unlock();
      auto connected = Connect();
      lock.lock();
      if (!connected) {
        --open_;
        available_.notify_one();
        return connected.error();
      }
      connection = std::move(*connected);
    }

    PostgresConnection* raw = connection.release();
    return Lease(raw, [this](Connection* returned) { Release(static_cast<PostgresConnection*>(returned)); });
  }

  Result<void> Begin(Connection& connection, Access access) override {
    return connection.ExecuteScript(access == Access::kWrite ? "BEGIN"
                                                             : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  Result<void> Commit(Connection& connection) override { return connection.ExecuteScript("COMMIT"); }

  void Rollback(Connection& connection) override {
    auto& postgres = static_cast<PostgresConnection&>(connection);
    if (postgres.healthy() && postgres.in_transaction()) (void)connection.ExecuteScript("ROLLBACK");
  }

 private:
  Result<std::unique_ptr<PostgresConnection>> Connect() {
    PGconn* raw = PQconnectdb(url_.c_str());
    auto connection = std::make_unique<PostgresConnection>(raw);
    if (PQstatus(raw) != CONNECTION_OK) {
      std::string message = PQerrorMessage(raw);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return Error::Unavailable("The database is unavailable; retry the request",
                                fmt::format("connect to {}: {}", RedactUrl(url_), message));
    }
    // Keep server messages out of stderr; errors reach callers as Results.
    PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
    return connection;
  }

  void Release(PostgresConnection* connection) {
    std::unique_ptr<PostgresConnection> owned(connection);
    std::lock_guard lock(mutex_);
    if (owned->healthy() && !owned->in_transaction()) {
      idle_.push_back(std::move(owned));
    } else {
      --open_;
      TALLY_LOG_WARN("event=database_connection_dropped backend=postgres reason=broken_or_in_transaction");
    }
    available_.notify_one();
  }

  std::string url_;
  DatabaseOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int open_ = 0;
  int64_t waits_ = 0;
  int64_t timeouts_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const DatabaseOptions& options) {
  auto database = std::make_unique<PostgresDatabase>(url, options);
  TALLY_TRY(database->Warm());
  TALLY_LOG_INFO("event=database_opened backend=postgres url={} pool_size={}", RedactUrl(url), options.pool_size);
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace tally::store
