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
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace tally::labeling::exporting {

// A data manager view whose tasks an export snapshot is limited to.
struct ExportView {
  int64_t id = 0;
  int64_t user_id = 0;  // the view's owner; some filters (draft_exists) depend on the user
  // The view's filters and selectedItems (its `data`) as they were when the
  // snapshot was created, so a later edit of the view does not change it.
  boost::json::object query;
};

// A filter on one task state, from a snapshot's task_filter_options
// (.skipped, .finished or .annotated): none for null or absent, the tasks in
// that state for "only", or the tasks not in it for "exclude".
enum class TaskStateFilter { kAny, kOnly, kExclude };

// The tasks and annotations an export includes.
struct ExportSelection {
  int64_t project_id = 0;
  // false: only tasks with at least one annotation, cancelled ones included
  // (Label Studio's default for download_all_tasks=false).
  bool all_tasks = false;
  std::vector<int64_t> task_ids;  // only these tasks when not empty
  // Only tasks with at least one annotation that the annotation filter
  // below keeps (a snapshot's task_filter_options.only_with_annotations).
  bool with_kept_annotations = false;
  // Task states, as Label Studio's snapshots read task_filter_options:
  // skipped = the task has a cancelled annotation, finished = it is labeled
  // (is_labeled), annotated = it has an annotation that was not cancelled.
  TaskStateFilter skipped_tasks = TaskStateFilter::kAny;
  TaskStateFilter finished_tasks = TaskStateFilter::kAny;
  TaskStateFilter annotated_tasks = TaskStateFilter::kAny;
  // Annotation filter: regular (submitted, not ground truth) annotations,
  // ground truth annotations, and cancelled (skipped) ones. An annotation
  // of two kinds (cancelled ground truth) stays when either is on, and
  // every annotation stays when all three are off, as in Label Studio.
  bool usual = true;
  bool ground_truth = true;
  bool skipped = true;
  bool completed_by_only_id = false;  // keep completed_by as a user id
  // Only the tasks that match this view's filters and selection.
  std::optional<ExportView> view;
  // Read only what converter formats use (records.h): each task's id and
  // data, and each annotation's id, completed_by, result, was_cancelled,
  // ground_truth, lead_time and timestamps. No predictions or drafts.
  bool converter_fields_only = false;
};

// The next at most `limit` tasks of the selection with ids above
// `after_task_id`, in id order. Empty when none remain. Fails with
// invalid_argument when a view's stored filters no longer parse. With
// converter_fields_only the objects are allocated from `storage`, so a
// caller can hand each batch an arena and free it at once.
[[nodiscard]] Result<std::vector<boost::json::object>> ReadExportBatch(store::Connection& connection,
                                                                      const ExportSelection& selection,
                                                                      int64_t after_task_id, int64_t limit,
                                                                      const boost::json::storage_ptr& storage = {});

// A batch of ReadSerializedExportBatch: `count` tasks, the last with id
// `last_task_id`.
struct SerializedBatch {
  size_t count = 0;
  int64_t last_task_id = 0;
};

// The tasks ReadExportBatch returns, each written into tasks[i] as
// json::Serialize would write ReadExportBatch's object, without building the
// object (the JSON export's path). Stored JSON (data, meta, result,
// prediction) is still parsed, into one arena per batch, so it comes out as
// Serialize writes it and a text that does not parse gets the same fallback.
// Strings past `count` keep the text of earlier batches, so their memory is
// reused. Ignores converter_fields_only. Fails like ReadExportBatch.
[[nodiscard]] Result<SerializedBatch> ReadSerializedExportBatch(store::Connection& connection,
                                                               const ExportSelection& selection,
                                                               int64_t after_task_id, int64_t limit,
                                                               std::vector<std::string>& tasks);

// The number of tasks the selection exports (for progress reports).
[[nodiscard]] Result<int64_t> CountExportTasks(store::Connection& connection, const ExportSelection& selection);

}  // namespace tally::labeling::exporting
