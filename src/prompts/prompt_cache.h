// An in-process cache of serialized prompt reads, keyed by project, name and
// version selector. GET /api/public/v2/prompts/{name} is the hottest prompt
// path (every SDK getPrompt after its own 60 s cache expires), and a hit
// skips the database entirely.
//
// Consistency: writes in this process call InvalidateProject before they
// return, and a read that raced with a write does not store its result (a
// generation counter detects it). Writes by other processes sharing
// PostgreSQL are seen once an entry's TTL has passed.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

namespace tally::prompts {

struct PromptCacheOptions {
  // How long an entry is served. Default 5 s: the longest time another
  // process's prompt write stays invisible here. 0 disables the cache.
  std::chrono::milliseconds ttl{5000};
  // Entry count above which the whole cache is dropped; bounds memory at
  // roughly this many response bodies. Default 10,000.
  size_t max_entries = 10000;
};

class PromptCache {
 public:
  explicit PromptCache(PromptCacheOptions options = {}) : options_(options) {}

  // The cached body for the key, or nullopt when absent or expired.
  std::optional<std::string> Find(int64_t project_id, const std::string& name, const std::string& selector) const;

  // Read before loading from the database and pass to Store.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Stores `body` unless any invalidation happened since `generation` was read.
  void Store(int64_t project_id, const std::string& name, const std::string& selector, std::string body,
             uint64_t generation);

  // Drops every entry of the project; call after each committed prompt
  // write. The whole project goes because a prompt may embed another.
  void InvalidateProject(int64_t project_id);

 private:
  struct Entry {
    std::string body;
    std::chrono::steady_clock::time_point expires_at;
  };
  static std::string ProjectPrefix(int64_t project_id);

  const PromptCacheOptions options_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mutex_
  std::atomic<uint64_t> generation_{0};
};

}  // namespace tally::prompts
