#include "store/postgres/notification_channel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace tally::store {
namespace {

// Collects payloads from the channel's thread and waits for them.
class Inbox {
 public:
  NotificationChannel::Handler Handler() {
    return [this](std::string_view payload) {
      std::lock_guard lock(mutex_);
      payloads_.emplace_back(payload);
      arrived_.notify_all();
    };
  }
  // The payloads once `count` have arrived, or what came within 10 s.
  std::vector<std::string> WaitFor(size_t count) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return payloads_.size() >= count; });
    return payloads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> payloads_;
};

class NotificationChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("TALLY_TEST_POSTGRES_URL");
    if (!url || !*url) GTEST_SKIP() << "TALLY_TEST_POSTGRES_URL is not set";
    url_ = url;
  }
  std::string url_;
};

TEST_F(NotificationChannelTest, EveryListenerHearsEveryNotify) {
  Inbox first_inbox, second_inbox;
  auto first = NotificationChannel::Open(url_, "tally_channel_test", first_inbox.Handler());
  ASSERT_TRUE(first) << first.error().message;
  auto second = NotificationChannel::Open(url_, "tally_channel_test", second_inbox.Handler());
  ASSERT_TRUE(second) << second.error().message;

  ASSERT_TRUE((*first)->Notify("one"));
  ASSERT_TRUE((*second)->Notify("two"));
  // The order of two senders' notifications is not defined.
  for (Inbox* inbox : {&first_inbox, &second_inbox}) {
    auto payloads = inbox->WaitFor(2);
    std::sort(payloads.begin(), payloads.end());
    EXPECT_EQ(payloads, (std::vector<std::string>{"one", "two"}));
  }
}

TEST_F(NotificationChannelTest, RejectsWhatPostgresCannotCarry) {
  Inbox inbox;
  auto channel = NotificationChannel::Open(url_, "tally_channel_test", inbox.Handler());
  ASSERT_TRUE(channel);
  EXPECT_FALSE((*channel)->Notify(std::string(NotificationChannel::kMaxPayloadBytes + 1, 'x')));
  EXPECT_TRUE((*channel)->Notify(std::string(NotificationChannel::kMaxPayloadBytes, 'x')));
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);

  auto bad_name = NotificationChannel::Open(url_, "no spaces; please", inbox.Handler());
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, Errc::kInvalidArgument);
  auto unreachable = NotificationChannel::Open("postgresql://postgres@127.0.0.1:1/none", "tally_channel_test",
                                               inbox.Handler());
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace tally::store
