#include "evals/chat_replies.h"

#include <gtest/gtest.h>

namespace tally::evals {
namespace {

namespace bj = boost::json;

TEST(ChatModel, SplitsAtFirstSlash) {
  auto parsed = ParseChatModel("openai/gpt-4.1-nano");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->provider, "openai");
  EXPECT_EQ(parsed->model, "gpt-4.1-nano");

  auto nested = ParseChatModel("vllm/meta-llama/Llama-3-8B");
  ASSERT_TRUE(nested) << nested.error().message;
  EXPECT_EQ(nested->provider, "vllm");
  EXPECT_EQ(nested->model, "meta-llama/Llama-3-8B");
}

TEST(ChatModel, RejectsMissingParts) {
  for (const char* llm : {"gpt-5", "/gpt-5", "openai/", ""}) {
    auto parsed = ParseChatModel(llm);
    ASSERT_FALSE(parsed) << llm;
    EXPECT_EQ(parsed.error().code, Errc::kInvalidArgument) << llm;
    EXPECT_NE(parsed.error().message.find("provider/model"), std::string::npos) << parsed.error().message;
  }
}

TEST(ChatMessages, KeepsRoleAndContentOnly) {
  const bj::object body = bj::parse(R"({"messages": [
    {"role": "user", "content": "Hi", "createdAt": 1757612363718},
    {"role": "assistant", "content": ""}]})").as_object();
  auto messages = ReadChatMessages(body);
  ASSERT_TRUE(messages) << messages.error().message;
  EXPECT_EQ(*messages, bj::parse(R"([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}])"));
}

TEST(ChatMessages, NamesTheBadField) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"({})", "messages"},
      {R"({"messages": {}})", "messages"},
      {R"({"messages": []})", "messages"},
      {R"({"messages": [{"role": "user", "content": "a"}, 4]})", "messages.1"},
      {R"({"messages": [{"content": "a"}]})", "messages.0.role"},
      {R"({"messages": [{"role": "narrator", "content": "a"}]})", "messages.0.role"},
      {R"({"messages": [{"role": "user", "content": ["a"]}]})", "messages.0.content"},
  };
  for (const auto& [body, field] : cases) {
    auto messages = ReadChatMessages(bj::parse(body).as_object());
    ASSERT_FALSE(messages) << body;
    ASSERT_EQ(messages.error().fields.size(), 1u) << body;
    EXPECT_EQ(messages.error().fields[0].field, field) << body;
  }
}

TEST(ChatReplyRequest, SendsModelAndMessages) {
  const bj::array messages = bj::parse(R"([{"role": "user", "content": "Hi"}])").as_array();
  EXPECT_EQ(BuildChatReplyRequest("gpt-4.1-nano", messages),
            bj::parse(R"({"model": "gpt-4.1-nano", "messages": [{"role": "user", "content": "Hi"}]})"));
}

TEST(ChatReply, ReadsStringContent) {
  auto reply = ParseChatReply(R"({"choices": [{"message": {"role": "assistant", "content": "Hello!"}}]})");
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(*reply, "Hello!");
}

TEST(ChatReply, JoinsTextParts) {
  auto reply = ParseChatReply(
      R"({"choices": [{"message": {"content": [{"type": "text", "text": "Hel"}, {"type": "image_url"}, {"type": "text", "text": "lo"}]}}]})");
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(*reply, "Hello");
}

TEST(ChatReply, RejectsUnusableBodies) {
  for (const char* body : {"not json", "[]", R"({"choices": []})", R"({"choices": [{"message": {}}]})",
                           R"({"choices": [{"message": {"content": null}}]})",
                           R"({"choices": [{"message": {"content": [{"type": "image_url"}]}}]})"}) {
    auto reply = ParseChatReply(body);
    ASSERT_FALSE(reply) << body;
    EXPECT_EQ(reply.error().code, Errc::kInvalidArgument) << body;
  }
}

}  // namespace
}  // namespace tally::evals
