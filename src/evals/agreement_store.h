// Agreement of a labeling project's annotators, computed from the stored
// annotations (cancelled ones excluded) of tasks that two or more
// annotations cover.
//
// Each annotation's result is read per control (`from_name`):
//   choices          the set of chosen values is one category;
//   labels           text spans (start, end, label), compared by span F1;
//   rectanglelabels  boxes, matched by IoU >= 0.5 with the same label.
// Other result types are counted in `skipped_results` and ignored.
//
// The pair score of two annotations of one task is the mean over the
// controls either of them used of: 1/0 for equal/unequal choices, the span
// F1, or the box-match F1. A task's agreement is the mean pair score over
// all pairs of its annotations.
//
// Thread-safety: stateless functions on a borrowed Connection. Memory use is
// one task's annotations at a time plus per-task counts for the project-wide
// coefficients.
#pragma once

#include <boost/json.hpp>

#include "store/database.h"

namespace tally::evals {

// Loads the project's agreement: the coefficients of each control, the mean
// task agreement, and page `page` (1-based, `page_size` tasks) of per-task
// figures. Choices get Fleiss' kappa, Krippendorff's alpha and Cohen's
// kappa, which is the mean over annotator pairs (Light's kappa) when more
// than two annotators took part. Labels get the mean span F1, and
// rectangles the mean box F1 and IoU.
[[nodiscard]] Result<boost::json::object> LoadProjectAgreement(store::Connection& connection, int64_t project_id,
                                                               int64_t page, int64_t page_size);

// Per annotator: tasks and annotations, mean lead time (seconds), mean pair
// score against the other annotators of the same tasks, and against
// ground-truth annotations by someone else on the same tasks (null when
// there is none).
[[nodiscard]] Result<boost::json::array> LoadAnnotatorStats(store::Connection& connection, int64_t project_id);

}  // namespace tally::evals
