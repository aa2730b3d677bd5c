// Predictions (a model's proposed result for a task) and drafts (a user's
// unsubmitted work on a task or on one of their annotations).
//
// Prediction writers must recount the task afterwards (RefreshTaskCounters in
// counters.h), because total_predictions is a counter. Drafts affect no
// counter.
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

struct Prediction {
  int64_t id = 0;
  int64_t task_id = 0;
  int64_t project_id = 0;
  std::string model_version;
  std::optional<double> score;
  boost::json::value result;  // a list, or null when shorthand matched no control
  double mislabeling = 0;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// Inserts the prediction and returns it with id and timestamps set.
[[nodiscard]] Result<Prediction> InsertPrediction(Connection& connection, Prediction prediction,
                                                  Micros now = NowMicros());

// The prediction, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Prediction>> FindPrediction(Connection& connection, int64_t prediction_id);

// Predictions of one task or of one project (the other id 0), ordered by id.
[[nodiscard]] Result<std::vector<Prediction>> ListPredictions(Connection& connection, int64_t task_id,
                                                              int64_t project_id);

// Predictions of several tasks, ordered by task then id.
[[nodiscard]] Result<std::vector<Prediction>> ListPredictionsOfTasks(Connection& connection,
                                                                     const std::vector<int64_t>& task_ids);

// Stores model_version, score and result, and bumps updated_at.
[[nodiscard]] Result<Prediction> UpdatePrediction(Connection& connection, Prediction prediction);

// Returns false when there was no such prediction.
[[nodiscard]] Result<bool> DeletePrediction(Connection& connection, int64_t prediction_id);

struct Draft {
  int64_t id = 0;
  int64_t task_id = 0;
  std::optional<int64_t> annotation_id;  // set for a draft of a submitted annotation
  int64_t project_id = 0;
  int64_t user_id = 0;
  boost::json::value result = boost::json::array();
  std::optional<double> lead_time;
  bool was_postponed = false;
  std::optional<int64_t> import_id;
  Micros created_at = 0;
  Micros updated_at = 0;
};

[[nodiscard]] Result<Draft> InsertDraft(Connection& connection, Draft draft, Micros now = NowMicros());

// The draft, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Draft>> FindDraft(Connection& connection, int64_t draft_id);

// The user's drafts on a task: task-level ones (no annotation) when
// `annotation_id` is unset, else those of that annotation. Ordered by id.
[[nodiscard]] Result<std::vector<Draft>> ListDrafts(Connection& connection, int64_t task_id, int64_t user_id,
                                                    std::optional<int64_t> annotation_id);

// Every draft of the user on the task, both kinds. Ordered by id.
[[nodiscard]] Result<std::vector<Draft>> ListUserDraftsOfTask(Connection& connection, int64_t task_id,
                                                              int64_t user_id);

// Stores result, lead_time and was_postponed, and bumps updated_at.
[[nodiscard]] Result<Draft> UpdateDraft(Connection& connection, Draft draft);

// Returns false when there was no such draft.
[[nodiscard]] Result<bool> DeleteDraft(Connection& connection, int64_t draft_id);

// Deletes the user's drafts that a submit replaces: the task-level ones, or
// those of `annotation_id` when set. Returns how many were deleted.
[[nodiscard]] Result<int64_t> DeleteSubmittedDrafts(Connection& connection, int64_t task_id, int64_t user_id,
                                                    std::optional<int64_t> annotation_id);

}  // namespace tally::labeling
