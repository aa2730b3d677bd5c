#include "labeling/config/json_form.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "labeling/config/data_keys.h"
#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

bool IsLabelTag(std::string_view tag) { return tag == "Label" || tag == "Choice" || tag == "Relation"; }

// Label Studio's dynamic-labels test: "$" then letters and '_' only.
bool HasVariable(std::string_view value) {
  if (value.size() < 2 || value.front() != '$') return false;
  for (char c : value.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return false;
  }
  return true;
}

std::string_view StripDollars(std::string_view value) {
  while (!value.empty() && value.front() == '$') value.remove_prefix(1);
  return value;
}

bj::object PositionJson(const SourcePosition& position) {
  return {{"line", position.line}, {"column", position.column}};
}

bj::value TypedValue(const AttributeSpec& spec, std::string_view raw) {
  if (spec.type == AttributeType::kBoolean && (raw == "true" || raw == "false")) return raw == "true";
  if (spec.type == AttributeType::kInteger || spec.type == AttributeType::kNumber) {
    std::string copy(raw);
    char* end = nullptr;
    const double number = std::strtod(copy.c_str(), &end);
    if (!copy.empty() && end == copy.c_str() + copy.size() && std::isfinite(number)) {
      if (std::trunc(number) == number && std::abs(number) < 9.0e15) return static_cast<int64_t>(number);
      return number;
    }
  }
  return bj::string(raw);
}

// Attributes as the labeling UI reads them: set values (matched ignoring
// case) typed by the catalogue, then defaults; unknown attributes as strings.
bj::object AttributesJson(const ConfigElement& element) {
  bj::object attributes;
  if (element.spec) {
    for (const AttributeSpec& spec : element.spec->attributes) {
      const XmlAttribute* set = element.FindAttributeIgnoringCase(spec.name);
      if (set) {
        attributes[spec.name] = TypedValue(spec, set->value);
      } else if (!spec.default_value.empty()) {
        attributes[spec.name] = TypedValue(spec, spec.default_value);
      }
    }
  }
  for (const XmlAttribute& attribute : element.attributes) {
    const bool known = element.spec && element.spec->FindAttributeIgnoringCase(attribute.name);
    if (!known) attributes[attribute.name] = attribute.value;
  }
  return attributes;
}

bj::object RawAttributesJson(const ConfigElement& element) {
  bj::object attributes;
  for (const XmlAttribute& attribute : element.attributes) attributes[attribute.name] = attribute.value;
  return attributes;
}

bj::array OptionsJson(const LabelConfig& config, const std::vector<LabelOption>& options) {
  bj::array list;
  for (const LabelOption& option : options) {
    const ConfigElement& element = config.Element(option.element);
    bj::object item{{"tag", option.tag}, {"value", option.value}, {"key", option.Key()}};
    if (!option.alias.empty()) item["alias"] = option.alias;
    item["attributes"] = AttributesJson(element);
    item["position"] = PositionJson(element.position);
    if (!option.children.empty()) item["children"] = OptionsJson(config, option.children);
    list.push_back(std::move(item));
  }
  return list;
}

bj::array VisibilityJson(const std::vector<VisibilityRule>& rules) {
  bj::array list;
  for (const VisibilityRule& rule : rules) {
    bj::object item;
    if (!rule.visible_when.empty()) item["visible_when"] = rule.visible_when;
    if (!rule.when_tag_name.empty()) item["when_tag_name"] = rule.when_tag_name;
    if (!rule.when_label_value.empty()) item["when_label_value"] = rule.when_label_value;
    if (!rule.when_choice_values.empty()) {
      bj::array values;
      for (const std::string& value : rule.when_choice_values) values.push_back(bj::string(value));
      item["when_choice_values"] = std::move(values);
    }
    if (!rule.when_role.empty()) item["when_role"] = rule.when_role;
    item["element"] = rule.element;
    list.push_back(std::move(item));
  }
  return list;
}

bj::array StringArray(const std::vector<std::string>& values) {
  bj::array list;
  for (const std::string& value : values) list.push_back(bj::string(value));
  return list;
}

bj::object ObjectJson(const LabelConfig& config, const ObjectTag& object) {
  const ConfigElement& element = config.Element(object.element);
  bj::object item{{"name", object.name}, {"type", object.type}, {"value", object.value}};
  item["value_list"] = object.value_list;
  item["data_key"] = object.data ? bj::value(bj::string(object.data->key)) : bj::value(nullptr);
  item["attributes"] = AttributesJson(element);
  if (!object.channels.empty()) {
    bj::array channels;
    for (const TimeSeriesChannel& channel : object.channels) {
      channels.push_back(bj::object{{"column", channel.column},
                                    {"attributes", AttributesJson(config.Element(channel.element))}});
    }
    item["channels"] = std::move(channels);
  }
  item["position"] = PositionJson(element.position);
  return item;
}

bj::object ControlJson(const LabelConfig& config, const ControlTag& control) {
  const ConfigElement& element = config.Element(control.element);
  bj::object item{{"name", control.name}, {"type", control.type}, {"result_type", control.result_type}};
  item["to_name"] = StringArray(control.to_names);
  item["choice"] = control.choice;
  item["per_region"] = control.per_region;
  item["per_item"] = control.per_item;
  item["required"] = control.required;
  item["dynamic_labels"] = control.dynamic_labels;
  item["dynamic_options_key"] =
      control.dynamic_options ? bj::value(bj::string(control.dynamic_options->key)) : bj::value(nullptr);
  item["labels"] = OptionsJson(config, control.options);
  if (!control.buckets.empty()) {
    bj::array buckets;
    for (const RankerBucket& bucket : control.buckets) {
      buckets.push_back(bj::object{{"name", bucket.name}, {"title", bucket.title}, {"default", bucket.is_default}});
    }
    item["buckets"] = std::move(buckets);
  }
  item["visibility"] = VisibilityJson(control.visibility);
  item["attributes"] = AttributesJson(element);
  item["position"] = PositionJson(element.position);
  return item;
}

}  // namespace

boost::json::object ParsedLabelConfigJson(const LabelConfig& config) {
  bj::object outputs;
  bj::object inputs;
  std::vector<std::pair<std::string, bj::object>> labels;  // control name -> {label key: attributes}
  std::vector<std::string> variables;

  auto labels_of = [&](const std::string& control) -> bj::object& {
    for (auto& entry : labels) {
      if (entry.first == control) return entry.second;
    }
    labels.emplace_back(control, bj::object{});
    return labels.back().second;
  };

  for (const ConfigElement& element : config.elements) {
    if (const XmlAttribute* flag = element.FindAttribute("indexFlag")) variables.push_back(flag->value);

    const std::string name(element.Attribute("name"));
    const std::string_view to_name = element.Attribute("toName");
    const bool is_output = !name.empty() && !to_name.empty() && element.tag != "Filter";
    const bool is_input =
        !is_output && !name.empty() && (!element.Attribute("value").empty() || !element.Attribute("valueList").empty());

    if (is_output) {
      bj::object info{{"type", element.tag}};
      const std::vector<std::string> targets = SplitCommaList(to_name);
      info["to_name"] = StringArray(targets);

      bj::object regex;
      for (const std::string& variable : variables) {
        for (const std::string& target : targets) {
          if (target.find(variable) != std::string::npos) regex[variable] = ".*";
        }
      }
      if (!regex.empty()) info["regex"] = std::move(regex);

      if (element.Attribute("perRegion") == "true") {
        if (!element.Attribute("whenTagName").empty()) {
          info["conditionals"] = bj::object{{"type", "tag"}, {"name", element.Attribute("whenTagName")}};
        } else if (!element.Attribute("whenLabelValue").empty()) {
          info["conditionals"] = bj::object{{"type", "label"}, {"name", element.Attribute("whenLabelValue")}};
        } else if (!element.Attribute("whenChoiceValue").empty()) {
          info["conditionals"] = bj::object{{"type", "choice"}, {"name", element.Attribute("whenChoiceValue")}};
        }
      }
      if (HasVariable(element.Attribute("value")) || !element.Attribute("apiUrl").empty()) {
        info["dynamic_labels"] = true;
      }
      outputs[name] = std::move(info);
    } else if (is_input) {
      bj::object input{{"type", element.tag}};
      const XmlAttribute* value_type = element.FindAttribute("valueType");
      input["valueType"] = value_type ? bj::value(bj::string(value_type->value)) : bj::value(nullptr);
      if (const XmlAttribute* value = element.FindAttribute("value")) {
        input["value"] = StripDollars(value->value);
      } else {
        input["valueList"] = StripDollars(element.Attribute("valueList"));
      }
      inputs[name] = std::move(input);
    }

    if (!IsLabelTag(element.tag)) continue;

    // The owner is the nearest ancestor whose name is a control seen so far.
    std::string owner;
    for (int parent = element.parent; parent >= 0; parent = config.Element(parent).parent) {
      const XmlAttribute* parent_name = config.Element(parent).FindAttribute("name");
      if (parent_name && outputs.contains(parent_name->value)) {
        owner = parent_name->value;
        break;
      }
    }
    if (owner.empty()) continue;

    std::string_view key = element.Attribute("alias");
    if (key.empty()) key = element.Attribute("value");
    if (key.empty()) key = element.Attribute("valueList");
    if (key.empty()) continue;
    labels_of(owner)[key] = RawAttributesJson(element);
  }

  for (auto& entry : outputs) {
    bj::object& info = entry.value().as_object();
    bj::array control_inputs;
    for (const bj::value& target : info["to_name"].as_array()) {
      const auto input = inputs.find(target.as_string());
      if (input != inputs.end()) control_inputs.push_back(input->value());
    }
    info["inputs"] = std::move(control_inputs);

    const bj::object& attributes = labels_of(std::string(entry.key()));
    bj::array keys;
    for (const auto& entry : attributes) keys.push_back(bj::string(entry.key()));
    info["labels"] = std::move(keys);
    info["labels_attrs"] = attributes;
  }
  return outputs;
}

boost::json::object DiagnosticJson(const Diagnostic& diagnostic) {
  return {{"severity", SeverityName(diagnostic.severity)},
          {"code", diagnostic.code},
          {"message", diagnostic.message},
          {"tag", diagnostic.tag},
          {"attribute", diagnostic.attribute},
          {"line", diagnostic.position.line},
          {"column", diagnostic.position.column},
          {"hint", diagnostic.hint}};
}

boost::json::object LabelConfigJson(const LabelConfig& config) {
  bj::object model;

  bj::array objects;
  for (const ObjectTag& object : config.objects) objects.push_back(ObjectJson(config, object));
  model["objects"] = std::move(objects);

  bj::array controls;
  for (const ControlTag& control : config.controls) controls.push_back(ControlJson(config, control));
  model["controls"] = std::move(controls);

  bj::array relations;
  for (const RelationsTag& tag : config.relations) {
    relations.push_back(bj::object{{"choice", tag.choice},
                                   {"relations", OptionsJson(config, tag.relations)},
                                   {"position", PositionJson(config.Element(tag.element).position)}});
  }
  model["relations"] = std::move(relations);

  bj::array repeaters;
  for (const RepeaterTag& repeater : config.repeaters) {
    repeaters.push_back(bj::object{{"on", repeater.on ? bj::value(bj::string(repeater.on->key)) : bj::value(nullptr)},
                                   {"index_flag", repeater.index_flag},
                                   {"mode", repeater.mode},
                                   {"position", PositionJson(config.Element(repeater.element).position)}});
  }
  model["repeaters"] = std::move(repeaters);

  bj::array uses;
  for (const DataKeyUse& use : ListDataKeyUses(config)) {
    uses.push_back(bj::object{{"key", use.key},
                              {"expression", use.expression},
                              {"tag", use.tag},
                              {"name", use.name},
                              {"attribute", use.attribute},
                              {"required", use.required},
                              {"position", PositionJson(use.position)}});
  }
  model["data_keys"] = std::move(uses);
  model["required_data_keys"] = StringArray(RequiredDataKeys(config));

  bj::object types;
  for (const auto& [key, tag] : InferDataTypes(config)) types[key] = tag;
  model["data_types"] = std::move(types);

  model["sample_task"] = config.sample_task ? bj::value(*config.sample_task) : bj::value(nullptr);
  model["parsed_label_config"] = ParsedLabelConfigJson(config);

  bj::array diagnostics;
  for (const Diagnostic& diagnostic : config.diagnostics) diagnostics.push_back(DiagnosticJson(diagnostic));
  model["diagnostics"] = std::move(diagnostics);
  model["valid"] = !config.elements.empty() && !HasErrors(config.diagnostics);
  return model;
}

}  // namespace tally::labeling
