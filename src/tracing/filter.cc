#include "tracing/filter.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/time.h"

namespace tally::tracing {

namespace bj = boost::json;

namespace {

const std::map<std::string, std::vector<std::string>>& OperatorsByType() {
  static const std::map<std::string, std::vector<std::string>> operators = {
      {"datetime", {">", "<", ">=", "<="}},
      {"string", {"=", "contains", "does not contain", "starts with", "ends with"}},
      {"number", {"=", ">", "<", ">=", "<="}},
      {"stringOptions", {"any of", "none of"}},
      {"categoryOptions", {"any of", "none of"}},
      {"arrayOptions", {"any of", "none of", "all of"}},
      {"boolean", {"=", "<>"}},
      {"null", {"is null", "is not null"}},
      {"stringObject", {"=", "contains", "does not contain", "starts with", "ends with"}},
      {"numberObject", {"=", ">", "<", ">=", "<="}},
      {"booleanObject", {"=", "<>"}},
  };
  return operators;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Result<void> CheckValue(const FilterCondition& condition, const std::string& field) {
  const bj::value& value = condition.value;
  if (condition.type == "datetime") {
    if (!value.is_string() || !ParseIsoTimestamp(value.as_string())) {
      return Error::InvalidField(field + ".value", "must be an ISO 8601 datetime with a zone");
    }
  } else if (condition.type == "string" || condition.type == "stringObject") {
    if (!value.is_string()) return Error::InvalidField(field + ".value", "must be a string");
  } else if (condition.type == "number" || condition.type == "numberObject") {
    if (!value.is_number()) return Error::InvalidField(field + ".value", "must be a number");
  } else if (condition.type == "boolean" || condition.type == "booleanObject") {
    if (!value.is_bool()) return Error::InvalidField(field + ".value", "must be a boolean");
  } else if (condition.type != "null") {
    if (!value.is_array()) return Error::InvalidField(field + ".value", "must be an array of strings");
    for (const auto& item : value.as_array()) {
      if (!item.is_string()) return Error::InvalidField(field + ".value", "must be an array of strings");
    }
  }
  return Ok();
}

}  // namespace

Result<std::vector<FilterCondition>> ParseFilter(const std::string& filter,
                                                 const std::map<std::string, std::vector<std::string>>& columns) {
  boost::system::error_code ec;
  bj::value parsed = bj::parse(filter, ec);
  if (ec) return Error::Invalid("Invalid JSON in filter parameter");
  if (!parsed.is_array()) {
    return Error::InvalidField("filter", "must be a JSON array of conditions, e.g. "
                                         "[{\"type\":\"string\",\"column\":\"name\",\"operator\":\"=\",\"value\":\"chat\"}]");
  }

  std::vector<FilterCondition> conditions;
  for (size_t i = 0; i < parsed.as_array().size(); ++i) {
    const std::string field = fmt::format("filter.{}", i);
    const bj::object* object = parsed.as_array()[i].if_object();
    if (!object) return Error::InvalidField(field, "must be an object with type, column, operator and value");
    auto text = [&](const char* key) -> std::string {
      const bj::value* value = object->if_contains(key);
      return value && value->is_string() ? std::string(value->as_string()) : std::string();
    };
    FilterCondition condition{text("type"), text("column"), text("operator"), nullptr, std::nullopt};
    if (const bj::value* value = object->if_contains("value")) condition.value = *value;
    if (const bj::value* key = object->if_contains("key"); key && !key->is_null()) {
      if (!key->is_string() || key->as_string().empty()) {
        return Error::InvalidField(field + ".key", "must be a non-empty string");
      }
      condition.key = std::string(key->as_string());
    }

    auto allowed = columns.find(condition.column);
    if (allowed == columns.end()) {
      return Error::InvalidField(field + ".column",
                                 fmt::format("filtering on \"{}\" is not supported by this server", condition.column));
    }
    if (!Contains(allowed->second, condition.type) && condition.type != "null") {
      return Error::InvalidField(field + ".type",
                                 fmt::format("column \"{}\" does not take {} conditions", condition.column, condition.type));
    }
    auto operators = OperatorsByType().find(condition.type);
    if (operators == OperatorsByType().end() || !Contains(operators->second, condition.op)) {
      return Error::InvalidField(field + ".operator",
                                 fmt::format("\"{}\" is not an operator of {} conditions", condition.op, condition.type));
    }
    if (condition.type.ends_with("Object") && !condition.key) {
      return Error::InvalidField(field + ".key", fmt::format("is required for {} conditions", condition.type));
    }
    TALLY_TRY(CheckValue(condition, field));
    if (condition.column == "level" && condition.value.is_array()) {
      // A misspelt level would match nothing and look like an empty project.
      for (const auto& item : condition.value.as_array()) {
        if (!Contains({"DEBUG", "DEFAULT", "WARNING", "ERROR"}, std::string(item.as_string()))) {
          return Error::InvalidField(field + ".value", "levels are DEBUG, DEFAULT, WARNING and ERROR");
        }
      }
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

}  // namespace tally::tracing
