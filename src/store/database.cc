#include "store/database.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace tally::store {

namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

int64_t Row::Int(size_t index, int64_t fallback) const {
  auto value = OptionalInt(index);
  return value ? *value : fallback;
}

std::optional<int64_t> Row::OptionalInt(size_t index) const {
  const Value& value = values_.at(index);
  if (auto* integer = std::get_if<int64_t>(&value)) return *integer;
  if (auto* number = std::get_if<double>(&value)) return static_cast<int64_t>(std::llround(*number));
  if (auto* text = std::get_if<std::string>(&value)) return ParseInt(*text);
  return std::nullopt;
}

double Row::Double(size_t index, double fallback) const {
  auto value = OptionalDouble(index);
  return value ? *value : fallback;
}

std::optional<double> Row::OptionalDouble(size_t index) const {
  const Value& value = values_.at(index);
  if (auto* number = std::get_if<double>(&value)) return *number;
  if (auto* integer = std::get_if<int64_t>(&value)) return static_cast<double>(*integer);
  if (auto* text = std::get_if<std::string>(&value)) {
    try {
      return std::stod(*text);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string Row::Text(size_t index, std::string fallback) const {
  auto value = OptionalText(index);
  return value ? *value : fallback;
}

std::optional<std::string> Row::OptionalText(size_t index) const {
  const Value& value = values_.at(index);
  if (auto* text = std::get_if<std::string>(&value)) return *text;
  if (auto* blob = std::get_if<Blob>(&value)) return blob->bytes;
  if (auto* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
  if (auto* number = std::get_if<double>(&value)) return std::to_string(*number);
  return std::nullopt;
}

size_t Row::Column(std::string_view name) const {
  for (size_t i = 0; i < columns_->size(); ++i) {
    if ((*columns_)[i] == name) return i;
  }
  throw std::out_of_range("no column named " + std::string(name));
}

Result<void> CheckTextParams(const Params& params) {
  for (const Value& value : params) {
    const auto* text = std::get_if<std::string>(&value);
    if (text && text->find('\0') != std::string::npos) {
      return Error::Invalid("Text values cannot contain the NUL character (\\u0000); remove it and retry");
    }
  }
  return Ok();
}

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql, const Params& params) {
  TALLY_ASSIGN_OR_RETURN(rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Result<void> Database::Ping() {
  return Read([](Connection& connection) -> Result<void> {
    TALLY_TRY(connection.Query("SELECT 1"));
    return Ok();
  });
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, const DatabaseOptions& options) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(std::string_view("sqlite://").size());
    if (path.empty()) return Error::Invalid("Database URL sqlite:// needs a file path, e.g. sqlite:///var/lib/tally/tally.db");
    return OpenSqlite(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(url, options);
  }
  return Error::Invalid("Database URL must start with sqlite:// or postgresql://");
}

}  // namespace tally::store
