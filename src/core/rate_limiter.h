// Sliding-window request limits per key ("user:7", "project:3"), kept in
// this process's memory.
//
// NOTE: each server process counts on its own, so N processes behind a load
// balancer allow up to N times the limit.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace tally::core {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // One key and the requests it may make in a window; 0 means no limit.
  struct Quota {
    std::string key;
    int64_t limit = 0;
  };

  explicit RateLimiter(std::chrono::seconds window) : window_(window) {}

  // Counts one request under every quota's key when each key is under its
  // limit, and returns nothing. Otherwise counts nothing and returns the
  // time until every key allows one more request, rounded up to whole
  // seconds and at least one second.
  std::optional<std::chrono::seconds> Acquire(std::span<const Quota> quotas, Clock::time_point now = Clock::now());

 private:
  // Drops the request times that left the window, and the keys left with none.
  void Expire(Clock::time_point now);

  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Clock::time_point>, std::less<>> requests_;
  Clock::time_point next_expiry_{};
};

}  // namespace tally::core
