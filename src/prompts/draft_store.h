// Storage of the Yjs update log of each prompt's shared draft (one draft per
// prompt name), for live co-editing (collaboration.h).
//
// Sequence numbers count up per draft and are assigned under a per-draft lock,
// so transactions on one draft commit in seq order. Compaction replaces rows
// up to a seq with one snapshot row that reuses that seq, so seq never goes
// down and new updates keep counting from the highest row.
//
// Every function takes a borrowed Connection and runs inside the caller's
// transaction; writes need a Database::Write connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::prompts {

struct DraftUpdate {
  int64_t seq = 0;
  std::string update;  // base64 of a binary Yjs update
  bool is_snapshot = false;
};

// Appends `update` to the draft's log and returns its seq (1 for a new draft).
[[nodiscard]] Result<int64_t> AppendDraftUpdate(store::Connection& connection, int64_t project_id,
                                                const std::string& name, const std::string& update, Micros now);

// The draft's whole log in seq order; empty for a draft without edits.
[[nodiscard]] Result<std::vector<DraftUpdate>> LoadDraftUpdates(store::Connection& connection, int64_t project_id,
                                                                const std::string& name);

// The highest seq of the draft's log; 0 when it is empty.
[[nodiscard]] Result<int64_t> LastDraftSeq(store::Connection& connection, int64_t project_id, const std::string& name);

// Replaces every row with seq <= `seen` by `snapshot` stored at seq `seen`.
// REQUIRES: `snapshot` contains every update up to `seen` (the saver's full
// document state after applying them), or edits are lost. Returns how many
// rows were removed; kInvalidArgument when `seen` is beyond the last row.
[[nodiscard]] Result<int64_t> CompactDraft(store::Connection& connection, int64_t project_id, const std::string& name,
                                           const std::string& snapshot, int64_t seen, Micros now);

}  // namespace tally::prompts
