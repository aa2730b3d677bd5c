// Checking annotation and prediction results against a label config.
//
// A result is the JSON list stored in an annotation's, draft's or
// prediction's `result`: one item per region or answer, in Label Studio's
// format. CheckAnnotationResult checks each item against the config and
// returns a normalised copy with every problem found, each naming the item
// index and field ("result.3.value.x").
//
// What is checked, per item:
//   - it is an object with a string `type`; relation items carry from_id and
//     to_id naming region ids present in the same result, a direction of
//     right, left or bi, and labels of a Relations tag;
//   - other items name a control in `from_name` (Repeater templates match
//     their expansions, "labels_0" for "labels_{{idx}}"), that control's
//     objects in `to_name` (the joined toName, or one of its targets), and
//     the control's result type in `type`;
//   - `value` is an object whose payload fits the control and object:
//     labels and choices allowed by the config (controls with dynamic
//     options excepted) and within the single/multiple setting, image
//     coordinates within 0–100 percent, text spans with start <= end,
//     ratings within maxRating, numbers within min/max, dates in the form
//     `only` asks for, taxonomy paths present in the tree, ranker buckets
//     known, brush RLE bytes matching the image size;
//   - optional fields have the right type: origin (manual, prediction,
//     prediction-changed), original_width/height (positive),
//     image_rotation, score, parentID (an id in the result), item_index,
//     readonly, hidden, meta;
//   - per-region answers share the id of a region in the result, and no
//     control answers the same region twice;
//   - with `require_answers`, every required control that is visible has an
//     answer, and every region of a required per-region control has one.
//
// Normalisation (applied to the returned copy only):
//   - a bare string where a list of labels, choices or texts belongs becomes
//     a one-element list;
//   - a Rating given as a one-element list ([4], Label Studio's prediction
//     shorthand) becomes the number;
//   - Paragraphs start/end given as numeric strings become integers;
//   - a relation without direction gets "right", Label Studio's default;
//   - the legacy `source` field is dropped.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/config/model.h"

namespace tally::labeling {

// The largest brush mask, in pixels (a 16,384 × 16,384 image). Export keeps
// a decoded mask in memory while it writes the file, so results over this
// size are rejected when they are stored rather than skipped on export.
inline constexpr uint64_t kMaxBrushMaskPixels = 16384ULL * 16384ULL;

struct ResultCheckOptions {
  // Require an answer from every visible required control. On for submitted
  // annotations; turn it off for drafts, predictions and skipped tasks,
  // which may be partial. Controls inside a Repeater are not checked,
  // because the number of copies depends on the task.
  bool require_answers = true;
  // Prefix of every error field; "result" gives "result.3.value.x".
  std::string field_prefix = "result";
};

struct ResultCheck {
  boost::json::array result;      // normalised copy; empty when the input is not a list
  std::vector<FieldError> errors;  // in item order; empty when the result is valid

  bool ok() const { return errors.empty(); }
};

// Checks `result` against `config`. Never fails outright: problems are in
// ResultCheck::errors. Expects a config without validation errors (load it
// with LoadLabelConfig). Against a config with errors the checks may reject
// valid items or miss problems.
ResultCheck CheckAnnotationResult(const LabelConfig& config, const boost::json::value& result,
                                  const ResultCheckOptions& options = {});

// Checks `result` and returns the normalised copy, or an invalid_argument
// Error whose message names the first problem and whose fields list all.
[[nodiscard]] Result<boost::json::array> ValidateAnnotationResult(const LabelConfig& config,
                                                                  const boost::json::value& result,
                                                                  const ResultCheckOptions& options = {});

}  // namespace tally::labeling
