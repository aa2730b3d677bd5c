// Annotations (a user's result for a task, or a skip when was_cancelled) and
// their change history.
//
// Every insert, update and delete also writes an annotation_history row with
// who acted, when, and the annotation's result and flags after the change
// (before it, for a delete). History rows outlive their annotation.
//
// None of these functions touch counters: callers run RefreshTaskCounters
// (counters.h) in the same transaction after the change.
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Read or Write.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

struct Annotation {
  int64_t id = 0;
  int64_t task_id = 0;
  int64_t project_id = 0;
  std::optional<int64_t> completed_by;
  boost::json::value result;  // a list, or null
  bool was_cancelled = false;
  bool ground_truth = false;
  std::optional<double> lead_time;  // seconds
  std::string unique_id;
  std::optional<int64_t> import_id;
  std::optional<std::string> last_action;
  std::optional<int64_t> last_created_by;
  std::optional<int64_t> updated_by;
  std::optional<int64_t> parent_prediction;
  std::optional<int64_t> parent_annotation;
  boost::json::value prediction = boost::json::object();  // snapshot at submit time, {} when none
  std::optional<Micros> draft_created_at;
  bool bulk_created = false;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// Inserts `annotation` (id, created_at and updated_at are assigned) and its
// "created" history row by `acting_user`. When it is ground truth, clears the
// flag on the task's other annotations first, as Label Studio keeps at most
// one per task. Returns the stored annotation.
[[nodiscard]] Result<Annotation> InsertAnnotation(Connection& connection, Annotation annotation,
                                                  std::optional<int64_t> acting_user, Micros now = NowMicros());

// The annotation, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Annotation>> FindAnnotation(Connection& connection, int64_t annotation_id);

// Annotations of a task ordered by id; skips only when `include_skipped`.
[[nodiscard]] Result<std::vector<Annotation>> ListTaskAnnotations(Connection& connection, int64_t task_id,
                                                                  bool include_skipped);

// Annotations of several tasks, ordered by task then id.
[[nodiscard]] Result<std::vector<Annotation>> ListAnnotationsOfTasks(Connection& connection,
                                                                     const std::vector<int64_t>& task_ids);

// Stores the new state of an existing annotation (every mutable field of
// `annotation`), bumps updated_at, and writes an "updated" history row by
// `acting_user`. Clears other ground truths of the task when it is one.
[[nodiscard]] Result<Annotation> UpdateAnnotation(Connection& connection, Annotation annotation,
                                                  int64_t acting_user);

// Deletes the annotation after writing a "deleted" history row with its last
// state. Returns false when there was no such annotation.
[[nodiscard]] Result<bool> DeleteAnnotation(Connection& connection, int64_t annotation_id, int64_t acting_user);

struct AnnotationHistoryEntry {
  int64_t id = 0;
  int64_t annotation_id = 0;
  int64_t task_id = 0;
  int64_t project_id = 0;
  std::string action;  // "created", "updated" or "deleted"
  std::optional<int64_t> user_id;
  boost::json::value result;
  bool was_cancelled = false;
  bool ground_truth = false;
  std::optional<double> lead_time;
  Micros created_at = 0;
};

// History of one annotation, oldest first; empty when it never existed.
[[nodiscard]] Result<std::vector<AnnotationHistoryEntry>> ListAnnotationHistory(Connection& connection,
                                                                                int64_t annotation_id);

}  // namespace tally::labeling
