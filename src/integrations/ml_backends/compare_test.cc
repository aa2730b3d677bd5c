#include "integrations/ml_backends/compare.h"

#include <gtest/gtest.h>

namespace tally::integrations::ml {
namespace {

namespace bj = boost::json;

bj::value Choice(const std::string& label) {
  return bj::array{bj::object{{"from_name", "sentiment"},
                              {"to_name", "text"},
                              {"type", "choices"},
                              {"value", bj::object{{"choices", bj::array{bj::string(label)}}}}}};
}

bj::object Span(int start, int end, const std::string& label) {
  return {{"from_name", "ner"},
          {"to_name", "text"},
          {"type", "labels"},
          {"value", bj::object{{"start", start}, {"end", end}, {"labels", bj::array{bj::string(label)}}}}};
}

bj::object Box(double x, double y, double width, double height, const std::string& label) {
  return {{"from_name", "box"},
          {"to_name", "image"},
          {"type", "rectanglelabels"},
          {"value", bj::object{{"x", x}, {"y", y}, {"width", width}, {"height", height},
                               {"rectanglelabels", bj::array{bj::string(label)}}}}};
}

const LabelScore* Find(const VersionScore& version, const std::string& label) {
  for (const LabelScore& score : version.labels) {
    if (score.label == label) return &score;
  }
  return nullptr;
}

TEST(CompareTest, ChoicesPerLabelAndVersion) {
  // Truth: P, P, N. v1 predicts P, N, N; v2 predicts P, P, P.
  std::vector<ScoredTask> tasks = {
      {Choice("Positive"), {{"v1", Choice("Positive")}, {"v2", Choice("Positive")}}},
      {Choice("Positive"), {{"v1", Choice("Negative")}, {"v2", Choice("Positive")}}},
      {Choice("Negative"), {{"v1", Choice("Negative")}, {"v2", Choice("Positive")}}},
  };
  const auto versions = CompareModelVersions(tasks);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].model_version, "v1");
  EXPECT_EQ(versions[0].tasks_evaluated, 3);

  const LabelScore* v1_positive = Find(versions[0], "Positive");
  ASSERT_NE(v1_positive, nullptr);
  EXPECT_EQ(v1_positive->true_positives, 1);
  EXPECT_EQ(v1_positive->false_positives, 0);
  EXPECT_EQ(v1_positive->false_negatives, 1);
  EXPECT_DOUBLE_EQ(v1_positive->precision(), 1.0);
  EXPECT_DOUBLE_EQ(v1_positive->recall(), 0.5);
  EXPECT_NEAR(v1_positive->f1(), 2.0 / 3.0, 1e-12);

  const LabelScore* v1_negative = Find(versions[0], "Negative");
  ASSERT_NE(v1_negative, nullptr);
  EXPECT_EQ(v1_negative->true_positives, 1);
  EXPECT_EQ(v1_negative->false_positives, 1);
  EXPECT_EQ(v1_negative->false_negatives, 0);

  const LabelScore* v2_positive = Find(versions[1], "Positive");
  ASSERT_NE(v2_positive, nullptr);
  EXPECT_EQ(v2_positive->true_positives, 2);
  EXPECT_EQ(v2_positive->false_positives, 1);
  const LabelScore* v2_negative = Find(versions[1], "Negative");
  ASSERT_NE(v2_negative, nullptr);
  EXPECT_EQ(v2_negative->false_negatives, 1);
  EXPECT_DOUBLE_EQ(v2_negative->f1(), 0.0);

  EXPECT_EQ(versions[0].micro.true_positives, 2);
  EXPECT_EQ(versions[1].micro.true_positives, 2);
  EXPECT_EQ(versions[1].micro.false_positives, 1);
}

TEST(CompareTest, SpansMatchExactly) {
  std::vector<ScoredTask> tasks = {
      {bj::array{Span(0, 5, "PER"), Span(10, 15, "ORG")},
       {{"v1", bj::array{Span(0, 5, "PER"), Span(10, 14, "ORG"), Span(20, 25, "PER")}}}},
  };
  const auto versions = CompareModelVersions(tasks);
  ASSERT_EQ(versions.size(), 1u);
  const LabelScore* person = Find(versions[0], "PER");
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->type, "span");
  EXPECT_EQ(person->true_positives, 1);
  EXPECT_EQ(person->false_positives, 1);
  EXPECT_EQ(person->false_negatives, 0);
  const LabelScore* organization = Find(versions[0], "ORG");
  ASSERT_NE(organization, nullptr);
  EXPECT_EQ(organization->true_positives, 0);
  EXPECT_EQ(organization->false_positives, 1);
  EXPECT_EQ(organization->false_negatives, 1);
}

TEST(CompareTest, RectanglesMatchAtHalfIou) {
  // Second truth box: the prediction shifted by 2 of 10 has IoU 8/12 ≈ 0.67;
  // the third prediction overlaps its truth box with IoU 1/7 and misses.
  std::vector<ScoredTask> tasks = {
      {bj::array{Box(0, 0, 10, 10, "cat"), Box(50, 50, 10, 10, "cat"), Box(80, 0, 10, 10, "dog")},
       {{"v1", bj::array{Box(0, 0, 10, 10, "cat"), Box(52, 50, 10, 10, "cat"), Box(85, 5, 10, 10, "dog"),
                         Box(0, 0, 10, 10, "dog")}}}},
  };
  const auto versions = CompareModelVersions(tasks);
  ASSERT_EQ(versions.size(), 1u);
  const LabelScore* cat = Find(versions[0], "cat");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->type, "rectangle");
  EXPECT_EQ(cat->true_positives, 2);
  EXPECT_EQ(cat->false_positives, 0);
  EXPECT_EQ(cat->false_negatives, 0);
  const LabelScore* dog = Find(versions[0], "dog");
  ASSERT_NE(dog, nullptr);
  EXPECT_EQ(dog->true_positives, 0);
  EXPECT_EQ(dog->false_positives, 2);
  EXPECT_EQ(dog->false_negatives, 1);
}

TEST(CompareTest, OneTruthBoxMatchesOnePrediction) {
  std::vector<ScoredTask> tasks = {
      {bj::array{Box(0, 0, 10, 10, "cat")}, {{"v1", bj::array{Box(0, 0, 10, 10, "cat"), Box(1, 0, 10, 10, "cat")}}}},
  };
  const auto versions = CompareModelVersions(tasks);
  const LabelScore* cat = Find(versions.at(0), "cat");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->true_positives, 1);
  EXPECT_EQ(cat->false_positives, 1);
}

TEST(CompareTest, BoxIouValues) {
  EXPECT_DOUBLE_EQ(BoxIou(0, 0, 10, 10, 0, 0, 10, 10), 1.0);
  EXPECT_DOUBLE_EQ(BoxIou(0, 0, 10, 10, 20, 20, 5, 5), 0.0);
  EXPECT_NEAR(BoxIou(0, 0, 10, 10, 5, 0, 10, 10), 50.0 / 150.0, 1e-12);
  EXPECT_DOUBLE_EQ(BoxIou(0, 0, 0, 0, 0, 0, 0, 0), 0.0);
}

TEST(CompareTest, UnscoredTypesAreIgnored) {
  bj::value text_area = bj::array{bj::object{{"from_name", "note"},
                                              {"to_name", "text"},
                                              {"type", "textarea"},
                                              {"value", bj::object{{"text", bj::array{"hello"}}}}}};
  const auto versions = CompareModelVersions({{text_area, {{"v1", text_area}}}, {nullptr, {{"v1", nullptr}}}});
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_TRUE(versions[0].labels.empty());
  EXPECT_EQ(versions[0].tasks_evaluated, 2);
  EXPECT_DOUBLE_EQ(versions[0].micro.f1(), 0.0);
}

}  // namespace
}  // namespace tally::integrations::ml
