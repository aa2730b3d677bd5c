#include "core/rate_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace tally::core {
namespace {

using std::chrono::seconds;
using Quota = RateLimiter::Quota;

TEST(RateLimiter, AllowsUpToLimitPerWindow) {
  RateLimiter limiter(seconds(60));
  const std::vector<Quota> user = {{"user:1", 2}};
  const auto start = RateLimiter::Clock::time_point() + seconds(1000);

  EXPECT_FALSE(limiter.Acquire(user, start));
  EXPECT_FALSE(limiter.Acquire(user, start + seconds(10)));
  const auto rejected = limiter.Acquire(user, start + seconds(20));
  ASSERT_TRUE(rejected);
  EXPECT_EQ(*rejected, seconds(40)) << "the first request leaves the window at start + 60 s";

  EXPECT_FALSE(limiter.Acquire(user, start + seconds(60)));
  EXPECT_TRUE(limiter.Acquire(user, start + seconds(61)));
}

TEST(RateLimiter, KeysCountSeparately) {
  RateLimiter limiter(seconds(60));
  const auto now = RateLimiter::Clock::time_point() + seconds(1000);
  const std::vector<Quota> first = {{"user:1", 1}};
  const std::vector<Quota> second = {{"user:2", 1}};

  EXPECT_FALSE(limiter.Acquire(first, now));
  EXPECT_TRUE(limiter.Acquire(first, now));
  EXPECT_FALSE(limiter.Acquire(second, now));
}

TEST(RateLimiter, RejectedRequestCountsUnderNoKey) {
  RateLimiter limiter(seconds(60));
  const auto now = RateLimiter::Clock::time_point() + seconds(1000);

  // The project allows one request; the second user's rejected request must
  // not use up that user's own quota.
  EXPECT_FALSE(limiter.Acquire(std::vector<Quota>{{"user:1", 5}, {"project:1", 1}}, now));
  EXPECT_TRUE(limiter.Acquire(std::vector<Quota>{{"user:2", 1}, {"project:1", 1}}, now));
  EXPECT_FALSE(limiter.Acquire(std::vector<Quota>{{"user:2", 1}, {"project:2", 1}}, now));
}

TEST(RateLimiter, ZeroLimitAllowsEverything) {
  RateLimiter limiter(seconds(60));
  const auto now = RateLimiter::Clock::time_point() + seconds(1000);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.Acquire(std::vector<Quota>{{"user:1", 0}}, now));
}

TEST(RateLimiter, WaitIsAtLeastOneSecond) {
  RateLimiter limiter(seconds(1));
  const auto now = RateLimiter::Clock::time_point() + seconds(1000);
  const std::vector<Quota> user = {{"user:1", 1}};
  EXPECT_FALSE(limiter.Acquire(user, now));
  const auto rejected = limiter.Acquire(user, now + std::chrono::milliseconds(999));
  ASSERT_TRUE(rejected);
  EXPECT_EQ(*rejected, seconds(1));
}

}  // namespace
}  // namespace tally::core
