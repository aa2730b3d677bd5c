#include "tracing/models.h"

#include <gtest/gtest.h>

#include <string>

namespace tally::tracing {
namespace {

namespace bj = boost::json;

TEST(ManagedModels, Gpt4oMatches) {
  ModelCatalog catalog({});
  for (const char* name : {"gpt-4o", "GPT-4o", "openai/gpt-4o"}) {
    const ModelDefinition* model = catalog.Match(name);
    ASSERT_NE(model, nullptr) << name;
    EXPECT_EQ(model->model_name, "gpt-4o");
  }
  EXPECT_EQ(catalog.Match("gpt-4o-mini")->model_name, "gpt-4o-mini");
  EXPECT_EQ(catalog.Match(""), nullptr);
  EXPECT_EQ(catalog.Match("my-own-model"), nullptr);
}

TEST(ManagedModels, CommonProvidersArePriced) {
  struct Case {
    const char* provided;
    const char* model_name;
    double input, output;  // USD per token, from Langfuse's default model list
  };
  const std::vector<Case> cases = {
      {"gpt-4o-mini", "gpt-4o-mini", 1.5e-07, 6e-07},
      {"openai/o3-mini", "o3-mini", 1.1e-06, 4.4e-06},
      {"claude-3-5-haiku-20241022", "claude-3-5-haiku-20241022", 8e-07, 4e-06},
      {"anthropic/claude-sonnet-4", "claude-sonnet-4-20250514", 3e-06, 1.5e-05},
      {"us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514", 3e-06, 1.5e-05},
      {"gemini-2.0-flash", "gemini-2.0-flash", 1e-07, 4e-07},
      {"google/gemini-2.5-pro", "gemini-2.5-pro", 1.25e-06, 1e-05},
  };
  ModelCatalog catalog({});
  for (const Case& c : cases) {
    const ModelDefinition* model = catalog.Match(c.provided);
    ASSERT_NE(model, nullptr) << c.provided;
    EXPECT_EQ(model->model_name, c.model_name) << c.provided;
    const PricingTier* tier = model->DefaultTier();
    ASSERT_NE(tier, nullptr) << c.provided;
    EXPECT_DOUBLE_EQ(tier->prices.at("input").to_number<double>(), c.input) << c.provided;
    EXPECT_DOUBLE_EQ(tier->prices.at("output").to_number<double>(), c.output) << c.provided;
  }
  // A remembered match returns the same definition the second time.
  EXPECT_EQ(catalog.Match("gemini-2.0-flash"), catalog.Match("gemini-2.0-flash"));
}

TEST(ComputeCost, WorkedExample) {
  const ModelDefinition* model = ModelCatalog({}).Match("gpt-4o");
  ASSERT_NE(model, nullptr);
  bj::object usage{{"input", 100}, {"input_cached_tokens", 20}, {"output", 30}, {"total", 150}};
  CostResult cost = ComputeCost(model, usage, {}, {}, {});
  EXPECT_DOUBLE_EQ(cost.cost_details.at("input").as_double(), 0.00025);
  EXPECT_DOUBLE_EQ(cost.cost_details.at("input_cached_tokens").as_double(), 0.000025);
  EXPECT_DOUBLE_EQ(cost.cost_details.at("output").as_double(), 0.0003);
  ASSERT_TRUE(cost.total_cost);
  EXPECT_DOUBLE_EQ(*cost.total_cost, 0.000575);
  ASSERT_NE(cost.tier, nullptr);
  EXPECT_EQ(cost.tier->name, "Standard");
}

TEST(ComputeCost, AttributeConditionPicksTier) {
  const ModelDefinition* model = ModelCatalog({}).Match("gpt-4o");
  CostResult cost = ComputeCost(model, {{"input", 1000}, {"total", 1000}}, {}, {{"service_tier", "priority"}}, {});
  ASSERT_NE(cost.tier, nullptr);
  EXPECT_EQ(cost.tier->name, "Fast mode");
  EXPECT_DOUBLE_EQ(*cost.total_cost, 0.00425);
}

TEST(ComputeCost, ProvidedCostWins) {
  const ModelDefinition* model = ModelCatalog({}).Match("gpt-4o");
  CostResult cost = ComputeCost(model, {{"input", 1000}}, {{"input", 0.5}, {"output", 0.25}}, {}, {});
  EXPECT_DOUBLE_EQ(*cost.total_cost, 0.75);
  EXPECT_EQ(cost.tier, nullptr);
  CostResult other = ComputeCost(nullptr, {}, {{"input", 0.5}, {"cache", 0.1}}, {}, {});
  EXPECT_FALSE(other.total_cost);
}

TEST(ParseModelDefinition, ProjectModelWinsAndRules) {
  auto custom = ParseModelDefinition({{"modelName", "mine"}, {"matchPattern", "(?i)^gpt-4o$"}, {"inputPrice", 1.0}});
  ASSERT_TRUE(custom) << custom.error().message;
  custom->id = "custom";
  custom->project_id = 1;
  ModelCatalog catalog({*custom});
  EXPECT_EQ(catalog.Match("GPT-4O")->id, "custom");

  EXPECT_FALSE(ParseModelDefinition({{"modelName", "x"}, {"matchPattern", "("}, {"inputPrice", 1.0}}));
  EXPECT_FALSE(ParseModelDefinition({{"modelName", "x"}, {"matchPattern", "x"}}));
  EXPECT_FALSE(ParseModelDefinition({{"modelName", "x"}, {"matchPattern", "x"}, {"inputPrice", 1.0}, {"totalPrice", 2.0}}));
  EXPECT_FALSE(ParseModelDefinition(
      {{"modelName", "x"}, {"matchPattern", "x"},
       {"pricingTiers", {{{"name", "a"}, {"isDefault", false}, {"priority", 1}, {"prices", {{"input", 1}}}}}}}));
}

// Model "m" with a default Standard tier and a Large tier that applies when
// the usage keys matching `usage_pattern` sum to more than `threshold`.
Result<ModelDefinition> ModelWithLargeTier(const std::string& usage_pattern, int threshold) {
  return ParseModelDefinition(
      {{"modelName", "m"},
       {"matchPattern", "^m$"},
       {"pricingTiers",
        {{{"name", "Standard"}, {"isDefault", true}, {"priority", 0}, {"conditions", bj::array()}, {"prices", {{"input", 1}}}},
         {{"name", "Large"},
          {"isDefault", false},
          {"priority", 1},
          {"conditions", {{{"usageDetailPattern", usage_pattern}, {"operator", "gt"}, {"value", threshold}}}},
          {"prices", {{"input", 2}}}}}}});
}

// A project's pattern runs against model names and usage keys that SDK
// callers choose; a pattern that backtracks on a long name must give up
// instead of overflowing the stack or running for ever.
TEST(ModelCatalog, BacktrackingPatternOnLongNameMatchesNothing) {
  auto model = ParseModelDefinition({{"modelName", "evil"}, {"matchPattern", "(a|b)*c"}, {"inputPrice", 1.0}});
  ASSERT_TRUE(model) << model.error().message;
  model->id = "evil";
  model->project_id = 1;
  ModelCatalog catalog({*model});
  EXPECT_EQ(catalog.Match(std::string(200'000, 'a')), nullptr);
  EXPECT_EQ(catalog.Match("aabc")->id, "evil");

  auto tiered = ModelWithLargeTier("(x|y)*z", 0);
  ASSERT_TRUE(tiered) << tiered.error().message;
  bj::object usage{{"input", 1}};
  usage[std::string(200'000, 'x')] = 5;
  EXPECT_EQ(ComputeCost(&*tiered, usage, {}, {}, {}).tier->name, "Standard");
}

TEST(ComputeCost, OverflowingPriceGivesNoCost) {
  auto model = ParseModelDefinition({{"modelName", "huge"}, {"matchPattern", "^huge$"}, {"inputPrice", 1e300}});
  ASSERT_TRUE(model) << model.error().message;
  CostResult cost = ComputeCost(&*model, {{"input", 1'000'000'000}, {"total", 1'000'000'000}}, {}, {}, {});
  EXPECT_FALSE(cost.total_cost);
  EXPECT_FALSE(cost.cost_details.contains("input"));
}

TEST(ComputeCost, UsageConditionSumsMatchingKeys) {
  auto model = ModelWithLargeTier("(input|cached)", 100);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(ComputeCost(&*model, {{"input", 60}, {"input_cached_tokens", 50}}, {}, {}, {}).tier->name, "Large");
  EXPECT_EQ(ComputeCost(&*model, {{"input", 60}}, {}, {}, {}).tier->name, "Standard");
}

}  // namespace
}  // namespace tally::tracing
