// LabelConfig: the parsed, typed form of a label config (Label Studio's XML
// labeling configuration).
//
// A LabelConfig keeps two views of the same document:
//   - `elements`: every XML element in document order, with its attributes,
//     text and source position, including tags Tally does not know;
//   - typed views built from them: the object tags that show task data, the
//     control tags that produce result items (with their options), Relations
//     tags and Repeaters.
// Typed views refer to their element by index, so positions and raw
// attributes stay one lookup away. ParseLabelConfig (parser.h) builds it;
// ValidateLabelConfig (validator.h) checks it.
//
// Classification follows Label Studio's backend parser, because names and
// types in stored results depend on it. A tag is a control when it has both
// `name` and `toName` (Filter excepted). It is an input (object) when it has
// `name` and a non-empty `value` or `valueList`. Known control tags missing
// `toName` are still listed as controls, with empty `to_names`, so the
// validator can report them.
//
// Thread-safety: a LabelConfig is an immutable value once parsed; share it
// across threads by const reference.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labeling/config/diagnostic.h"
#include "labeling/config/tag_catalog.h"

namespace tally::labeling {

struct XmlAttribute {
  std::string name;
  std::string value;
  SourcePosition position;  // of the attribute name
};

// One XML element of the config.
struct ConfigElement {
  int index = 0;
  int parent = -1;            // index of the parent element; -1 for the root
  std::vector<int> children;  // element indexes, in document order
  std::string tag;
  const TagSpec* spec = nullptr;  // nullptr for a tag the catalogue does not know
  std::vector<XmlAttribute> attributes;
  std::string text;  // character data directly inside the element, concatenated
  SourcePosition position;  // of the tag name
  int repeater = -1;        // index into LabelConfig::repeaters of the enclosing Repeater

  // Exact, case-sensitive lookup, as Label Studio's backend reads attributes.
  const XmlAttribute* FindAttribute(std::string_view name) const;
  // Case-insensitive lookup, as the labeling frontend reads attributes
  // ("showInLine" works for "showInline"). Prefers an exact match.
  const XmlAttribute* FindAttributeIgnoringCase(std::string_view name) const;
  // The value of the attribute (exact name), or `fallback` when absent.
  std::string_view Attribute(std::string_view name, std::string_view fallback = {}) const;
  // The frontend's reading: case-insensitive lookup, then the catalogue
  // default, then `fallback`.
  std::string_view AttributeOrDefault(std::string_view name, std::string_view fallback = {}) const;
  // The frontend's reading of a boolean attribute: "true" is true, anything
  // else false; absent gives the catalogue default.
  bool BoolAttribute(std::string_view name) const;
  SourcePosition AttributePosition(std::string_view name) const;  // the tag's position when absent
};

// A reference to task data such as "$image" or "$document[{{idx}}].page".
struct DataReference {
  std::string expression;  // the text after '$': "document[{{idx}}].page"
  std::string key;         // the top-level task.data key: "document"
  // True when the expression is more than a plain key: nested ("$a.b"),
  // indexed ("$pages[0]") or templated by a Repeater ("{{idx}}").
  bool nested = false;
};

// Parses a whole-value data reference. Returns nullopt unless `value` starts
// with '$' followed by a key made of letters, digits, '_' or '-'; the rest may
// be a path of ".name" and "[index]" parts.
std::optional<DataReference> ParseDataReference(std::string_view value);

// One Label, Choice or Relation option. Taxonomy choices (and Choices with
// allowNested) nest, and `children` contains the sub-options.
struct LabelOption {
  std::string tag;    // "Label", "Choice" or "Relation"
  std::string value;  // what the UI shows
  std::string alias;  // what results store instead of value; empty when absent
  int element = -1;
  std::vector<LabelOption> children;

  // The name results store: alias when present, else value. Label lists in
  // the parsed config, label checks and export category names all use it.
  const std::string& Key() const { return alias.empty() ? value : alias; }
};

// Conditional display set on a control or an enclosing View.
struct VisibilityRule {
  int element = -1;            // the tag carrying the rule
  std::string visible_when;    // region-selected, choice-selected, no-region-selected, choice-unselected
  std::string when_tag_name;
  std::string when_label_value;
  std::vector<std::string> when_choice_values;  // whenChoiceValue split on ','
  std::string when_role;       // Chat message role (View only)
};

struct TimeSeriesChannel {
  std::string column;
  int element = -1;
};

struct ObjectTag {
  std::string name;
  std::string type;   // tag name: "Image", "Text", …
  int element = -1;
  std::string value;  // raw `value` (or `valueList`) attribute
  bool value_list = false;  // the value came from `valueList`
  std::optional<DataReference> data;  // nullopt for literal text
  std::string value_type;  // `valueType` attribute as written; empty when absent
  std::vector<TimeSeriesChannel> channels;  // TimeSeries only
};

struct RankerBucket {
  std::string name;
  std::string title;
  bool is_default = false;
  int element = -1;
};

struct ControlTag {
  std::string name;
  std::string type;         // tag name: "RectangleLabels"
  std::string result_type;  // result item `type`: "rectanglelabels"
  AnswerKind answer = AnswerKind::kNone;
  int element = -1;
  std::vector<std::string> to_names;  // toName split on ','; empty when absent
  std::vector<LabelOption> options;   // static Label/Choice children (a tree for Taxonomy)
  std::optional<DataReference> dynamic_options;  // value="$options"
  // Label Studio's `dynamic_labels` flag: `value` is a plain "$key" (letters
  // and '_' only) or `apiUrl` is set. Label checks skip such controls.
  bool dynamic_labels = false;
  std::string choice;  // `choice` attribute or its default
  bool per_region = false;
  bool per_item = false;
  bool required = false;
  bool allow_nested = false;
  // Rules that decide when the control shows: its own first, then those of
  // enclosing Views from the nearest outwards.
  std::vector<VisibilityRule> visibility;
  std::vector<RankerBucket> buckets;  // Ranker only
  int repeater = -1;  // index into LabelConfig::repeaters when inside a Repeater
};

struct RelationsTag {
  int element = -1;
  std::string choice;
  std::vector<LabelOption> relations;
};

struct RepeaterTag {
  int element = -1;
  std::optional<DataReference> on;
  std::string index_flag;            // "{{idx}}" when not set
  bool explicit_index_flag = false;  // indexFlag attribute present
  std::string mode;
};

struct LabelConfig {
  std::vector<ConfigElement> elements;  // [0] is the root
  std::vector<ObjectTag> objects;
  std::vector<ControlTag> controls;
  std::vector<RelationsTag> relations;
  std::vector<RepeaterTag> repeaters;
  // The embedded sample task: the first comment whose body is a JSON object,
  // normalised to {"data": …} plus "annotations"/"predictions" when given.
  std::optional<boost::json::object> sample_task;
  // Warnings found while parsing: unknown tags and attributes, bad attribute
  // values. Errors come from ValidateLabelConfig.
  std::vector<Diagnostic> diagnostics;

  const ConfigElement& Element(int index) const { return elements.at(static_cast<size_t>(index)); }
  // Exact-name lookups; nullptr when absent.
  const ObjectTag* FindObject(std::string_view name) const;
  const ControlTag* FindControl(std::string_view name) const;
  // Finds the control a result's from_name refers to: an exact name, or a
  // Repeater template ("labels_{{idx}}") that matches it (MatchesRepeaterName).
  const ControlTag* MatchControl(std::string_view from_name) const;
  // The same matching for object names ("page_0" against "page_{{idx}}").
  const ObjectTag* MatchObject(std::string_view to_name) const;
};

// True when `name` equals `pattern` with each `flag` in pattern standing for
// any run of characters, as Label Studio matches Repeater names (it turns
// the flag into the regular expression ".*"). Without the flag in pattern it
// is plain equality.
bool MatchesRepeaterName(std::string_view pattern, std::string_view flag, std::string_view name);

}  // namespace tally::labeling
