// Storage of prompt versions, their labels and tags, and the audit trail of
// who changed them. All SQL of the prompts area lives in prompt_store.cc.
//
// A prompt is a name within a project; each version of it is one row with an
// integer version counting from 1. A label names at most one version of a
// name (the table's primary key enforces it), and `latest` always sits on the
// highest version: every function here that adds or deletes versions moves
// it. Tags belong to the name and read back identically on every version.
//
// Every function takes a borrowed Connection and runs inside the caller's
// transaction; writes need a Database::Write connection. Functions are
// stateless and safe from any thread with distinct connections.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::prompts {

using store::Connection;

inline constexpr const char* kLatestLabel = "latest";
inline constexpr const char* kProductionLabel = "production";

enum class PromptType { kText, kChat };

std::string_view PromptTypeName(PromptType type);

// The author of a change in the audit trail: a user by id, or a project key
// pair by its public key. Never a secret.
struct Actor {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kApiKey;
  std::string id;
};

struct PromptVersion {
  std::string id;
  int64_t project_id = 0;
  std::string name;
  int64_t version = 0;
  PromptType type = PromptType::kText;
  boost::json::value prompt;             // a string (text) or an array of chat messages
  boost::json::value config;             // any JSON value; {} when none was given
  std::vector<std::string> labels;       // in the order the version received them
  std::vector<std::string> tags;         // the name's tags, sorted
  std::optional<std::string> commit_message;
  std::string created_by;                // "API" for versions made through the public API
  Micros created_at = 0;
  Micros updated_at = 0;                 // also moves when a label is added or removed
};

struct NewPromptVersion {
  std::string name;
  PromptType type = PromptType::kText;
  boost::json::value prompt;
  boost::json::value config = boost::json::object();
  std::vector<std::string> labels;               // without `latest`, which the store adds
  std::optional<std::vector<std::string>> tags;  // nullopt keeps the name's tags
  std::optional<std::string> commit_message;
  std::string created_by = "API";
};

// The version a read or delete targets. With both fields empty, a read
// takes the `production` label and a delete takes every version.
struct VersionSelector {
  std::optional<int64_t> version;
  std::optional<std::string> label;
};

// Inserts the next version of `draft.name` (1 for a new name), gives it
// `latest` and `draft.labels` (moving them off older versions), replaces the
// name's tags when `draft.tags` is set, and records the audit entries.
// kInvalidArgument when the name already has versions of the other type.
// kConflict when another writer took the same version number first, so the
// caller may retry in a fresh transaction. On PostgreSQL, writers of one
// name wait for each other instead (a transaction-scoped advisory lock).
[[nodiscard]] Result<PromptVersion> InsertPromptVersion(Connection& connection, int64_t project_id,
                                                        const NewPromptVersion& draft, const Actor& actor);

// The version `selector` names, or nullopt when there is none.
[[nodiscard]] Result<std::optional<PromptVersion>> FindPromptVersion(Connection& connection, int64_t project_id,
                                                                     const std::string& name,
                                                                     const VersionSelector& selector);

// Adds `labels` to a version (keeping the ones it has) and removes each of
// them from every other version of the name. nullopt when the version does
// not exist. REQUIRES: `labels` does not contain `latest`.
[[nodiscard]] Result<std::optional<PromptVersion>> AddLabels(Connection& connection, int64_t project_id,
                                                             const std::string& name, int64_t version,
                                                             const std::vector<std::string>& labels,
                                                             const Actor& actor);

// Deletes the selected version, or every version of the name when the
// selector is empty, moving `latest` to the highest remaining version.
// Returns how many versions were deleted: 0 when nothing matched.
[[nodiscard]] Result<int64_t> DeletePromptVersions(Connection& connection, int64_t project_id,
                                                   const std::string& name, const VersionSelector& selector,
                                                   const Actor& actor);

// A version's identity without its content, for the metrics view.
struct VersionRef {
  std::string id;
  int64_t version = 0;
  std::vector<std::string> labels;  // in the order the version received them
  Micros created_at = 0;
};

// Every version of `name`, ascending; empty when the name has none.
[[nodiscard]] Result<std::vector<VersionRef>> ListVersionRefs(Connection& connection, int64_t project_id,
                                                              const std::string& name);

struct PromptListFilter {
  std::optional<std::string> name;  // exact
  std::optional<int64_t> version;
  std::optional<std::string> label;
  std::optional<std::string> tag;
  std::optional<Micros> from_updated_at;  // inclusive
  std::optional<Micros> to_updated_at;    // exclusive
  int64_t page = 1;                       // from 1
  int64_t limit = 10;
};

// One name in a list, summarised over the versions that matched the filter.
struct PromptSummary {
  std::string name;
  PromptType type = PromptType::kText;       // of the highest matching version
  std::vector<int64_t> versions;             // ascending
  std::vector<std::string> labels;           // union over matching versions, sorted
  std::vector<std::string> tags;             // sorted
  Micros last_updated_at = 0;
  boost::json::value last_config;            // of the highest matching version
};

struct PromptList {
  std::vector<PromptSummary> items;  // ordered by name
  int64_t total_names = 0;           // across all pages
};

// Names with at least one version matching every set filter, one page of them.
[[nodiscard]] Result<PromptList> ListPrompts(Connection& connection, int64_t project_id,
                                             const PromptListFilter& filter);

struct AuditEntry {
  int64_t id = 0;                     // increases in the order entries were written
  std::string name;
  int64_t version = 0;
  std::string action;                 // create_version, add_label, remove_label, delete_version
  std::optional<std::string> label;   // set for label actions
  Actor actor;
  Micros created_at = 0;
};

// The audit trail of one name, oldest first; `total` counts every entry.
struct AuditPage {
  std::vector<AuditEntry> entries;
  int64_t total = 0;
};
[[nodiscard]] Result<AuditPage> ListPromptAudit(Connection& connection, int64_t project_id,
                                                const std::string& name, int64_t page, int64_t limit);

}  // namespace tally::prompts
