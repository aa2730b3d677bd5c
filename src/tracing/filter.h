// The structured `filter` query parameter of the list endpoints: a JSON array
// of conditions such as
//   {"type": "string", "column": "name", "operator": "contains", "value": "chat"}
// combined with AND. ParseFilter checks the JSON and each condition's type,
// operator and value; the store turns the result into SQL with bound values.
//
// Supported: datetime, string, number, stringOptions, categoryOptions,
// arrayOptions, boolean and null conditions, and the keyed types
// stringObject, numberObject and booleanObject, which name a metadata key or
// a score name in "key". The caller's table lists which column takes which
// type. A column or type outside it is rejected with a 400 naming the
// column, rather than silently ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tally::tracing {

struct FilterCondition {
  std::string type;      // "datetime", "string", …
  std::string column;    // API column name as sent, e.g. "userId"
  std::string op;        // operator as sent, e.g. "starts with"
  boost::json::value value;
  std::optional<std::string> key;  // metadata key or score name of keyed conditions
};

// Parses `filter`. `columns` maps each accepted API column name to the
// condition types it takes (e.g. "tags" -> {"arrayOptions"}). The *Object
// types need a non-empty "key"; other types may carry one, and the caller
// decides whether its column needs it. Invalid JSON fails with "Invalid JSON
// in filter parameter"; any other problem names the offending condition.
[[nodiscard]] Result<std::vector<FilterCondition>> ParseFilter(
    const std::string& filter, const std::map<std::string, std::vector<std::string>>& columns);

}  // namespace tally::tracing
