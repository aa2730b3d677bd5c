#include "prompts/prompt_store.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::prompts {

namespace bj = boost::json;
using store::Params;
using store::Row;

std::string_view PromptTypeName(PromptType type) { return type == PromptType::kChat ? "chat" : "text"; }

namespace {

constexpr const char* kVersionColumns =
    "id, name, version, type, prompt, config, commit_message, created_by, created_at, updated_at";

std::string_view ActorKindName(Actor::Kind kind) { return kind == Actor::Kind::kUser ? "user" : "api_key"; }

Result<bj::value> ParseStoredJson(const std::string& text, std::string_view column) {
  boost::system::error_code ec;
  bj::value value = bj::parse(text, ec);
  if (ec) return Error::Internal(fmt::format("prompts.{} contains invalid JSON: {}", column, ec.message()));
  return value;
}

Result<std::vector<std::string>> LoadLabels(Connection& connection, int64_t project_id, const std::string& name,
                                            int64_t version) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT label FROM prompt_labels WHERE project_id = ? AND name = ? "
                                                "AND version = ? ORDER BY position, label",
                                                {project_id, name, version}));
  std::vector<std::string> labels;
  for (const Row& row : rows) labels.push_back(row.Text(0));
  return labels;
}

Result<std::vector<std::string>> LoadTags(Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT tag FROM prompt_tags WHERE project_id = ? AND name = ? "
                                                "ORDER BY tag",
                                                {project_id, name}));
  std::vector<std::string> tags;
  for (const Row& row : rows) tags.push_back(row.Text(0));
  return tags;
}

// Builds a PromptVersion from a row selected with kVersionColumns and loads
// its labels and tags.
Result<PromptVersion> ReadVersion(Connection& connection, int64_t project_id, const Row& row) {
  PromptVersion version;
  version.id = row.Text(0);
  version.project_id = project_id;
  version.name = row.Text(1);
  version.version = row.Int(2);
  version.type = row.Text(3) == "chat" ? PromptType::kChat : PromptType::kText;
  TALLY_ASSIGN_OR_RETURN(prompt, ParseStoredJson(row.Text(4), "prompt"));
  version.prompt = std::move(prompt);
  TALLY_ASSIGN_OR_RETURN(config, ParseStoredJson(row.Text(5), "config"));
  version.config = std::move(config);
  version.commit_message = row.OptionalText(6);
  version.created_by = row.Text(7);
  version.created_at = row.Int(8);
  version.updated_at = row.Int(9);

  TALLY_ASSIGN_OR_RETURN(labels, LoadLabels(connection, project_id, version.name, version.version));
  version.labels = std::move(labels);
  TALLY_ASSIGN_OR_RETURN(tags, LoadTags(connection, project_id, version.name));
  version.tags = std::move(tags);
  return version;
}

Result<void> RecordAudit(Connection& connection, int64_t project_id, const std::string& name, int64_t version,
                         std::string_view action, const std::optional<std::string>& label, const Actor& actor,
                         Micros now) {
  TALLY_TRY(connection.Execute(
      "INSERT INTO prompt_audit (project_id, name, version, action, label, actor_kind, actor_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {project_id, name, version, std::string(action), store::OrNull(label),
       std::string(ActorKindName(actor.kind)), actor.id, now}));
  return Ok();
}

Result<void> TouchVersion(Connection& connection, int64_t project_id, const std::string& name, int64_t version,
                          Micros now) {
  TALLY_TRY(connection.Execute("UPDATE prompts SET updated_at = ? WHERE project_id = ? AND name = ? AND version = ?",
                               {now, project_id, name, version}));
  return Ok();
}

Result<int64_t> NextLabelPosition(Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT COALESCE(MAX(position), 0) FROM prompt_labels "
                                                  "WHERE project_id = ? AND name = ?",
                                                  {project_id, name}));
  return (row ? row->Int(0) : 0) + 1;
}

// Puts `label` on `version`, taking it off the version that had it. Returns
// false when the version already had the label. `latest` moves are not
// audited: they follow from creating or deleting a version, which is.
Result<bool> MoveLabel(Connection& connection, int64_t project_id, const std::string& name, const std::string& label,
                       int64_t version, int64_t position, const Actor& actor, Micros now) {
  TALLY_ASSIGN_OR_RETURN(holder, connection.QueryOne("SELECT version FROM prompt_labels WHERE project_id = ? AND "
                                                     "name = ? AND label = ?",
                                                     {project_id, name, label}));
  const bool audited = label != kLatestLabel;
  if (holder) {
    const int64_t previous = holder->Int(0);
    if (previous == version) return false;
    TALLY_TRY(connection.Execute("DELETE FROM prompt_labels WHERE project_id = ? AND name = ? AND label = ?",
                                 {project_id, name, label}));
    TALLY_TRY(TouchVersion(connection, project_id, name, previous, now));
    if (audited) TALLY_TRY(RecordAudit(connection, project_id, name, previous, "remove_label", label, actor, now));
  }

  TALLY_TRY(connection.Execute(
      "INSERT INTO prompt_labels (project_id, name, label, version, position) VALUES (?, ?, ?, ?, ?)",
      {project_id, name, label, version, position}));
  if (audited) TALLY_TRY(RecordAudit(connection, project_id, name, version, "add_label", label, actor, now));
  return true;
}

// Serializes writers of one name on PostgreSQL for the rest of the
// transaction. Without it, concurrent creates read the same highest version
// and all but one fail the unique key. With it, each waits and then reads the
// committed version. SQLite needs nothing because it has a single writer.
Result<void> LockName(Connection& connection, int64_t project_id, const std::string& name) {
  if (connection.dialect() != store::Dialect::kPostgres) return Ok();
  TALLY_TRY(connection.Query("SELECT pg_advisory_xact_lock(hashtext(?))",
                             {fmt::format("tally.prompts:{}:{}", project_id, name)}));
  return Ok();
}

}  // namespace

Result<PromptVersion> InsertPromptVersion(Connection& connection, int64_t project_id, const NewPromptVersion& draft,
                                          const Actor& actor) {
  TALLY_TRY(LockName(connection, project_id, draft.name));

  // The type is fixed by the name's newest version; versions count on from it.
  TALLY_ASSIGN_OR_RETURN(newest, connection.QueryOne("SELECT version, type FROM prompts WHERE project_id = ? AND "
                                                     "name = ? ORDER BY version DESC LIMIT 1",
                                                     {project_id, draft.name}));
  if (newest && newest->Text(1) != PromptTypeName(draft.type)) {
    return Error::Invalid("Previous versions have different prompt type. Create a new prompt with a different name.");
  }
  const int64_t version = newest ? newest->Int(0) + 1 : 1;
  const Micros now = NowMicros();

  // A concurrent writer that took the same version number makes this insert
  // fail the (project_id, name, version) unique key with kConflict.
  TALLY_TRY(connection.Execute(
      "INSERT INTO prompts (project_id, id, name, version, type, prompt, config, commit_message, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {project_id, NewUuidV7(), draft.name, version, std::string(PromptTypeName(draft.type)),
       json::Serialize(draft.prompt), json::Serialize(draft.config), store::OrNull(draft.commit_message),
       draft.created_by, now, now}));
  TALLY_TRY(RecordAudit(connection, project_id, draft.name, version, "create_version", std::nullopt, actor, now));

  // Requested labels first, then `latest`, so reads list them in that order.
  TALLY_ASSIGN_OR_RETURN(position, NextLabelPosition(connection, project_id, draft.name));
  std::vector<std::string> labels;
  for (const std::string& label : draft.labels) {
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  }
  if (std::find(labels.begin(), labels.end(), kLatestLabel) == labels.end()) labels.push_back(kLatestLabel);
  for (const std::string& label : labels) {
    TALLY_ASSIGN_OR_RETURN(moved, MoveLabel(connection, project_id, draft.name, label, version, position++, actor, now));
    (void)moved;
  }

  if (draft.tags) {
    TALLY_TRY(connection.Execute("DELETE FROM prompt_tags WHERE project_id = ? AND name = ?", {project_id, draft.name}));
    const std::set<std::string> unique(draft.tags->begin(), draft.tags->end());
    for (const std::string& tag : unique) {
      TALLY_TRY(connection.Execute("INSERT INTO prompt_tags (project_id, name, tag) VALUES (?, ?, ?)",
                                   {project_id, draft.name, tag}));
    }
  }

  TALLY_ASSIGN_OR_RETURN(stored, FindPromptVersion(connection, project_id, draft.name, {.version = version}));
  if (!stored) return Error::Internal("prompt version vanished inside its own transaction");
  return std::move(*stored);
}

Result<std::optional<PromptVersion>> FindPromptVersion(Connection& connection, int64_t project_id,
                                                       const std::string& name, const VersionSelector& selector) {
  std::optional<Row> row;
  if (selector.version) {
    TALLY_ASSIGN_OR_RETURN(found, connection.QueryOne(fmt::format("SELECT {} FROM prompts WHERE project_id = ? AND "
                                                                  "name = ? AND version = ?",
                                                                  kVersionColumns),
                                                      {project_id, name, *selector.version}));
    row = std::move(found);
  } else {
    const std::string label = selector.label.value_or(kProductionLabel);
    TALLY_ASSIGN_OR_RETURN(found, connection.QueryOne(
                                      fmt::format("SELECT {} FROM prompts p WHERE p.project_id = ? AND p.name = ? AND "
                                                  "p.version = (SELECT l.version FROM prompt_labels l WHERE "
                                                  "l.project_id = ? AND l.name = ? AND l.label = ?)",
                                                  kVersionColumns),
                                      {project_id, name, project_id, name, label}));
    row = std::move(found);
  }
  if (!row) return std::optional<PromptVersion>();
  TALLY_ASSIGN_OR_RETURN(version, ReadVersion(connection, project_id, *row));
  return std::optional<PromptVersion>(std::move(version));
}

Result<std::optional<PromptVersion>> AddLabels(Connection& connection, int64_t project_id, const std::string& name,
                                               int64_t version, const std::vector<std::string>& labels,
                                               const Actor& actor) {
  TALLY_TRY(LockName(connection, project_id, name));
  TALLY_ASSIGN_OR_RETURN(exists, connection.QueryOne("SELECT 1 FROM prompts WHERE project_id = ? AND name = ? AND "
                                                     "version = ?",
                                                     {project_id, name, version}));
  if (!exists) return std::optional<PromptVersion>();

  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(position, NextLabelPosition(connection, project_id, name));
  bool changed = false;
  for (const std::string& label : labels) {
    TALLY_ASSIGN_OR_RETURN(moved, MoveLabel(connection, project_id, name, label, version, position++, actor, now));
    changed = changed || moved;
  }
  if (changed) TALLY_TRY(TouchVersion(connection, project_id, name, version, now));
  return FindPromptVersion(connection, project_id, name, {.version = version});
}

Result<int64_t> DeletePromptVersions(Connection& connection, int64_t project_id, const std::string& name,
                                     const VersionSelector& selector, const Actor& actor) {
  TALLY_TRY(LockName(connection, project_id, name));

  // Resolve the selector to version numbers first so the audit can name them.
  std::vector<int64_t> doomed;
  if (selector.version || selector.label) {
    TALLY_ASSIGN_OR_RETURN(found, FindPromptVersion(connection, project_id, name, selector));
    if (found) doomed.push_back(found->version);
  } else {
    TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT version FROM prompts WHERE project_id = ? AND name = ?",
                                                  {project_id, name}));
    for (const Row& row : rows) doomed.push_back(row.Int(0));
  }
  if (doomed.empty()) return 0;

  const Micros now = NowMicros();
  for (int64_t version : doomed) {
    TALLY_TRY(connection.Execute("DELETE FROM prompt_labels WHERE project_id = ? AND name = ? AND version = ?",
                                 {project_id, name, version}));
    TALLY_TRY(connection.Execute("DELETE FROM prompts WHERE project_id = ? AND name = ? AND version = ?",
                                 {project_id, name, version}));
    TALLY_TRY(RecordAudit(connection, project_id, name, version, "delete_version", std::nullopt, actor, now));
  }

  // `latest` follows the highest remaining version; with none left the name's
  // tags go too, so a later create starts clean.
  TALLY_ASSIGN_OR_RETURN(highest, connection.QueryOne("SELECT MAX(version) FROM prompts WHERE project_id = ? AND "
                                                      "name = ?",
                                                      {project_id, name}));
  if (highest && !highest->IsNull(0)) {
    TALLY_ASSIGN_OR_RETURN(position, NextLabelPosition(connection, project_id, name));
    TALLY_ASSIGN_OR_RETURN(moved, MoveLabel(connection, project_id, name, kLatestLabel, highest->Int(0), position,
                                            actor, now));
    if (moved) TALLY_TRY(TouchVersion(connection, project_id, name, highest->Int(0), now));
  } else {
    TALLY_TRY(connection.Execute("DELETE FROM prompt_tags WHERE project_id = ? AND name = ?", {project_id, name}));
  }
  return static_cast<int64_t>(doomed.size());
}

Result<PromptList> ListPrompts(Connection& connection, int64_t project_id, const PromptListFilter& filter) {
  // One WHERE clause over versions serves the count, the page of names and
  // the versions of those names, so all three agree.
  std::string where = "p.project_id = ?";
  Params params{project_id};
  if (filter.name) {
    where += " AND p.name = ?";
    params.push_back(*filter.name);
  }
  if (filter.version) {
    where += " AND p.version = ?";
    params.push_back(*filter.version);
  }
  if (filter.label) {
    where += " AND EXISTS (SELECT 1 FROM prompt_labels l WHERE l.project_id = p.project_id AND l.name = p.name AND "
             "l.version = p.version AND l.label = ?)";
    params.push_back(*filter.label);
  }
  if (filter.tag) {
    where += " AND EXISTS (SELECT 1 FROM prompt_tags t WHERE t.project_id = p.project_id AND t.name = p.name AND "
             "t.tag = ?)";
    params.push_back(*filter.tag);
  }
  if (filter.from_updated_at) {
    where += " AND p.updated_at >= ?";
    params.push_back(*filter.from_updated_at);
  }
  if (filter.to_updated_at) {
    where += " AND p.updated_at < ?";
    params.push_back(*filter.to_updated_at);
  }

  PromptList list;
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(DISTINCT p.name) FROM prompts p WHERE " + where,
                                                    params));
  list.total_names = count ? count->Int(0) : 0;

  Params page_params = params;
  page_params.push_back(filter.limit);
  page_params.push_back((filter.page - 1) * filter.limit);
  TALLY_ASSIGN_OR_RETURN(name_rows, connection.Query("SELECT DISTINCT p.name FROM prompts p WHERE " + where +
                                                         " ORDER BY p.name LIMIT ? OFFSET ?",
                                                     page_params));
  if (name_rows.empty()) return list;

  std::string in_list;
  Params version_params = params;
  for (const Row& row : name_rows) {
    in_list += in_list.empty() ? "?" : ", ?";
    version_params.push_back(row.Text(0));
  }
  TALLY_ASSIGN_OR_RETURN(version_rows,
                         connection.Query("SELECT p.name, p.version, p.type, p.config, p.updated_at FROM prompts p "
                                          "WHERE " + where + " AND p.name IN (" + in_list +
                                              ") ORDER BY p.name, p.version",
                                          version_params));

  // Summaries keyed by name; labels count only on versions that matched.
  std::map<std::string, PromptSummary> by_name;
  for (const Row& row : version_rows) {
    PromptSummary& summary = by_name[row.Text(0)];
    summary.name = row.Text(0);
    summary.versions.push_back(row.Int(1));
    summary.type = row.Text(2) == "chat" ? PromptType::kChat : PromptType::kText;
    TALLY_ASSIGN_OR_RETURN(config, ParseStoredJson(row.Text(3), "config"));
    summary.last_config = std::move(config);
    summary.last_updated_at = std::max(summary.last_updated_at, row.Int(4));
  }
  for (auto& [name, summary] : by_name) {
    TALLY_ASSIGN_OR_RETURN(label_rows, connection.Query("SELECT label, version FROM prompt_labels WHERE "
                                                        "project_id = ? AND name = ?",
                                                        {project_id, name}));
    std::set<std::string> labels;
    for (const Row& row : label_rows) {
      if (std::binary_search(summary.versions.begin(), summary.versions.end(), row.Int(1))) labels.insert(row.Text(0));
    }
    summary.labels.assign(labels.begin(), labels.end());
    TALLY_ASSIGN_OR_RETURN(tags, LoadTags(connection, project_id, name));
    summary.tags = std::move(tags);
    list.items.push_back(std::move(summary));
  }
  return list;
}

Result<std::vector<VersionRef>> ListVersionRefs(Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT id, version, created_at FROM prompts WHERE project_id = ? "
                                                "AND name = ? ORDER BY version",
                                                {project_id, name}));
  TALLY_ASSIGN_OR_RETURN(label_rows, connection.Query("SELECT version, label FROM prompt_labels WHERE project_id = ? "
                                                      "AND name = ? ORDER BY position, label",
                                                      {project_id, name}));
  std::vector<VersionRef> refs;
  for (const Row& row : rows) refs.push_back(VersionRef{row.Text(0), row.Int(1), {}, row.Int(2)});
  for (const Row& row : label_rows) {
    for (VersionRef& ref : refs) {
      if (ref.version == row.Int(0)) ref.labels.push_back(row.Text(1));
    }
  }
  return refs;
}

Result<AuditPage> ListPromptAudit(Connection& connection, int64_t project_id, const std::string& name, int64_t page,
                                  int64_t limit) {
  AuditPage result;
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(*) FROM prompt_audit WHERE project_id = ? AND "
                                                    "name = ?",
                                                    {project_id, name}));
  result.total = count ? count->Int(0) : 0;

  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(
                                   "SELECT id, version, action, label, actor_kind, actor_id, created_at FROM "
                                   "prompt_audit WHERE project_id = ? AND name = ? ORDER BY id "
                                   "LIMIT ? OFFSET ?",
                                   {project_id, name, limit, (page - 1) * limit}));
  for (const Row& row : rows) {
    AuditEntry entry;
    entry.id = row.Int(0);
    entry.name = name;
    entry.version = row.Int(1);
    entry.action = row.Text(2);
    entry.label = row.OptionalText(3);
    entry.actor.kind = row.Text(4) == "user" ? Actor::Kind::kUser : Actor::Kind::kApiKey;
    entry.actor.id = row.Text(5);
    entry.created_at = row.Int(6);
    result.entries.push_back(std::move(entry));
  }
  return result;
}

}  // namespace tally::prompts
