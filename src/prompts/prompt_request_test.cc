#include "prompts/prompt_request.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tally::prompts {
namespace {

namespace bj = boost::json;

// Each bad body names the field the 400 points at.
TEST(ParseNewPromptVersion, RejectsBadFields) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"prompt": "x"})", "name"},
      {R"({"name": 3, "prompt": "x"})", "name"},
      {R"({"name": " ", "prompt": "x"})", "name"},
      {R"({"name": "a|b", "prompt": "x"})", "name"},
      {R"({"name": "/a", "prompt": "x"})", "name"},
      {R"({"name": "a//b", "prompt": "x"})", "name"},
      {R"({"name": "a/", "prompt": "x"})", "name"},
      {R"({"name": "<b>x</b>", "prompt": "x"})", "name"},
      {R"({"name": "new", "prompt": "x"})", "name"},
      {R"({"name": "a", "type": "image", "prompt": "x"})", "type"},
      {R"({"name": "a", "type": 1, "prompt": "x"})", "type"},
      {R"({"name": "a"})", "prompt"},
      {R"({"name": "a", "prompt": ["x"]})", "prompt"},
      {R"({"name": "a", "type": "chat"})", "prompt"},
      {R"({"name": "a", "type": "chat", "prompt": "x"})", "prompt"},
      {R"({"name": "a", "type": "chat", "prompt": [{"role": "user"}]})", "prompt.0.content"},
      {R"({"name": "a", "type": "chat", "prompt": [{"content": "x"}]})", "prompt.0.role"},
      {R"({"name": "a", "type": "chat", "prompt": [{"type": "placeholder", "name": "1x"}]})", "prompt.0.name"},
      {R"({"name": "a", "type": "chat", "prompt": [{"type": "placeholder", "name": "h"}, {"role": "u", "content": "{{ h }}"}]})", "prompt"},
      {R"({"name": "a", "prompt": "x", "labels": ["Prod"]})", "labels.0"},
      {R"({"name": "a", "prompt": "x", "labels": "prod"})", "labels"},
      {R"({"name": "a", "prompt": "x", "tags": [1]})", "tags.0"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseNewPromptVersion(c.body);
    ASSERT_FALSE(parsed) << c.body;
    ASSERT_EQ(parsed.error().fields.size(), 1u) << c.body;
    EXPECT_EQ(parsed.error().fields[0].field, c.field) << c.body;
  }
}

TEST(ParseNewPromptVersion, ChatMessagesLoseTypeMarker) {
  auto parsed = ParseNewPromptVersion(R"({"name": "f/a", "type": "chat", "prompt": [
      {"role": "system", "content": "Be {{level}}", "type": "chatmessage"},
      {"type": "placeholder", "name": "history"}], "labels": ["production"], "config": null})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, PromptType::kChat);
  EXPECT_EQ(bj::serialize(parsed->prompt),
            R"([{"role":"system","content":"Be {{level}}"},{"type":"placeholder","name":"history"}])");
  EXPECT_EQ(bj::serialize(parsed->config), "{}");
  EXPECT_FALSE(parsed->tags) << "absent tags keep the name's tags";
}

TEST(ParseNewPromptVersion, TextIsTheDefaultType) {
  auto parsed = ParseNewPromptVersion(R"({"name": "a", "prompt": "x", "tags": [], "commitMessage": "m"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, PromptType::kText);
  ASSERT_TRUE(parsed->tags);
  EXPECT_TRUE(parsed->tags->empty());
  EXPECT_EQ(parsed->commit_message, "m");
}

TEST(ParseNewLabels, RejectsLatest) {
  EXPECT_FALSE(ParseNewLabels(R"({"newLabels": ["latest"]})"));
  EXPECT_FALSE(ParseNewLabels(R"({})"));
  auto parsed = ParseNewLabels(R"({"newLabels": ["Any Label"]})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->at(0), "Any Label");
}

TEST(ParseVersionSelector, RejectsBothOrBadVersion) {
  http::Request both;
  both.query = {{"version", "1"}, {"label", "x"}};
  EXPECT_FALSE(ParseVersionSelector(both));

  http::Request bad;
  bad.query = {{"version", "one"}};
  auto parsed = ParseVersionSelector(bad);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().fields.at(0).field, "version");
}

TEST(ParseListFilter, LimitBounds) {
  http::Request request;
  auto defaults = ParseListFilter(request);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, 10);
  EXPECT_EQ(defaults->page, 1);

  request.query = {{"limit", "101"}};
  EXPECT_FALSE(ParseListFilter(request));
  request.query = {{"limit", "100"}, {"page", "0"}};
  EXPECT_FALSE(ParseListFilter(request));
  request.query = {{"fromUpdatedAt", "2024-01-01T00:00:00"}};
  EXPECT_FALSE(ParseListFilter(request)) << "a datetime needs a zone";
}

}  // namespace
}  // namespace tally::prompts
