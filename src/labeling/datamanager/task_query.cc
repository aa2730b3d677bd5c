#include "labeling/datamanager/task_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;

const std::vector<TaskColumn> kTaskColumns = {
    {"id", ColumnType::kNumber},
    {"inner_id", ColumnType::kNumber},
    {"total_annotations", ColumnType::kNumber},
    {"cancelled_annotations", ColumnType::kNumber},
    {"total_predictions", ColumnType::kNumber},
    {"overlap", ColumnType::kNumber},
    {"avg_lead_time", ColumnType::kNumber},
    {"predictions_score", ColumnType::kNumber},
    {"disagreement", ColumnType::kNumber},
    {"is_labeled", ColumnType::kBoolean},
    {"ground_truth", ColumnType::kBoolean},
    {"draft_exists", ColumnType::kBoolean},
    {"created_at", ColumnType::kDatetime},
    {"updated_at", ColumnType::kDatetime},
    {"completed_at", ColumnType::kDatetime},
    {"state", ColumnType::kString},
    {"file_upload", ColumnType::kString},
    {"annotations_results", ColumnType::kString},
    {"predictions_results", ColumnType::kString},
    {"predictions_model_versions", ColumnType::kString},
    {"annotators", ColumnType::kList},
};

namespace {

constexpr std::string_view kFilterPrefix = "filter:tasks:";
constexpr std::string_view kOrderingPrefix = "tasks:";

const char* TypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kNumber: return "Number";
    case ColumnType::kString: return "String";
    case ColumnType::kBoolean: return "Boolean";
    case ColumnType::kDatetime: return "Datetime";
    case ColumnType::kList: return "List";
  }
  return "String";
}

// Operators each column type accepts.
const std::vector<std::string_view>& OperatorsFor(ColumnType type) {
  static const std::vector<std::string_view> number = {"equal", "not_equal", "less", "greater", "less_or_equal",
                                                       "greater_or_equal", "in", "not_in", "in_list",
                                                       "not_in_list", "empty"};
  static const std::vector<std::string_view> text = {"equal", "not_equal", "contains", "not_contains", "regex",
                                                     "empty", "in_list", "not_in_list"};
  static const std::vector<std::string_view> boolean = {"equal", "not_equal", "empty"};
  static const std::vector<std::string_view> datetime = {"equal", "not_equal", "less", "greater", "less_or_equal",
                                                         "greater_or_equal", "in", "not_in", "empty"};
  static const std::vector<std::string_view> list = {"contains", "not_contains", "empty"};
  switch (type) {
    case ColumnType::kNumber: return number;
    case ColumnType::kString: return text;
    case ColumnType::kBoolean: return boolean;
    case ColumnType::kDatetime: return datetime;
    case ColumnType::kList: return list;
  }
  return text;
}

std::string KnownOperators(ColumnType type) {
  std::string names;
  for (std::string_view name : OperatorsFor(type)) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

// Resolves a column name to its type. A data column takes `declared`, the
// item's type: Number, Boolean and Datetime keep their meaning, and every
// other type compares as text.
Result<std::pair<ColumnType, std::string>> ResolveColumn(std::string_view column, std::string_view declared,
                                                         const std::string& field) {
  if (column.starts_with("data.")) {
    std::string key(column.substr(5));
    if (key.empty()) return Error::InvalidField(field, "A data column needs a key: data.<key>.");
    if (key.find_first_of("\"\\") != std::string::npos) {
      return Error::InvalidField(field, "Data keys with a quote or a backslash cannot be filtered or ordered by.");
    }
    ColumnType type = ColumnType::kString;
    if (declared == "Number") type = ColumnType::kNumber;
    if (declared == "Boolean") type = ColumnType::kBoolean;
    if (declared == "Datetime") type = ColumnType::kDatetime;
    return std::pair{type, std::move(key)};
  }
  for (const TaskColumn& known : kTaskColumns) {
    if (known.name == column) return std::pair{known.type, std::string()};
  }
  return Error::InvalidField(field, fmt::format("Unknown column \"{}\"; use a task column or data.<key>.", column));
}

// One value converted to the column's type (see FilterItem).
Result<bj::value> NormaliseScalar(const bj::value& value, ColumnType type, bool data_column,
                                  const std::string& field) {
  switch (type) {
    case ColumnType::kNumber: {
      if (value.is_number()) return bj::value(value.to_number<double>());
      if (value.is_string()) {
        const std::string text(value.as_string());
        char* end = nullptr;
        const double parsed = std::strtod(text.c_str(), &end);
        if (!text.empty() && end == text.c_str() + text.size()) return bj::value(parsed);
      }
      return Error::InvalidField(field, "Must be a number for a Number column.");
    }
    case ColumnType::kBoolean:
      if (value.is_bool()) return value;
      if (value == "true" || value == 1) return bj::value(true);
      if (value == "false" || value == 0) return bj::value(false);
      return Error::InvalidField(field, "Must be true or false for a Boolean column.");
    case ColumnType::kDatetime: {
      if (!value.is_string()) return Error::InvalidField(field, "Must be an ISO 8601 date-time string.");
      if (data_column) return value;
      const std::optional<Micros> micros = ParseIsoTimestamp(value.as_string());
      if (!micros) {
        return Error::InvalidField(field, "Must be an ISO 8601 date-time with a zone, e.g. 2024-01-01T00:00:00.000Z.");
      }
      return bj::value(*micros);
    }
    case ColumnType::kList: {
      if (value.is_int64()) return value;
      if (value.is_uint64()) return bj::value(static_cast<int64_t>(value.as_uint64()));
      if (value.is_string()) {
        const std::string text(value.as_string());
        char* end = nullptr;
        const long long parsed = std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && end == text.c_str() + text.size()) return bj::value(static_cast<int64_t>(parsed));
      }
      return Error::InvalidField(field, "Must be a user id (an integer) for the annotators column.");
    }
    case ColumnType::kString:
      if (value.is_string()) return value;
      if (value.is_object() || value.is_array()) return Error::InvalidField(field, "Must be a string.");
      return bj::value(json::Serialize(value));
  }
  return value;
}

Result<bj::value> NormaliseValue(const FilterItem& item, const bj::value& value, const std::string& field) {
  const bool data_column = !item.data_key.empty();
  if (item.op == "empty") {
    if (value.is_bool()) return value;
    if (value == "true") return bj::value(true);
    if (value == "false") return bj::value(false);
    return Error::InvalidField(field, "The empty operator takes true or false.");
  }
  if (item.op == "in" || item.op == "not_in") {
    if (!value.is_object() || !value.as_object().contains("min") || !value.as_object().contains("max")) {
      return Error::InvalidField(field, "A range needs an object {\"min\": …, \"max\": …}.");
    }
    TALLY_ASSIGN_OR_RETURN(min, NormaliseScalar(value.at("min"), item.type, data_column, field + ".min"));
    TALLY_ASSIGN_OR_RETURN(max, NormaliseScalar(value.at("max"), item.type, data_column, field + ".max"));
    return bj::value(bj::object{{"min", std::move(min)}, {"max", std::move(max)}});
  }
  if (item.op == "in_list" || item.op == "not_in_list") {
    if (!value.is_array()) return Error::InvalidField(field, "A list operator takes a list of values.");
    bj::array normalised;
    for (size_t i = 0; i < value.as_array().size(); ++i) {
      TALLY_ASSIGN_OR_RETURN(one, NormaliseScalar(value.as_array()[i], item.type, data_column,
                                                  fmt::format("{}.{}", field, i)));
      normalised.push_back(std::move(one));
    }
    return bj::value(std::move(normalised));
  }
  if (item.op == "regex") {
    if (!value.is_string()) return Error::InvalidField(field, "A regex takes a pattern string.");
    return value;
  }
  return NormaliseScalar(value, item.type, data_column, field);
}

Result<std::vector<int64_t>> ReadIds(const bj::value* list, const std::string& field) {
  std::vector<int64_t> ids;
  if (!list || list->is_null()) return ids;
  if (!list->is_array()) return Error::InvalidField(field, "Must be a list of task ids.");
  for (const bj::value& id : list->as_array()) {
    if (!id.is_int64()) return Error::InvalidField(field, "Task ids must be integers.");
    ids.push_back(id.as_int64());
  }
  return ids;
}

}  // namespace

Result<FilterGroup> ParseFilters(const bj::value& filters, const std::string& field) {
  FilterGroup group;
  if (filters.is_null()) return group;
  if (!filters.is_object()) return Error::InvalidField(field, "Must be an object {\"conjunction\", \"items\"}.");
  const bj::object& object = filters.as_object();

  if (const bj::value* conjunction = object.if_contains("conjunction"); conjunction && !conjunction->is_null()) {
    if (*conjunction != "and" && *conjunction != "or") {
      return Error::InvalidField(field + ".conjunction", "Must be \"and\" or \"or\".");
    }
    group.any = *conjunction == "or";
  }
  const bj::value* items = object.if_contains("items");
  if (!items || items->is_null()) return group;
  if (!items->is_array()) return Error::InvalidField(field + ".items", "Must be a list of filter items.");

  for (size_t i = 0; i < items->as_array().size(); ++i) {
    const std::string item_field = fmt::format("{}.items.{}", field, i);
    const bj::value& raw = items->as_array()[i];
    if (!raw.is_object()) return Error::InvalidField(item_field, "A filter item must be an object.");
    const bj::object& entry = raw.as_object();

    const bj::value* filter = entry.if_contains("filter");
    if (!filter || !filter->is_string()) {
      return Error::InvalidField(item_field + ".filter", "Must be a string such as filter:tasks:id.");
    }
    const std::string_view name = filter->as_string();
    const bj::value* value = entry.if_contains("value");
    if (!name.starts_with(kFilterPrefix) || !value || value->is_null()) continue;

    FilterItem item;
    item.column = std::string(name.substr(kFilterPrefix.size()));
    const bj::value* declared = entry.if_contains("type");
    if (declared && !declared->is_string() && !declared->is_null()) {
      return Error::InvalidField(item_field + ".type", "Must be a type name such as Number or String.");
    }
    TALLY_ASSIGN_OR_RETURN(resolved, ResolveColumn(item.column, declared && declared->is_string()
                                                                    ? std::string_view(declared->as_string())
                                                                    : std::string_view(),
                                                   item_field + ".filter"));
    item.type = resolved.first;
    item.data_key = std::move(resolved.second);

    const bj::value* op = entry.if_contains("operator");
    if (!op || !op->is_string()) return Error::InvalidField(item_field + ".operator", "This field is required.");
    item.op = std::string(op->as_string());
    const auto& allowed = OperatorsFor(item.type);
    if (std::find(allowed.begin(), allowed.end(), item.op) == allowed.end()) {
      return Error::InvalidField(item_field + ".operator",
                                 fmt::format("Operator \"{}\" does not apply to {} columns; use one of: {}.", item.op,
                                             TypeName(item.type), KnownOperators(item.type)));
    }
    TALLY_ASSIGN_OR_RETURN(normalised, NormaliseValue(item, *value, item_field + ".value"));
    item.value = std::move(normalised);
    group.items.push_back(std::move(item));
  }
  return group;
}

Result<std::optional<TaskOrdering>> ParseOrdering(const bj::value& ordering, const bj::value* display_types,
                                                  const std::string& field) {
  if (ordering.is_null()) return std::optional<TaskOrdering>();
  if (!ordering.is_array()) return Error::InvalidField(field, "Must be a list such as [\"-tasks:id\"].");
  if (ordering.as_array().empty()) return std::optional<TaskOrdering>();
  // Label Studio applies the first element only.
  const bj::value& first = ordering.as_array()[0];
  if (!first.is_string()) return Error::InvalidField(field + ".0", "Must be a string such as \"-tasks:id\".");
  std::string_view name = first.as_string();
  TaskOrdering result;
  if (name.starts_with("-")) {
    result.descending = true;
    name.remove_prefix(1);
  }
  if (!name.starts_with(kOrderingPrefix)) {
    return Error::InvalidField(field + ".0", "Must name a column as tasks:<column>, with \"-\" first for descending.");
  }
  name.remove_prefix(kOrderingPrefix.size());
  result.column = std::string(name);

  std::string declared;
  if (display_types && display_types->is_object()) {
    const bj::value* type = display_types->as_object().if_contains("tasks:" + result.column);
    if (type && type->is_string()) declared = std::string(type->as_string());
  }
  TALLY_ASSIGN_OR_RETURN(resolved, ResolveColumn(result.column, declared, field + ".0"));
  result.type = resolved.first;
  result.data_key = std::move(resolved.second);
  return std::optional<TaskOrdering>(std::move(result));
}

Result<TaskSelection> ParseSelection(const bj::value& selection, const std::string& field) {
  TaskSelection result;
  if (selection.is_null()) return result;
  if (!selection.is_object()) return Error::InvalidField(field, "Must be an object {\"all\", \"included\"|\"excluded\"}.");
  const bj::object& object = selection.as_object();
  const bj::value* all = object.if_contains("all");
  if (all && !all->is_bool()) return Error::InvalidField(field + ".all", "Must be true or false.");
  result.all = all ? all->as_bool() : false;
  TALLY_ASSIGN_OR_RETURN(included, ReadIds(object.if_contains("included"), field + ".included"));
  TALLY_ASSIGN_OR_RETURN(excluded, ReadIds(object.if_contains("excluded"), field + ".excluded"));
  result.included = std::move(included);
  result.excluded = std::move(excluded);
  return result;
}

Result<TaskQuery> ParseTaskQuery(const bj::object& object, const std::string& prefix) {
  TaskQuery query;
  const bj::value null_value;
  auto member = [&](const char* key) -> const bj::value& {
    const bj::value* value = object.if_contains(key);
    return value ? *value : null_value;
  };
  TALLY_ASSIGN_OR_RETURN(filters, ParseFilters(member("filters"), prefix + "filters"));
  TALLY_ASSIGN_OR_RETURN(ordering, ParseOrdering(member("ordering"), object.if_contains("columnsDisplayType"),
                                                 prefix + "ordering"));
  TALLY_ASSIGN_OR_RETURN(selection, ParseSelection(member("selectedItems"), prefix + "selectedItems"));
  query.filters = std::move(filters);
  query.ordering = std::move(ordering);
  query.selection = std::move(selection);
  return query;
}

}  // namespace tally::labeling
