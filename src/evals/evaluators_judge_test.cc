#include "evals/evaluators_judge.h"

#include <gtest/gtest.h>

namespace tally::evals {
namespace {

namespace bj = boost::json;

// A chat completion whose message content is `content`.
std::string Completion(const std::string& content) {
  return bj::serialize(bj::object{
      {"choices", bj::array{bj::object{{"message", bj::object{{"role", "assistant"}, {"content", content}}}}}}});
}

TEST(JudgeTemplate, VariablesInOrderOnce) {
  EXPECT_EQ(TemplateVariables("Q: {{question}} A: {{ answer }} again {{question}} {{}} {{not valid!}}"),
            (std::vector<std::string>{"question", "answer"}));
  EXPECT_TRUE(TemplateVariables("no placeholders, {single} braces").empty());
}

TEST(JudgeTemplate, RendersValuesAndBlanksUnknown) {
  EXPECT_EQ(RenderTemplate("Q: {{question}}\nA: {{ answer }} {{missing}}!", {{"question", "2+2?"}, {"answer", "4"}}),
            "Q: 2+2?\nA: 4 !");
  EXPECT_EQ(RenderTemplate("{{a}}{{a}}", {{"a", "{{a}}"}}), "{{a}}{{a}}") << "values are not rendered again";
  EXPECT_EQ(RenderTemplate("unclosed {{a", {{"a", "x"}}), "unclosed {{a");
}

TEST(JudgeTemplate, TextOfJsonValues) {
  EXPECT_EQ(TemplateText(bj::value("plain")), "plain");
  EXPECT_EQ(TemplateText(nullptr), "");
  EXPECT_EQ(TemplateText(bj::parse(R"({"a":[1,2]})")), R"({"a":[1,2]})");
  EXPECT_EQ(TemplateText(bj::value(0.5)), "0.5");
}

TEST(JudgeJsonPath, SelectsKeysAndIndexes) {
  const bj::value document = bj::parse(R"({"answer": {"items": [{"text": "a"}, {"text": "b"}]}, "n": 3})");
  EXPECT_EQ(*SelectJsonPath(document, "$"), document);
  EXPECT_EQ(*SelectJsonPath(document, "$.n"), 3);
  EXPECT_EQ(*SelectJsonPath(document, "$.answer.items[1].text"), "b");
  EXPECT_TRUE(SelectJsonPath(document, "$.answer.items[5]")->is_null());
  EXPECT_TRUE(SelectJsonPath(document, "$.missing.deeper")->is_null());
  EXPECT_FALSE(SelectJsonPath(document, "answer"));
  EXPECT_FALSE(SelectJsonPath(document, "$.answer.items[x]"));
  EXPECT_FALSE(SelectJsonPath(document, "$.answer.items[0"));
}

TEST(JudgeRequest, RequestsTheScoreType) {
  const bj::object numeric = BuildChatRequest("m", "prompt text", ScoreDefinition{kNumeric, {}});
  EXPECT_EQ(numeric.at("model"), "m");
  EXPECT_EQ(numeric.at("temperature"), 0);
  EXPECT_EQ(numeric.at("messages").at(1).at("content"), "prompt text");
  EXPECT_NE(std::string(numeric.at("messages").at(0).at("content").as_string()).find("a number"), std::string::npos);
  const bj::object categorical = BuildChatRequest("m", "p", ScoreDefinition{kCategorical, {"good", "bad"}});
  EXPECT_NE(std::string(categorical.at("messages").at(0).at("content").as_string()).find(R"("good", "bad")"),
            std::string::npos);
}

TEST(JudgeReply, ParsesEachScoreType) {
  auto numeric = ParseJudgeReply(Completion(R"({"reasoning": "close", "score": 0.75})"), {kNumeric, {}});
  ASSERT_TRUE(numeric) << numeric.error().message;
  EXPECT_EQ(*numeric->value, 0.75);
  EXPECT_EQ(numeric->reasoning, "close");

  auto fenced = ParseJudgeReply(Completion("```json\n{\"reasoning\": \"ok\", \"score\": true}\n```"), {kBoolean, {}});
  ASSERT_TRUE(fenced) << fenced.error().message;
  EXPECT_EQ(*fenced->value, 1);
  EXPECT_EQ(*fenced->string_value, "True");

  auto zero = ParseJudgeReply(Completion(R"({"reasoning": "no", "score": 0})"), {kBoolean, {}});
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero->value, 0);

  auto category = ParseJudgeReply(Completion(R"({"reasoning": "r", "score": "bad"})"), {kCategorical, {"good", "bad"}});
  ASSERT_TRUE(category);
  EXPECT_EQ(*category->string_value, "bad");
  EXPECT_FALSE(category->value);
}

TEST(JudgeReply, RejectsMalformedReplies) {
  const ScoreDefinition numeric{kNumeric, {}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json at all", "not a JSON chat completion"},
      {R"({"choices": []})", "no choices"},
      {R"({"choices": [{"message": {"content": 5}}]})", "no message content"},
      {Completion("Looks fine to me, 8/10"), "not a JSON object"},
      {Completion(R"({"score": 1})"), "no reasoning"},
      {Completion(R"({"reasoning": "r"})"), "no score"},
      {Completion(R"({"reasoning": "r", "score": "high"})"), "not a number"},
  };
  for (const auto& [body, message] : cases) {
    SCOPED_TRACE(body);
    auto verdict = ParseJudgeReply(body, numeric);
    ASSERT_FALSE(verdict);
    EXPECT_NE(verdict.error().message.find(message), std::string::npos) << verdict.error().message;
  }
  EXPECT_FALSE(ParseJudgeReply(Completion(R"({"reasoning": "r", "score": 0.5})"), {kBoolean, {}}));
  EXPECT_FALSE(ParseJudgeReply(Completion(R"({"reasoning": "r", "score": "ugly"})"), {kCategorical, {"good", "bad"}}));
}

}  // namespace
}  // namespace tally::evals
