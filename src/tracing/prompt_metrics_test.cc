#include "tracing/prompt_metrics.h"

#include <gtest/gtest.h>

namespace tally::tracing {
namespace {

TEST(PercentileTest, InterpolatesBetweenRanks) {
  struct Case {
    std::vector<double> values;
    double fraction;
    double expected;
  };
  const std::vector<Case> cases = {
      {{3.0}, 0.5, 3.0},
      {{1.0, 2.0}, 0.5, 1.5},
      {{2.0, 1.0}, 0.95, 1.95},
      {{4.0, 1.0, 3.0, 2.0}, 0.5, 2.5},
      {{1.0, 2.0, 3.0, 4.0, 5.0}, 1.0, 5.0},
      {{1.0, 2.0, 3.0, 4.0, 5.0}, 0.0, 1.0},
  };
  for (Case c : cases) {
    auto result = Percentile(c.values, c.fraction);
    ASSERT_TRUE(result.has_value());
    EXPECT_DOUBLE_EQ(*result, c.expected) << "fraction " << c.fraction;
  }
}

TEST(PercentileTest, EmptyHasNone) {
  std::vector<double> none;
  EXPECT_FALSE(Percentile(none, 0.5).has_value());
}

}  // namespace
}  // namespace tally::tracing
