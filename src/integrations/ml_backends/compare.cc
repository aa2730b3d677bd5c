#include "integrations/ml_backends/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "core/json.h"

namespace tally::integrations::ml {

namespace bj = boost::json;

namespace {

constexpr double kIouThreshold = 0.5;

struct Box {
  double x = 0, y = 0, width = 0, height = 0;
};

// The scorable parts of one result list.
struct Extracted {
  std::map<std::pair<std::string, std::string>, int64_t> choices;        // (control, label) → count (0/1)
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> spans;  // (control, label, "start:end")
  std::map<std::pair<std::string, std::string>, std::vector<Box>> boxes;  // (control, label)
};

double Number(const bj::value* value) {
  if (!value || !value->is_number()) return 0;
  return value->to_number<double>();
}

std::string Position(const bj::value* value) {
  if (!value) return "";
  if (value->is_string()) return std::string(value->as_string());
  if (value->is_number()) return json::FormatNumber(value->to_number<double>());
  return json::Serialize(*value);
}

Extracted Extract(const bj::value& result) {
  Extracted out;
  if (!result.is_array()) return out;
  for (const bj::value& item : result.as_array()) {
    const bj::object* region = item.if_object();
    if (!region) continue;
    const bj::value* from_name = region->if_contains("from_name");
    const bj::value* type = region->if_contains("type");
    const bj::value* value = region->if_contains("value");
    if (!from_name || !from_name->is_string() || !type || !type->is_string() || !value || !value->is_object()) continue;
    const std::string control(from_name->as_string());
    const std::string kind(type->as_string());
    const bj::object& fields = value->as_object();
    const bj::value* labels = fields.if_contains(kind);
    if (!labels || !labels->is_array()) continue;

    for (const bj::value& label_value : labels->as_array()) {
      if (!label_value.is_string()) continue;
      const std::string label(label_value.as_string());
      if (kind == "choices") {
        out.choices[{control, label}] = 1;
      } else if (kind == "rectanglelabels") {
        out.boxes[{control, label}].push_back({Number(fields.if_contains("x")), Number(fields.if_contains("y")),
                                               Number(fields.if_contains("width")),
                                               Number(fields.if_contains("height"))});
      } else if (fields.contains("start") && fields.contains("end")) {
        const std::string where = Position(fields.if_contains("start")) + ":" + Position(fields.if_contains("end"));
        out.spans[{control, label, where}] += 1;
      }
    }
  }
  return out;
}

using ScoreKey = std::tuple<std::string, std::string, std::string>;  // control, type, label

// Greedy IoU matching of predicted boxes to ground-truth boxes; returns the
// number of matched pairs.
int64_t MatchBoxes(const std::vector<Box>& truth, const std::vector<Box>& predicted) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t t = 0; t < truth.size(); ++t) {
    for (size_t p = 0; p < predicted.size(); ++p) {
      const double iou = BoxIou(truth[t].x, truth[t].y, truth[t].width, truth[t].height, predicted[p].x,
                                predicted[p].y, predicted[p].width, predicted[p].height);
      if (iou >= kIouThreshold) pairs.emplace_back(iou, t, p);
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<bool> truth_used(truth.size()), predicted_used(predicted.size());
  int64_t matched = 0;
  for (const auto& [iou, t, p] : pairs) {
    if (truth_used[t] || predicted_used[p]) continue;
    truth_used[t] = predicted_used[p] = true;
    ++matched;
  }
  return matched;
}

void Score(const Extracted& truth, const Extracted& predicted, std::map<ScoreKey, LabelScore>& scores) {
  auto at = [&](const std::string& control, const std::string& type, const std::string& label) -> LabelScore& {
    LabelScore& score = scores[{control, type, label}];
    score.control = control;
    score.type = type;
    score.label = label;
    return score;
  };

  for (const auto& [key, count] : predicted.choices) {
    (truth.choices.contains(key) ? at(key.first, "choices", key.second).true_positives
                                 : at(key.first, "choices", key.second).false_positives) += 1;
  }
  for (const auto& [key, count] : truth.choices) {
    if (!predicted.choices.contains(key)) at(key.first, "choices", key.second).false_negatives += 1;
  }

  for (const auto& [key, count] : predicted.spans) {
    auto found = truth.spans.find(key);
    const int64_t matched = found == truth.spans.end() ? 0 : std::min(count, found->second);
    LabelScore& score = at(std::get<0>(key), "span", std::get<1>(key));
    score.true_positives += matched;
    score.false_positives += count - matched;
  }
  for (const auto& [key, count] : truth.spans) {
    auto found = predicted.spans.find(key);
    const int64_t matched = found == predicted.spans.end() ? 0 : std::min(count, found->second);
    at(std::get<0>(key), "span", std::get<1>(key)).false_negatives += count - matched;
  }

  for (const auto& [key, boxes] : predicted.boxes) {
    auto found = truth.boxes.find(key);
    const std::vector<Box> none;
    const int64_t matched = MatchBoxes(found == truth.boxes.end() ? none : found->second, boxes);
    LabelScore& score = at(key.first, "rectangle", key.second);
    score.true_positives += matched;
    score.false_positives += static_cast<int64_t>(boxes.size()) - matched;
    if (found != truth.boxes.end()) score.false_negatives += static_cast<int64_t>(found->second.size()) - matched;
  }
  for (const auto& [key, boxes] : truth.boxes) {
    if (!predicted.boxes.contains(key)) at(key.first, "rectangle", key.second).false_negatives += boxes.size();
  }
}

double Ratio(int64_t numerator, int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

double Rounded(double value) { return std::round(value * 10000) / 10000; }

bj::object ScoreJson(const LabelScore& score) {
  return {{"true_positives", score.true_positives},
          {"false_positives", score.false_positives},
          {"false_negatives", score.false_negatives},
          {"precision", Rounded(score.precision())},
          {"recall", Rounded(score.recall())},
          {"f1", Rounded(score.f1())}};
}

}  // namespace

double LabelScore::precision() const { return Ratio(true_positives, true_positives + false_positives); }
double LabelScore::recall() const { return Ratio(true_positives, true_positives + false_negatives); }
double LabelScore::f1() const {
  const double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

double BoxIou(double x1, double y1, double w1, double h1, double x2, double y2, double w2, double h2) {
  const double left = std::max(x1, x2), top = std::max(y1, y2);
  const double right = std::min(x1 + w1, x2 + w2), bottom = std::min(y1 + h1, y2 + h2);
  const double intersection = std::max(0.0, right - left) * std::max(0.0, bottom - top);
  const double union_area = w1 * h1 + w2 * h2 - intersection;
  return union_area <= 0 ? 0.0 : intersection / union_area;
}

bj::object VersionScore::ToJson() const {
  bj::array label_items;
  for (const LabelScore& score : labels) {
    bj::object item = ScoreJson(score);
    item["control"] = score.control;
    item["type"] = score.type;
    item["label"] = score.label;
    label_items.push_back(std::move(item));
  }
  return {{"model_version", model_version},
          {"tasks_evaluated", tasks_evaluated},
          {"micro", ScoreJson(micro)},
          {"labels", std::move(label_items)}};
}

std::vector<VersionScore> CompareModelVersions(const std::vector<ScoredTask>& tasks) {
  std::map<std::string, std::map<ScoreKey, LabelScore>> by_version;
  std::map<std::string, int64_t> evaluated;
  for (const ScoredTask& task : tasks) {
    const Extracted truth = Extract(task.ground_truth);
    for (const auto& [version, result] : task.predictions) {
      Score(truth, Extract(result), by_version[version]);
      evaluated[version] += 1;
    }
  }

  std::vector<VersionScore> versions;
  for (auto& [version, scores] : by_version) {
    VersionScore out;
    out.model_version = version;
    out.tasks_evaluated = evaluated[version];
    for (auto& [key, score] : scores) {
      out.micro.true_positives += score.true_positives;
      out.micro.false_positives += score.false_positives;
      out.micro.false_negatives += score.false_negatives;
      out.labels.push_back(std::move(score));
    }
    versions.push_back(std::move(out));
  }
  return versions;
}

}  // namespace tally::integrations::ml
