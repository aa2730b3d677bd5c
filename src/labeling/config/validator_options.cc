// Config rules about options (Label, Choice, Relation and friends),
// conditional visibility and per-region controls.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "labeling/config/text_util.h"
#include "labeling/config/validator_internal.h"

namespace tally::labeling {
namespace {

// The tags an option tag may sit in (through Views). Nested Choice tags are
// looked through too, since Taxonomy choices nest.
bool IsAllowedOwner(std::string_view option, const ConfigElement& owner) {
  if (!owner.spec) return true;  // an unknown tag may well own options
  if (option == "Label") return owner.spec->option_tag == "Label";
  if (option == "Choice") return owner.tag == "Choices" || owner.tag == "Taxonomy";
  if (option == "Relation") return owner.tag == "Relations";
  if (option == "Bucket") return owner.tag == "Ranker";
  if (option == "Channel") return owner.tag == "TimeSeries";
  if (option == "Panel") return owner.tag == "Collapse";
  if (option == "Shortcut") return owner.tag == "TextArea";
  return true;
}

std::string_view ExpectedOwner(std::string_view option) {
  if (option == "Label") return "a labels control such as <Labels> or <RectangleLabels>";
  if (option == "Choice") return "<Choices> or <Taxonomy>";
  if (option == "Relation") return "<Relations>";
  if (option == "Bucket") return "<Ranker>";
  if (option == "Channel") return "<TimeSeries>";
  if (option == "Panel") return "<Collapse>";
  return "<TextArea>";
}

bool SameAttributes(const ConfigElement& a, const ConfigElement& b) {
  if (a.attributes.size() != b.attributes.size()) return false;
  return std::all_of(a.attributes.begin(), a.attributes.end(), [&](const XmlAttribute& attribute) {
    const XmlAttribute* other = b.FindAttribute(attribute.name);
    return other && other->value == attribute.value;
  });
}

bool HasOption(const std::vector<LabelOption>& options, std::string_view value) {
  return std::any_of(options.begin(), options.end(), [&](const LabelOption& option) {
    return option.Key() == value || option.value == value || HasOption(option.children, value);
  });
}

bool IsChatRole(std::string_view role) {
  return role == "user" || role == "assistant" || role == "system" || role == "tool" || role == "developer";
}

}  // namespace

void ValidatorBase::CheckOptions() {
  for (const ControlTag& control : config_.controls) {
    CheckOptionCount(control);
    CheckOptionList(config_.Element(control.element), control.options);
    CheckPerRegion(control);
  }
  for (const RelationsTag& relations : config_.relations) {
    CheckOptionList(config_.Element(relations.element), relations.relations);
  }
  for (const ConfigElement& element : config_.elements) CheckOptionPlacement(element);
}

// Label Studio's schema requires Choices and Labels to carry options, a
// dynamic `value` or a nested View. Other labeling controls without labels
// load, but annotators then have nothing to pick.
void ValidatorBase::CheckOptionCount(const ControlTag& control) {
  const ConfigElement& element = config_.Element(control.element);
  if (!control.options.empty() || control.dynamic_labels || control.dynamic_options) return;
  if (!element.spec) return;

  if (control.type == "Choices" || control.type == "Labels") {
    const bool has_view = std::any_of(element.children.begin(), element.children.end(),
                                      [&](int child) { return config_.Element(child).tag == "View"; });
    if (has_view || !element.Attribute("value").empty()) return;
    const std::string option = control.type == "Choices" ? "Choice" : "Label";
    Add(Severity::kError, "no-options", "<" + control.type + " name=\"" + control.name + "\"> has no <" + option + "> options",
        element, "", "add <" + option + " value=\"…\"/> children, or value=\"$field\" to read options from task data");
    return;
  }

  const bool takes_labels = control.answer == AnswerKind::kLabels || control.answer == AnswerKind::kTimelineLabels;
  if (takes_labels || control.answer == AnswerKind::kTaxonomy) {
    Add(Severity::kWarning, "no-options",
        "<" + control.type + " name=\"" + control.name + "\"> has no options, so annotators have nothing to choose",
        element, "", "add option children, or value=\"$field\" to read them from task data");
  }
}

// Two options storing the same value make results ambiguous when their
// other attributes differ, because nothing says which colour, hotkey or
// category applies. Identical copies are harmless: Label Studio
// de-duplicates them, and its own image search template has one.
void ValidatorBase::CheckOptionList(const ConfigElement& owner, const std::vector<LabelOption>& options) {
  std::map<std::string, const LabelOption*> seen;
  for (const LabelOption& option : options) {
    if (!option.children.empty()) CheckOptionList(owner, option.children);
    if (option.Key().empty()) continue;

    const auto [it, inserted] = seen.emplace(option.Key(), &option);
    if (inserted) continue;

    const ConfigElement& first = config_.Element(it->second->element);
    const ConfigElement& repeat = config_.Element(option.element);
    const std::string where = "<" + owner.tag + (owner.Attribute("name").empty() ? "" : " name=\"" +
                              std::string(owner.Attribute("name")) + "\"") + ">";
    if (SameAttributes(first, repeat)) {
      Add(Severity::kWarning, "duplicate-option",
          "Option \"" + option.Key() + "\" appears twice in " + where + " (first on line " +
              std::to_string(first.position.line) + "); this identical copy adds nothing",
          repeat, "value", "remove the repeated <" + option.tag + ">");
    } else {
      Add(Severity::kError, "conflicting-option",
          "Option \"" + option.Key() + "\" appears twice in " + where + " with different attributes (first on line " +
              std::to_string(first.position.line) + ")",
          repeat, option.alias.empty() ? "value" : "alias", "give each option its own value, or merge the two");
    }
  }
}

void ValidatorBase::CheckOptionPlacement(const ConfigElement& element) {
  if (!element.spec || element.spec->kind != TagKind::kOption) return;

  int owner_index = element.parent;
  while (owner_index >= 0) {
    const ConfigElement& candidate = config_.Element(owner_index);
    if (candidate.tag != "View" && candidate.tag != "Choice") break;
    owner_index = candidate.parent;
  }

  if (owner_index >= 0 && IsAllowedOwner(element.tag, config_.Element(owner_index))) return;
  const std::string value(element.Attribute("value", element.Attribute("name", element.Attribute("column"))));
  Add(Severity::kWarning, "misplaced-option",
      "<" + element.tag + (value.empty() ? "" : " \"" + value + "\"") + "> is not inside " +
          std::string(ExpectedOwner(element.tag)) + ", so it has no effect",
      element, "", "move it inside " + std::string(ExpectedOwner(element.tag)));
}

void ValidatorBase::CheckVisibility() {
  for (const ConfigElement& element : config_.elements) {
    VisibilityRule rule;
    rule.element = element.index;
    rule.visible_when = std::string(element.Attribute("visibleWhen"));
    rule.when_tag_name = std::string(element.Attribute("whenTagName"));
    rule.when_label_value = std::string(element.Attribute("whenLabelValue"));
    if (const XmlAttribute* choices = element.FindAttribute("whenChoiceValue")) {
      rule.when_choice_values = SplitCommaList(choices->value);
    }
    rule.when_role = std::string(element.Attribute("whenRole"));
    CheckVisibilityRule(element, rule);
  }
}

void ValidatorBase::CheckVisibilityRule(const ConfigElement& holder, const VisibilityRule& rule) {
  const ConfigElement* named = nullptr;
  if (!rule.when_tag_name.empty()) {
    named = FindNamedElement(rule.when_tag_name);
    if (!named) {
      std::vector<std::string> names;
      for (const ConfigElement& element : config_.elements) {
        if (element.FindAttribute("name")) names.emplace_back(element.Attribute("name"));
      }
      const std::string near = NearestName(names, rule.when_tag_name);
      Add(Severity::kError, "unknown-when-tag",
          "whenTagName=\"" + rule.when_tag_name + "\" on <" + holder.tag + "> names no tag in this config", holder,
          "whenTagName", near.empty() ? "name a control or object tag of this config" : "did you mean \"" + near + "\"?");
      return;
    }
  }

  const bool choice_rule = rule.visible_when == "choice-selected" || rule.visible_when == "choice-unselected";
  if (choice_rule && !rule.when_choice_values.empty() && !named) {
    Add(Severity::kWarning, "when-needs-tag",
        "visibleWhen=\"" + rule.visible_when + "\" with whenChoiceValue also needs whenTagName naming the Choices",
        holder, "visibleWhen", "add whenTagName=\"…\" naming the <Choices> to watch");
  }

  if (!rule.when_choice_values.empty()) {
    const ControlTag* choices = named ? config_.FindControl(named->Attribute("name")) : nullptr;
    for (const std::string& value : rule.when_choice_values) {
      bool found = false;
      bool checkable = false;
      for (const ControlTag& control : config_.controls) {
        if (choices && &control != choices) continue;
        if (control.answer != AnswerKind::kChoices && control.answer != AnswerKind::kTaxonomy) continue;
        if (control.dynamic_labels || control.dynamic_options) {
          found = true;
          break;
        }
        checkable = true;
        if (HasOption(control.options, value)) found = true;
      }
      if (found || !checkable) continue;
      Add(Severity::kWarning, "unknown-when-value",
          "whenChoiceValue \"" + value + "\" on <" + holder.tag + "> is not an option of " +
              (choices ? "<" + choices->type + " name=\"" + choices->name + "\">" : std::string("any Choices")) +
              ", so the condition never holds",
          holder, "whenChoiceValue", "use the value of one of the watched choices");
    }
  }

  if (!rule.when_label_value.empty()) {
    bool found = false;
    bool checkable = false;
    for (const ControlTag& control : config_.controls) {
      const bool labels = control.answer == AnswerKind::kLabels || control.answer == AnswerKind::kTimelineLabels;
      if (!labels) continue;
      if (named && named->tag != "View") {
        const std::string name(named->Attribute("name"));
        const bool related = control.name == name ||
                             std::find(control.to_names.begin(), control.to_names.end(), name) != control.to_names.end();
        if (!related) continue;
      }
      if (control.dynamic_labels || control.dynamic_options) {
        found = true;
        break;
      }
      checkable = true;
      if (IsLabelOf(rule.when_label_value, control)) found = true;
    }
    if (checkable && !found) {
      Add(Severity::kWarning, "unknown-when-value",
          "whenLabelValue \"" + rule.when_label_value + "\" on <" + holder.tag +
              "> is not a label of the watched control, so the condition never holds",
          holder, "whenLabelValue", "use the value of one of the watched labels");
    }
  }

  if (!rule.when_role.empty() && !IsChatRole(rule.when_role)) {
    Add(Severity::kWarning, "unknown-when-value",
        "whenRole=\"" + rule.when_role + "\" is not a chat role, so the condition never holds", holder, "whenRole",
        "use one of \"user\", \"assistant\", \"system\", \"tool\", \"developer\"");
  }
}

bool ValidatorBase::IsLabelOf(std::string_view label, const ControlTag& control) const {
  return HasOption(control.options, label);
}

// A per-region control describes a region drawn by another control on the
// same object, or a chat message. Without such a region it never shows.
void ValidatorBase::CheckPerRegion(const ControlTag& control) {
  const ConfigElement& element = config_.Element(control.element);

  if (control.per_region) {
    for (const std::string& target : control.to_names) {
      const ObjectTag* object = config_.FindObject(target);
      if (!object) continue;
      if (object->type == "Chat") continue;
      const bool has_regions = std::any_of(config_.controls.begin(), config_.controls.end(), [&](const ControlTag& other) {
        return &other != &control && CreatesRegions(other.answer) &&
               std::find(other.to_names.begin(), other.to_names.end(), target) != other.to_names.end();
      });
      if (has_regions) continue;
      Add(Severity::kWarning, "per-region-without-regions",
          "<" + control.type + " name=\"" + control.name + "\"> is per-region, but no control draws regions on \"" +
              target + "\"",
          element, "perRegion", "add a labels or shape control on \"" + target + "\", or drop perRegion");
    }
  }

  if (control.per_item) {
    for (const std::string& target : control.to_names) {
      const ObjectTag* object = config_.FindObject(target);
      if (!object || object->value_list) continue;
      Add(Severity::kWarning, "per-item-without-items",
          "<" + control.type + " name=\"" + control.name + "\"> is per-item, but \"" + target +
              "\" shows a single item (it has no valueList)",
          element, "perItem", "use valueList=\"$images\" on the object, or drop perItem");
    }
  }
}

}  // namespace tally::labeling
