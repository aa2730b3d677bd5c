#include "prompts/prompt_service.h"

#include <boost/json.hpp>

#include "core/json.h"
#include "core/log.h"
#include "prompts/composition.h"
#include "prompts/serialize.h"

namespace tally::prompts {

namespace bj = boost::json;

namespace {

// Two processes that read the same highest version both try to insert the
// next one; the loser's unique-key failure is retried this many times.
constexpr int kCreateAttempts = 3;

std::string SelectorKey(const VersionSelector& selector, bool resolve) {
  std::string key = resolve ? "r:" : "u:";
  if (selector.version) return key + "v:" + std::to_string(*selector.version);
  return key + "l:" + selector.label.value_or(kProductionLabel);
}

}  // namespace

Result<PromptVersion> PromptService::Create(int64_t project_id, const NewPromptVersion& draft, const Actor& actor) {
  for (int attempt = 1;; ++attempt) {
    auto created = database_.Write([&](store::Connection& connection) -> Result<PromptVersion> {
      TALLY_TRY(CheckPromptReferences(connection, project_id, draft.name, draft.prompt));
      return InsertPromptVersion(connection, project_id, draft, actor);
    });
    if (created) {
      cache_.InvalidateProject(project_id);
      return created;
    }
    if (!created.error().IsConflict()) return created.error();
    if (attempt == kCreateAttempts) {
      TALLY_LOG_WARN("event=prompt_version_conflict project_id={} attempts={}", project_id, attempt);
      return Error::Invalid("Failed to create prompt due to unique constraint failure: another version was created "
                            "at the same moment. Please add a delay and retry.");
    }
  }
}

Result<std::optional<std::string>> PromptService::GetJson(int64_t project_id, const std::string& name,
                                                          const VersionSelector& selector, bool resolve) {
  const std::string key = SelectorKey(selector, resolve);
  if (auto cached = cache_.Find(project_id, name, key)) return cached;

  const uint64_t generation = cache_.generation();
  std::optional<std::string> body;
  TALLY_TRY(database_.Read([&](store::Connection& connection) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(found, FindPromptVersion(connection, project_id, name, selector));
    if (!found) return Ok();
    bj::value graph = nullptr;
    if (resolve) {
      TALLY_ASSIGN_OR_RETURN(resolved, ResolvePromptReferences(connection, *found));
      graph = std::move(resolved);
    }
    body = json::Serialize(PromptVersionJson(*found, false, graph));
    return Ok();
  }));
  if (!body) return body;
  cache_.Store(project_id, name, key, *body, generation);
  return body;
}

Result<std::optional<PromptVersion>> PromptService::AddLabels(int64_t project_id, const std::string& name,
                                                              int64_t version, const std::vector<std::string>& labels,
                                                              const Actor& actor) {
  auto updated = database_.Write([&](store::Connection& connection) {
    return prompts::AddLabels(connection, project_id, name, version, labels, actor);
  });
  if (updated && *updated) cache_.InvalidateProject(project_id);
  return updated;
}

Result<int64_t> PromptService::Delete(int64_t project_id, const std::string& name, const VersionSelector& selector,
                                      const Actor& actor) {
  auto deleted = database_.Write([&](store::Connection& connection) -> Result<int64_t> {
    // Another prompt may embed a version about to go; Langfuse rejects such
    // a delete, so the check runs before anything is removed.
    const bool all = !selector.version && !selector.label;
    std::vector<int64_t> versions;
    if (!all) {
      TALLY_ASSIGN_OR_RETURN(found, FindPromptVersion(connection, project_id, name, selector));
      if (found) versions.push_back(found->version);
    }
    if (all || !versions.empty()) TALLY_TRY(CheckDeleteKeepsReferences(connection, project_id, name, versions, all));
    return DeletePromptVersions(connection, project_id, name, selector, actor);
  });
  if (deleted && *deleted > 0) cache_.InvalidateProject(project_id);
  return deleted;
}

Result<PromptList> PromptService::List(int64_t project_id, const PromptListFilter& filter) {
  return database_.Read([&](store::Connection& connection) { return ListPrompts(connection, project_id, filter); });
}

Result<AuditPage> PromptService::Audit(int64_t project_id, const std::string& name, int64_t page, int64_t limit) {
  return database_.Read(
      [&](store::Connection& connection) { return ListPromptAudit(connection, project_id, name, page, limit); });
}

}  // namespace tally::prompts
