// Task locks: which annotator holds which task until when.
//
// A lock is a (task, user, expire_at) row in task_locks. Several users may
// hold one task when its overlap allows it; a user holds at most one row per
// task, refreshed when locked again. Rows past expire_at are dead: every
// query ignores them and PurgeExpiredLocks deletes them.
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Write (or Read, for the queries).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

// Default lock lifetime when the project sets no custom_task_lock_ttl:
// one day, as Label Studio's TASK_LOCK_TTL.
inline constexpr int64_t kDefaultTaskLockTtlSeconds = 86400;
// Maximum lock lifetime applied: a larger custom_task_lock_ttl is cut to
// one year, so the expiry in microseconds since the epoch cannot overflow.
inline constexpr int64_t kMaxTaskLockTtlSeconds = 365LL * 86400;

// Locks the task for the user until `expire_at`, or moves the expiry of the
// user's existing lock.
[[nodiscard]] Result<void> LockTask(Connection& connection, int64_t project_id, int64_t task_id, int64_t user_id,
                                    Micros expire_at);

// Deletes the user's lock on the task; no-op when there is none.
[[nodiscard]] Result<void> ReleaseTaskLock(Connection& connection, int64_t task_id, int64_t user_id);

// Deletes the project's locks that expired at or before `now` and returns
// their task ids (a task appears once per expired lock).
[[nodiscard]] Result<std::vector<int64_t>> PurgeExpiredLocks(Connection& connection, int64_t project_id, Micros now);

// Live locks on the task held by users other than `user_id`.
[[nodiscard]] Result<int64_t> CountOtherLiveLocks(Connection& connection, int64_t task_id, int64_t user_id,
                                                  Micros now);

// A task of the project the user holds a live lock on, still unlabeled and
// without an annotation of theirs; nullopt when there is none.
[[nodiscard]] Result<std::optional<int64_t>> FindHeldTask(Connection& connection, int64_t project_id,
                                                          int64_t user_id, Micros now);

// PurgeExpiredLocks and FindHeldTask in one statement, for PostgreSQL where
// each statement is a round trip. The statement reads the locks as they
// were before its own purge, which changes nothing: the held lock must be
// live, and the purge deletes only expired ones.
struct LockSweep {
  std::vector<int64_t> released;  // as PurgeExpiredLocks returns them
  std::optional<int64_t> held;    // as FindHeldTask returns it
};
[[nodiscard]] Result<LockSweep> PurgeExpiredLocksAndFindHeld(Connection& connection, int64_t project_id,
                                                             int64_t user_id, Micros now);

// Whether another user holds a live lock on an unlabeled task of the project.
[[nodiscard]] Result<bool> AnyUnlabeledTaskLockedByOthers(Connection& connection, int64_t project_id,
                                                          int64_t user_id, Micros now);

}  // namespace tally::labeling
