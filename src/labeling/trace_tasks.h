// Trace tasks: the link between tracing and labeling. Traces and
// observations sent to a labeling project become tasks, and the annotations
// on those tasks become scores with source ANNOTATION on the trace (or
// observation) they came from.
//
// A task made from a trace carries its data as text fields any text
// template can show: trace_id, observation_id (when made from one), name,
// input, output, user_id, session_id, and `text`, which joins input and
// output. The link itself is stored apart from the data (task_trace_links),
// so editing the task's data cannot redirect its scores.
//
// Scores follow the annotations exactly: after every annotation write on a
// linked task, its derived scores are recomputed from the task's current,
// non-cancelled annotations in the same transaction. A Choices control gives
// a CATEGORICAL score per chosen value. Rating and Number give NUMERIC
// scores, and TextArea gives a TEXT score. Other controls (regions, spans)
// give none, because they hold no single value. Each score is named after
// the control and refers to a score config created for it in the trace's
// project.
//
// REQUIRES: every function runs inside a write transaction on `connection`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/config/model.h"
#include "labeling/project_store.h"
#include "store/database.h"

namespace tally::labeling {

struct TraceRef {
  std::string trace_id;
  std::optional<std::string> observation_id;  // set: the task is about this observation of the trace
  std::string field;  // request field errors name: "trace_ids.3", "observations.0"
};

// Limits per request: the number of traces and observations sent to
// labeling, and the bytes of input and output their tasks contain together.
// Each task keeps the text twice (apart and joined), so without the second
// limit a few large traces repeated could write gigabytes from one small
// request.
inline constexpr size_t kMaxTracesPerRequest = 1000;
inline constexpr size_t kMaxTaskBytesPerRequest = size_t{64} << 20;

// Creates one task per reference in `project`, from traces of
// `trace_project_id` (the same organization; the caller checks access), and
// links each task to its trace. Fails with invalid_argument naming the
// reference's field when a trace or observation does not exist, and then
// creates nothing. Returns the new task ids in order.
[[nodiscard]] Result<std::vector<int64_t>> CreateTasksFromTraces(Connection& connection, const Project& project,
                                                                 const LabelConfig& config, int64_t user_id,
                                                                 int64_t trace_project_id,
                                                                 const std::vector<TraceRef>& refs);

// Recomputes the scores the task's annotations give its trace; does nothing
// for a task without a trace link (one indexed lookup).
[[nodiscard]] Result<void> SyncTraceScores(Connection& connection, const Project& project, int64_t task_id);

// Deletes the scores that tasks of `project_id` gave their traces (all of
// the project's tasks when `task_ids` is empty). Call it before deleting
// the tasks, because the links are deleted with them.
[[nodiscard]] Result<void> ForgetTraceScores(Connection& connection, int64_t project_id,
                                             const std::vector<int64_t>& task_ids);

}  // namespace tally::labeling
