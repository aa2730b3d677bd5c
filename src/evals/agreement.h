// Inter-annotator agreement statistics: the coefficients for categorical
// ratings (Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, nominal) and
// the matching scores for spans on text and rectangles on images.
//
// Conventions: a category is any string. Every coefficient returns nullopt
// when it is undefined for the data, which callers print as null. That is
// the case without pairable values and when chance agreement is 1, because
// the denominator is then 0.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace tally::evals {

// Cohen's kappa of two raters over the same items: (p_o - p_e) / (1 - p_e),
// with p_e from each rater's own category frequencies.
// REQUIRES: first.size() == second.size().
std::optional<double> CohenKappa(const std::vector<std::string>& first, const std::vector<std::string>& second);

// Fleiss' kappa from a subjects × categories table of counts: row i gives
// how many raters put subject i in each category. Subjects may have
// different numbers of raters (each needs at least 2; others are skipped):
// P_i uses its own n_i and category shares pool every rating, which reduces
// to Fleiss (1971) when all n_i are equal.
std::optional<double> FleissKappa(const std::vector<std::vector<int>>& counts);

// Krippendorff's alpha for nominal data: units × raters, nullopt where a
// rater gave no value. Units with fewer than two values are not pairable
// and are dropped, as the coefficient defines.
std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<std::optional<std::string>>>& units);

// A labeled span of text: [start, end) in characters.
struct TextSpan {
  int64_t start = 0;
  int64_t end = 0;
  std::string label;
  bool operator<(const TextSpan& other) const {
    return std::tie(start, end, label) < std::tie(other.start, other.end, other.label);
  }
  bool operator==(const TextSpan& other) const = default;
};

// Span-level F1 of two annotators: a span matches when start, end and label
// are all equal; F1 = 2 · matches / (|a| + |b|). Two empty sets agree (1).
double SpanF1(const std::vector<TextSpan>& a, const std::vector<TextSpan>& b);

// A labeled rectangle in percent of the image, as Label Studio stores it.
// Rotation is ignored (treated as 0).
struct Box {
  double x = 0, y = 0, width = 0, height = 0;
  std::string label;
};

double IntersectionOverUnion(const Box& a, const Box& b);

struct BoxMatch {
  double f1 = 1;        // 2 · matched / (|a| + |b|); 1 when both are empty
  double mean_iou = 0;  // over matched pairs; 0 when none matched
  int matched = 0;
};

// Matches boxes of the same label greedily, highest IoU first, each box at
// most once, keeping pairs with IoU >= `threshold` (default 0.5).
BoxMatch MatchBoxes(const std::vector<Box>& a, const std::vector<Box>& b, double threshold = 0.5);

}  // namespace tally::evals
