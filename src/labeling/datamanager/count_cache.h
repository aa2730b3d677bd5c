// Counts of filtered data manager pages, kept in process memory per
// (project, data revision, compiled query) so a page after the first stops
// counting every matching task.
//
// A count that misses the cache (a cold count) of a filter on the columns of
// task_column_counts (migration 0015) sums that table instead of reading the
// tasks, so it stays cheap on large projects. A cold count of any other
// filter reads every matching task.
//
// Why a cached count is never stale: migration 0009's triggers bump the
// project's data revision in the same transaction as every write to a table
// a filter reads (tasks, annotations, predictions, drafts, file_uploads),
// whichever process writes. A count is stored under the revision its own
// statement read, and served only while the revision read in the request's
// snapshot is the same, so the first page after any write to the project
// counts afresh.
//
// NOTE: revisions only grow while the database lives. Restoring an older
// copy of the database, or migrating 0009 down and up, under a running
// server can repeat a revision, so restart servers after either.
//
// Memory: at most kMaxEntries entries, least recently used evicted first.
// Queries whose key (compiled SQL and parameters) exceeds kMaxKeyBytes are
// counted without being cached, so keys take at most 512 × 8 KiB = 4 MiB.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/result.h"
#include "labeling/datamanager/query_store.h"

namespace tally::labeling {

class TaskCountCache {
 public:
  static constexpr size_t kMaxEntries = 512;
  static constexpr size_t kMaxKeyBytes = 8 * 1024;

  explicit TaskCountCache(size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}

  // The key of `query` for `project_id` at `revision`: every byte of the
  // compiled WHERE clause and its parameters (the user id of draft_exists
  // included). Ordering and paging do not change a count, so they are left out.
  static std::string Key(int64_t project_id, int64_t revision, const CompiledTaskQuery& query);

  std::optional<TaskQueryTotals> Find(const std::string& key);
  void Store(const std::string& key, const TaskQueryTotals& totals);
  size_t size();

 private:
  using Entry = std::pair<std::string, TaskQueryTotals>;

  const size_t max_entries_;
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  // Views into the keys stored in entries_, whose nodes never move.
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

// Counts the tasks `query` matches in `project_id`, from `cache` when the
// project's data revision in this connection's snapshot equals the one the
// cached count was taken at, otherwise by CountMatchingTasksWithRevision,
// storing the result. A cached result never has compaction_due set. Run it
// inside Database::Read so the revision, the count and the page share one
// snapshot.
[[nodiscard]] Result<RevisedTaskQueryTotals> CountMatchingTasksCached(Connection& connection, const CompiledTaskQuery& query,
                                                              int64_t project_id, TaskCountCache& cache);

}  // namespace tally::labeling
