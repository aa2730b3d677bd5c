// Task data a label config reads: the `$keys` in its attributes.
//
// Object tags read task data through `value="$key"` (or valueList), controls
// read dynamic options through `value="$options"`, a Repeater iterates over
// `on="$items"`, and some attributes accept a reference in place of a
// literal (Video frameRate="$fps", Paragraphs audioUrl="$audio"). Importers
// use the required keys to check each task's `data`; the project API uses
// the data types to describe columns.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "labeling/config/model.h"

namespace tally::labeling {

struct DataKeyUse {
  std::string key;         // top-level key of task.data: "image", "document"
  std::string expression;  // the whole reference without '$': "document[{{idx}}].page"
  std::string tag;         // tag that reads it: "Image"
  std::string name;        // that tag's name attribute; empty for unnamed tags (Repeater, Header)
  std::string attribute;   // "value", "valueList", "on", "frameRate", …
  SourcePosition position;
  // True when a task without the key cannot be shown or labeled: object
  // values, dynamic options and Repeater lists. Other uses (a Header title,
  // frameRate) fall back to defaults.
  bool required = false;
};

// Every whole-value data reference in the config, in document order. Returns
// an empty list for a config the parser could not read.
std::vector<DataKeyUse> ListDataKeyUses(const LabelConfig& config);

// The top-level keys a task's `data` must carry, each once, in document
// order.
std::vector<std::string> RequiredDataKeys(const LabelConfig& config);

// Label Studio's `data_types`, computed its way: for each tag below the
// root with a name and a value, a value "$rest" maps "rest" (path and all)
// to the tag name, and any other value maps its first "$word", if any. When
// several tags read one key the last wins, except that Video is never
// replaced (so <Video value="$url"/> with <Audio value="$url"/> gives Video).
// Pairs are in first-seen order; the first key is where a bare imported
// value goes.
std::vector<std::pair<std::string, std::string>> InferDataTypes(const LabelConfig& config);

}  // namespace tally::labeling
