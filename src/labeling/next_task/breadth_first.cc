// Breadth first: among candidates, the task with the most annotations of
// other users. Label Studio picks at random among the tasks with the
// maximum count; this takes the smallest id among them.
#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class BreadthFirstStrategy final : public NextTaskStrategy {
 public:
  std::string_view queue_label() const override { return "Breadth first queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    return MostAnnotatedCandidate(connection, scope);
  }
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeBreadthFirstStrategy() { return std::make_unique<BreadthFirstStrategy>(); }

}  // namespace tally::labeling
