// Calls from labeling into ML backends, which live in src/integrations and
// depend on labeling, so labeling reaches them through hooks set at start-up.
//
// Thread-safety: SetMlHooks runs once while the process is wired, before any
// request or job; afterwards the hooks are only read.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/project_store.h"

namespace tally::labeling {

struct MlHooks {
  // Fetches and stores a prediction for a task handed out by /next when the
  // project enables pre-annotation. Returns whether one was stored. Runs
  // outside any transaction because it waits for the backend.
  std::function<Result<bool>(int64_t project_id, int64_t task_id)> preannotate;

  // Enqueues prediction jobs for the selected tasks in the caller's
  // transaction (the data manager's retrieve_tasks_predictions). Returns the
  // message the action reports.
  std::function<Result<std::string>(Connection& connection, const Project& project,
                                    const std::vector<int64_t>& task_ids, int64_t user_id)>
      retrieve_predictions;

  // Enqueues one training job per ML backend of the project in the caller's
  // transaction, so the annotation write that made training due never waits
  // for a backend. Returns how many jobs it enqueued.
  std::function<Result<size_t>(Connection& connection, const Project& project)> queue_training;
};

void SetMlHooks(MlHooks hooks);
// The hooks set at start-up; members are empty when no ML module is wired.
const MlHooks& GetMlHooks();

}  // namespace tally::labeling
