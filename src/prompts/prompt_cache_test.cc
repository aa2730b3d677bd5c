#include "prompts/prompt_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace tally::prompts {
namespace {

TEST(PromptCache, StoresAndFinds) {
  PromptCache cache;
  cache.Store(1, "a", "l:production", "body", cache.generation());
  EXPECT_EQ(cache.Find(1, "a", "l:production"), "body");
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
  EXPECT_FALSE(cache.Find(2, "a", "l:production")) << "entries are per project";
}

TEST(PromptCache, InvalidateDropsOnlyThatProject) {
  PromptCache cache;
  cache.Store(1, "a", "v:1", "a1", cache.generation());
  cache.Store(1, "b", "v:1", "b1", cache.generation());
  cache.Store(12, "a", "v:1", "other", cache.generation());
  cache.InvalidateProject(1);
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
  EXPECT_FALSE(cache.Find(1, "b", "v:1"));
  EXPECT_EQ(cache.Find(12, "a", "v:1"), "other");
}

TEST(PromptCache, RacedReadIsNotStored) {
  PromptCache cache;
  const uint64_t before = cache.generation();
  cache.InvalidateProject(1);
  cache.Store(1, "a", "v:1", "stale", before);
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
}

TEST(PromptCache, EntriesExpire) {
  PromptCache cache({.ttl = std::chrono::milliseconds(20)});
  cache.Store(1, "a", "v:1", "body", cache.generation());
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
}

TEST(PromptCache, ZeroTtlDisables) {
  PromptCache cache({.ttl = std::chrono::milliseconds(0)});
  cache.Store(1, "a", "v:1", "body", cache.generation());
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
}

TEST(PromptCache, FullCacheStartsOver) {
  PromptCache cache({.max_entries = 2});
  cache.Store(1, "a", "v:1", "1", cache.generation());
  cache.Store(1, "a", "v:2", "2", cache.generation());
  cache.Store(1, "a", "v:3", "3", cache.generation());
  EXPECT_FALSE(cache.Find(1, "a", "v:1"));
  EXPECT_EQ(cache.Find(1, "a", "v:3"), "3");
}

}  // namespace
}  // namespace tally::prompts
