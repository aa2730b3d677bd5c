#include "evals/evaluators_builtin.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tally::evals {
namespace {

namespace bj = boost::json;

bj::array LoadVectors() {
  std::ifstream file(TALLY_EVALUATOR_VECTORS);
  std::stringstream text;
  text << file.rdbuf();
  return bj::parse(text.str()).as_array();
}

// Each vector names its case; a failure prints that name.
TEST(BuiltinEvaluators, TestVectors) {
  const bj::array vectors = LoadVectors();
  ASSERT_GE(vectors.size(), 30u);
  for (const bj::value& vector : vectors) {
    const std::string name(vector.at("name").as_string());
    SCOPED_TRACE(name);
    auto evaluator = ParseBuiltinEvaluator(vector.at("evaluator"));
    if (const bj::value* field = vector.as_object().if_contains("config_error")) {
      ASSERT_FALSE(evaluator) << "configuration should be rejected";
      ASSERT_EQ(evaluator.error().fields.size(), 1u);
      EXPECT_EQ(evaluator.error().fields[0].field, field->as_string());
      continue;
    }
    ASSERT_TRUE(evaluator) << evaluator.error().message;

    auto score = EvaluateBuiltin(*evaluator, vector.at("output"), vector.at("expected"));
    if (vector.as_object().contains("item_error")) {
      EXPECT_FALSE(score) << "the item should not be scorable";
      continue;
    }
    ASSERT_TRUE(score) << score.error().message;
    EXPECT_NEAR(score->value, vector.at("score").to_number<double>(), 1e-12);
    EXPECT_EQ(score->data_type, evaluator->kind == BuiltinKind::kLevenshtein ? "NUMERIC" : "BOOLEAN");
    EXPECT_FALSE(score->comment.empty());
  }
}

TEST(BuiltinEvaluators, LevenshteinDistances) {
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(LevenshteinDistance("", "abc"), 3u);
  EXPECT_EQ(LevenshteinDistance("abc", ""), 3u);
  EXPECT_EQ(LevenshteinDistance("gumbo", "gambol"), 2u);
  EXPECT_EQ(LevenshteinDistance("日本語", "日本"), 1u) << "code points, not bytes";
}

TEST(BuiltinEvaluators, CatastrophicRegexIsAnError) {
  auto evaluator = ParseBuiltinEvaluator(bj::parse(R"({"type": "regex", "pattern": "(a+)+$"})"));
  ASSERT_TRUE(evaluator);
  auto score = EvaluateBuiltin(*evaluator, bj::value(std::string(5000, 'a') + "b"), nullptr);
  // Boost.Regex either finishes (no match) or stops at its complexity limit;
  // it must not hang or crash.
  if (score) {
    EXPECT_EQ(score->value, 0);
  } else {
    EXPECT_NE(score.error().message.find("failed"), std::string::npos);
  }
}

}  // namespace
}  // namespace tally::evals
