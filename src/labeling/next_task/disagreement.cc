// Disagreement first: for projects with overlap above one, the candidate
// whose existing annotations disagree most comes first, so the tasks that
// need another opinion get it before fresh ones. Disagreement is stored per
// task in tasks.disagreement, which AfterAnnotationWrite (lifecycle.h)
// keeps. A task with fewer than two annotations has 0, so among those the
// order falls back to id.
#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class DisagreementStrategy final : public NextTaskStrategy {
 public:
  std::string_view queue_label() const override { return "Disagreement queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    return MostDisagreedCandidate(connection, scope);
  }
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeDisagreementStrategy() { return std::make_unique<DisagreementStrategy>(); }

}  // namespace tally::labeling
