#include "labeling/export/schema.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

void FlattenLabels(const LabelConfig& config, const std::vector<LabelOption>& options,
                   std::vector<SchemaLabel>& out) {
  for (const LabelOption& option : options) {
    if (option.tag != "Relation" && !option.Key().empty()) {
      SchemaLabel label{option.Key(), std::nullopt, std::nullopt};
      if (option.element >= 0) {
        const ConfigElement& element = config.Element(option.element);
        if (const XmlAttribute* category = element.FindAttribute("category")) label.category = category->value;
        if (const XmlAttribute* index = element.FindAttribute("model_index")) label.model_index = index->value;
      }
      out.push_back(std::move(label));
    }
    FlattenLabels(config, option.children, out);
  }
}

// Placeholders are "{{…}}" runs, as Repeater index flags are written.
std::vector<std::string> Placeholders(std::string_view name) {
  std::vector<std::string> found;
  size_t start = 0;
  while ((start = name.find("{{", start)) != std::string_view::npos) {
    const size_t end = name.find("}}", start);
    if (end == std::string_view::npos) break;
    found.emplace_back(name.substr(start, end + 2 - start));
    start = end + 2;
  }
  return found;
}

// Python's re.match of `pattern` with every placeholder replaced by ".*":
// anchored at the start, not at the end.
bool MatchesPrefixPattern(std::string_view pattern, const std::vector<std::string>& placeholders,
                          std::string_view name) {
  std::vector<std::string_view> literals;
  size_t position = 0;
  while (position <= pattern.size()) {
    size_t next = std::string_view::npos;
    size_t length = 0;
    for (const std::string& placeholder : placeholders) {
      const size_t at = pattern.find(placeholder, position);
      if (at < next) {
        next = at;
        length = placeholder.size();
      }
    }
    if (next == std::string_view::npos) {
      literals.push_back(pattern.substr(position));
      break;
    }
    literals.push_back(pattern.substr(position, next - position));
    position = next + length;
  }
  if (name.substr(0, literals.front().size()) != literals.front()) return false;
  size_t cursor = literals.front().size();
  for (size_t i = 1; i < literals.size(); ++i) {
    const size_t at = name.find(literals[i], cursor);
    if (at == std::string_view::npos) return false;
    cursor = at + literals[i].size();
  }
  return true;
}

}  // namespace

const SchemaControl* ExportSchema::Match(std::string_view from_name) const {
  for (const SchemaControl& control : controls) {
    if (control.name == from_name) return &control;
  }
  const SchemaControl* best = nullptr;
  for (const SchemaControl& control : controls) {
    if (control.placeholders.empty()) continue;
    if (!MatchesPrefixPattern(control.name, control.placeholders, from_name)) continue;
    if (!best || control.name.size() > best->name.size()) best = &control;
  }
  return best;
}

std::vector<std::string> ExportSchema::DataKeys() const {
  std::vector<std::string> keys;
  for (const SchemaControl& control : controls) {
    for (const SchemaInput& input : control.inputs) {
      if (std::find(keys.begin(), keys.end(), input.value) == keys.end()) keys.push_back(input.value);
    }
  }
  return keys;
}

bool ExportSchema::HasControlType(std::string_view type) const {
  for (const SchemaControl& control : controls) {
    if (control.type == type) return true;
  }
  return false;
}

bool ExportSchema::HasInputType(std::string_view type) const {
  for (const SchemaControl& control : controls) {
    for (const SchemaInput& input : control.inputs) {
      if (input.type != type) continue;
      // A Text object that loads its text from a URL does not count as text.
      if (type == "Text" && input.value_type == "url") continue;
      return true;
    }
  }
  return false;
}

ExportSchema SchemaFromLabelConfig(const LabelConfig& config) {
  ExportSchema schema;
  for (const ControlTag& tag : config.controls) {
    if (tag.to_names.empty()) continue;
    SchemaControl control;
    control.name = tag.name;
    control.type = tag.type;
    control.placeholders = Placeholders(tag.name);
    for (const std::string& to_name : tag.to_names) {
      const ObjectTag* object = config.FindObject(to_name);
      if (!object) continue;
      std::string value = object->value;
      if (!value.empty() && value.front() == '$') value.erase(0, 1);
      control.inputs.push_back(SchemaInput{object->type, std::move(value), object->value_list, object->value_type});
    }
    FlattenLabels(config, tag.options, control.labels);
    schema.controls.push_back(std::move(control));
  }
  return schema;
}

ExportSchema SchemaFromParsedJson(const bj::object& parsed) {
  ExportSchema schema;
  for (const auto& member : parsed) {
    if (!member.value().is_object()) continue;
    const bj::object& info = member.value().get_object();
    SchemaControl control;
    control.name = member.key();
    if (const auto* type = info.if_contains("type"); type && type->is_string()) control.type = type->get_string();
    if (const auto* regex = info.if_contains("regex"); regex && regex->is_object()) {
      for (const auto& variable : regex->get_object()) control.placeholders.emplace_back(variable.key());
    }
    if (const auto* inputs = info.if_contains("inputs"); inputs && inputs->is_array()) {
      for (const auto& input : inputs->get_array()) {
        if (!input.is_object()) continue;
        SchemaInput parsed_input;
        if (const auto* type = input.get_object().if_contains("type"); type && type->is_string()) {
          parsed_input.type = type->get_string();
        }
        if (const auto* value = input.get_object().if_contains("value"); value && value->is_string()) {
          parsed_input.value = value->get_string();
        } else if (const auto* list = input.get_object().if_contains("valueList"); list && list->is_string()) {
          parsed_input.value = list->get_string();
          parsed_input.value_list = true;
        }
        if (const auto* value_type = input.get_object().if_contains("valueType"); value_type && value_type->is_string()) {
          parsed_input.value_type = value_type->get_string();
        }
        control.inputs.push_back(std::move(parsed_input));
      }
    }
    const bj::object* attributes = nullptr;
    if (const auto* attrs = info.if_contains("labels_attrs"); attrs && attrs->is_object()) attributes = &attrs->get_object();
    if (const auto* labels = info.if_contains("labels"); labels && labels->is_array()) {
      for (const auto& label : labels->get_array()) {
        if (!label.is_string()) continue;
        SchemaLabel parsed_label{std::string(label.get_string()), std::nullopt, std::nullopt};
        if (attributes) {
          if (const auto* attrs = attributes->if_contains(label.get_string()); attrs && attrs->is_object()) {
            if (const auto* category = attrs->get_object().if_contains("category"); category && category->is_string()) {
              parsed_label.category = std::string(category->get_string());
            }
            if (const auto* index = attrs->get_object().if_contains("model_index"); index && index->is_string()) {
              parsed_label.model_index = std::string(index->get_string());
            }
          }
        }
        control.labels.push_back(std::move(parsed_label));
      }
    }
    schema.controls.push_back(std::move(control));
  }
  return schema;
}

}  // namespace tally::labeling::exporting
