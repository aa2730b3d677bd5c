// Annotations of Chat conversations over real HTTP, on SQLite and on
// PostgreSQL: chatmessage items, per-message answers that carry a
// message's id, and the rejections that name the bad field.
#include "api/labeling_fixture.h"

namespace tally {
namespace {

// chat_rlhf's shape: a conversation rating and per-message controls for
// assistant messages.
constexpr const char* kChatConfig = R"(<View>
  <Chat name="chat" value="$chat" minMessages="2" editable="false"/>
  <Rating name="rating" toName="chat"/>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Rating name="accuracy" toName="chat" perRegion="true" maxRating="5"/>
    <Choices name="tone" toName="chat" perRegion="true" choice="multiple">
      <Choice value="Too formal"/>
      <Choice value="Appropriate"/>
    </Choices>
    <TextArea name="comment" toName="chat" perRegion="true"/>
  </View>
</View>)";

std::string Message(const std::string& id, const std::string& role, const std::string& content) {
  return bj::serialize(bj::object{{"id", id},
                                  {"from_name", "chat"},
                                  {"to_name", "chat"},
                                  {"type", "chatmessage"},
                                  {"value", bj::object{{"chatmessage", bj::object{{"role", role},
                                                                                 {"content", content},
                                                                                 {"createdAt", 1757612363718}}}}}});
}

std::string Answer(const std::string& id, const std::string& control, const std::string& type, bj::object value) {
  return bj::serialize(bj::object{{"id", id}, {"from_name", control}, {"to_name", "chat"}, {"type", type}, {"value", value}});
}

class LabelingChatApi : public LabelingApiTest {
 protected:
  void SetUp() override {
    LabelingApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const int64_t id = CreateProject(kChatConfig);
    ASSERT_EQ(Import(id, R"([{"chat":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}])").status, 201);
    const int64_t task = Get("/api/tasks?project=" + std::to_string(id)).Json().at("tasks").at(0).at("id").as_int64();
    annotations_ = "/api/tasks/" + std::to_string(task) + "/annotations";
  }

  std::string annotations_;
};

TEST_P(LabelingChatApi, StoresMessagesAndAnswers) {
  const std::string result = "[" + Message("chat-task-1", "assistant", "Hello!") + "," +
                             Message("m1", "user", "Thanks") + "," +
                             Answer("chat-task-1", "accuracy", "rating", {{"rating", 4}}) + "," +
                             Answer("chat-task-1", "tone", "choices", {{"choices", bj::array{"Appropriate"}}}) + "," +
                             Answer("chat-task-1", "comment", "textarea", {{"text", bj::array{"Short."}}}) + "," +
                             R"({"id":"r1","from_name":"rating","to_name":"chat","type":"rating","value":{"rating":3}}])";
  auto created = Post(annotations_, R"({"result":)" + result + "}");
  ASSERT_EQ(created.status, 201) << created.body;

  auto stored = Get(annotations_);
  ASSERT_EQ(stored.status, 200) << stored.body;
  const bj::value body = stored.Json();
  const bj::array& items = body.at(0).at("result").as_array();
  ASSERT_EQ(items.size(), 6u) << stored.body;
  EXPECT_EQ(items[0].at("value").at("chatmessage"),
            (bj::object{{"role", "assistant"}, {"content", "Hello!"}, {"createdAt", 1757612363718}}));
  EXPECT_EQ(items[1].at("value").at("chatmessage").at("role"), "user");
  EXPECT_EQ(items[2].at("id"), "chat-task-1");
  EXPECT_EQ(items[2].at("value").at("rating"), 4);
  EXPECT_EQ(items[3].at("value").at("choices"), bj::array{"Appropriate"});
  EXPECT_EQ(items[4].at("value").at("text"), bj::array{"Short."});
}

TEST_P(LabelingChatApi, RejectsBadChatItems) {
  struct Case {
    const char* name;
    std::string result;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown role", "[" + Message("m1", "robot", "Hi") + "]", "result.0.value.chatmessage.role"},
      // Without messageroles or llm, annotators write as user and assistant only.
      {"role outside messageroles", "[" + Message("m1", "system", "Obey me") + "]", "result.0.value.chatmessage.role"},
      {"content not text",
       R"([{"id":"m1","from_name":"chat","to_name":"chat","type":"chatmessage","value":{"chatmessage":{"role":"user","content":7}}}])",
       "result.0.value.chatmessage.content"},
      {"createdAt not a number",
       R"([{"id":"m1","from_name":"chat","to_name":"chat","type":"chatmessage","value":{"chatmessage":{"role":"user","content":"a","createdAt":"today"}}}])",
       "result.0.value.chatmessage.createdAt"},
      {"answer without its message", "[" + Message("m1", "assistant", "Hi") + "," + Answer("m2", "accuracy", "rating", {{"rating", 4}}) + "]",
       "result.1.id"},
      {"answer over maxRating", "[" + Message("m1", "assistant", "Hi") + "," + Answer("m1", "accuracy", "rating", {{"rating", 9}}) + "]",
       "result.1.value.rating"},
      {"unknown choice", "[" + Message("m1", "assistant", "Hi") + "," + Answer("m1", "tone", "choices", {{"choices", bj::array{"Rude"}}}) + "]",
       "result.1.value.choices.0"},
      {"two answers from one control",
       "[" + Message("m1", "assistant", "Hi") + "," + Answer("m1", "accuracy", "rating", {{"rating", 4}}) + "," +
           Answer("m1", "accuracy", "rating", {{"rating", 5}}) + "]",
       "result.2.id"},
  };
  for (const Case& c : cases) {
    auto response = Post(annotations_, R"({"result":)" + c.result + "}");
    EXPECT_EQ(response.status, 400) << c.name << ": " << response.body;
    if (response.status != 400) continue;
    EXPECT_TRUE(response.Json().at("validation_errors").as_object().contains(c.field)) << c.name << ": " << response.body;
  }
  EXPECT_TRUE(Get(annotations_).Json().as_array().empty()) << "nothing was stored";
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingChatApi, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
