// Validating a label config against Label Studio's rules.
//
// Errors (the config is rejected):
//   - the root tag is not <View>;
//   - a `name` is used twice, by any tags (Label Studio compares every name
//     attribute, including those of Bucket and Repeater templates);
//   - a required attribute is missing: name and toName on controls, name
//     and value on object tags, value on Label/Choice/Relation, name on
//     Bucket, column on Channel, on on Repeater;
//   - a toName entry names no tag, or names a tag that is not an object tag
//     (Label Studio itself only checks that the name exists);
//   - a control labels an object it cannot (RectangleLabels on Text), or a
//     Pairwise does not compare exactly two objects;
//   - Choices or Labels without options, dynamic options or a nested View;
//   - two options of a control share a stored value (alias, else value) but
//     differ in their other attributes;
//   - a media object's value is not a task data reference ("$image"), or a
//     '$' value is not a well-formed reference;
//   - whenTagName names no tag; a numeric range is empty (min over max,
//     maxRating under 1).
// Warnings (the config loads):
//   - tags, attributes and values the parser did not recognise;
//   - identical duplicate options, and options outside their control;
//   - visibility conditions that can never hold;
//   - per-region controls with nothing to attach to, and Labels on an Image
//     with no drawing tool.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "labeling/config/diagnostic.h"
#include "labeling/config/model.h"

namespace tally::labeling {

// Returns the validator's findings for a parsed config, errors and warnings
// in document order. Returns nothing for a config the parser could not read
// (no elements): its syntax error is already in config.diagnostics.
std::vector<Diagnostic> ValidateLabelConfig(const LabelConfig& config);

// Parses and validates `xml`. Every finding, the parser's and the
// validator's, ends up in the returned config's `diagnostics`, sorted by
// position. Never fails; check HasErrors(config.diagnostics).
LabelConfig CheckLabelConfig(std::string_view xml);

// Parses and validates `xml` for saving: fails with invalid_argument when any
// error is found (message = the first error, fields = every error under
// "label_config"); otherwise returns the config with its warnings.
[[nodiscard]] Result<LabelConfig> LoadLabelConfig(std::string_view xml);

}  // namespace tally::labeling
