// Bulk writes behind data manager actions, over a list of task ids of one
// project. Each runs in the caller's transaction and keeps counters and
// lifecycle states right before it returns.
//
// Thread-safety: free functions over a borrowed Connection; call them
// inside Database::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/annotation_store.h"
#include "labeling/project_store.h"

namespace tally::labeling {

// Deletes the annotations of the tasks (only those of `annotator` when set)
// with a history row each, and the drafts of the tasks (of that annotator),
// then recounts each task and applies its lifecycle event. Returns how many
// annotations were deleted. Fails with conflict, and changes nothing, when a
// task's workflow forbids the change (a reviewed task losing one of several
// annotations).
[[nodiscard]] Result<int64_t> DeleteAnnotationsOfTasks(Connection& connection, const Project& project,
                                                       const std::vector<int64_t>& task_ids,
                                                       std::optional<int64_t> annotator, int64_t acting_user);

// Deletes the predictions of the tasks, zeroes their prediction counts and
// recounts the project. Returns how many predictions were deleted.
[[nodiscard]] Result<int64_t> DeletePredictionsOfTasks(Connection& connection, const Project& project,
                                                       const std::vector<int64_t>& task_ids);

// Creates one annotation owned by `acting_user` for each prediction of the
// tasks that no annotation names as parent_prediction yet. Only predictions
// whose model_version is in `model_versions` count, or all when it is empty.
// Predictions with a null result are left out. Each annotation copies the
// result and has last_action "prediction" and parent_prediction set. Each
// touched task is then recounted and moved along its lifecycle. Returns the
// created annotations, grouped by task and ordered by prediction id within
// it. Fails with conflict, and changes nothing, when a task's workflow
// forbids the change.
[[nodiscard]] Result<std::vector<Annotation>> AnnotationsFromPredictions(
    Connection& connection, const Project& project, const std::vector<int64_t>& task_ids,
    const std::vector<std::string>& model_versions, int64_t acting_user);

}  // namespace tally::labeling
