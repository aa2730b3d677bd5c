#include "http/hub.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace tally::http {
namespace {

class RecordingSubscriber : public Subscriber {
 public:
  void Deliver(std::shared_ptr<const std::string> message) override { messages.push_back(*message); }
  std::vector<std::string> messages;
};

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub.AddTopicFamily("project:", [](const Principal& principal, std::string_view topic) -> Result<void> {
      if (topic == "project:" + std::to_string(principal.project_id) + ":traces") return Ok();
      return Error::NotFound("Not found.");
    });
  }
  Hub hub;
  Principal project_seven{.kind = Principal::Kind::kProjectKey, .project_id = 7};
};

TEST_F(HubTest, PublishReachesSubscribersOfTopic) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  EXPECT_EQ(hub.Publish("project:7:traces", boost::json::object{{"id", "t1"}}), 1u);
  EXPECT_EQ(hub.Publish("project:8:traces", boost::json::object{{"id", "t2"}}), 0u);
  ASSERT_EQ(subscriber->messages.size(), 1u);
  EXPECT_EQ(boost::json::parse(subscriber->messages[0]),
            boost::json::parse(R"({"type":"event","topic":"project:7:traces","data":{"id":"t1"}})"));
}

TEST_F(HubTest, ChecksRejectOtherProjectsAndUnknownFamilies) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  auto other = hub.Subscribe(project_seven, "project:8:traces", subscriber);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kNotFound);
  auto unknown = hub.Subscribe(project_seven, "global:everything", subscriber);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(hub.subscription_count(), 0u);
}

TEST_F(HubTest, SubscriptionsPerConnectionAreCapped) {
  hub.AddTopicFamily("load:", [](const Principal&, std::string_view) -> Result<void> { return Ok(); });
  auto subscriber = std::make_shared<RecordingSubscriber>();
  for (size_t i = 0; i < Hub::kMaxTopicsPerSubscriber; ++i) {
    ASSERT_TRUE(hub.Subscribe(project_seven, "load:" + std::to_string(i), subscriber)) << i;
  }
  auto over = hub.Subscribe(project_seven, "load:over", subscriber);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(hub.subscription_count(), Hub::kMaxTopicsPerSubscriber) << "the refused topic left no entry";
  EXPECT_TRUE(hub.Subscribe(project_seven, "load:0", subscriber)) << "a topic it already follows";

  auto other = std::make_shared<RecordingSubscriber>();
  EXPECT_TRUE(hub.Subscribe(project_seven, "load:over", other)) << "the cap is per connection";
  hub.Unsubscribe("load:1", subscriber.get());
  EXPECT_TRUE(hub.Subscribe(project_seven, "load:over", subscriber));
}

TEST_F(HubTest, GoneSubscribersAreSkippedAndRemoved) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  hub.UnsubscribeAll(subscriber.get());
  EXPECT_EQ(hub.subscription_count(), 0u);

  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  subscriber.reset();  // the connection closed without unsubscribing
  EXPECT_EQ(hub.Publish("project:7:traces", boost::json::object{}), 0u);
}

// Records the calls the hub makes on a topic handler.
class RecordingHandler : public TopicHandler {
 public:
  bool Handles(std::string_view topic) const override { return topic == "project:7:traces"; }
  void OnSubscribed(const Principal&, const std::string& topic, const std::shared_ptr<Subscriber>&) override {
    calls.push_back("subscribed " + topic);
  }
  void OnUnsubscribed(const std::string& topic, const Subscriber*) override { calls.push_back("left " + topic); }
  Result<void> OnMessage(const Principal&, const std::string& topic, const boost::json::value& data,
                         const Subscriber*) override {
    calls.push_back("message " + topic + " " + boost::json::serialize(data));
    return Ok();
  }
  std::vector<std::string> calls;
};

TEST_F(HubTest, HandlerHearsJoinsMessagesAndLeaves) {
  auto handler = std::make_shared<RecordingHandler>();
  hub.AddTopicHandler(handler);
  auto subscriber = std::make_shared<RecordingSubscriber>();

  auto early = hub.HandleMessage(project_seven, "project:7:traces", boost::json::object{}, subscriber.get());
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::kForbidden) << "a message needs a subscription first";

  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  ASSERT_TRUE(hub.HandleMessage(project_seven, "project:7:traces", boost::json::object{{"a", 1}}, subscriber.get()));
  hub.SendTo(*subscriber, "project:7:traces", boost::json::object{{"only", "you"}});
  hub.UnsubscribeAll(subscriber.get());
  hub.UnsubscribeAll(subscriber.get());  // a second leave is not reported

  EXPECT_EQ(handler->calls, (std::vector<std::string>{"subscribed project:7:traces",
                                                      R"(message project:7:traces {"a":1})",
                                                      "left project:7:traces"}));
  ASSERT_EQ(subscriber->messages.size(), 1u);
  EXPECT_EQ(boost::json::parse(subscriber->messages[0]),
            boost::json::parse(R"({"type":"event","topic":"project:7:traces","data":{"only":"you"}})"));
}

TEST_F(HubTest, MessagesToFeedTopicsAreRejected) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  auto sent = hub.HandleMessage(project_seven, "project:7:traces", boost::json::object{}, subscriber.get());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::kNotFound);
}

TEST_F(HubTest, RelayCarriesPublishedFrames) {
  std::vector<std::pair<std::string, std::string>> relayed;
  hub.SetRelay([&](const std::string& topic, const std::string& frame) { relayed.emplace_back(topic, frame); });
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));

  // Published here: relayed even without a local subscriber of the topic.
  EXPECT_EQ(hub.Publish("project:8:traces", boost::json::object{{"id", "t1"}}), 0u);
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].first, "project:8:traces");
  EXPECT_EQ(boost::json::parse(relayed[0].second),
            boost::json::parse(R"({"type":"event","topic":"project:8:traces","data":{"id":"t1"}})"));

  // Published elsewhere: delivered here and not relayed again.
  auto frame = std::make_shared<const std::string>(R"({"type":"event","topic":"project:7:traces","data":{}})");
  EXPECT_EQ(hub.DeliverRelayed("project:7:traces", frame), 1u);
  EXPECT_EQ(relayed.size(), 1u);
  ASSERT_EQ(subscriber->messages.size(), 1u);
  EXPECT_EQ(subscriber->messages[0], *frame);

  hub.SetRelay(nullptr);
  hub.Publish("project:7:traces", boost::json::object{});
  EXPECT_EQ(relayed.size(), 1u);
}

}  // namespace
}  // namespace tally::http
