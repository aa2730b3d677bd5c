// The count cache's bounds and keys, without a database: least recently
// used entries go first, oversized keys are not stored, and keys keep apart
// every query, revision and parameter that could change a count.
#include "labeling/datamanager/count_cache.h"

#include <gtest/gtest.h>

namespace tally::labeling {
namespace {

CompiledTaskQuery Query(std::string where, store::Params params) {
  return CompiledTaskQuery{std::move(where), std::move(params), "t.id", {}, true};
}

TEST(TaskCountCache, EvictsLeastRecentlyUsed) {
  TaskCountCache cache(2);
  cache.Store("a", {1, 0, 0});
  cache.Store("b", {2, 0, 0});
  ASSERT_TRUE(cache.Find("a")) << "a becomes the most recently used";
  cache.Store("c", {3, 0, 0});

  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.Find("b"));
  ASSERT_TRUE(cache.Find("a"));
  EXPECT_EQ(cache.Find("a")->tasks, 1);
  ASSERT_TRUE(cache.Find("c"));
  EXPECT_EQ(cache.Find("c")->tasks, 3);
}

TEST(TaskCountCache, StoreReplacesExistingKey) {
  TaskCountCache cache(2);
  cache.Store("a", {1, 2, 3});
  cache.Store("a", {4, 5, 6});
  EXPECT_EQ(cache.size(), 1u);
  ASSERT_TRUE(cache.Find("a"));
  EXPECT_EQ(cache.Find("a")->tasks, 4);
  EXPECT_EQ(cache.Find("a")->annotations, 5);
  EXPECT_EQ(cache.Find("a")->predictions, 6);
}

TEST(TaskCountCache, SkipsOversizedKeys) {
  TaskCountCache cache;
  const std::string key(TaskCountCache::kMaxKeyBytes + 1, 'k');
  cache.Store(key, {1, 0, 0});
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Find(key));
}

TEST(TaskCountCache, KeysSeparateWhatChangesCounts) {
  const CompiledTaskQuery base = Query("t.project_id = ? AND t.x = ?", {int64_t{1}, int64_t{5}});
  const std::string key = TaskCountCache::Key(1, 7, base);

  EXPECT_EQ(key, TaskCountCache::Key(1, 7, Query("t.project_id = ? AND t.x = ?", {int64_t{1}, int64_t{5}})));
  EXPECT_NE(key, TaskCountCache::Key(2, 7, base)) << "project";
  EXPECT_NE(key, TaskCountCache::Key(1, 8, base)) << "revision";
  EXPECT_NE(key, TaskCountCache::Key(1, 7, Query("t.project_id = ? AND t.y = ?", {int64_t{1}, int64_t{5}})))
      << "where clause";
  EXPECT_NE(key, TaskCountCache::Key(1, 7, Query("t.project_id = ? AND t.x = ?", {int64_t{1}, int64_t{6}})))
      << "parameter value";
  EXPECT_NE(key, TaskCountCache::Key(1, 7, Query("t.project_id = ? AND t.x = ?", {int64_t{1}, std::string("5")})))
      << "parameter type";
  EXPECT_NE(TaskCountCache::Key(1, 7, Query("w", {std::string("a;"), std::string("b")})),
            TaskCountCache::Key(1, 7, Query("w", {std::string("a"), std::string(";b")})))
      << "text boundaries";
  EXPECT_NE(TaskCountCache::Key(1, 7, Query("w", {0.5})), TaskCountCache::Key(1, 7, Query("w", {0.25})))
      << "double value";
}

}  // namespace
}  // namespace tally::labeling
