// The data manager's query language, parsed and checked: filters, ordering
// and selection as Label Studio's data manager sends them, in a view's
// `data` or in the `query` parameter of GET /api/tasks.
//
//   filters   {"conjunction": "and"|"or", "items": [{"filter": "filter:tasks:<column>",
//              "operator": …, "type": …, "value": …}, …]}
//   ordering  ["-tasks:<column>"]: the first element only; "-" for descending
//   selection {"all": false, "included": [ids]} or {"all": true, "excluded": [ids]}
//
// Columns are the built-in task columns (kTaskColumns) and data keys
// (`data.<key>`). Items whose filter does not start with "filter:tasks:" or
// whose value is null are ignored, as Label Studio ignores them. Anything
// else that cannot be applied fails with invalid_argument naming the field
// ("filters.items.2.operator") and what to send instead; nothing is
// silently dropped. query_store.h turns a TaskQuery into SQL.
//
// Thread-safety: plain values and reentrant functions.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tally::labeling {

enum class ColumnType { kNumber, kString, kBoolean, kDatetime, kList };

struct TaskColumn {
  std::string_view name;
  ColumnType type;
};

// Built-in columns a filter or ordering may name.
extern const std::vector<TaskColumn> kTaskColumns;

// A checked filter item. The value is normalised to the column's type:
// numbers as double, booleans as bool, built-in datetimes as Micros (int64),
// strings as string; ranges as {"min", "max"}; lists as arrays.
struct FilterItem {
  std::string column;    // "total_annotations", or "data.<key>" for data columns
  std::string data_key;  // the key for data columns, empty otherwise
  std::string op;        // equal, not_equal, less, greater, less_or_equal, greater_or_equal,
                         // in, not_in, in_list, not_in_list, contains, not_contains, empty, regex
  ColumnType type = ColumnType::kString;
  boost::json::value value;
};

struct FilterGroup {
  bool any = false;  // "or": any item matches; "and" (default): all do
  std::vector<FilterItem> items;
};

struct TaskOrdering {
  std::string column;  // as in FilterItem
  std::string data_key;
  ColumnType type = ColumnType::kNumber;
  bool descending = false;
};

struct TaskSelection {
  bool all = true;  // true: every filtered task except `excluded`; false: only `included`
  std::vector<int64_t> included;
  std::vector<int64_t> excluded;
};

struct TaskQuery {
  FilterGroup filters;
  std::optional<TaskOrdering> ordering;  // nullopt: by id
  TaskSelection selection;
};

// Parses {"conjunction", "items"}; null gives an empty group. `field` is the
// request path used in errors ("filters", "data.filters").
[[nodiscard]] Result<FilterGroup> ParseFilters(const boost::json::value& filters, const std::string& field);

// Parses an ordering list. `display_types` is a view's columnsDisplayType
// object (may be null): a data column it marks "Number" sorts as a number,
// other data columns as text.
[[nodiscard]] Result<std::optional<TaskOrdering>> ParseOrdering(const boost::json::value& ordering,
                                                                const boost::json::value* display_types,
                                                                const std::string& field);

// Parses {"all", "included", "excluded"}; null gives "all, none excluded".
// Label Studio treats {"all": false, "included": []} as no selection for
// listing; callers that act on a selection check TaskSelection themselves.
[[nodiscard]] Result<TaskSelection> ParseSelection(const boost::json::value& selection, const std::string& field);

// Reads "filters", "ordering" and "selectedItems" from an object (a view's
// data or a query parameter's JSON). Absent keys keep the defaults.
[[nodiscard]] Result<TaskQuery> ParseTaskQuery(const boost::json::object& object, const std::string& prefix);

}  // namespace tally::labeling
