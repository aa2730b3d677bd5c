#include "core/rate_limiter.h"

#include <algorithm>

namespace tally::core {

std::optional<std::chrono::seconds> RateLimiter::Acquire(std::span<const Quota> quotas, Clock::time_point now) {
  std::lock_guard lock(mutex_);

  // Idle keys would otherwise stay in memory for the life of the process.
  if (now >= next_expiry_) {
    Expire(now);
    next_expiry_ = now + window_;
  }

  Clock::duration wait{0};
  for (const Quota& quota : quotas) {
    if (quota.limit <= 0) continue;
    auto found = requests_.find(quota.key);
    if (found == requests_.end()) continue;
    std::deque<Clock::time_point>& times = found->second;
    while (!times.empty() && times.front() + window_ <= now) times.pop_front();
    if (static_cast<int64_t>(times.size()) < quota.limit) continue;

    // A slot frees up when the limit-th newest request leaves the window.
    const Clock::time_point freeing = times[times.size() - static_cast<size_t>(quota.limit)];
    wait = std::max(wait, freeing + window_ - now);
  }
  if (wait > Clock::duration::zero()) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
    return std::max(seconds, std::chrono::seconds(1));
  }

  for (const Quota& quota : quotas) {
    if (quota.limit > 0) requests_[quota.key].push_back(now);
  }
  return std::nullopt;
}

void RateLimiter::Expire(Clock::time_point now) {
  for (auto it = requests_.begin(); it != requests_.end();) {
    std::deque<Clock::time_point>& times = it->second;
    while (!times.empty() && times.front() + window_ <= now) times.pop_front();
    it = times.empty() ? requests_.erase(it) : std::next(it);
  }
}

}  // namespace tally::core
