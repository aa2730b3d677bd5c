// Ground truth first: candidates that carry a ground-truth annotation come
// before the rest, so annotators meet the tasks their work is compared
// against early. Label Studio picks the first unlocked one under
// sequential sampling and a random one otherwise; this takes the smallest
// id under every strategy.
#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class GroundTruthFirstStrategy final : public NextTaskStrategy {
 public:
  std::string_view queue_label() const override { return "Ground truth queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    return FirstGroundTruthCandidate(connection, scope);
  }
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeGroundTruthFirstStrategy() {
  return std::make_unique<GroundTruthFirstStrategy>();
}

}  // namespace tally::labeling
