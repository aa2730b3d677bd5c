#include "integrations/ml_backends/ml_client.h"

#include <gtest/gtest.h>

namespace tally::integrations::ml {
namespace {

namespace bj = boost::json;

bj::value Parse(const char* text) { return bj::parse(text); }

TEST(ParsePredictResponseTest, OneEntryPerTask) {
  auto parsed = ParsePredictResponse(
      Parse(R"({"results": [{"model_version": "v2", "score": 0.5, "result": []},
                            [{"result": [], "score": 0.1}, {"model_version": "alt", "result": []}]]})"),
      2, "v1");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->cannot_batch);
  ASSERT_EQ(parsed->per_task.size(), 2u);
  EXPECT_EQ(parsed->per_task[0][0].model_version, "v2");
  EXPECT_EQ(parsed->per_task[0][0].score, 0.5);
  ASSERT_EQ(parsed->per_task[1].size(), 2u);
  EXPECT_EQ(parsed->per_task[1][0].model_version, "v1") << "missing model_version falls back to the backend's";
  EXPECT_EQ(parsed->per_task[1][1].model_version, "alt");
}

TEST(ParsePredictResponseTest, PredictionsKeyIsUnwrapped) {
  auto parsed = ParsePredictResponse(Parse(R"({"model_version": "m3", "predictions": [{"result": []}]})"), 1, "v1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->per_task.at(0).at(0).model_version, "m3");
}

TEST(ParsePredictResponseTest, SingleEntryMeansCannotBatch) {
  auto parsed = ParsePredictResponse(Parse(R"({"results": [{"result": []}]})"), 3, "v1");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->cannot_batch);
  EXPECT_TRUE(parsed->per_task.empty());
}

TEST(ParsePredictResponseTest, BadRepliesAreRejected) {
  const std::vector<std::pair<const char*, size_t>> cases = {
      {R"([])", 1},
      {R"({})", 1},
      {R"({"results": []})", 1},
      {R"({"results": {}})", 1},
      {R"({"results": [{"score": 1}]})", 1},
      {R"({"results": [{"result": []}, {"result": []}, {"result": []}]})", 2},
      {R"({"results": [1]})", 1},
  };
  for (const auto& [text, tasks] : cases) {
    auto parsed = ParsePredictResponse(Parse(text), tasks, "v1");
    EXPECT_FALSE(parsed) << text;
  }
}

TEST(ProjectIdentifierTest, UsesUnixSeconds) {
  EXPECT_EQ(ProjectIdentifier(3, 1709283600'123456), "3.1709283600");
}

}  // namespace
}  // namespace tally::integrations::ml
