// Uniform sampling: a random candidate.
//
// Known limitation: the pick draws a random id between the smallest and the
// largest unlabeled id and takes the first candidate at or after it,
// wrapping to the start. That costs an index seek instead of a scan of the
// project. A candidate that follows a long run of ineligible ids (deleted,
// labeled, locked) is picked more often than one in a dense run; the skew
// grows with how unevenly the remaining work is spread over ids.
#include <random>

#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class UniformRandomStrategy final : public NextTaskStrategy {
 public:
  std::string_view queue_label() const override { return "Uniform random queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    TALLY_ASSIGN_OR_RETURN(range, UnlabeledIdRange(connection, scope.project_id));
    if (!range) return std::optional<int64_t>();
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_int_distribution<int64_t> pivot(range->first, range->second);
    TALLY_ASSIGN_OR_RETURN(after_pivot, FirstCandidateById(connection, scope, pivot(generator)));
    if (after_pivot) return after_pivot;
    return FirstCandidateById(connection, scope, std::nullopt);
  }
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeUniformRandomStrategy() { return std::make_unique<UniformRandomStrategy>(); }

}  // namespace tally::labeling
