// Parsing a label config: XML text in, LabelConfig model out.
//
// Parsing never throws and always returns a model. Problems are diagnostics
// on the model: malformed XML gives an empty model with one error at the
// syntax error's line and column; unknown tags, unknown or misspelt
// attributes and attribute values of the wrong type are warnings, and the
// tags and attributes are kept, so configs written for newer Label Studio
// versions still load. Rule checks (unique names, toName targets, …) are the
// validator's job (validator.h).
//
// Thread-safety: the functions are reentrant; they share only the immutable
// tag catalogue.
#pragma once

#include <cstddef>
#include <string_view>

#include "labeling/config/model.h"

namespace tally::labeling {

// Largest config accepted, in bytes. Label Studio's largest templates are a
// few kilobytes and big taxonomies reach hundreds; the cap bounds the memory
// one request can make the parser use.
inline constexpr size_t kMaxLabelConfigBytes = 8 * 1024 * 1024;

// Deepest element nesting accepted. Real configs nest under ten levels; the
// cap keeps every later walk over the tree cheap and bounded.
inline constexpr int kMaxLabelConfigDepth = 100;

// Parses `xml` into a model with parse diagnostics in `diagnostics`.
// On malformed XML (or an empty document, a DOCTYPE, more than one top-level
// element, input over kMaxLabelConfigBytes or nesting over
// kMaxLabelConfigDepth) the model has no elements and `diagnostics` holds
// exactly one error.
LabelConfig ParseLabelConfig(std::string_view xml);

// Fills the typed views (objects, controls, relations, repeaters) of a model
// whose `elements` are set. ParseLabelConfig calls it; exposed for tests that
// build elements by hand.
void BuildTagViews(LabelConfig& config);

}  // namespace tally::labeling
