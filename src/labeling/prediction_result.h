// Label Studio's shorthand prediction results, turned into result lists.
//
// A prediction's `result` may be a list of result items, or a shorthand
// that Label Studio expands on save:
//   - an object is the `value` of one item for the first control (in config
//     order) whose lower-cased tag name is a key of the object;
//   - a string or an integer (booleans count as integers) becomes
//     {"<type>": [input]} for the first Choices (string), Rating (integer),
//     Number (only a float matches, so never from an integer) or TextArea
//     (string) control; a TextArea value is stored under "text", where
//     Label Studio keeps "textarea", so it reads like every other TextArea
//     result;
//   - a shorthand no control matches becomes null, without an error;
//   - any other value (a float, null) is rejected.
//
// Thread-safety: reentrant.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "core/result.h"
#include "labeling/config/model.h"

namespace tally::labeling {

// Expands `result` as described above. Fails with invalid_argument under
// `field` for a list holding a non-object or a value of no accepted type.
[[nodiscard]] Result<boost::json::value> ExpandPredictionResult(const LabelConfig& config,
                                                                const boost::json::value& result,
                                                                const std::string& field);

}  // namespace tally::labeling
