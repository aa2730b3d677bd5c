// Next-task strategies: how GET /api/projects/{id}/next orders the tasks a
// user may receive.
//
// A strategy only chooses among candidates, and candidate_store.h decides
// who may receive what. Locking, the held-lock shortcut and the postponed
// and skipped fall-backs belong to PickNextTask (next_task.h), so every
// strategy gets them for free. To add one: write a class in a file of its own that
// implements Pick over the candidate queries, give it a name, and add it to
// MakeNextTaskStrategy.
//
// Thread-safety: strategies hold no state besides their options; Pick runs
// inside the caller's write transaction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "labeling/next_task/candidate_store.h"

namespace tally::labeling {

class NextTaskStrategy {
 public:
  virtual ~NextTaskStrategy() = default;

  // The label returned as the response's "queue" ("Sequence queue", …).
  virtual std::string_view queue_label() const = 0;

  // The chosen candidate, or nullopt when no candidate exists.
  [[nodiscard]] virtual Result<std::optional<int64_t>> Pick(Connection& connection,
                                                            const CandidateScope& scope) const = 0;
};

// Options a request may pass to a strategy.
struct StrategyOptions {
  std::string model_version;  // uncertainty: the predictions to rank by; empty means any version
};

// Strategy names accepted by ?strategy= and their sampling-setting
// equivalents: "sequential" (Sequential sampling), "uniform" (Uniform
// sampling), "uncertainty" (Uncertainty sampling), "disagreement"
// (Disagreement sampling).
std::unique_ptr<NextTaskStrategy> MakeNextTaskStrategy(std::string_view name, const StrategyOptions& options);

// The strategy name for a project's `sampling` setting ("sequential" for an
// unknown value).
std::string_view StrategyForSampling(std::string_view sampling);

// Concrete strategies, one file each.
std::unique_ptr<NextTaskStrategy> MakeSequentialStrategy();
std::unique_ptr<NextTaskStrategy> MakeUniformRandomStrategy();
std::unique_ptr<NextTaskStrategy> MakeUncertaintyStrategy(std::string model_version);
std::unique_ptr<NextTaskStrategy> MakeDisagreementStrategy();
// Breadth first: the task most annotated by others. PickNextTask runs it
// before the project's strategy when maximum_annotations > 1, so started
// tasks reach their overlap before fresh ones are opened.
std::unique_ptr<NextTaskStrategy> MakeBreadthFirstStrategy();
// Ground truth first: candidates with a ground-truth annotation, by id.
// PickNextTask runs it first when show_ground_truth_first is on.
std::unique_ptr<NextTaskStrategy> MakeGroundTruthFirstStrategy();

}  // namespace tally::labeling
