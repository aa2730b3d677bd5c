#include "prompts/prompt_cache.h"

#include <mutex>

namespace tally::prompts {

// Keys are "<project>\x1f<name>\x1f<selector>". Every key of a project
// shares its prefix, so invalidation is one ordered range.
std::string PromptCache::ProjectPrefix(int64_t project_id) { return std::to_string(project_id) + '\x1f'; }

std::optional<std::string> PromptCache::Find(int64_t project_id, const std::string& name,
                                             const std::string& selector) const {
  if (options_.ttl.count() == 0) return std::nullopt;
  const std::string key = ProjectPrefix(project_id) + name + '\x1f' + selector;
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expires_at <= std::chrono::steady_clock::now()) return std::nullopt;
  return it->second.body;
}

void PromptCache::Store(int64_t project_id, const std::string& name, const std::string& selector, std::string body,
                        uint64_t generation) {
  if (options_.ttl.count() == 0) return;
  std::string key = ProjectPrefix(project_id) + name + '\x1f' + selector;
  std::unique_lock lock(mutex_);
  // Checked under the lock: InvalidateName bumps the generation under it too.
  if (generation_.load(std::memory_order_acquire) != generation) return;
  if (entries_.size() >= options_.max_entries) entries_.clear();
  entries_[std::move(key)] = Entry{std::move(body), std::chrono::steady_clock::now() + options_.ttl};
}

void PromptCache::InvalidateProject(int64_t project_id) {
  const std::string prefix = ProjectPrefix(project_id);
  std::unique_lock lock(mutex_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.starts_with(prefix)) it = entries_.erase(it);
}

}  // namespace tally::prompts
