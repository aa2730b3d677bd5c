// JSON shapes of labeling objects as Label Studio's API returns them:
// timestamps in ISO form with microseconds and Z, ids as integers, booleans
// as JSON booleans, stored JSON (task data, results) passed through as is.
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <boost/json.hpp>

#include <optional>

#include "labeling/annotation_store.h"
#include "labeling/prediction_store.h"
#include "labeling/project_store.h"
#include "labeling/task_store.h"

namespace tally::labeling {

// The project object with settings, counters and parsed_label_config.
// `created_by` is the creator's short user object or null; `queue_done` is
// the caller's count of tasks done (CountTasksDoneByUser).
boost::json::object ProjectJson(const Project& project, const boost::json::object& parsed_label_config,
                                boost::json::value created_by, int64_t queue_done);

// The task object without annotations, predictions or drafts; callers add
// those arrays when the endpoint includes them.
boost::json::object TaskJson(const Task& task);

boost::json::object AnnotationJson(const Annotation& annotation);
boost::json::object PredictionJson(const Prediction& prediction);
boost::json::object DraftJson(const Draft& draft);
boost::json::object AnnotationHistoryJson(const AnnotationHistoryEntry& entry);

// A number or null.
boost::json::value OptionalNumberJson(const std::optional<double>& value);
boost::json::value OptionalIntJson(const std::optional<int64_t>& value);

}  // namespace tally::labeling
