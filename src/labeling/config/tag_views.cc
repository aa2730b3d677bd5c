// Elements to typed views: decides which elements are object tags, controls,
// Relations and Repeaters, and collects each control's options, buckets and
// visibility rules.
#include <algorithm>
#include <string>

#include "labeling/config/parser.h"
#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

bool IsOptionTag(std::string_view tag) { return tag == "Label" || tag == "Choice" || tag == "Relation"; }

// Label Studio's test for a dynamic-labels control: `value` is "$" followed
// by letters and '_' only (no digits, no path), or `apiUrl` is set.
bool IsDynamicLabelsValue(std::string_view value) {
  if (value.size() < 2 || value.front() != '$') return false;
  return std::all_of(value.begin() + 1, value.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; });
}

// Label Studio's backend tests. A control has non-empty name and toName and
// is not a Filter. An input has a non-empty name and value or valueList.
bool IsControlElement(const ConfigElement& element) {
  return !element.Attribute("name").empty() && !element.Attribute("toName").empty() && element.tag != "Filter";
}

bool IsInputElement(const ConfigElement& element) {
  return !element.Attribute("name").empty() &&
         (!element.Attribute("value").empty() || !element.Attribute("valueList").empty());
}

class ViewBuilder {
 public:
  explicit ViewBuilder(LabelConfig& config) : config_(config) {}

  void Run() {
    for (ConfigElement& element : config_.elements) {
      AssignRepeater(element);

      if (element.tag == "Repeater") AddRepeater(element);
      if (element.tag == "Relations") AddRelations(element);

      const bool control = IsControlElement(element) || IsNamedControlWithoutTarget(element);
      if (control) AddControl(element);
      if (IsObjectElement(element)) AddObject(element);
    }
  }

 private:
  // Descendants of a Repeater belong to the nearest one; a Repeater itself
  // belongs to the Repeater around it, if any.
  void AssignRepeater(ConfigElement& element) {
    if (element.parent < 0) return;
    const ConfigElement& parent = config_.elements[static_cast<size_t>(element.parent)];
    element.repeater = parent.repeater;
    if (parent.tag == "Repeater") {
      for (size_t i = 0; i < config_.repeaters.size(); ++i) {
        if (config_.repeaters[i].element == parent.index) element.repeater = static_cast<int>(i);
      }
    }
  }

  // A known control tag that has a name but no toName is kept as a control,
  // so the validator can report the missing target at its position.
  static bool IsNamedControlWithoutTarget(const ConfigElement& element) {
    return element.spec && element.spec->kind == TagKind::kControl && element.spec->answer != AnswerKind::kRelation &&
           !element.Attribute("name").empty() && element.Attribute("toName").empty();
  }

  // Known object tags count even with an empty value, so the validator can
  // report it; unknown tags follow Label Studio's input test.
  static bool IsObjectElement(const ConfigElement& element) {
    if (element.spec) return element.spec->kind == TagKind::kObject && !element.Attribute("name").empty();
    return IsInputElement(element) && !IsControlElement(element);
  }

  void AddRepeater(const ConfigElement& element) {
    RepeaterTag repeater;
    repeater.element = element.index;
    repeater.on = ParseDataReference(element.Attribute("on"));
    repeater.explicit_index_flag = element.FindAttribute("indexFlag") != nullptr;
    repeater.index_flag = std::string(element.Attribute("indexFlag", "{{idx}}"));
    repeater.mode = std::string(element.Attribute("mode"));
    config_.repeaters.push_back(std::move(repeater));
  }

  void AddRelations(const ConfigElement& element) {
    RelationsTag relations;
    relations.element = element.index;
    relations.choice = std::string(element.AttributeOrDefault("choice", "single"));
    CollectOptions(element, relations.relations);
    config_.relations.push_back(std::move(relations));
  }

  void AddObject(const ConfigElement& element) {
    ObjectTag object;
    object.name = std::string(element.Attribute("name"));
    object.type = element.tag;
    object.element = element.index;
    if (const XmlAttribute* value = element.FindAttribute("value"); value && !value->value.empty()) {
      object.value = value->value;
    } else if (const XmlAttribute* list = element.FindAttribute("valueList"); list && !list->value.empty()) {
      object.value = list->value;
      object.value_list = true;
    }
    object.data = ParseDataReference(object.value);
    object.value_type = std::string(element.Attribute("valueType"));

    for (int child : element.children) {
      const ConfigElement& channel = config_.Element(child);
      if (channel.tag != "Channel") continue;
      object.channels.push_back({std::string(channel.Attribute("column")), channel.index});
    }
    config_.objects.push_back(std::move(object));
  }

  void AddControl(const ConfigElement& element) {
    ControlTag control;
    control.name = std::string(element.Attribute("name"));
    control.type = element.tag;
    control.element = element.index;
    control.repeater = element.repeater;
    if (element.spec) control.answer = element.spec->answer;
    control.result_type = element.spec && !element.spec->result_type.empty() ? std::string(element.spec->result_type)
                                                                             : Lowercase(element.tag);

    const std::string_view to_name = element.Attribute("toName");
    if (!to_name.empty()) control.to_names = SplitCommaList(to_name);

    control.choice = std::string(element.AttributeOrDefault("choice", "single"));
    control.per_region = element.BoolAttribute("perRegion");
    control.per_item = element.BoolAttribute("perItem");
    control.required = element.BoolAttribute("required");
    control.allow_nested = element.BoolAttribute("allowNested");

    // `value` on a TextArea is pre-filled text and on Chat the messages;
    // on option-bearing controls it names the task field holding options.
    const std::string_view value = element.Attribute("value");
    const bool takes_options = !element.spec || !element.spec->option_tag.empty() ||
                               control.answer == AnswerKind::kLabels || control.answer == AnswerKind::kTimelineLabels;
    if (takes_options && control.answer != AnswerKind::kTextArea && control.answer != AnswerKind::kChatMessage) {
      control.dynamic_options = ParseDataReference(value);
    }
    control.dynamic_labels = IsDynamicLabelsValue(value) || !element.Attribute("apiUrl").empty();

    CollectOptions(element, control.options);
    CollectBuckets(element, control.buckets);
    CollectVisibility(element, control.visibility);
    config_.controls.push_back(std::move(control));
  }

  // Gathers Label, Choice and Relation tags below `element`, looking through
  // Views and other layout but not into another control, which owns its own
  // options. Nested Choice tags become children (Taxonomy trees).
  void CollectOptions(const ConfigElement& element, std::vector<LabelOption>& options) const {
    for (int child_index : element.children) {
      const ConfigElement& child = config_.Element(child_index);
      if (IsOptionTag(child.tag)) {
        LabelOption option;
        option.tag = child.tag;
        option.value = std::string(child.Attribute("value"));
        option.alias = std::string(child.Attribute("alias"));
        option.element = child.index;
        CollectOptions(child, option.children);
        options.push_back(std::move(option));
        continue;
      }
      if (IsControlElement(child)) continue;
      CollectOptions(child, options);
    }
  }

  void CollectBuckets(const ConfigElement& element, std::vector<RankerBucket>& buckets) const {
    for (int child_index : element.children) {
      const ConfigElement& child = config_.Element(child_index);
      if (child.tag == "Bucket") {
        buckets.push_back({std::string(child.Attribute("name")), std::string(child.Attribute("title")),
                           child.BoolAttribute("default"), child.index});
      } else if (!IsControlElement(child)) {
        CollectBuckets(child, buckets);
      }
    }
  }

  void CollectVisibility(const ConfigElement& element, std::vector<VisibilityRule>& rules) const {
    for (int index = element.index; index >= 0; index = config_.Element(index).parent) {
      const ConfigElement& holder = config_.Element(index);
      if (index != element.index && holder.tag != "View") continue;

      VisibilityRule rule;
      rule.element = holder.index;
      rule.visible_when = std::string(holder.Attribute("visibleWhen"));
      rule.when_tag_name = std::string(holder.Attribute("whenTagName"));
      rule.when_label_value = std::string(holder.Attribute("whenLabelValue"));
      if (const XmlAttribute* choices = holder.FindAttribute("whenChoiceValue")) {
        rule.when_choice_values = SplitCommaList(choices->value);
      }
      rule.when_role = std::string(holder.Attribute("whenRole"));

      const bool has_rule = !rule.visible_when.empty() || !rule.when_tag_name.empty() ||
                            !rule.when_label_value.empty() || !rule.when_choice_values.empty() ||
                            !rule.when_role.empty();
      if (has_rule) rules.push_back(std::move(rule));
    }
  }

  LabelConfig& config_;
};

}  // namespace

void BuildTagViews(LabelConfig& config) {
  config.objects.clear();
  config.controls.clear();
  config.relations.clear();
  config.repeaters.clear();
  ViewBuilder(config).Run();
}

}  // namespace tally::labeling
