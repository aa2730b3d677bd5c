// Sequential sampling: the candidate with the smallest id.
#include "labeling/next_task/strategy.h"

namespace tally::labeling {

namespace {

class SequentialStrategy final : public NextTaskStrategy {
 public:
  std::string_view queue_label() const override { return "Sequence queue"; }

  Result<std::optional<int64_t>> Pick(Connection& connection, const CandidateScope& scope) const override {
    return FirstCandidateById(connection, scope, std::nullopt);
  }
};

}  // namespace

std::unique_ptr<NextTaskStrategy> MakeSequentialStrategy() { return std::make_unique<SequentialStrategy>(); }

std::unique_ptr<NextTaskStrategy> MakeNextTaskStrategy(std::string_view name, const StrategyOptions& options) {
  if (name == "sequential") return MakeSequentialStrategy();
  if (name == "uniform") return MakeUniformRandomStrategy();
  if (name == "uncertainty") return MakeUncertaintyStrategy(options.model_version);
  if (name == "disagreement") return MakeDisagreementStrategy();
  return nullptr;
}

std::string_view StrategyForSampling(std::string_view sampling) {
  if (sampling == "Uniform sampling") return "uniform";
  if (sampling == "Uncertainty sampling") return "uncertainty";
  if (sampling == "Disagreement sampling") return "disagreement";
  return "sequential";
}

}  // namespace tally::labeling
