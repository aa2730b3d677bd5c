// The catalogue of label config tags Tally knows: what family each tag is in,
// which attributes it takes with their types and defaults, which object tags a
// control may label, and what kind of answer a control produces.
//
// The catalogue follows Label Studio's tag documentation (the labeling
// frontend's attribute tables) and its backend parser. Tags and attributes
// missing from it are not errors: the parser keeps them and warns, so a
// config written for a newer Label Studio still loads.
//
// Thread-safety: the catalogue is built once on first use and is immutable
// afterwards; the returned pointers stay valid for the life of the program.
#pragma once

#include <string_view>
#include <vector>

namespace tally::labeling {

enum class TagKind {
  kObject,   // shows task data and hosts regions: Image, Text, Audio, …
  kControl,  // produces result items: Choices, RectangleLabels, TextArea, …
  kVisual,   // layout only: View, Header, Style, Repeater, …
  kOption,   // an item inside another tag: Label, Choice, Relation, Bucket, Channel, …
};

std::string_view TagKindName(TagKind kind);

// What a control's result items carry; decides how their `value` is checked.
enum class AnswerKind {
  kNone,            // not a control
  kLabels,          // Labels and every *Labels tag: a region plus label names
  kShape,           // Rectangle, Polygon, KeyPoint, Ellipse, Brush, …: a region without labels
  kChoices,
  kTextArea,
  kRating,
  kNumber,
  kDateTime,
  kTaxonomy,
  kRanker,
  kPairwise,
  kRelation,        // Relations: arrows between two regions
  kVideoRectangle,  // keyframe sequences on a video
  kTimelineLabels,  // frame ranges on a video
  kChatMessage,     // messages added to a Chat object
};

// True for kinds whose items are regions that other items can point at
// (per-region answers, relations, parentID).
bool CreatesRegions(AnswerKind kind);

enum class AttributeType {
  kString,
  kBoolean,   // "true" or "false"
  kInteger,
  kNumber,
  kEnum,      // one of AttributeSpec::allowed
  kColor,     // any CSS colour; not checked
  kData,      // a task data reference ("$image") or, on some tags, literal text
  kNameList,  // comma-separated tag names (toName)
};

std::string_view AttributeTypeName(AttributeType type);

struct AttributeSpec {
  std::string_view name;
  AttributeType type = AttributeType::kString;
  std::string_view default_value;  // empty when the attribute has no default
  std::string_view allowed;        // kEnum only: values separated by '|'
};

// How strongly a tag needs its toName attribute.
enum class TargetRequirement {
  kNone,      // takes no toName (objects, visual tags, Relations)
  kRequired,  // missing toName is an error
  kExpected,  // missing toName is a warning: Label Studio then ignores the control
};

struct TagSpec {
  std::string_view name;  // exact, case-sensitive tag name
  TagKind kind = TagKind::kVisual;
  AnswerKind answer = AnswerKind::kNone;
  // Controls: the result item's `type`. Label Studio writes the lower-cased
  // tag name, except that shape tools without labels share a base type.
  std::string_view result_type;
  // Controls: comma-separated object tags it may label; "*" for any object.
  std::string_view targets;
  // The option tag this tag contains ("Label", "Choice", …), if any.
  std::string_view option_tag;
  TargetRequirement to_name = TargetRequirement::kNone;
  // Objects whose content is inline markup (HyperText): child elements are
  // the user's HTML, not config tags, and are not reported as unknown.
  bool raw_content = false;
  // Tags known by name whose attributes Tally does not check.
  bool opaque = false;
  std::vector<AttributeSpec> attributes;

  const AttributeSpec* FindAttribute(std::string_view attribute_name) const;
  // Case-insensitive lookup, as the labeling frontend reads attributes.
  const AttributeSpec* FindAttributeIgnoringCase(std::string_view attribute_name) const;
  // True when `object_tag` is one of `targets` (or targets is "*").
  bool CanTarget(std::string_view object_tag) const;
};

// Returns the spec for `tag_name` (case-sensitive), or nullptr for a tag
// the catalogue does not know.
const TagSpec* FindTagSpec(std::string_view tag_name);

// Returns the spec whose name equals `tag_name` ignoring case, or nullptr;
// used only to suggest the right spelling of an unknown tag.
const TagSpec* FindTagSpecIgnoringCase(std::string_view tag_name);

// Every known tag, in catalogue order.
const std::vector<TagSpec>& AllTagSpecs();

// True when `value` is acceptable for `spec`: a boolean, number or one of the
// allowed values as the type says. A whole-value task data reference such as
// "$fps" is accepted for any type, because Label Studio substitutes it.
bool IsValidAttributeValue(const AttributeSpec& spec, std::string_view value);

// ASCII case-insensitive equality.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

}  // namespace tally::labeling
