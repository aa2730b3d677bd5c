// ExportSchema: what the export formats need from a label config, in the
// shape Label Studio's converter reads it: each control with its tag type,
// the object tags it points to (and their data keys), and its labels with
// the `category` and `model_index` attributes that COCO and YOLO use.
//
// Built from a parsed LabelConfig, or from Label Studio's parsed-config JSON
// (`{"<control>": {"type", "to_name", "inputs", "labels", "labels_attrs",
// "regex"}}`), which is how configs with Repeater names reach the converter.
//
// Thread-safety: an immutable value once built.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "labeling/config/model.h"

namespace tally::labeling::exporting {

struct SchemaInput {
  std::string type;      // object tag: "Image", "Text", …
  std::string value;     // data reference without '$': "image", "images[{{idx}}].url"
  bool value_list = false;
  std::string value_type;  // Text valueType, "url" disables CoNLL
};

struct SchemaLabel {
  std::string name;                    // alias when present, else value
  std::optional<std::string> category; // `category` attribute as written
  std::optional<std::string> model_index;
};

struct SchemaControl {
  std::string name;  // may hold a Repeater placeholder: "labels_{{idx}}"
  std::string type;  // control tag: "RectangleLabels", "Choices", …
  std::vector<SchemaInput> inputs;
  std::vector<SchemaLabel> labels;  // document order, nested choices flattened
  std::vector<std::string> placeholders;  // "{{idx}}" for Repeater names; empty otherwise
};

struct ExportSchema {
  std::vector<SchemaControl> controls;  // config order

  // The control a result's from_name belongs to: an exact name first, then
  // the longest Repeater pattern whose placeholders, read as ".*", match a
  // prefix of `from_name` (Python's re.match). nullptr when none does.
  const SchemaControl* Match(std::string_view from_name) const;

  // Distinct data keys of the controls' inputs, in first-seen order.
  std::vector<std::string> DataKeys() const;

  bool HasControlType(std::string_view type) const;
  bool HasInputType(std::string_view type) const;
};

ExportSchema SchemaFromLabelConfig(const LabelConfig& config);
ExportSchema SchemaFromParsedJson(const boost::json::object& parsed);

}  // namespace tally::labeling::exporting
