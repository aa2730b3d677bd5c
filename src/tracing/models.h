// Model definitions and the cost of an observation's usage.
//
// A model definition names a model (`modelName`), the provided model strings
// it covers (`matchPattern`, a regular expression searched anywhere in the
// string; a leading "(?i)" makes it case-insensitive), and prices in USD per
// unit for each usage type, grouped in pricing tiers. Managed definitions
// ship inside the binary (default_model_prices.json, compiled in); a project
// adds its own through /api/public/models, and those win over managed ones.
//
// Thread-safety: ManagedModels() is built once and read-only afterwards; a
// ModelCatalog is a value used by one thread.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <map>
#include <optional>
#include <boost/regex.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tally::tracing {

struct PricingTier {
  std::string id;
  std::string name;
  bool is_default = false;
  int64_t priority = 0;
  boost::json::array conditions;  // usage or attribute conditions, see SelectTier
  boost::json::object prices;     // usage type -> USD per unit
};

struct ModelDefinition {
  std::string id;
  std::optional<int64_t> project_id;  // nullopt for managed definitions
  std::string model_name;
  std::string match_pattern;
  std::optional<Micros> start_date;
  std::optional<std::string> unit;
  std::optional<std::string> tokenizer_id;
  boost::json::value tokenizer_config;  // null when unset
  std::vector<PricingTier> tiers;
  Micros created_at = 0;
  Micros updated_at = 0;
  std::shared_ptr<const boost::regex> regex;  // compiled match_pattern

  const PricingTier* DefaultTier() const;
};

// Parses a definition in the API's shape (POST /api/public/models body, or an
// entry of the managed table), checking the rules the reference enforces:
// exactly one of flat prices or pricingTiers, totalPrice not combined with
// input/output prices, exactly one default tier with priority 0 and no
// conditions, unique tier names and priorities, a price in every tier, a
// valid regular expression. Errors name the offending field.
[[nodiscard]] Result<ModelDefinition> ParseModelDefinition(const boost::json::object& body);

// Compiles a match pattern (Boost.Regex, ECMAScript syntax; a leading "(?i)"
// becomes the icase flag). Fails for an invalid expression. Matching gives
// up, as no match, on a search that backtracks past Boost's bound.
[[nodiscard]] Result<std::shared_ptr<const boost::regex>> CompilePattern(const std::string& pattern);

// The managed definitions compiled into the binary.
const std::vector<ModelDefinition>& ManagedModels();

// The definitions one project sees: its own first, then the managed ones.
class ModelCatalog {
 public:
  explicit ModelCatalog(std::vector<ModelDefinition> project_models);

  // The definition for a provided model string: among matches, project
  // definitions before managed ones, then the latest startDate (none last).
  // nullptr when nothing matches.
  // Managed matches are remembered per catalog, because a batch names the
  // same few models many times and the managed table has ~170 patterns.
  // Not thread-safe: use a catalog from one thread, as ingestion does.
  const ModelDefinition* Match(const std::string& provided_model) const;

 private:
  std::vector<ModelDefinition> project_models_;
  mutable std::map<std::string, const ModelDefinition*> managed_matches_;
};

struct CostResult {
  boost::json::object cost_details;
  std::optional<double> total_cost;
  const PricingTier* tier = nullptr;
};

// Computes costDetails and totalCost. Provided costs are kept as sent (with a
// derived total); otherwise, with a model and usage, each priced usage type
// costs usage x price and the total is the priced total or the sum.
// `usage` is the final usage map (total included); `model_parameters` and
// `metadata` feed attribute conditions of pricing tiers.
CostResult ComputeCost(const ModelDefinition* model, const boost::json::object& usage,
                       const boost::json::object& provided_cost, const boost::json::object& model_parameters,
                       const boost::json::object& metadata);

// The API form of a definition (GET /api/public/models).
boost::json::object ModelToJson(const ModelDefinition& model);

}  // namespace tally::tracing
