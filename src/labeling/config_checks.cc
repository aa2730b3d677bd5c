#include "labeling/config_checks.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "labeling/config/data_keys.h"
#include "labeling/config/validator.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

// JSON types each object tag can show, after Label Studio's task validator
// (str ~ string, int/float ~ number, list ~ array, dict ~ object). Tags not
// listed accept any type.
const std::map<std::string, std::vector<bj::kind>, std::less<>>& AllowedTypes() {
  using K = bj::kind;
  static const auto* table = new std::map<std::string, std::vector<bj::kind>, std::less<>>{
      {"Text", {K::string, K::int64, K::uint64, K::double_, K::array}},
      {"Header", {K::string, K::int64, K::uint64, K::double_}},
      {"HyperText", {K::string}},
      {"Image", {K::string, K::array}},
      {"Audio", {K::string}},
      {"AudioPlus", {K::string}},
      {"Video", {K::string}},
      {"Paragraphs", {K::array, K::string}},
      {"Table", {K::object, K::array, K::string}},
      {"TimeSeries", {K::object, K::array, K::string}},
      {"List", {K::array}},
  };
  return *table;
}

const char* PythonTypeName(bj::kind kind) {
  switch (kind) {
    case bj::kind::string: return "str";
    case bj::kind::int64:
    case bj::kind::uint64: return "int";
    case bj::kind::double_: return "float";
    case bj::kind::array: return "list";
    case bj::kind::object: return "dict";
    case bj::kind::bool_: return "bool";
    case bj::kind::null: return "NoneType";
  }
  return "object";
}

std::string AllowedNames(const std::vector<bj::kind>& kinds) {
  std::set<std::string> names;
  for (bj::kind kind : kinds) names.insert(PythonTypeName(kind));
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void CountResultItems(const bj::value& result, AnnotationUsage& usage,
                      std::map<std::string, size_t>& control_index, std::map<std::string, size_t>& label_index,
                      bool draft) {
  if (!result.is_array()) return;
  // Label Studio counts a label once per annotation, however many regions
  // carry it, so labels are collected per result first.
  std::set<std::pair<std::string, std::string>> labels_here;
  for (const bj::value& item_value : result.as_array()) {
    if (!item_value.is_object()) continue;
    const bj::object& item = item_value.as_object();
    const bj::value* type = item.if_contains("type");
    const bj::value* from_name = item.if_contains("from_name");
    const bj::value* to_name = item.if_contains("to_name");
    if (!type || !type->is_string() || !from_name || !from_name->is_string()) continue;
    const std::string type_text(type->as_string());
    if (type_text == "relation" || type_text == "pairwise") continue;
    const std::string from(from_name->as_string());
    const std::string to = to_name && to_name->is_string() ? std::string(to_name->as_string()) : std::string();

    if (!draft) {
      const std::string key = from + "|" + to + "|" + type_text;
      auto [it, inserted] = control_index.try_emplace(key, usage.controls.size());
      if (inserted) usage.controls.push_back({from, to, type_text, 0});
      usage.controls[it->second].results += 1;
    }

    if (type_text == "textarea") continue;
    const bj::value* value = item.if_contains("value");
    if (!value || !value->is_object()) continue;
    const bj::value* labels = value->as_object().if_contains(type_text);
    if (!labels || !labels->is_array()) continue;
    for (const bj::value& label : labels->as_array()) {
      if (label.is_string()) labels_here.emplace(from, std::string(label.as_string()));
      if (label.is_array()) {
        for (const bj::value& part : label.as_array()) {
          if (part.is_string()) labels_here.emplace(from, std::string(part.as_string()));
        }
      }
    }
  }

  for (const auto& [from, label] : labels_here) {
    const std::string key = from + "|" + label;
    auto [it, inserted] = label_index.try_emplace(key, usage.labels.size());
    if (inserted) usage.labels.push_back({from, label, 0, 0});
    if (draft) {
      usage.labels[it->second].drafts += 1;
    } else {
      usage.labels[it->second].annotations += 1;
    }
  }
}

// Returns the path below `value` (".key.0", empty for `value` itself) of the
// first key or string that contains U+0000, or nothing. The path is built
// only on the way back from a hit, so clean data costs no allocation. PostgreSQL's jsonb rejects \u0000, so a task with one
// would be stored but break every data filter of its project.
std::optional<std::string> FindNul(const bj::value& value) {
  if (value.is_string()) {
    if (value.as_string().find('\0') != bj::string::npos) return std::string();
  } else if (value.is_array()) {
    const bj::array& items = value.as_array();
    for (size_t i = 0; i < items.size(); ++i) {
      if (auto found = FindNul(items[i])) return "." + std::to_string(i) + *found;
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.as_object()) {
      if (key.find('\0') != bj::string_view::npos) return "." + std::string(key);
      if (auto found = FindNul(item)) return "." + std::string(key) + *found;
    }
  }
  return std::nullopt;
}

}  // namespace

void CheckTaskData(const LabelConfig& config, const bj::object& data, const std::string& field_prefix,
                   const std::string& message_prefix, std::vector<FieldError>& errors) {
  CheckTaskData(ListDataKeyUses(config), data, field_prefix, message_prefix, errors);
}

void CheckTaskData(const std::vector<DataKeyUse>& uses, const bj::object& data, const std::string& field_prefix,
                   const std::string& message_prefix, std::vector<FieldError>& errors) {
  for (const auto& [key, value] : data) {
    std::optional<std::string> nul = key.find('\0') != bj::string_view::npos ? std::string() : FindNul(value);
    if (nul) {
      errors.push_back({field_prefix + "." + std::string(key) + *nul, fmt::format("{}Text in task data must not contain the NUL character (\\u0000); "
                                          "remove it and send the task again",
                                          message_prefix)});
      break;
    }
  }

  std::set<std::string> reported;
  for (const DataKeyUse& use : uses) {
    if (!use.required || reported.count(use.key)) continue;
    const std::string field = field_prefix + "." + use.key;

    const bj::value* value = data.if_contains(use.key);
    if (!value) {
      reported.insert(use.key);
      errors.push_back({field, fmt::format("{}\"{}\" key is expected in task data", message_prefix, use.key)});
      continue;
    }
    // Nested references ($a.b, $pages[0]) are checked for their top-level key
    // only: the shape under it depends on the expression.
    if (use.expression != use.key) continue;

    if (use.attribute == "on") {
      if (!value->is_array()) {
        reported.insert(use.key);
        errors.push_back({field, fmt::format("{}data['{}'] is of type '{}', but the Repeater expects a list",
                                             message_prefix, use.key, PythonTypeName(value->kind()))});
      }
      continue;
    }
    auto allowed = AllowedTypes().find(use.tag);
    if (allowed == AllowedTypes().end() || use.attribute != "value") continue;
    const auto& kinds = allowed->second;
    if (std::find(kinds.begin(), kinds.end(), value->kind()) == kinds.end()) {
      reported.insert(use.key);
      errors.push_back({field, fmt::format("{}data['{}'] is of type '{}', but the object tag {} expects the following "
                                           "types: [{}]",
                                           message_prefix, use.key, PythonTypeName(value->kind()), use.tag,
                                           AllowedNames(kinds))});
    }
  }
}

Result<AnnotationUsage> CollectAnnotationUsage(Connection& connection, int64_t project_id) {
  AnnotationUsage usage;
  std::map<std::string, size_t> control_index;
  std::map<std::string, size_t> label_index;

  auto count_rows = [&](bool draft) {
    return [&, draft](const store::Row& row) {
      auto text = row.OptionalText(0);
      if (!text) return true;
      boost::system::error_code ec;
      bj::value result = bj::parse(*text, ec);
      if (!ec) CountResultItems(result, usage, control_index, label_index, draft);
      return true;
    };
  };
  TALLY_TRY(connection.ForEach("SELECT result FROM annotations WHERE project_id = ? AND result IS NOT NULL",
                               {project_id}, count_rows(false)));
  TALLY_TRY(connection.ForEach("SELECT result FROM drafts WHERE project_id = ?", {project_id}, count_rows(true)));
  return usage;
}

Result<LabelConfig> CheckNewLabelConfig(Connection& connection, const Project& project, std::string_view xml) {
  TALLY_ASSIGN_OR_RETURN(config, LoadLabelConfig(xml));
  if (xml == project.label_config) return config;

  TALLY_ASSIGN_OR_RETURN(has_work, connection.QueryOne(
                                       "SELECT (SELECT COUNT(*) FROM annotations WHERE project_id = ?) +"
                                       " (SELECT COUNT(*) FROM drafts WHERE project_id = ?)",
                                       {project.id, project.id}));
  if (has_work->Int(0) == 0) return config;

  // Removed labels reject the change too (Label Studio's strict mode),
  // because a label in use that the config no longer offers cannot be shown
  // or exported under its control.
  TALLY_ASSIGN_OR_RETURN(usage, CollectAnnotationUsage(connection, project.id));
  const std::vector<ConfigChangeProblem> problems = CheckConfigChange(config, usage);
  auto checked = ConfigChangeToResult(problems, /*strict_labels=*/true);
  if (!checked) {
    Error error = checked.error();
    if (error.fields.empty()) error.fields.push_back({"label_config", error.message});
    for (FieldError& field : error.fields) field.field = "label_config";
    error.message = "Validation error";
    return error;
  }
  return config;
}

}  // namespace tally::labeling
