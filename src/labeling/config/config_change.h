// Checking a new label config against the annotations a project already has.
//
// When a project with annotations (or drafts) changes its label config,
// Label Studio rejects changes that would orphan stored results. The input
// here is the summary Label Studio keeps per project. The output lists every
// use that the new config no longer covers, so the caller can reject the
// change. Removed labels are the caller's decision, because Label Studio
// only logs them unless its strict mode is on.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/config/model.h"

namespace tally::labeling {

// Usage counts of a project's annotations and drafts, as Label Studio's
// project summary records them.
struct AnnotationUsage {
  // One entry per from_name|to_name|type combination found in annotation
  // results (summary `created_annotations`); relation and pairwise items
  // are not counted.
  struct ControlUse {
    std::string from_name;
    std::string to_name;  // joined with ',' for multi-target controls
    std::string type;     // result type, e.g. "rectanglelabels"
    int64_t results = 0;
  };
  // Label counts per control (summary `created_labels` and
  // `created_labels_drafts`); TextArea text never counts as a label, and
  // every element of a taxonomy path does.
  struct LabelUse {
    std::string from_name;
    std::string label;
    int64_t annotations = 0;
    int64_t drafts = 0;
  };

  std::vector<ControlUse> controls;
  std::vector<LabelUse> labels;
};

enum class ConfigChangeProblemKind {
  kIncompatibleResults,  // results whose from_name/to_name/type no control of the new config produces
  kRemovedControl,       // a control with labels in use is gone
  kRemovedLabel,         // a label in use is no longer an option of its control
};

struct ConfigChangeProblem {
  ConfigChangeProblemKind kind = ConfigChangeProblemKind::kIncompatibleResults;
  std::string from_name;
  std::string to_name;  // kIncompatibleResults only
  std::string type;     // kIncompatibleResults only
  std::string label;    // kRemovedLabel only
  int64_t annotations = 0;  // results or annotations using it
  int64_t drafts = 0;
  std::string message;  // Label Studio's wording for the problem
};

// Lists the uses in `usage` that `new_config` no longer covers, in the order
// Label Studio checks them: incompatible results, removed controls, removed
// labels. Exempt as in Label Studio: TextArea results (their to_name is not
// compared), Chat messages whose from_name equals to_name, and label checks
// of controls with dynamic options. Repeater templates match their
// expansions. A VideoRectangle in the new config lets every label of every
// control count for every control, as Label Studio allows.
std::vector<ConfigChangeProblem> CheckConfigChange(const LabelConfig& new_config, const AnnotationUsage& usage);

// Turns problems into the error Label Studio returns for a rejected change:
// invalid_argument with its message text. Removed labels reject only when
// `strict_labels` is set, as in Label Studio's strict mode. Returns Ok() when
// nothing rejects.
[[nodiscard]] Result<void> ConfigChangeToResult(const std::vector<ConfigChangeProblem>& problems, bool strict_labels);

// Label Studio's "essential change" test, which the UI uses to warn before
// saving: some control of `new_config` is new, changed type, reads other
// inputs, or lost labels it had in `old_config`.
bool HasEssentialChanges(const LabelConfig& old_config, const LabelConfig& new_config);

}  // namespace tally::labeling
