// Choosing the next task for an annotator (GET /api/projects/{id}/next).
//
// Steps, in one write transaction:
//   1. purge the project's expired locks; a task whose last lock expired and
//      that has no annotation goes back to unlabeled (event lock_expired);
//   2. a task the user has locked is returned again ("Task lock");
//   3. with show_ground_truth_first a candidate with a ground-truth
//      annotation comes first ("Ground truth queue"), then with
//      maximum_annotations > 1 the most annotated candidate ("Breadth first
//      queue"), then the strategy's pick; with
//      show_overlap_first both look among tasks with overlap > 1 first.
//      The user's lock is written (and re-checked on PostgreSQL), and the
//      task moves by event locked;
//   4. otherwise the user's oldest postponed draft ("Postponed draft queue",
//      allow_postpone false), then under REQUEUE_FOR_ME the user's oldest
//      skipped task ("Skipped queue"); neither is locked;
//   5. otherwise no task.
//
// Thread-safety: call inside Database::Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "labeling/next_task/strategy.h"
#include "labeling/project_store.h"

namespace tally::labeling {

struct NextTaskRequest {
  int64_t user_id = 0;
  std::string strategy;  // a MakeNextTaskStrategy name; empty: the project's sampling
  StrategyOptions options;
};

struct NextTaskChoice {
  std::optional<int64_t> task_id;  // nullopt: nothing left for this user
  std::string queue;               // Label Studio's informational queue label
  bool allow_postpone = true;
  bool any_locked_by_others = false;  // set when nothing was found; picks the 404 message
};

// Runs the steps above. Fails with invalid_argument naming "strategy" for an
// unknown strategy name, and with the store's errors.
[[nodiscard]] Result<NextTaskChoice> PickNextTask(Connection& connection, const Project& project,
                                                  const NextTaskRequest& request);

// Lock lifetime of the project in microseconds: custom_task_lock_ttl
// seconds when set and positive, else kDefaultTaskLockTtlSeconds.
Micros TaskLockTtl(const Project& project);

}  // namespace tally::labeling
