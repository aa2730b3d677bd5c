#include "labeling/config/model.h"

namespace tally::labeling {
namespace {

bool IsKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

const XmlAttribute* ConfigElement::FindAttribute(std::string_view name) const {
  for (const XmlAttribute& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

const XmlAttribute* ConfigElement::FindAttributeIgnoringCase(std::string_view name) const {
  if (const XmlAttribute* exact = FindAttribute(name)) return exact;
  for (const XmlAttribute& attribute : attributes) {
    if (EqualsIgnoringCase(attribute.name, name)) return &attribute;
  }
  return nullptr;
}

std::string_view ConfigElement::Attribute(std::string_view name, std::string_view fallback) const {
  const XmlAttribute* attribute = FindAttribute(name);
  return attribute ? std::string_view(attribute->value) : fallback;
}

std::string_view ConfigElement::AttributeOrDefault(std::string_view name, std::string_view fallback) const {
  if (const XmlAttribute* attribute = FindAttributeIgnoringCase(name)) return attribute->value;
  if (spec) {
    if (const AttributeSpec* attribute_spec = spec->FindAttribute(name)) {
      if (!attribute_spec->default_value.empty()) return attribute_spec->default_value;
    }
  }
  return fallback;
}

bool ConfigElement::BoolAttribute(std::string_view name) const {
  return AttributeOrDefault(name, "false") == "true";
}

SourcePosition ConfigElement::AttributePosition(std::string_view name) const {
  const XmlAttribute* attribute = FindAttributeIgnoringCase(name);
  return attribute ? attribute->position : position;
}

std::optional<DataReference> ParseDataReference(std::string_view value) {
  if (value.size() < 2 || value.front() != '$') return std::nullopt;

  std::string_view expression = value.substr(1);
  size_t key_end = 0;
  while (key_end < expression.size() && IsKeyCharacter(expression[key_end])) ++key_end;
  if (key_end == 0) return std::nullopt;

  // What follows the key must look like a path: ".name" or "[index]" parts.
  // Anything else ("$price in USD") is text that merely starts with '$'.
  size_t i = key_end;
  while (i < expression.size()) {
    if (expression[i] == '.') {
      size_t j = i + 1;
      while (j < expression.size() && IsKeyCharacter(expression[j])) ++j;
      if (j == i + 1) return std::nullopt;
      i = j;
    } else if (expression[i] == '[') {
      const size_t close = expression.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      i = close + 1;
    } else {
      return std::nullopt;
    }
  }

  DataReference reference;
  reference.expression = std::string(expression);
  reference.key = std::string(expression.substr(0, key_end));
  reference.nested = key_end != expression.size();
  return reference;
}

bool MatchesRepeaterName(std::string_view pattern, std::string_view flag, std::string_view name) {
  if (flag.empty() || pattern.find(flag) == std::string_view::npos) return pattern == name;

  // Each flag is a wildcard: the text before the first flag is a prefix,
  // the text after the last one a suffix, and the pieces between must occur
  // in order. Taking the earliest match of each middle piece is enough.
  std::vector<std::string_view> pieces;
  while (true) {
    const size_t at = pattern.find(flag);
    pieces.push_back(pattern.substr(0, at));
    if (at == std::string_view::npos) break;
    pattern.remove_prefix(at + flag.size());
  }

  const std::string_view prefix = pieces.front();
  const std::string_view suffix = pieces.back();
  if (name.size() < prefix.size() + suffix.size()) return false;
  if (name.substr(0, prefix.size()) != prefix) return false;
  if (name.substr(name.size() - suffix.size()) != suffix) return false;

  std::string_view middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    const size_t at = middle.find(pieces[i]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + pieces[i].size());
  }
  return true;
}

const ObjectTag* LabelConfig::FindObject(std::string_view name) const {
  for (const ObjectTag& object : objects) {
    if (object.name == name) return &object;
  }
  return nullptr;
}

const ControlTag* LabelConfig::FindControl(std::string_view name) const {
  for (const ControlTag& control : controls) {
    if (control.name == name) return &control;
  }
  return nullptr;
}

const ControlTag* LabelConfig::MatchControl(std::string_view from_name) const {
  if (const ControlTag* exact = FindControl(from_name)) return exact;
  for (const ControlTag& control : controls) {
    if (control.repeater < 0) continue;
    const std::string& flag = repeaters[static_cast<size_t>(control.repeater)].index_flag;
    if (MatchesRepeaterName(control.name, flag, from_name)) return &control;
  }
  return nullptr;
}

const ObjectTag* LabelConfig::MatchObject(std::string_view to_name) const {
  if (const ObjectTag* exact = FindObject(to_name)) return exact;
  for (const ObjectTag& object : objects) {
    const int repeater = Element(object.element).repeater;
    if (repeater < 0) continue;
    const std::string& flag = repeaters[static_cast<size_t>(repeater)].index_flag;
    if (MatchesRepeaterName(object.name, flag, to_name)) return &object;
  }
  return nullptr;
}

}  // namespace tally::labeling
