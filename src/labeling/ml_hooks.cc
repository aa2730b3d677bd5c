#include "labeling/ml_hooks.h"

namespace tally::labeling {

namespace {

MlHooks& Hooks() {
  static MlHooks hooks;
  return hooks;
}

}  // namespace

void SetMlHooks(MlHooks hooks) { Hooks() = std::move(hooks); }

const MlHooks& GetMlHooks() { return Hooks(); }

}  // namespace tally::labeling
