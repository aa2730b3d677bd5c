#include "labeling/config/data_keys.h"

#include <algorithm>

namespace tally::labeling {
namespace {

bool IsWordCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsRequiredUse(const ConfigElement& element, std::string_view attribute) {
  if (!element.spec) return attribute == "value" || attribute == "valueList";
  switch (element.spec->kind) {
    case TagKind::kObject:
      return attribute == "value" || attribute == "valueList";
    case TagKind::kControl:
      // TextArea's value is pre-filled text, not options.
      return attribute == "value" && element.spec->answer != AnswerKind::kTextArea;
    case TagKind::kVisual:
      return element.tag == "Repeater" && attribute == "on";
    case TagKind::kOption:
      return false;
  }
  return false;
}

// The first "$word" inside `value` (letters, digits and '_'), as Label
// Studio's data type inference takes it for values that do not start with
// '$'.
std::string FirstVariable(std::string_view value) {
  for (size_t dollar = value.find('$'); dollar != std::string_view::npos; dollar = value.find('$', dollar + 1)) {
    size_t end = dollar + 1;
    while (end < value.size() && IsWordCharacter(value[end])) ++end;
    if (end > dollar + 1) return std::string(value.substr(dollar + 1, end - dollar - 1));
  }
  return {};
}

}  // namespace

std::vector<DataKeyUse> ListDataKeyUses(const LabelConfig& config) {
  std::vector<DataKeyUse> uses;
  for (const ConfigElement& element : config.elements) {
    for (const XmlAttribute& attribute : element.attributes) {
      const std::optional<DataReference> reference = ParseDataReference(attribute.value);
      if (!reference) continue;

      DataKeyUse use;
      use.key = reference->key;
      use.expression = reference->expression;
      use.tag = element.tag;
      use.name = std::string(element.Attribute("name"));
      use.attribute = attribute.name;
      use.position = attribute.position;
      use.required = IsRequiredUse(element, attribute.name);
      uses.push_back(std::move(use));
    }
  }
  return uses;
}

std::vector<std::string> RequiredDataKeys(const LabelConfig& config) {
  std::vector<std::string> keys;
  for (const DataKeyUse& use : ListDataKeyUses(config)) {
    if (!use.required) continue;
    if (std::find(keys.begin(), keys.end(), use.key) == keys.end()) keys.push_back(use.key);
  }
  return keys;
}

std::vector<std::pair<std::string, std::string>> InferDataTypes(const LabelConfig& config) {
  std::vector<std::pair<std::string, std::string>> types;
  for (const ConfigElement& element : config.elements) {
    const XmlAttribute* value = element.FindAttribute("value");
    if (element.index == 0 || !value || element.Attribute("name").empty()) continue;

    // "$key…" maps the whole rest, path included; other values map their
    // first "$word", if any.
    const std::string key = value->value.size() > 1 && value->value.front() == '$' ? value->value.substr(1)
                                                                                     : FirstVariable(value->value);
    if (key.empty()) continue;

    // A later tag replaces an earlier one, except that Video is never replaced.
    auto existing = std::find_if(types.begin(), types.end(), [&](const auto& entry) { return entry.first == key; });
    if (existing == types.end()) {
      types.emplace_back(key, element.tag);
    } else if (existing->second != "Video") {
      existing->second = element.tag;
    }
  }
  return types;
}

}  // namespace tally::labeling
