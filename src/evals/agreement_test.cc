#include "evals/agreement.h"

#include <gtest/gtest.h>

namespace tally::evals {
namespace {

using Units = std::vector<std::vector<std::optional<std::string>>>;

// Builds two rating lists from counts of (first, second) pairs.
void AddPairs(std::vector<std::string>& first, std::vector<std::string>& second, const std::string& a,
              const std::string& b, int count) {
  for (int i = 0; i < count; ++i) {
    first.push_back(a);
    second.push_back(b);
  }
}

TEST(CohenKappaTest, TwoByTwoTextbookExample) {
  // 50 items: both yes 20, yes/no 5, no/yes 10, both no 15. p_o = 0.7,
  // p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, so kappa = 0.4 (the example in
  // Wikipedia's "Cohen's kappa" article).
  std::vector<std::string> first, second;
  AddPairs(first, second, "yes", "yes", 20);
  AddPairs(first, second, "yes", "no", 5);
  AddPairs(first, second, "no", "yes", 10);
  AddPairs(first, second, "no", "no", 15);
  auto kappa = CohenKappa(first, second);
  ASSERT_TRUE(kappa);
  EXPECT_NEAR(*kappa, 0.4, 1e-12);
}

TEST(CohenKappaTest, HandComputedCases) {
  // Perfect agreement over two categories.
  EXPECT_NEAR(*CohenKappa({"a", "b", "a"}, {"a", "b", "a"}), 1.0, 1e-12);
  // p_o = 0; p_e = (1/2)(1/2) * 2 = 0.5: kappa = -1.
  EXPECT_NEAR(*CohenKappa({"a", "b"}, {"b", "a"}), -1.0, 1e-12);
  // p_o = 2/3; first: a 2/3, b 1/3; second: a 1/3, b 2/3; p_e = 2/9 + 2/9 = 4/9.
  EXPECT_NEAR(*CohenKappa({"a", "a", "b"}, {"a", "b", "b"}), (2.0 / 3 - 4.0 / 9) / (1 - 4.0 / 9), 1e-12);
  // One category only: chance agreement is 1 and kappa is undefined.
  EXPECT_FALSE(CohenKappa({"a", "a"}, {"a", "a"}));
  EXPECT_FALSE(CohenKappa({}, {}));
}

TEST(FleissKappaTest, FleissTableExample) {
  // 10 subjects, 14 raters, 5 categories: the worked example of Wikipedia's
  // "Fleiss' kappa" article. P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
  const std::vector<std::vector<int>> counts = {
      {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
      {7, 7, 0, 0, 0},  {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
  };
  auto kappa = FleissKappa(counts);
  ASSERT_TRUE(kappa);
  EXPECT_NEAR(*kappa, 0.20993, 1e-5);
}

TEST(FleissKappaTest, HandComputedCases) {
  // Two raters always agree on two balanced categories: kappa = 1.
  EXPECT_NEAR(*FleissKappa({{2, 0}, {0, 2}}), 1.0, 1e-12);
  // Two raters always disagree: P-bar = 0, P_e = 0.5, kappa = -1.
  EXPECT_NEAR(*FleissKappa({{1, 1}, {1, 1}}), -1.0, 1e-12);
  // Subjects with fewer than two ratings do not count.
  EXPECT_NEAR(*FleissKappa({{2, 0}, {0, 2}, {1, 0}}), 1.0, 1e-12);
  EXPECT_FALSE(FleissKappa({{1, 0}}));
  EXPECT_FALSE(FleissKappa({{3, 0}, {2, 0}}));
}

TEST(KrippendorffAlphaTest, PublishedNominalExample) {
  // Four observers, twelve units, missing values: the data of Krippendorff,
  // "Computing Krippendorff's Alpha-Reliability" (2011), whose nominal
  // alpha is 0.743.
  const std::optional<std::string> none;
  auto v = [](const char* text) { return std::optional<std::string>(text); };
  const Units units = {
      {v("1"), v("1"), none, v("1")},   {v("2"), v("2"), v("3"), v("2")}, {v("3"), v("3"), v("3"), v("3")},
      {v("3"), v("3"), v("3"), v("3")}, {v("2"), v("2"), v("2"), v("2")}, {v("1"), v("2"), v("3"), v("4")},
      {v("4"), v("4"), v("4"), v("4")}, {v("1"), v("1"), v("2"), v("1")}, {v("2"), v("2"), v("2"), v("2")},
      {none, v("5"), v("5"), v("5")},   {none, none, v("1"), v("1")},     {none, v("3"), none, none},
  };
  auto alpha = KrippendorffAlphaNominal(units);
  ASSERT_TRUE(alpha);
  EXPECT_NEAR(*alpha, 0.743, 5e-4);
  EXPECT_NEAR(*alpha, 0.7434210526, 1e-9);
}

TEST(KrippendorffAlphaTest, HandComputedCases) {
  auto v = [](const char* text) { return std::optional<std::string>(text); };
  EXPECT_NEAR(*KrippendorffAlphaNominal({{v("a"), v("a")}, {v("b"), v("b")}}), 1.0, 1e-12);
  // Two units of (a, b): o_ab = o_ba = 2, n = 4, D_o = 4, D_e = 2 * 2 * 2 / 3
  // = 8/3, alpha = 1 - 4 / (8/3) = -0.5.
  EXPECT_NEAR(*KrippendorffAlphaNominal({{v("a"), v("b")}, {v("a"), v("b")}}), -0.5, 1e-12);
  EXPECT_FALSE(KrippendorffAlphaNominal({{v("a"), std::nullopt}}));
  EXPECT_FALSE(KrippendorffAlphaNominal({{v("a"), v("a")}, {v("a"), v("a")}}));
}

TEST(SpanF1Test, MatchesOnlyExactSpans) {
  const std::vector<TextSpan> a = {{0, 5, "PER"}, {10, 15, "ORG"}};
  const std::vector<TextSpan> b = {{0, 5, "PER"}, {10, 15, "LOC"}, {20, 25, "ORG"}};
  // One exact match: 2 * 1 / (2 + 3).
  EXPECT_NEAR(SpanF1(a, b), 0.4, 1e-12);
  EXPECT_NEAR(SpanF1(a, a), 1.0, 1e-12);
  EXPECT_NEAR(SpanF1({}, {}), 1.0, 1e-12);
  EXPECT_NEAR(SpanF1(a, {}), 0.0, 1e-12);
  // A span drawn twice on one side matches once.
  EXPECT_NEAR(SpanF1({{0, 5, "PER"}, {0, 5, "PER"}}, {{0, 5, "PER"}}), 2.0 / 3, 1e-12);
}

TEST(BoxMatchTest, IntersectionOverUnion) {
  // 10x10 boxes offset by 5 in x: intersection 50, union 150.
  EXPECT_NEAR(IntersectionOverUnion({0, 0, 10, 10, "a"}, {5, 0, 10, 10, "a"}), 1.0 / 3, 1e-12);
  EXPECT_NEAR(IntersectionOverUnion({0, 0, 10, 10, "a"}, {0, 0, 10, 10, "a"}), 1.0, 1e-12);
  EXPECT_NEAR(IntersectionOverUnion({0, 0, 10, 10, "a"}, {20, 20, 5, 5, "a"}), 0.0, 1e-12);
}

TEST(BoxMatchTest, GreedyMatchingByLabelAndThreshold) {
  const std::vector<Box> a = {{0, 0, 10, 10, "car"}, {50, 50, 10, 10, "car"}, {80, 80, 10, 10, "person"}};
  const std::vector<Box> b = {{1, 0, 10, 10, "car"}, {55, 50, 10, 10, "car"}, {80, 80, 10, 10, "car"}};
  // Box 1 matches (IoU 90/110); box 2 has IoU 1/3 < 0.5; box 3 differs in label.
  BoxMatch match = MatchBoxes(a, b);
  EXPECT_EQ(match.matched, 1);
  EXPECT_NEAR(match.f1, 2.0 / 6, 1e-12);
  EXPECT_NEAR(match.mean_iou, 90.0 / 110, 1e-12);
  // At threshold 0.3 the second pair counts too.
  EXPECT_EQ(MatchBoxes(a, b, 0.3).matched, 2);
  EXPECT_NEAR(MatchBoxes({}, {}).f1, 1.0, 1e-12);
}

}  // namespace
}  // namespace tally::evals
