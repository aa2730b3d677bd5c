// The queries behind next-task strategies: which tasks of a project a user
// may receive, and the first of them in each strategy's order.
//
// A candidate is a task of the project that is not labeled and carries no
// annotation (submitted or skipped) and no postponed draft of the user. It
// must also not be "locked" for the user: live locks of other users plus the
// annotations counted under skip_queue stay below the task's overlap.
// Counted annotations exclude ground truth; skips count except under
// REQUEUE_FOR_OTHERS, where another user's skip frees the slot.
//
// On PostgreSQL each pick also takes the row lock of the task it returns
// (FOR UPDATE SKIP LOCKED), so two concurrent pickers never return the same
// task while the first transaction is open; the caller re-counts the locks
// when it writes its own (LockAndRecheck) to cover a picker whose snapshot
// predates a commit.
// SQLite needs neither: its writers are serialized.
//
// Thread-safety: free functions over a borrowed Connection, called inside
// Database::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

struct CandidateScope {
  int64_t project_id = 0;
  int64_t user_id = 0;
  Micros now = 0;
  std::string skip_queue;             // the project's skip_queue
  bool overlap_above_one = false;     // only tasks with overlap > 1 (show_overlap_first)
  std::vector<int64_t> excluded_ids;  // tasks a pick already lost to another annotator
};

// The first candidate by id, starting at `from_id` when given. Sequential
// order, and the scan behind the random pivot. On PostgreSQL a walk from the
// start begins at the user's floor (next_task_floors, migration 0066). It
// then moves the floor up to the first unlabeled task the user has not
// annotated, so later calls do not walk the user's skipped tasks again.
[[nodiscard]] Result<std::optional<int64_t>> FirstCandidateById(Connection& connection, const CandidateScope& scope,
                                                                std::optional<int64_t> from_id);

// Smallest and largest id of the project's unlabeled tasks; nullopt when
// there are none.
[[nodiscard]] Result<std::optional<std::pair<int64_t, int64_t>>> UnlabeledIdRange(Connection& connection,
                                                                                  int64_t project_id);

// The candidate whose prediction of `model_version` (any version when
// empty) has the lowest score; ties by prediction id. Tasks without such a
// prediction are never returned.
[[nodiscard]] Result<std::optional<int64_t>> LowestScoreCandidate(Connection& connection, const CandidateScope& scope,
                                                                  const std::string& model_version);

// The candidate with the highest stored disagreement; ties by id.
[[nodiscard]] Result<std::optional<int64_t>> MostDisagreedCandidate(Connection& connection,
                                                                    const CandidateScope& scope);

// The candidate with the most submitted annotations of other users (at
// least one); ties by id. Skips are not counted, unlike Label Studio's
// breadth-first queue, so the walk can follow an index.
[[nodiscard]] Result<std::optional<int64_t>> MostAnnotatedCandidate(Connection& connection,
                                                                    const CandidateScope& scope);

// The first candidate by id that has a ground-truth annotation.
// Known limitation: no index covers ground_truth_annotations, so in a
// project without such candidates the walk reads every unlabeled task; it
// runs only when show_ground_truth_first is on.
[[nodiscard]] Result<std::optional<int64_t>> FirstGroundTruthCandidate(Connection& connection,
                                                                       const CandidateScope& scope);

// PostgreSQL: writes the user's lock on the task until `expire_at` (as
// LockTask) and re-checks that the task is still a candidate, in one
// statement: the re-check that closes the race described above. It runs in
// the statement's snapshot, which is taken after the pick's. It counts only
// other users' locks, so it does not matter that it cannot see the lock the
// same statement writes. Returns whether the task is still a candidate, and
// writes the lock either way.
[[nodiscard]] Result<bool> LockAndRecheck(Connection& connection, const CandidateScope& scope, int64_t task_id,
                                          Micros expire_at);

// The user's oldest postponed draft's task that is still unlabeled.
[[nodiscard]] Result<std::optional<int64_t>> OldestPostponedTask(Connection& connection, int64_t project_id,
                                                                 int64_t user_id);

// The user's oldest skipped task that is still unlabeled (REQUEUE_FOR_ME).
[[nodiscard]] Result<std::optional<int64_t>> OldestSkippedTask(Connection& connection, int64_t project_id,
                                                               int64_t user_id);

}  // namespace tally::labeling
