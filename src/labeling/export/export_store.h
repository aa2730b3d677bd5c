// Reading a project's tasks for export, in batches of Label Studio's JSON
// export shape: the task object with its annotations (completed_by expanded
// to {"id", "email", "first_name", "last_name"} unless only ids are asked
// for), predictions and drafts.
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Read. Each batch is its own read, so an export that runs while
// annotators work reads every task as it was when its batch was read.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace tally::labeling::exporting {

// The tasks and annotations an export includes.
struct ExportSelection {
  int64_t project_id = 0;
  // false: only tasks with at least one annotation, cancelled ones included
  // (Label Studio's default for download_all_tasks=false).
  bool all_tasks = false;
  std::vector<int64_t> task_ids;  // only these tasks when not empty
  // Annotation filter: regular (submitted, not ground truth) annotations,
  // ground truth annotations, and cancelled (skipped) ones.
  bool usual = true;
  bool ground_truth = true;
  bool skipped = true;
  bool completed_by_only_id = false;  // keep completed_by as a user id
};

// The next at most `limit` tasks of the selection with ids above
// `after_task_id`, in id order. Empty when none remain.
[[nodiscard]] Result<std::vector<boost::json::object>> ReadExportBatch(store::Connection& connection,
                                                                      const ExportSelection& selection,
                                                                      int64_t after_task_id, int64_t limit);

// The number of tasks the selection exports (for progress reports).
[[nodiscard]] Result<int64_t> CountExportTasks(store::Connection& connection, const ExportSelection& selection);

}  // namespace tally::labeling::exporting
