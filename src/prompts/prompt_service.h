// PromptService: the prompt operations the routes call, each one database
// transaction, with the read cache in front of single-version reads.
//
// Writes retry a version-number collision (two processes creating the same
// name at once) in a fresh transaction, then drop the project's cache
// entries once committed. Reads by name and label or version go through PromptCache.
//
// Thread-safety: safe from any thread. Owns its cache; borrows the Database,
// which must outlive it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "prompts/prompt_cache.h"
#include "prompts/prompt_store.h"

namespace tally::prompts {

class PromptService {
 public:
  explicit PromptService(store::Database& database, PromptCacheOptions cache_options = {})
      : database_(database), cache_(cache_options) {}

  // The stored version. kInvalidArgument for a type change or after three
  // lost races for the next version number.
  [[nodiscard]] Result<PromptVersion> Create(int64_t project_id, const NewPromptVersion& draft, const Actor& actor);

  // The serialized GET body of the selected version, from the cache when
  // fresh, with embedded prompts resolved when `resolve`; nullopt when no
  // version matches.
  [[nodiscard]] Result<std::optional<std::string>> GetJson(int64_t project_id, const std::string& name,
                                                           const VersionSelector& selector, bool resolve = true);

  // The version with its new labels; nullopt when the version does not exist.
  [[nodiscard]] Result<std::optional<PromptVersion>> AddLabels(int64_t project_id, const std::string& name,
                                                               int64_t version, const std::vector<std::string>& labels,
                                                               const Actor& actor);

  // How many versions were deleted (0: nothing matched).
  [[nodiscard]] Result<int64_t> Delete(int64_t project_id, const std::string& name, const VersionSelector& selector,
                                       const Actor& actor);

  [[nodiscard]] Result<PromptList> List(int64_t project_id, const PromptListFilter& filter);

  [[nodiscard]] Result<AuditPage> Audit(int64_t project_id, const std::string& name, int64_t page, int64_t limit);

 private:
  store::Database& database_;
  PromptCache cache_;
};

}  // namespace tally::prompts
