#include "labeling/config/tag_catalog.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string>

namespace tally::labeling {

// Defined in tag_catalog_table.cc.
std::vector<TagSpec> BuildTagCatalog();

namespace {

bool ParsesAsInteger(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ParsesAsNumber(std::string_view text) {
  if (text.empty()) return false;
  std::string copy(text);
  char* end = nullptr;
  std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

}  // namespace

std::string_view TagKindName(TagKind kind) {
  switch (kind) {
    case TagKind::kObject: return "object";
    case TagKind::kControl: return "control";
    case TagKind::kVisual: return "visual";
    case TagKind::kOption: return "option";
  }
  return "visual";
}

bool CreatesRegions(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::kLabels:
    case AnswerKind::kShape:
    case AnswerKind::kVideoRectangle:
    case AnswerKind::kTimelineLabels:
    case AnswerKind::kChatMessage:
      return true;
    default:
      return false;
  }
}

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kString: return "string";
    case AttributeType::kBoolean: return "boolean";
    case AttributeType::kInteger: return "integer";
    case AttributeType::kNumber: return "number";
    case AttributeType::kEnum: return "enum";
    case AttributeType::kColor: return "color";
    case AttributeType::kData: return "data";
    case AttributeType::kNameList: return "names";
  }
  return "string";
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const AttributeSpec* TagSpec::FindAttribute(std::string_view attribute_name) const {
  for (const AttributeSpec& spec : attributes) {
    if (spec.name == attribute_name) return &spec;
  }
  return nullptr;
}

const AttributeSpec* TagSpec::FindAttributeIgnoringCase(std::string_view attribute_name) const {
  for (const AttributeSpec& spec : attributes) {
    if (EqualsIgnoringCase(spec.name, attribute_name)) return &spec;
  }
  return nullptr;
}

bool TagSpec::CanTarget(std::string_view object_tag) const {
  if (targets == "*") return true;
  std::string_view rest = targets;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    if (rest.substr(0, comma) == object_tag) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

const std::vector<TagSpec>& AllTagSpecs() {
  static const std::vector<TagSpec> specs = BuildTagCatalog();
  return specs;
}

const TagSpec* FindTagSpec(std::string_view tag_name) {
  for (const TagSpec& spec : AllTagSpecs()) {
    if (spec.name == tag_name) return &spec;
  }
  return nullptr;
}

const TagSpec* FindTagSpecIgnoringCase(std::string_view tag_name) {
  for (const TagSpec& spec : AllTagSpecs()) {
    if (EqualsIgnoringCase(spec.name, tag_name)) return &spec;
  }
  return nullptr;
}

bool IsValidAttributeValue(const AttributeSpec& spec, std::string_view value) {
  if (value.size() > 1 && value.front() == '$') return true;

  switch (spec.type) {
    case AttributeType::kBoolean:
      return value == "true" || value == "false";
    case AttributeType::kInteger:
      return ParsesAsInteger(value);
    case AttributeType::kNumber:
      return ParsesAsNumber(value);
    case AttributeType::kEnum: {
      std::string_view rest = spec.allowed;
      while (true) {
        const size_t bar = rest.find('|');
        if (rest.substr(0, bar) == value) return true;
        if (bar == std::string_view::npos) return false;
        rest.remove_prefix(bar + 1);
      }
    }
    default:
      return true;
  }
}

}  // namespace tally::labeling
