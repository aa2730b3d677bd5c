// Uncertainty sampling: the candidate whose prediction of the chosen model
// version has the lowest score. Like Label Studio, it falls back to a random
// candidate when no candidate has such a prediction.
//
// Known limitation: Label Studio also ranks by prediction cluster and, with
// several annotators, picks at random among the lowest scores. This picks
// the lowest score, so annotators who call at once take consecutive tasks
// of the ranking.
#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class UncertaintyStrategy final : public NextTaskStrategy {
 public:
  explicit UncertaintyStrategy(std::string model_version)
      : model_version_(std::move(model_version)), fallback_(MakeUniformRandomStrategy()) {}

  std::string_view queue_label() const override { return "Active learning or random queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    TALLY_ASSIGN_OR_RETURN(lowest, LowestScoreCandidate(connection, scope, model_version_));
    if (lowest) return lowest;
    return fallback_->Pick(connection, scope);
  }

 private:
  std::string model_version_;
  std::unique_ptr<NextTaskStrategy> fallback_;
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeUncertaintyStrategy(std::string model_version) {
  return std::make_unique<UncertaintyStrategy>(std::move(model_version));
}

}  // namespace tally::labeling
