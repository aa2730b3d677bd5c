// Value payload checks: one function per control answer kind, and one per
// region geometry (image shapes, text spans, time ranges, video keyframes).
#include "labeling/config/result_checks.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "labeling/config/geometry_checks.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

// ---- labels and choices ----------------------------------------------------

void CollectKeys(const std::vector<LabelOption>& options, std::set<std::string>& keys) {
  for (const LabelOption& option : options) {
    keys.insert(option.Key());
    CollectKeys(option.children, keys);
  }
}

bool HasDynamicOptions(const ControlTag& control) {
  return control.dynamic_labels || control.dynamic_options.has_value();
}

// Label names a control accepts. A VideoRectangle takes its labels from the
// Labels controls on the same video.
std::set<std::string> AllowedLabels(const LabelConfig& config, const ControlTag& control, bool& dynamic) {
  std::set<std::string> keys;
  dynamic = HasDynamicOptions(control);
  CollectKeys(control.options, keys);
  if (control.answer != AnswerKind::kVideoRectangle) return keys;

  for (const ControlTag& other : config.controls) {
    if (other.answer != AnswerKind::kLabels) continue;
    const bool same_video = std::any_of(other.to_names.begin(), other.to_names.end(), [&](const std::string& name) {
      return std::find(control.to_names.begin(), control.to_names.end(), name) != control.to_names.end();
    });
    if (!same_video) continue;
    dynamic = dynamic || HasDynamicOptions(other);
    CollectKeys(other.options, keys);
  }
  return keys;
}

// Reads `key` as a list of strings, turning a bare string into a one-element
// list. Reports and returns nullopt for anything else.
std::optional<std::vector<std::string>> ReadStringList(const ValueContext& context, std::string_view key,
                                                       bool required) {
  bj::value* found = context.value.if_contains(key);
  if (!found) {
    if (required) context.Fail(key, "is required");
    return std::nullopt;
  }
  if (found->is_string()) *found = bj::array{found->as_string()};
  if (!found->is_array()) {
    context.Fail(key, "must be a list of strings");
    return std::nullopt;
  }

  std::vector<std::string> strings;
  const bj::array& list = found->as_array();
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) {
      context.Fail(std::string(key) + "." + std::to_string(i), "must be a string");
      return std::nullopt;
    }
    strings.emplace_back(list[i].as_string());
  }
  return strings;
}

void CheckLabelList(const ValueContext& context, std::string_view key, bool required) {
  const std::optional<std::vector<std::string>> labels = ReadStringList(context, key, required);
  if (!labels) return;

  if (context.control.choice == "single" && labels->size() > 1) {
    context.Fail(key, "contains " + std::to_string(labels->size()) + " labels, but <" + context.control.type +
                          " name=\"" + context.control.name + "\"> allows one (choice=\"single\")");
  }

  bool dynamic = false;
  const std::set<std::string> allowed = AllowedLabels(context.config, context.control, dynamic);
  if (dynamic) return;
  for (size_t i = 0; i < labels->size(); ++i) {
    if (allowed.count((*labels)[i])) continue;
    context.Fail(std::string(key) + "." + std::to_string(i),
                 "\"" + (*labels)[i] + "\" is not a label of <" + context.control.type + " name=\"" +
                     context.control.name + "\">");
  }
}

// Finds the option at `path` (values or aliases, level by level); nullptr
// when some step does not exist.
const LabelOption* FindPath(const std::vector<LabelOption>& options, const bj::array& path, size_t depth = 0) {
  if (depth >= path.size() || !path[depth].is_string()) return nullptr;
  const std::string_view step = path[depth].as_string();
  for (const LabelOption& option : options) {
    if (option.Key() != step && option.value != step) continue;
    if (depth + 1 == path.size()) return &option;
    return FindPath(option.children, path, depth + 1);
  }
  return nullptr;
}

void CheckChoices(ValueContext& context) {
  bj::value* found = context.value.if_contains("choices");
  if (!found) {
    context.Fail("choices", "is required");
    return;
  }
  if (found->is_string()) *found = bj::array{found->as_string()};
  if (!found->is_array()) {
    context.Fail("choices", "must be a list");
    return;
  }

  const bj::array& choices = found->as_array();
  const bool single = context.control.choice == "single" || context.control.choice == "single-radio";
  if (single && choices.size() > 1) {
    context.Fail("choices", "contains " + std::to_string(choices.size()) + " choices, but <Choices name=\"" +
                                context.control.name + "\"> allows one (choice=\"" + context.control.choice + "\")");
  }

  std::set<std::string> keys;
  CollectKeys(context.control.options, keys);
  const bool dynamic = HasDynamicOptions(context.control);
  for (size_t i = 0; i < choices.size(); ++i) {
    const std::string key = "choices." + std::to_string(i);
    if (choices[i].is_string()) {
      if (!dynamic && !keys.count(std::string(choices[i].as_string()))) {
        context.Fail(key, "\"" + std::string(choices[i].as_string()) + "\" is not a choice of <Choices name=\"" +
                              context.control.name + "\">");
      }
      continue;
    }
    // allowNested stores each selection as its path from the root.
    if (!choices[i].is_array() || choices[i].as_array().empty()) {
      context.Fail(key, "must be a string, or a list of strings for nested choices");
      continue;
    }
    const bj::array& path = choices[i].as_array();
    if (!std::all_of(path.begin(), path.end(), [](const bj::value& step) { return step.is_string(); })) {
      context.Fail(key, "must be a list of strings");
      continue;
    }
    if (!dynamic && !FindPath(context.control.options, path)) {
      context.Fail(key, "is not a path of nested choices in <Choices name=\"" + context.control.name + "\">");
    }
  }
}

void CheckTaxonomy(ValueContext& context) {
  bj::value* found = context.value.if_contains("taxonomy");
  if (!found || !found->is_array()) {
    context.Fail("taxonomy", found ? "must be a list of paths" : "is required");
    return;
  }

  const ConfigElement& element = context.config.Element(context.control.element);
  const bool leafs_only = element.BoolAttribute("leafsOnly");
  const bj::array& paths = found->as_array();

  const std::string_view max_text = element.AttributeOrDefault("maxUsages");
  const double max_usages = max_text.empty() ? 0 : std::atof(std::string(max_text).c_str());
  if (max_usages >= 1 && static_cast<double>(paths.size()) > max_usages) {
    context.Fail("taxonomy", "contains " + std::to_string(paths.size()) + " selections, over maxUsages=" +
                                 std::string(max_text));
  }

  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string key = "taxonomy." + std::to_string(i);
    if (!paths[i].is_array() || paths[i].as_array().empty() ||
        !std::all_of(paths[i].as_array().begin(), paths[i].as_array().end(),
                     [](const bj::value& step) { return step.is_string(); })) {
      context.Fail(key, "must be a non-empty list of strings: the path from the root to the chosen node");
      continue;
    }
    if (HasDynamicOptions(context.control)) continue;

    const LabelOption* node = FindPath(context.control.options, paths[i].as_array());
    if (!node) {
      context.Fail(key, "is not a path in <Taxonomy name=\"" + context.control.name + "\">");
    } else if (leafs_only && !node->children.empty()) {
      context.Fail(key, "ends at a node with children, but leafsOnly=\"true\" allows only leaves");
    }
  }
}

// ---- single-value answers -------------------------------------------------

void CheckTextArea(ValueContext& context) {
  const std::optional<std::vector<std::string>> texts = ReadStringList(context, "text", true);
  if (!texts) return;

  const ConfigElement& element = context.config.Element(context.control.element);
  const std::string_view limit_text = element.AttributeOrDefault("maxSubmissions");
  if (limit_text.empty()) return;
  const double limit = std::atof(std::string(limit_text).c_str());
  if (limit >= 1 && static_cast<double>(texts->size()) > limit) {
    context.Fail("text", "contains " + std::to_string(texts->size()) + " submissions, over maxSubmissions=" +
                             std::string(limit_text));
  }
}

void CheckRating(ValueContext& context) {
  bj::value* found = context.value.if_contains("rating");
  if (!found) {
    context.Fail("rating", "is required");
    return;
  }
  if (found->is_array() && found->as_array().size() == 1) {
    const bj::value single = found->as_array()[0];
    *found = single;
  }

  const std::optional<int64_t> rating = AsInteger(*found);
  const ConfigElement& element = context.config.Element(context.control.element);
  const int64_t max_rating = std::atoll(std::string(element.AttributeOrDefault("maxRating", "5")).c_str());
  if (!rating) {
    context.Fail("rating", "must be a whole number");
  } else if (*rating < 0 || *rating > max_rating) {
    context.Fail("rating", "must be between 0 and " + std::to_string(max_rating) + " (maxRating), got " +
                               std::to_string(*rating));
  }
}

void CheckNumber(ValueContext& context) {
  bj::value* found = context.value.if_contains("number");
  if (!found) {
    context.Fail("number", "is required");
    return;
  }
  const std::optional<double> number = AsNumber(*found);
  if (!number) {
    context.Fail("number", "must be a number");
    return;
  }

  const ConfigElement& element = context.config.Element(context.control.element);
  const std::string_view min = element.Attribute("min");
  const std::string_view max = element.Attribute("max");
  if (!min.empty() && *number < std::atof(std::string(min).c_str())) {
    context.Fail("number", "is below min=" + std::string(min));
  }
  if (!max.empty() && *number > std::atof(std::string(max).c_str())) {
    context.Fail("number", "is above max=" + std::string(max));
  }
}

void CheckDateTime(ValueContext& context) {
  bj::value* found = context.value.if_contains("datetime");
  if (!found || !found->is_string()) {
    context.Fail("datetime", found ? "must be a string" : "is required");
    return;
  }

  const ConfigElement& element = context.config.Element(context.control.element);
  const DateTimeForm form = DateTimeFormFor(element.Attribute("only"));
  const std::string_view text = found->as_string();
  if (!MatchesDateTimeForm(text, form)) {
    context.Fail("datetime", "\"" + std::string(text) + "\" is not a " + std::string(DateTimeFormText(form)));
    return;
  }

  // ISO forms of one shape compare correctly as strings.
  const std::string_view min = element.Attribute("min");
  const std::string_view max = element.Attribute("max");
  if (!min.empty() && MatchesDateTimeForm(min, form) && text < min) {
    context.Fail("datetime", "is before min=" + std::string(min));
  }
  if (!max.empty() && MatchesDateTimeForm(max, form) && text > max) {
    context.Fail("datetime", "is after max=" + std::string(max));
  }
}

void CheckPairwise(ValueContext& context) {
  const bj::value* selected = context.value.if_contains("selected");
  if (!selected || !selected->is_string() || (selected->as_string() != "left" && selected->as_string() != "right")) {
    context.Fail("selected", "must be \"left\" or \"right\"");
  }
}

// Ranker values: a list of item ids (older form), or an object of lists
// keyed by bucket name (or by one key when the Ranker has no buckets).
void CheckRanker(ValueContext& context) {
  const bj::value* found = context.value.if_contains("ranker");
  if (!found) {
    context.Fail("ranker", "is required");
    return;
  }

  std::set<std::string> seen;
  auto check_ids = [&](const bj::value& ids, const std::string& key) {
    if (!ids.is_array()) {
      context.Fail(key, "must be a list of item ids");
      return;
    }
    for (size_t i = 0; i < ids.as_array().size(); ++i) {
      const bj::value& id = ids.as_array()[i];
      if (!id.is_string()) {
        context.Fail(key + "." + std::to_string(i), "must be a string item id");
      } else if (!seen.insert(std::string(id.as_string())).second) {
        context.Fail(key + "." + std::to_string(i), "item \"" + std::string(id.as_string()) + "\" is ranked twice");
      }
    }
  };

  if (found->is_array()) {
    check_ids(*found, "ranker");
    return;
  }
  if (!found->is_object()) {
    context.Fail("ranker", "must be a list of item ids or an object of lists keyed by bucket");
    return;
  }

  const std::vector<RankerBucket>& buckets = context.control.buckets;
  for (const auto& entry : found->as_object()) {
    const std::string key = "ranker." + std::string(entry.key());
    const bool known_bucket = std::any_of(buckets.begin(), buckets.end(),
                                          [&](const RankerBucket& bucket) { return bucket.name == entry.key(); });
    const bool list_key = std::find(context.control.to_names.begin(), context.control.to_names.end(),
                                    std::string_view(entry.key())) != context.control.to_names.end();
    if (!buckets.empty() && !known_bucket && !list_key && entry.key() != context.control.name) {
      context.Fail(key, "is not a bucket of <Ranker name=\"" + context.control.name + "\">");
      continue;
    }
    check_ids(entry.value(), key);
  }
}

void CheckChatMessage(ValueContext& context) {
  const bj::value* found = context.value.if_contains("chatmessage");
  if (!found || !found->is_object()) {
    context.Fail("chatmessage", found ? "must be an object" : "is required");
    return;
  }
  const bj::object& message = found->as_object();
  const bj::value* role = message.if_contains("role");
  const bool known_role = role && role->is_string() &&
                          (role->as_string() == "user" || role->as_string() == "assistant" ||
                           role->as_string() == "system" || role->as_string() == "tool" ||
                           role->as_string() == "developer");
  if (!known_role) {
    context.Fail("chatmessage.role", "must be one of \"user\", \"assistant\", \"system\", \"tool\", \"developer\"");
  }

  // Copies of the task's own messages (kept so per-message answers have a
  // region) may carry any role the task data uses.
  // NOTE: such a copy is recognised by its id alone, not compared with the
  // task's data, so an item given that id escapes the role limit.
  const bj::value* id = context.item.if_contains("id");
  const bool task_message = id && id->is_string() && IsTaskChatMessageId(context.control.name, id->as_string());
  if (known_role && !task_message) {
    const std::vector<std::string> roles = ChatMessageRoles(context.config.Element(context.control.element));
    if (std::find(roles.begin(), roles.end(), std::string_view(role->as_string())) == roles.end()) {
      std::string allowed;
      for (const std::string& name : roles) allowed += (allowed.empty() ? "\"" : ", \"") + name + "\"";
      context.Fail("chatmessage.role", "is \"" + std::string(role->as_string()) + "\", but <Chat name=\"" +
                                           context.control.name + "\"> allows only " +
                                           (allowed.empty() ? std::string("no roles") : allowed));
    }
  }
  const bj::value* content = message.if_contains("content");
  if (!content || !content->is_string()) context.Fail("chatmessage.content", "must be a string");
  const bj::value* created = message.if_contains("createdAt");
  if (created && !AsNumber(*created)) context.Fail("chatmessage.createdAt", "must be a number (milliseconds)");
}

// ---- regions --------------------------------------------------------------

// The labels key a region item of this type carries, if any: the type for
// "*labels" types, "labels" for VideoRectangle. A labels control's region
// saved under its bare shape type ("rectangle" from RectangleLabels with
// allowEmpty) carries none.
std::string_view LabelsKey(const ValueContext& context) {
  if (context.control.answer == AnswerKind::kVideoRectangle) return "labels";
  if (context.control.answer == AnswerKind::kShape) return {};
  const std::string_view type = context.type;
  const bool labels_type = type.size() >= 6 && type.substr(type.size() - 6) == "labels";
  return labels_type ? type : std::string_view();
}

void CheckRegion(ValueContext& context) {
  const std::string_view labels_key = LabelsKey(context);
  if (!labels_key.empty()) {
    // Only Labels-family items must carry labels; a VideoRectangle box may
    // be unlabeled.
    const bool required = context.control.answer != AnswerKind::kVideoRectangle;
    CheckLabelList(context, labels_key, required);
  }
  CheckRegionGeometry(context);
}

}  // namespace

std::vector<std::string> ChatMessageRoles(const ConfigElement& chat) {
  const XmlAttribute* llm = chat.FindAttributeIgnoringCase("llm");
  const bool has_llm = llm && !llm->value.empty();

  std::vector<std::string> roles;
  if (const XmlAttribute* listed = chat.FindAttributeIgnoringCase("messageroles")) {
    std::string part;
    for (const char c : listed->value + ",") {
      if (c != ',' && c != '|') {
        if (c != ' ' && c != '\t') part += c;
        continue;
      }
      if (!part.empty()) roles.push_back(std::move(part));
      part.clear();
    }
  } else {
    roles = has_llm ? std::vector<std::string>{"user"} : std::vector<std::string>{"user", "assistant"};
  }
  if (has_llm && std::find(roles.begin(), roles.end(), "assistant") == roles.end()) roles.push_back("assistant");
  return roles;
}

bool IsTaskChatMessageId(std::string_view chat, std::string_view id) {
  const std::string prefix = std::string(chat) + "-task-";
  if (id.size() <= prefix.size() || id.substr(0, prefix.size()) != prefix) return false;
  const std::string_view index = id.substr(prefix.size());
  return std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void ValueContext::Fail(std::string_view key, std::string message) const {
  errors.push_back({field + "." + std::string(key), std::move(message)});
}

std::optional<double> AsNumber(const boost::json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.as_int64());
  if (value.is_uint64()) return static_cast<double>(value.as_uint64());
  if (value.is_double() && std::isfinite(value.as_double())) return value.as_double();
  return std::nullopt;
}

std::optional<int64_t> AsInteger(const boost::json::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double number = value.as_double();
    if (std::isfinite(number) && std::trunc(number) == number && std::abs(number) < 9.0e15) {
      return static_cast<int64_t>(number);
    }
  }
  return std::nullopt;
}

std::vector<std::string> RegionLabels(const boost::json::object& value) {
  std::vector<std::string> labels;
  for (const auto& entry : value) {
    const std::string_view key = entry.key();
    const bool labels_key = key.size() >= 6 && key.substr(key.size() - 6) == "labels";
    if (!labels_key || !entry.value().is_array()) continue;
    for (const bj::value& label : entry.value().as_array()) {
      if (label.is_string()) labels.emplace_back(label.as_string());
    }
  }
  return labels;
}

void CheckResultValue(ValueContext& context) {
  switch (context.control.answer) {
    case AnswerKind::kLabels:
    case AnswerKind::kShape:
    case AnswerKind::kVideoRectangle:
    case AnswerKind::kTimelineLabels:
      CheckRegion(context);
      return;
    case AnswerKind::kChoices: CheckChoices(context); return;
    case AnswerKind::kTaxonomy: CheckTaxonomy(context); return;
    case AnswerKind::kTextArea: CheckTextArea(context); return;
    case AnswerKind::kRating: CheckRating(context); return;
    case AnswerKind::kNumber: CheckNumber(context); return;
    case AnswerKind::kDateTime: CheckDateTime(context); return;
    case AnswerKind::kPairwise: CheckPairwise(context); return;
    case AnswerKind::kRanker: CheckRanker(context); return;
    case AnswerKind::kChatMessage: CheckChatMessage(context); return;
    case AnswerKind::kRelation:
    case AnswerKind::kNone:
      return;  // relations are checked by the caller; unknown controls are not checked
  }
}

}  // namespace tally::labeling
