// Comparison of model versions against ground truth: per-label true
// positives, false positives, false negatives, precision, recall and F1 of
// each model version's predictions, per task against that task's
// ground-truth result.
//
// What counts as a match:
//   - choices (type "choices"): a chosen label is a true positive when the
//     ground truth chose it in the same control;
//   - spans (a value with start and end: "labels", "hypertextlabels",
//     "paragraphlabels"): same control, label, start and end;
//   - rectangles ("rectanglelabels"): same control and label, matched
//     greedily by intersection over union, highest first, at IoU >= 0.5;
//     each ground-truth box matches at most one predicted box.
// Other result types (text areas, ratings, polygons, …) are not scored.
// Only tasks with both a ground truth and a prediction of a version count
// for that version; tasks_evaluated reports how many did.
//
// Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tally::integrations::ml {

struct LabelScore {
  std::string control;  // from_name
  std::string type;     // choices, span or rectangle
  std::string label;
  int64_t true_positives = 0;
  int64_t false_positives = 0;
  int64_t false_negatives = 0;

  double precision() const;
  double recall() const;
  double f1() const;
};

struct VersionScore {
  std::string model_version;
  int64_t tasks_evaluated = 0;
  std::vector<LabelScore> labels;  // sorted by control, type, label
  LabelScore micro;                // every label summed

  boost::json::object ToJson() const;
};

struct ScoredTask {
  boost::json::value ground_truth;  // a result list
  std::vector<std::pair<std::string, boost::json::value>> predictions;  // (model_version, result list)
};

// Scores every model version found in `tasks`, sorted by model_version.
std::vector<VersionScore> CompareModelVersions(const std::vector<ScoredTask>& tasks);

// Intersection over union of two boxes given as x, y, width, height.
double BoxIou(double x1, double y1, double w1, double h1, double x2, double y2, double w2, double h2);

}  // namespace tally::integrations::ml
