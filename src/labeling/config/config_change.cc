#include "labeling/config/config_change.h"

#include <algorithm>
#include <map>
#include <set>

#include "labeling/config/json_form.h"
#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

const std::string& IndexFlag(const LabelConfig& config, const ControlTag& control) {
  static const std::string kNone;
  return control.repeater >= 0 ? config.repeaters[static_cast<size_t>(control.repeater)].index_flag : kNone;
}

bool ProducesResults(const LabelConfig& config, const ControlTag& control, const std::string& to_name,
                     const std::string& type) {
  const bool type_matches = type == control.result_type || type == Lowercase(control.type);
  if (!type_matches) return false;

  const std::string& flag = IndexFlag(config, control);
  const std::string joined(config.Element(control.element).Attribute("toName"));
  if (MatchesRepeaterName(joined, flag, to_name)) return true;
  return std::any_of(control.to_names.begin(), control.to_names.end(),
                     [&](const std::string& target) { return MatchesRepeaterName(target, flag, to_name); });
}

void CollectKeys(const std::vector<LabelOption>& options, std::set<std::string>& keys) {
  for (const LabelOption& option : options) {
    keys.insert(option.Key());
    CollectKeys(option.children, keys);
  }
}

std::string Counted(int64_t count, const char* word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

}  // namespace

std::vector<ConfigChangeProblem> CheckConfigChange(const LabelConfig& new_config, const AnnotationUsage& usage) {
  std::vector<ConfigChangeProblem> problems;

  for (const AnnotationUsage::ControlUse& use : usage.controls) {
    if (use.type == "textarea") continue;
    if (use.type == "chatmessage" && use.from_name == use.to_name) continue;
    const ControlTag* control = new_config.MatchControl(use.from_name);
    if (control && ProducesResults(new_config, *control, use.to_name, use.type)) continue;

    ConfigChangeProblem problem;
    problem.kind = ConfigChangeProblemKind::kIncompatibleResults;
    problem.from_name = use.from_name;
    problem.to_name = use.to_name;
    problem.type = use.type;
    problem.annotations = use.results;
    problem.message = std::to_string(use.results) + " with from_name=" + use.from_name + ", to_name=" + use.to_name +
                      ", type=" + use.type;
    problems.push_back(std::move(problem));
  }

  // Labels counted per control, annotations and drafts together.
  std::map<std::string, std::vector<const AnnotationUsage::LabelUse*>> by_control;
  std::vector<std::string> control_order;
  for (const AnnotationUsage::LabelUse& use : usage.labels) {
    if (use.annotations + use.drafts <= 0) continue;
    if (!by_control.count(use.from_name)) control_order.push_back(use.from_name);
    by_control[use.from_name].push_back(&use);
  }

  // A VideoRectangle takes its labels from other controls, so Label Studio
  // accepts any label of the config for any control then.
  std::set<std::string> all_keys;
  const bool has_video_rectangle = std::any_of(new_config.controls.begin(), new_config.controls.end(),
                                               [](const ControlTag& c) { return c.answer == AnswerKind::kVideoRectangle; });
  for (const ControlTag& control : new_config.controls) CollectKeys(control.options, all_keys);

  std::vector<ConfigChangeProblem> removed_labels;
  for (const std::string& from_name : control_order) {
    const std::vector<const AnnotationUsage::LabelUse*>& uses = by_control[from_name];
    const ControlTag* control = new_config.MatchControl(from_name);
    if (!control) {
      ConfigChangeProblem problem;
      problem.kind = ConfigChangeProblemKind::kRemovedControl;
      problem.from_name = from_name;
      for (const auto* use : uses) {
        problem.annotations += use->annotations;
        problem.drafts += use->drafts;
      }
      problem.message = "There are " + std::to_string(problem.annotations + problem.drafts) +
                        " annotation(s) created with tag \"" + from_name + "\", you can't remove it";
      problems.push_back(std::move(problem));
      continue;
    }
    if (control->dynamic_labels || control->dynamic_options) continue;

    std::set<std::string> keys;
    CollectKeys(control->options, keys);
    if (has_video_rectangle) keys.insert(all_keys.begin(), all_keys.end());
    for (const auto* use : uses) {
      if (keys.count(use->label)) continue;
      ConfigChangeProblem problem;
      problem.kind = ConfigChangeProblemKind::kRemovedLabel;
      problem.from_name = from_name;
      problem.label = use->label;
      problem.annotations = use->annotations;
      problem.drafts = use->drafts;
      problem.message = use->label + " (" + Counted(use->annotations, "annotation") + ", " +
                        Counted(use->drafts, "draft") + ")";
      removed_labels.push_back(std::move(problem));
    }
  }
  problems.insert(problems.end(), removed_labels.begin(), removed_labels.end());
  return problems;
}

Result<void> ConfigChangeToResult(const std::vector<ConfigChangeProblem>& problems, bool strict_labels) {
  std::string incompatible;
  for (const ConfigChangeProblem& problem : problems) {
    if (problem.kind == ConfigChangeProblemKind::kIncompatibleResults) incompatible += "\n" + problem.message;
  }
  if (!incompatible.empty()) {
    return Error::Invalid("Created annotations are incompatible with provided labeling schema, we found:" +
                          incompatible);
  }

  for (const ConfigChangeProblem& problem : problems) {
    if (problem.kind == ConfigChangeProblemKind::kRemovedControl) return Error::Invalid(problem.message);
  }

  if (!strict_labels) return Ok();
  std::string lines;
  std::string control;
  for (const ConfigChangeProblem& problem : problems) {
    if (problem.kind != ConfigChangeProblemKind::kRemovedLabel) continue;
    if (control.empty()) control = problem.from_name;
    if (problem.from_name != control) continue;
    lines += "\n" + problem.message;
  }
  if (lines.empty()) return Ok();
  return Error::Invalid("These labels still exist in annotations or drafts:" + lines +
                        "\nPlease add labels to tag with name=\"" + control + "\".");
}

bool HasEssentialChanges(const LabelConfig& old_config, const LabelConfig& new_config) {
  const boost::json::object old_parsed = ParsedLabelConfigJson(old_config);
  const boost::json::object new_parsed = ParsedLabelConfigJson(new_config);

  for (const auto& entry : new_parsed) {
    const auto old_entry = old_parsed.find(entry.key());
    if (old_entry == old_parsed.end()) return true;
    const boost::json::object& now = entry.value().as_object();
    const boost::json::object& before = old_entry->value().as_object();
    if (now.at("type") != before.at("type")) return true;
    if (now.at("inputs") != before.at("inputs")) return true;

    const boost::json::array& new_labels = now.at("labels").as_array();
    for (const boost::json::value& label : before.at("labels").as_array()) {
      if (std::find(new_labels.begin(), new_labels.end(), label) == new_labels.end()) return true;
    }
  }
  return false;
}

}  // namespace tally::labeling
