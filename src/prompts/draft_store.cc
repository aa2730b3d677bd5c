#include "prompts/draft_store.h"

#include <fmt/format.h>

namespace tally::prompts {

using store::Connection;
using store::Row;

namespace {

// Serializes writers of one draft on PostgreSQL so seqs are assigned and
// committed in order; SQLite has a single writer already.
Result<void> LockDraft(Connection& connection, int64_t project_id, const std::string& name) {
  if (connection.dialect() != store::Dialect::kPostgres) return Ok();
  TALLY_TRY(connection.Query("SELECT pg_advisory_xact_lock(hashtext(?))",
                             {fmt::format("tally.prompt_drafts:{}:{}", project_id, name)}));
  return Ok();
}

}  // namespace

Result<int64_t> AppendDraftUpdate(Connection& connection, int64_t project_id, const std::string& name,
                                  const std::string& update, Micros now) {
  TALLY_TRY(LockDraft(connection, project_id, name));
  TALLY_ASSIGN_OR_RETURN(highest, LastDraftSeq(connection, project_id, name));
  const int64_t seq = highest + 1;
  TALLY_TRY(connection.Execute("INSERT INTO prompt_draft_updates (project_id, name, seq, update_data, is_snapshot, "
                               "created_at) VALUES (?, ?, ?, ?, 0, ?)",
                               {project_id, name, seq, update, now}));
  return seq;
}

Result<int64_t> LastDraftSeq(Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(highest, connection.QueryOne("SELECT MAX(seq) FROM prompt_draft_updates "
                                                      "WHERE project_id = ? AND name = ?",
                                                      {project_id, name}));
  return highest && !highest->IsNull(0) ? highest->Int(0) : 0;
}

Result<std::vector<DraftUpdate>> LoadDraftUpdates(Connection& connection, int64_t project_id,
                                                  const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT seq, update_data, is_snapshot FROM prompt_draft_updates "
                                                "WHERE project_id = ? AND name = ? ORDER BY seq",
                                                {project_id, name}));
  std::vector<DraftUpdate> updates;
  for (const Row& row : rows) updates.push_back(DraftUpdate{row.Int(0), row.Text(1), row.Bool(2)});
  return updates;
}

Result<int64_t> CompactDraft(Connection& connection, int64_t project_id, const std::string& name,
                             const std::string& snapshot, int64_t seen, Micros now) {
  if (seen <= 0) return 0;
  TALLY_TRY(LockDraft(connection, project_id, name));
  TALLY_ASSIGN_OR_RETURN(highest, LastDraftSeq(connection, project_id, name));
  if (highest < seen) {
    return Error::InvalidField("data.seen", "is beyond the draft's last update; send the highest seq you applied");
  }
  TALLY_ASSIGN_OR_RETURN(removed, connection.Execute("DELETE FROM prompt_draft_updates WHERE project_id = ? AND "
                                                     "name = ? AND seq <= ?",
                                                     {project_id, name, seen}));
  TALLY_TRY(connection.Execute("INSERT INTO prompt_draft_updates (project_id, name, seq, update_data, is_snapshot, "
                               "created_at) VALUES (?, ?, ?, ?, 1, ?)",
                               {project_id, name, seen, snapshot, now}));
  return removed;
}

}  // namespace tally::prompts
