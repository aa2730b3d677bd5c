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

TEST_F(HubTest, GoneSubscribersAreSkippedAndRemoved) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  hub.UnsubscribeAll(subscriber.get());
  EXPECT_EQ(hub.subscription_count(), 0u);

  ASSERT_TRUE(hub.Subscribe(project_seven, "project:7:traces", subscriber));
  subscriber.reset();  // the connection closed without unsubscribing
  EXPECT_EQ(hub.Publish("project:7:traces", boost::json::object{}), 0u);
}

}  // namespace
}  // namespace tally::http
