#include "evals/agreement.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace tally::evals {

namespace {

// A denominator this close to 0 means chance agreement is total.
constexpr double kEpsilon = 1e-12;

}  // namespace

std::optional<double> CohenKappa(const std::vector<std::string>& first, const std::vector<std::string>& second) {
  const size_t items = std::min(first.size(), second.size());
  if (items == 0) return std::nullopt;
  std::map<std::string, double> first_share, second_share;
  double observed = 0;
  for (size_t i = 0; i < items; ++i) {
    observed += first[i] == second[i];
    first_share[first[i]] += 1;
    second_share[second[i]] += 1;
  }
  observed /= static_cast<double>(items);
  double expected = 0;
  for (const auto& [category, count] : first_share) {
    auto other = second_share.find(category);
    if (other != second_share.end()) expected += count * other->second;
  }
  expected /= static_cast<double>(items) * static_cast<double>(items);
  if (1 - expected < kEpsilon) return std::nullopt;
  return (observed - expected) / (1 - expected);
}

std::optional<double> FleissKappa(const std::vector<std::vector<int>>& counts) {
  double agreement_sum = 0;
  int subjects = 0;
  std::vector<double> category_totals;
  double ratings = 0;
  for (const auto& row : counts) {
    int raters = 0;
    for (int count : row) raters += count;
    if (raters < 2) continue;
    if (category_totals.size() < row.size()) category_totals.resize(row.size(), 0);
    double squares = 0;
    for (size_t j = 0; j < row.size(); ++j) {
      squares += static_cast<double>(row[j]) * row[j];
      category_totals[j] += row[j];
    }
    agreement_sum += (squares - raters) / (static_cast<double>(raters) * (raters - 1));
    ratings += raters;
    ++subjects;
  }
  if (subjects == 0) return std::nullopt;
  const double mean_agreement = agreement_sum / subjects;
  double chance = 0;
  for (double total : category_totals) chance += (total / ratings) * (total / ratings);
  if (1 - chance < kEpsilon) return std::nullopt;
  return (mean_agreement - chance) / (1 - chance);
}

std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<std::optional<std::string>>>& units) {
  // The coincidence matrix o_ck: each ordered pair of values within a unit
  // of m_u values adds 1 / (m_u - 1). Nominal disagreement is c != k.
  std::map<std::pair<std::string, std::string>, double> coincidences;
  for (const auto& unit : units) {
    std::vector<std::string> values;
    for (const auto& value : unit) {
      if (value) values.push_back(*value);
    }
    if (values.size() < 2) continue;
    const double weight = 1.0 / static_cast<double>(values.size() - 1);
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = 0; j < values.size(); ++j) {
        if (i != j) coincidences[{values[i], values[j]}] += weight;
      }
    }
  }
  std::map<std::string, double> marginals;
  double total = 0;
  double observed_disagreement = 0;
  for (const auto& [pair, count] : coincidences) {
    marginals[pair.first] += count;
    total += count;
    if (pair.first != pair.second) observed_disagreement += count;
  }
  if (total <= 1) return std::nullopt;
  double expected_disagreement = 0;
  for (const auto& [c, n_c] : marginals) {
    for (const auto& [k, n_k] : marginals) {
      if (c != k) expected_disagreement += n_c * n_k;
    }
  }
  expected_disagreement /= total - 1;
  if (expected_disagreement < kEpsilon) return std::nullopt;
  return 1 - observed_disagreement / expected_disagreement;
}

double SpanF1(const std::vector<TextSpan>& a, const std::vector<TextSpan>& b) {
  if (a.empty() && b.empty()) return 1;
  std::vector<TextSpan> left(a), right(b);
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  // Multiset intersection: a span drawn twice by one annotator matches at
  // most as many copies as the other drew.
  std::vector<TextSpan> common;
  std::set_intersection(left.begin(), left.end(), right.begin(), right.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(a.size() + b.size());
}

double IntersectionOverUnion(const Box& a, const Box& b) {
  const double width = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const double height = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const double intersection = width * height;
  const double union_area = a.width * a.height + b.width * b.height - intersection;
  return union_area <= 0 ? 0 : intersection / union_area;
}

BoxMatch MatchBoxes(const std::vector<Box>& a, const std::vector<Box>& b, double threshold) {
  BoxMatch match;
  if (a.empty() && b.empty()) return match;
  struct Candidate {
    double iou;
    size_t i, j;
  };
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      if (a[i].label != b[j].label) continue;
      const double iou = IntersectionOverUnion(a[i], b[j]);
      if (iou >= threshold) candidates.push_back({iou, i, j});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(y.iou, x.i, x.j) < std::tie(x.iou, y.i, y.j);
  });
  std::vector<bool> used_a(a.size()), used_b(b.size());
  double iou_sum = 0;
  for (const auto& candidate : candidates) {
    if (used_a[candidate.i] || used_b[candidate.j]) continue;
    used_a[candidate.i] = used_b[candidate.j] = true;
    iou_sum += candidate.iou;
    ++match.matched;
  }
  match.f1 = 2.0 * match.matched / static_cast<double>(a.size() + b.size());
  match.mean_iou = match.matched ? iou_sum / match.matched : 0;
  return match;
}

}  // namespace tally::evals
