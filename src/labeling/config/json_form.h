// JSON forms of a parsed label config.
//
// ParsedLabelConfigJson is Label Studio's `parsed_label_config`: the shape
// its project API returns, its exporters read and ML backends receive,
// reproduced field for field. LabelConfigJson is Tally's fuller model for
// the web UI and for `tally config validate --json`: every object and
// control with resolved attribute values, option trees, data keys and the
// diagnostics with their positions.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <boost/json.hpp>

#include "labeling/config/model.h"

namespace tally::labeling {

// Label Studio's parsed config: an object keyed by control name, in document
// order, each entry {"type", "to_name", "inputs", "labels", "labels_attrs"}
// plus "regex", "conditionals" and "dynamic_labels" when they apply. It
// follows Label Studio's parser exactly, quirks included:
//   - a tag counts as a control when it has name and toName, so Chat with
//     toName is a control and not an input;
//   - an input's "value" loses every leading '$';
//   - a toName naming no input is dropped from "inputs";
//   - a Repeater flag yields "regex" only when an indexFlag attribute
//     declared it.
// Returns {} for a config the parser could not read.
boost::json::object ParsedLabelConfigJson(const LabelConfig& config);

// Tally's model of the config for the web UI:
//   {"objects": [...], "controls": [...], "relations": [...], "repeaters": [...],
//    "data_keys": [...], "required_data_keys": [...], "data_types": {...},
//    "sample_task": {...} | null, "parsed_label_config": {...},
//    "diagnostics": [...], "valid": bool}
// Controls carry "attributes": every catalogue attribute that is set or has
// a default, typed (booleans and numbers as JSON values).
boost::json::object LabelConfigJson(const LabelConfig& config);

// One diagnostic as {"severity", "code", "message", "tag", "attribute",
// "line", "column", "hint"}.
boost::json::object DiagnosticJson(const Diagnostic& diagnostic);

}  // namespace tally::labeling
