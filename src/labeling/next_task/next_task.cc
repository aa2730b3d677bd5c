#include "labeling/next_task/next_task.h"

#include <algorithm>

#include "labeling/lifecycle.h"
#include "labeling/next_task/lock_store.h"
#include "labeling/task_store.h"

namespace tally::labeling {

namespace {

// How many picks may lose their task to a concurrent annotator before the
// request gives up; each loss excludes that task from the next pick.
constexpr int kMaxPickAttempts = 8;

bool SettingFlag(const Project& project, const char* name) {
  const boost::json::value* value = project.settings.if_contains(name);
  return value && value->is_bool() && value->as_bool();
}

// Moves the task by a lock event. A workflow that forbids the event leaves
// the state alone rather than failing the user's request: the lock itself
// is what keeps others away.
Result<void> ApplyLockEvent(Connection& c, const Workflow& workflow, int64_t task_id, TaskEvent event,
                            TransitionContext context) {
  auto applied = ApplyTaskEvent(c, workflow, task_id, event, context);
  if (!applied && !applied.error().IsConflict()) return applied.error();
  return Ok();
}

// Step 1: the tasks of purged expired locks go back to unlabeled when
// nothing else holds them.
Result<void> ReleaseExpiredLocks(Connection& c, const Workflow& workflow, const std::vector<int64_t>& released,
                                 Micros now) {
  for (int64_t task_id : released) {
    TALLY_ASSIGN_OR_RETURN(task, FindTask(c, task_id));
    if (!task || task->state != "in_progress") continue;
    if (task->counts.total_annotations + task->counts.cancelled_annotations > 0) continue;
    TALLY_ASSIGN_OR_RETURN(live, CountOtherLiveLocks(c, task_id, /*user_id=*/0, now));
    if (live > 0) continue;
    TALLY_TRY(ApplyLockEvent(c, workflow, task_id, TaskEvent::kLockExpired, {.reason = "lock expired"}));
  }
  return Ok();
}

// Step 3: the strategy's pick, locked for the user and re-checked.
Result<std::optional<int64_t>> PickAndLock(Connection& c, const Project& project, const Workflow& workflow,
                                           const NextTaskStrategy& strategy, CandidateScope scope,
                                           int64_t user_id) {
  for (int attempt = 0; attempt < kMaxPickAttempts; ++attempt) {
    TALLY_ASSIGN_OR_RETURN(picked, strategy.Pick(c, scope));
    if (!picked) return picked;
    // SQLite runs one writer at a time, so nothing can have changed since
    // the pick; PostgreSQL re-checks (candidate_store.h).
    const Micros expire_at = scope.now + TaskLockTtl(project);
    bool available = true;
    if (c.dialect() == store::Dialect::kPostgres) {
      TALLY_ASSIGN_OR_RETURN(checked, LockAndRecheck(c, scope, *picked, expire_at));
      available = checked;
    } else {
      TALLY_TRY(LockTask(c, project.id, *picked, user_id, expire_at));
    }
    if (available) {
      TALLY_TRY(ApplyLockEvent(c, workflow, *picked, TaskEvent::kLocked, {.user_id = user_id, .reason = "next task"}));
      return picked;
    }
    TALLY_TRY(ReleaseTaskLock(c, *picked, user_id));
    scope.excluded_ids.push_back(*picked);
  }
  return std::optional<int64_t>();
}

}  // namespace

Micros TaskLockTtl(const Project& project) {
  const boost::json::value* custom = project.settings.if_contains("custom_task_lock_ttl");
  int64_t seconds = kDefaultTaskLockTtlSeconds;
  if (custom && custom->is_int64() && custom->as_int64() > 0) {
    seconds = std::min(custom->as_int64(), kMaxTaskLockTtlSeconds);
  }
  return seconds * 1'000'000;
}

Result<NextTaskChoice> PickNextTask(Connection& c, const Project& project, const NextTaskRequest& request) {
  const std::string strategy_name =
      request.strategy.empty() ? std::string(StrategyForSampling(project.settings.at("sampling").as_string()))
                               : request.strategy;
  StrategyOptions options = request.options;
  if (options.model_version.empty()) options.model_version = project.model_version();
  std::unique_ptr<NextTaskStrategy> strategy = MakeNextTaskStrategy(strategy_name, options);
  if (!strategy) {
    return Error::InvalidField("strategy", "Unknown strategy; use sequential, uniform, uncertainty or disagreement.");
  }

  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(workflow, ProjectWorkflow(c, project));
  LockSweep sweep;
  if (c.dialect() == store::Dialect::kPostgres) {
    TALLY_ASSIGN_OR_RETURN(swept, PurgeExpiredLocksAndFindHeld(c, project.id, request.user_id, now));
    sweep = std::move(swept);
    TALLY_TRY(ReleaseExpiredLocks(c, workflow, sweep.released, now));
  } else {
    TALLY_ASSIGN_OR_RETURN(released, PurgeExpiredLocks(c, project.id, now));
    TALLY_TRY(ReleaseExpiredLocks(c, workflow, released, now));
    TALLY_ASSIGN_OR_RETURN(held, FindHeldTask(c, project.id, request.user_id, now));
    sweep.held = held;
  }

  NextTaskChoice choice;
  if (const std::optional<int64_t>& held = sweep.held) {
    choice.task_id = held;
    choice.queue = "Task lock";
    return choice;
  }

  CandidateScope scope{.project_id = project.id, .user_id = request.user_id, .now = now,
                       .skip_queue = project.skip_queue()};
  // With show_overlap_first, tasks with overlap > 1 are tried first. Within
  // each set, projects with overlap above one finish started tasks first
  // (breadth first), except under the disagreement strategy, which orders
  // started tasks itself.
  std::vector<CandidateScope> scopes;
  if (SettingFlag(project, "show_overlap_first")) {
    scopes.push_back(scope);
    scopes.back().overlap_above_one = true;
  }
  scopes.push_back(scope);
  // Queues in Label Studio's order: ground truth first when asked for,
  // breadth first, then the strategy.
  std::vector<std::unique_ptr<NextTaskStrategy>> queues;
  if (SettingFlag(project, "show_ground_truth_first")) queues.push_back(MakeGroundTruthFirstStrategy());
  if (project.maximum_annotations() > 1 && strategy_name != "disagreement") {
    queues.push_back(MakeBreadthFirstStrategy());
  }
  queues.push_back(std::move(strategy));
  for (const CandidateScope& candidates : scopes) {
    const std::string prefix = candidates.overlap_above_one ? "Show overlap first & " : "";
    for (const std::unique_ptr<NextTaskStrategy>& queue : queues) {
      TALLY_ASSIGN_OR_RETURN(picked, PickAndLock(c, project, workflow, *queue, candidates, request.user_id));
      if (picked) {
        choice.task_id = picked;
        choice.queue = prefix + std::string(queue->queue_label());
        return choice;
      }
    }
  }

  TALLY_ASSIGN_OR_RETURN(postponed, OldestPostponedTask(c, project.id, request.user_id));
  if (postponed) {
    choice.task_id = postponed;
    choice.queue = "Postponed draft queue";
    choice.allow_postpone = false;
    return choice;
  }
  if (project.skip_queue() == "REQUEUE_FOR_ME") {
    TALLY_ASSIGN_OR_RETURN(skipped, OldestSkippedTask(c, project.id, request.user_id));
    if (skipped) {
      choice.task_id = skipped;
      choice.queue = "Skipped queue";
      return choice;
    }
  }

  TALLY_ASSIGN_OR_RETURN(locked, AnyUnlabeledTaskLockedByOthers(c, project.id, request.user_id, now));
  choice.any_locked_by_others = locked;
  return choice;
}

}  // namespace tally::labeling
