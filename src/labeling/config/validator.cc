// Config rules: names, required attributes, toName targets, data
// references and numeric ranges. Option and visibility rules live in
// validator_options.cc.
#include "labeling/config/validator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "labeling/config/parser.h"
#include "labeling/config/text_util.h"
#include "labeling/config/validator_internal.h"

namespace tally::labeling {
namespace {

// Object tags whose content always comes from task data: a literal value
// would show the same media on every task.
bool NeedsDataReference(std::string_view tag) {
  return tag == "Image" || tag == "Audio" || tag == "AudioPlus" || tag == "Video" || tag == "Paragraphs" ||
         tag == "TimeSeries" || tag == "Table" || tag == "Pdf" || tag == "List" || tag == "Chat";
}

std::string Position(const ConfigElement& element) {
  return "line " + std::to_string(element.position.line);
}

bool ParsesAsDouble(std::string_view text, double& value) {
  if (text.empty()) return false;
  std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

}  // namespace

void ValidatorBase::Add(Severity severity, std::string code, std::string message, const ConfigElement& element,
                        std::string_view attribute, std::string hint) {
  Diagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.code = std::move(code);
  diagnostic.message = std::move(message);
  diagnostic.tag = element.tag;
  diagnostic.attribute = std::string(attribute);
  diagnostic.position = attribute.empty() ? element.position : element.AttributePosition(attribute);
  diagnostic.hint = std::move(hint);
  diagnostics_.push_back(std::move(diagnostic));
}

const ConfigElement* ValidatorBase::FindNamedElement(std::string_view name) const {
  for (const ConfigElement& element : config_.elements) {
    if (element.Attribute("name") == name && element.FindAttribute("name")) return &element;
  }
  return nullptr;
}

std::vector<std::string> ValidatorBase::ObjectNames() const {
  std::vector<std::string> names;
  for (const ObjectTag& object : config_.objects) names.push_back(object.name);
  std::sort(names.begin(), names.end());
  return names;
}

class Validator : public ValidatorBase {
 public:
  using ValidatorBase::ValidatorBase;

  std::vector<Diagnostic> Run() {
    if (config_.elements.empty()) return {};

    CheckRoot();
    CheckUniqueNames();
    for (const ConfigElement& element : config_.elements) CheckRequiredAttributes(element);
    for (const ObjectTag& object : config_.objects) {
      CheckObjectValue(object);
      if (object.type == "Chat") CheckChat(object);
    }
    for (const ControlTag& control : config_.controls) {
      CheckTargets(control);
      CheckControlValue(control);
      CheckRanges(control);
    }
    CheckFilters();
    CheckRepeaters();
    CheckOptions();
    CheckVisibility();

    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.position.line, a.position.column) < std::pair(b.position.line, b.position.column);
    });
    return std::move(diagnostics_);
  }

 private:
  void CheckRoot() {
    const ConfigElement& root = config_.Element(0);
    if (root.tag == "View") return;
    Add(Severity::kError, "root-not-view", "The root tag is <" + root.tag + ">, but a label config must start with <View>",
        root, "", "wrap the config in <View> … </View>");
  }

  // Label Studio compares every name attribute in the document, whatever
  // the tag, before any Repeater is expanded.
  void CheckUniqueNames() {
    std::map<std::string, const ConfigElement*> first_use;
    for (const ConfigElement& element : config_.elements) {
      const XmlAttribute* name = element.FindAttribute("name");
      if (!name) continue;
      const auto [it, inserted] = first_use.emplace(name->value, &element);
      if (inserted) continue;
      Add(Severity::kError, "duplicate-name",
          "Name \"" + name->value + "\" is already used by <" + it->second->tag + "> on " + Position(*it->second),
          element, "name", "give every tag its own name; results refer to tags by name");
    }
  }

  void RequireAttribute(const ConfigElement& element, std::string_view attribute, std::string hint) {
    if (!element.Attribute(attribute).empty()) return;
    std::string message = "<" + element.tag + "> is missing the required attribute " + std::string(attribute);
    if (const XmlAttribute* other_case = element.FindAttributeIgnoringCase(attribute)) {
      hint = "rename " + other_case->name + " to " + std::string(attribute) +
             "; Label Studio reads this attribute case-sensitively";
    } else if (element.FindAttribute(attribute)) {
      message = "<" + element.tag + "> has an empty " + std::string(attribute) + " attribute";
    }
    Add(Severity::kError, "missing-attribute", std::move(message), element, "", std::move(hint));
  }

  void CheckRequiredAttributes(const ConfigElement& element) {
    if (!element.spec || element.spec->opaque) return;
    const TagSpec& spec = *element.spec;

    if (spec.kind == TagKind::kControl && spec.answer != AnswerKind::kRelation) {
      RequireAttribute(element, "name", "add name=\"…\"; results store it as from_name");
      CheckToNamePresent(element);
    }
    if (spec.kind == TagKind::kObject) {
      RequireAttribute(element, "name", "add name=\"…\"; controls point at it with toName and results store it as to_name");
      const bool has_value = !element.Attribute("value").empty() || !element.Attribute("valueList").empty();
      const bool inline_markup = spec.raw_content && !element.text.empty();
      if (!has_value && !inline_markup) {
        const std::string key = Lowercase(element.tag);
        Add(Severity::kError, "missing-attribute", "<" + element.tag + "> is missing the required attribute value",
            element, "", "add value=\"$" + key + "\" and put the content in each task's data under \"" + key + "\"");
      }
    }
    if (element.tag == "Label" || element.tag == "Choice" || element.tag == "Relation") {
      RequireAttribute(element, "value", "add value=\"…\"; it is what the annotator sees and results store");
    }
    if (element.tag == "Bucket") RequireAttribute(element, "name", "add name=\"…\"; ranker results key items by it");
    if (element.tag == "Channel") RequireAttribute(element, "column", "add column=\"…\" naming a column of the series");
    if (element.tag == "Repeater") RequireAttribute(element, "on", "add on=\"$items\" naming a list in task data");
  }

  void CheckToNamePresent(const ConfigElement& element) {
    if (!element.Attribute("toName").empty()) return;
    if (element.spec->to_name == TargetRequirement::kRequired) {
      RequireAttribute(element, "toName", "add toName=\"…\" naming the object tag this control labels");
      return;
    }
    Add(Severity::kWarning, "missing-target",
        "<" + element.tag + "> has no toName, so Label Studio leaves it out of the parsed config: exports and ML "
        "backends do not see its answers",
        element, "", "add toName=\"…\" naming the object tag it rates");
  }

  void CheckObjectValue(const ObjectTag& object) {
    const ConfigElement& element = config_.Element(object.element);
    if (!element.spec || element.spec->opaque || object.value.empty()) return;
    const char* attribute = object.value_list ? "valueList" : "value";

    if (object.value.front() == '$' && !object.data) {
      Add(Severity::kError, "bad-data-reference",
          "<" + object.type + " name=\"" + object.name + "\"> has " + attribute + "=\"" + object.value +
              "\", which is not a task data reference",
          element, attribute, "write $ followed by the data key, e.g. \"$image\" or \"$item.url\"");
      return;
    }
    if (!object.data && NeedsDataReference(object.type)) {
      Add(Severity::kError, "value-not-data",
          "<" + object.type + " name=\"" + object.name + "\"> must read its " + attribute +
              " from task data, but \"" + object.value + "\" is literal text",
          element, attribute,
          "write " + std::string(attribute) + "=\"$" + Lowercase(object.type) +
              "\" and put the content in each task's data under that key");
    }
  }

  // toName entries must name object tags that this control can label.
  void CheckTargets(const ControlTag& control) {
    const ConfigElement& element = config_.Element(control.element);
    if (control.to_names.empty()) return;

    for (const std::string& target : control.to_names) {
      if (!CheckTargetExists(control, element, target)) continue;
      const ObjectTag* object = config_.FindObject(target);
      if (!object || !element.spec || element.spec->kind != TagKind::kControl) continue;

      const ConfigElement& object_element = config_.Element(object->element);
      if (!object_element.spec || object_element.spec->opaque) {
        Add(Severity::kWarning, "unchecked-target",
            "<" + control.type + "> labels <" + object->type + ">, a tag Tally does not know, so the pairing is not checked",
            element, "toName", "");
        continue;
      }
      if (!element.spec->CanTarget(object->type)) {
        Add(Severity::kError, "target-type",
            "<" + control.type + " name=\"" + control.name + "\"> cannot label <" + object->type + " name=\"" +
                object->name + "\">",
            element, "toName", "point toName at one of: " + std::string(element.spec->targets));
      }
    }

    if (control.answer == AnswerKind::kPairwise && control.to_names.size() != 2) {
      Add(Severity::kError, "pairwise-targets",
          "<Pairwise name=\"" + control.name + "\"> compares " + std::to_string(control.to_names.size()) +
              " objects, but it needs exactly two",
          element, "toName", "write toName=\"left,right\" with the two object names");
    }
    CheckDrawingTool(control, element);
  }

  // Returns true when `target` names an object tag; reports otherwise.
  bool CheckTargetExists(const ControlTag& control, const ConfigElement& element, const std::string& target) {
    if (config_.FindObject(target)) return true;

    if (const ConfigElement* named = FindNamedElement(target)) {
      if (named->spec && named->spec->kind == TagKind::kObject) return true;  // an object missing its value
      Add(Severity::kError, "target-not-object",
          "toName=\"" + target + "\" on <" + control.type + " name=\"" + control.name + "\"> names <" + named->tag +
              ">, which is not an object tag",
          element, "toName", "point toName at the object tag that shows the data, such as <Image> or <Text>");
      return false;
    }

    std::string hint = "object tags in this config: " + QuotedList(ObjectNames());
    if (const std::string near = NearestName(ObjectNames(), target); !near.empty()) {
      hint = "did you mean \"" + near + "\"?";
    }
    if (target.empty()) {
      Add(Severity::kError, "unknown-target",
          "toName on <" + control.type + " name=\"" + control.name + "\"> has an empty entry", element, "toName",
          "separate names with single commas and no spaces");
      return false;
    }
    Add(Severity::kError, "unknown-target",
        "toName=\"" + target + "\" on <" + control.type + " name=\"" + control.name + "\"> names no tag in this config",
        element, "toName", std::move(hint));
    return false;
  }

  // Labels on an Image only label what a shape tool draws, and a
  // VideoRectangle takes its labels from a Labels on the same video.
  void CheckDrawingTool(const ControlTag& control, const ConfigElement& element) {
    const bool labels_on_image = control.type == "Labels" && std::any_of(
        control.to_names.begin(), control.to_names.end(), [&](const std::string& target) {
          const ObjectTag* object = config_.FindObject(target);
          return object && object->type == "Image";
        });
    if (labels_on_image && !HasControlOnSameTarget(control, AnswerKind::kShape)) {
      Add(Severity::kWarning, "labels-without-tool",
          "<Labels name=\"" + control.name + "\"> labels an image, but no shape tool (Rectangle, Polygon, …) "
          "draws regions on it",
          element, "toName", "add e.g. <Rectangle name=\"box\" toName=\"" + control.to_names.front() + "\"/>");
    }
    if (control.answer == AnswerKind::kVideoRectangle && !HasControlOnSameTarget(control, AnswerKind::kLabels)) {
      Add(Severity::kWarning, "video-without-labels",
          "<VideoRectangle name=\"" + control.name + "\"> has no <Labels> on the same video to label its boxes",
          element, "toName", "add <Labels toName=\"" + control.to_names.front() + "\"> with the box labels");
    }
  }

  bool HasControlOnSameTarget(const ControlTag& control, AnswerKind answer) const {
    return std::any_of(config_.controls.begin(), config_.controls.end(), [&](const ControlTag& other) {
      if (&other == &control || other.answer != answer) return false;
      return std::any_of(other.to_names.begin(), other.to_names.end(), [&](const std::string& target) {
        return std::find(control.to_names.begin(), control.to_names.end(), target) != control.to_names.end();
      });
    });
  }

  void CheckControlValue(const ControlTag& control) {
    const ConfigElement& element = config_.Element(control.element);
    const std::string_view value = element.Attribute("value");
    if (value.empty() || value.front() != '$' || control.answer == AnswerKind::kTextArea) return;
    if (ParseDataReference(value)) return;
    Add(Severity::kError, "bad-data-reference",
        "<" + control.type + " name=\"" + control.name + "\"> has value=\"" + std::string(value) +
            "\", which is not a task data reference",
        element, "value", "write $ followed by the data key holding the option list, e.g. \"$options\"");
  }

  void CheckRanges(const ControlTag& control) {
    const ConfigElement& element = config_.Element(control.element);
    double min = 0;
    double max = 0;
    if (ParsesAsDouble(element.Attribute("min"), min) && ParsesAsDouble(element.Attribute("max"), max) && min > max) {
      Add(Severity::kError, "empty-range",
          "<" + control.type + " name=\"" + control.name + "\"> has min above max, so no answer can be valid",
          element, "min", "make min less than or equal to max");
    }
    double max_rating = 0;
    if (ParsesAsDouble(element.Attribute("maxRating"), max_rating) && max_rating < 1) {
      Add(Severity::kError, "empty-range",
          "<Rating name=\"" + control.name + "\"> has maxRating below 1, so no rating can be given", element,
          "maxRating", "use a maxRating of 1 or more (the default is 5)");
    }
    double max_submissions = 0;
    if (ParsesAsDouble(element.Attribute("maxSubmissions"), max_submissions) && max_submissions < 1) {
      Add(Severity::kWarning, "empty-range",
          "<TextArea name=\"" + control.name + "\"> has maxSubmissions below 1, so no text can be submitted",
          element, "maxSubmissions", "use 1 or more, or drop the attribute for no limit");
    }
  }

  // The labeling editor and the chat-replies endpoint read these attributes
  // in any letter case, so they are looked up the same way here. A value
  // starting with $ names a task field and is checked per task instead.
  void CheckChat(const ObjectTag& object) {
    const ConfigElement& element = config_.Element(object.element);
    const std::string tag = "<Chat name=\"" + object.name + "\">";

    std::optional<double> min_messages;
    std::optional<double> max_messages;
    for (const char* name : {"minMessages", "maxMessages"}) {
      const XmlAttribute* attribute = element.FindAttributeIgnoringCase(name);
      if (!attribute || attribute->value.empty() || attribute->value.front() == '$') continue;
      double count = 0;
      const bool integral =
          ParsesAsDouble(attribute->value, count) && std::isfinite(count) && count == std::floor(count);
      if (!integral || count < 0) {
        // The parser already reported a non-integer under the exact spelling.
        const bool reported = attribute->name == name && !integral;
        if (!reported) {
          Add(Severity::kError, "invalid-attribute-value",
              tag + " has " + attribute->name + "=\"" + attribute->value + "\", which is not a whole number of 0 or more",
              element, attribute->name, "write a message count such as \"2\"");
        }
        continue;
      }
      (std::string_view(name) == "minMessages" ? min_messages : max_messages) = count;
    }
    if (min_messages && max_messages && *min_messages > *max_messages) {
      Add(Severity::kError, "empty-range",
          tag + " has minMessages above maxMessages, so no conversation can be submitted", element,
          element.FindAttributeIgnoringCase("minMessages")->name, "make minMessages less than or equal to maxMessages");
    }

    const XmlAttribute* llm = element.FindAttributeIgnoringCase("llm");
    if (!llm || llm->value.empty()) return;
    const size_t slash = llm->value.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == llm->value.size()) {
      Add(Severity::kError, "invalid-attribute-value",
          tag + " has llm=\"" + llm->value + "\", which is not of the form provider/model", element, llm->name,
          "write the name of a project LLM connection, a slash and the model, e.g. \"openai/gpt-4.1-nano\"");
    }
  }

  // A Filter narrows the options of a control, so its toName names a control.
  void CheckFilters() {
    for (const ConfigElement& element : config_.elements) {
      if (element.tag != "Filter") continue;
      for (const std::string& target : SplitCommaList(element.Attribute("toName"))) {
        if (target.empty() || config_.FindControl(target)) continue;
        Add(Severity::kError, "unknown-target", "toName=\"" + target + "\" on <Filter> names no control", element,
            "toName", "point toName at the Choices, Labels or Taxonomy whose options it filters");
      }
    }
  }

  // Names inside a Repeater are copied once per item: without the index flag
  // every copy gets the same name.
  void CheckRepeaters() {
    for (const RepeaterTag& repeater : config_.repeaters) {
      const ConfigElement& element = config_.Element(repeater.element);
      if (!element.Attribute("on").empty() && !repeater.on) {
        Add(Severity::kError, "bad-data-reference",
            "<Repeater> has on=\"" + std::string(element.Attribute("on")) + "\", which is not a task data reference",
            element, "on", "write on=\"$items\" naming a list in task data");
      }
    }
    for (const ConfigElement& element : config_.elements) {
      if (element.repeater < 0) continue;
      const XmlAttribute* name = element.FindAttribute("name");
      const RepeaterTag& repeater = config_.repeaters[static_cast<size_t>(element.repeater)];
      if (!name || name->value.find(repeater.index_flag) != std::string::npos) continue;
      Add(Severity::kWarning, "repeater-name",
          "Name \"" + name->value + "\" inside a <Repeater> lacks the index flag " + repeater.index_flag +
              ", so every repeated copy gets the same name",
          element, "name", "write name=\"" + name->value + "_" + repeater.index_flag + "\"");
    }
  }
};

std::vector<Diagnostic> ValidateLabelConfig(const LabelConfig& config) {
  return Validator(config).Run();
}

LabelConfig CheckLabelConfig(std::string_view xml) {
  LabelConfig config = ParseLabelConfig(xml);
  std::vector<Diagnostic> found = ValidateLabelConfig(config);
  config.diagnostics.insert(config.diagnostics.end(), found.begin(), found.end());
  std::stable_sort(config.diagnostics.begin(), config.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.position.line, a.position.column) < std::pair(b.position.line, b.position.column);
  });
  return config;
}

Result<LabelConfig> LoadLabelConfig(std::string_view xml) {
  LabelConfig config = CheckLabelConfig(xml);
  TALLY_TRY(DiagnosticsToResult(config.diagnostics));
  return config;
}

}  // namespace tally::labeling
