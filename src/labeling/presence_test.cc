#include "labeling/presence.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace tally::labeling {
namespace {

namespace bj = boost::json;

class RecordingSubscriber : public http::Subscriber {
 public:
  void Deliver(std::shared_ptr<const std::string> message) override { messages.push_back(bj::parse(*message)); }
  // The participants of the newest presence event.
  bj::array LastPresence() const {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      const bj::object& data = it->at("data").as_object();
      if (data.at("kind") == "presence") return data.at("participants").as_array();
    }
    return {};
  }
  std::vector<bj::value> messages;
};

class LabelingPresenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub.AddTopicFamily("project:", [](const http::Principal&, std::string_view) -> Result<void> { return Ok(); });
    hub.AddTopicHandler(std::make_shared<LabelingPresence>(hub, [](int64_t user_id) {
      return user_id == 1 ? std::string("Ada Lovelace") : std::string("Grace Hopper");
    }));
  }
  http::Hub hub;
  http::Principal ada{.kind = http::Principal::Kind::kUser, .user_id = 1, .organization_id = 1};
  http::Principal grace{.kind = http::Principal::Kind::kUser, .user_id = 2, .organization_id = 1};
};

TEST_F(LabelingPresenceTest, HandlesOnlyLabelingTopics) {
  LabelingPresence presence(hub, [](int64_t) { return std::string(); });
  EXPECT_TRUE(presence.Handles("project:12:labeling"));
  EXPECT_FALSE(presence.Handles("project:12:traces"));
  EXPECT_FALSE(presence.Handles("project::labeling"));
  EXPECT_FALSE(presence.Handles("project:1x:labeling"));
  EXPECT_FALSE(presence.Handles("project:12:prompt-draft:labeling"));
}

TEST_F(LabelingPresenceTest, JoinsAndLeavesReachEveryone) {
  auto first = std::make_shared<RecordingSubscriber>();
  auto second = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(ada, "project:3:labeling", first));
  ASSERT_GE(first->messages.size(), 1u);
  const bj::object& joined = first->messages[0].at("data").as_object();
  EXPECT_EQ(joined.at("kind"), "joined");
  ASSERT_EQ(first->LastPresence().size(), 1u);
  EXPECT_EQ(first->LastPresence()[0].at("participant"), joined.at("participant"));
  EXPECT_EQ(first->LastPresence()[0].at("name"), "Ada Lovelace");
  EXPECT_EQ(first->LastPresence()[0].at("userId"), 1);
  EXPECT_TRUE(first->LastPresence()[0].at("task").is_null());

  ASSERT_TRUE(hub.Subscribe(grace, "project:3:labeling", second));
  EXPECT_EQ(first->LastPresence().size(), 2u);
  EXPECT_EQ(second->LastPresence().size(), 2u);

  hub.UnsubscribeAll(second.get());
  ASSERT_EQ(first->LastPresence().size(), 1u);
  EXPECT_EQ(first->LastPresence()[0].at("name"), "Ada Lovelace");
}

TEST_F(LabelingPresenceTest, TaskMessageUpdatesTheList) {
  auto first = std::make_shared<RecordingSubscriber>();
  auto second = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(ada, "project:3:labeling", first));
  ASSERT_TRUE(hub.Subscribe(grace, "project:3:labeling", second));

  ASSERT_TRUE(hub.HandleMessage(grace, "project:3:labeling", bj::parse(R"({"kind":"task","task":41})"), second.get()));
  bj::array list = first->LastPresence();
  ASSERT_EQ(list.size(), 2u);
  int with_task = 0;
  for (const bj::value& participant : list) {
    if (participant.at("name") == "Grace Hopper") {
      EXPECT_EQ(participant.at("task"), 41);
      ++with_task;
    } else {
      EXPECT_TRUE(participant.at("task").is_null());
    }
  }
  EXPECT_EQ(with_task, 1);

  // The same task again publishes nothing new.
  const size_t before = first->messages.size();
  ASSERT_TRUE(hub.HandleMessage(grace, "project:3:labeling", bj::parse(R"({"kind":"task","task":41})"), second.get()));
  EXPECT_EQ(first->messages.size(), before);
}

TEST_F(LabelingPresenceTest, BadMessagesNameTheField) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(ada, "project:3:labeling", subscriber));
  auto no_kind = hub.HandleMessage(ada, "project:3:labeling", bj::parse(R"({"task":1})"), subscriber.get());
  ASSERT_FALSE(no_kind);
  ASSERT_EQ(no_kind.error().fields.size(), 1u);
  EXPECT_EQ(no_kind.error().fields[0].field, "data.kind");
  auto bad_task = hub.HandleMessage(ada, "project:3:labeling", bj::parse(R"({"kind":"task","task":"x"})"),
                                    subscriber.get());
  ASSERT_FALSE(bad_task);
  ASSERT_EQ(bad_task.error().fields.size(), 1u);
  EXPECT_EQ(bad_task.error().fields[0].field, "data.task");
}

TEST_F(LabelingPresenceTest, TopicsAreSeparate) {
  auto third = std::make_shared<RecordingSubscriber>();
  auto fourth = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(ada, "project:3:labeling", third));
  ASSERT_TRUE(hub.Subscribe(grace, "project:4:labeling", fourth));
  EXPECT_EQ(third->LastPresence().size(), 1u);
  EXPECT_EQ(fourth->LastPresence().size(), 1u);
  EXPECT_EQ(fourth->LastPresence()[0].at("name"), "Grace Hopper");
}

}  // namespace
}  // namespace tally::labeling
