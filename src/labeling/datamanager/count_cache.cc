#include "labeling/datamanager/count_cache.h"

#include <fmt/format.h>

#include <type_traits>
#include <variant>

namespace tally::labeling {

namespace {

// Appends one parameter with a type tag and, for text, a length prefix, so
// two different parameter lists never produce the same bytes.
void AppendParam(std::string& key, const store::Value& value) {
  std::visit(
      [&key](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          key += "n;";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          key += fmt::format("i{};", v);
        } else if constexpr (std::is_same_v<T, double>) {
          key += fmt::format("d{};", v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          key += fmt::format("s{}:", v.size());
          key += v;
        } else {
          key += fmt::format("b{}:", v.bytes.size());
          key += v.bytes;
        }
      },
      value);
}

}  // namespace

std::string TaskCountCache::Key(int64_t project_id, int64_t revision, const CompiledTaskQuery& query) {
  std::string key = fmt::format("{}@{}|{}:", project_id, revision, query.where.size());
  key += query.where;
  for (const store::Value& value : query.where_params) AppendParam(key, value);
  return key;
}

std::optional<TaskQueryTotals> TaskCountCache::Find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(std::string_view(key));
  if (found == index_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->second;
}

void TaskCountCache::Store(const std::string& key, const TaskQueryTotals& totals) {
  if (key.size() > kMaxKeyBytes || max_entries_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(std::string_view(key)); found != index_.end()) {
    found->second->second = totals;
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  entries_.emplace_front(key, totals);
  index_.emplace(std::string_view(entries_.front().first), entries_.begin());
  while (entries_.size() > max_entries_) {
    index_.erase(std::string_view(entries_.back().first));
    entries_.pop_back();
  }
}

size_t TaskCountCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

Result<RevisedTaskQueryTotals> CountMatchingTasksCached(Connection& connection, const CompiledTaskQuery& query,
                                                       int64_t project_id, TaskCountCache& cache) {
  TALLY_ASSIGN_OR_RETURN(revision, ProjectDataRevision(connection, project_id));
  if (revision) {
    if (auto cached = cache.Find(TaskCountCache::Key(project_id, *revision, query))) {
      return RevisedTaskQueryTotals{*cached, revision};
    }
  }
  TALLY_ASSIGN_OR_RETURN(counted, CountMatchingTasksWithRevision(connection, query, project_id));
  // Stored under the revision the count statement itself read, which on a
  // snapshot shared with the lookup above is the same one.
  if (counted.revision) cache.Store(TaskCountCache::Key(project_id, *counted.revision, query), counted.totals);
  return counted;
}

}  // namespace tally::labeling
