#include "tracing/models.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>

#include "core/json.h"
#include "core/log.h"
#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;

// Generated from default_model_prices.json by embed_prices.cmake.
extern const char* const kDefaultModelPricesJson;

namespace {

// Searches with Boost.Regex, whose matcher keeps its backtracking state on
// the heap and gives up past a complexity bound. Patterns come from project
// members, and SDK callers choose the subjects (model names, usage keys).
// A search that gives up counts as no match, so a pattern that backtracks
// on a long name costs bounded time instead of overflowing the stack.
bool BoundedSearch(std::string_view subject, const boost::regex& regex) {
  try {
    return boost::regex_search(subject.begin(), subject.end(), regex);
  } catch (const std::runtime_error&) {
    return false;
  }
}

const std::vector<std::string_view> kUnits = {"TOKENS", "CHARACTERS", "MILLISECONDS",
                                                           "SECONDS", "REQUESTS",   "IMAGES"};
const std::vector<std::string_view> kUsageOperators = {"gt", "gte", "lt", "lte", "eq", "neq"};

bool OneOf(const std::vector<std::string_view>& options, std::string_view value) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

// Prices are decimals in the reference; twelve significant digits hide the
// binary rounding of a product such as 100 x 2.5e-6.
double RoundPrice(double value) { return std::stod(fmt::format("{:.12g}", value)); }

Result<std::optional<std::string>> OptionalText(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return Error::InvalidField(std::string(key), "must be a string");
  return std::optional<std::string>(std::string(value->as_string()));
}

Result<std::optional<double>> OptionalPrice(const bj::object& body, std::string_view key, const std::string& field) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::optional<double>();
  auto number = NumberOf(*value);
  if (!number || !std::isfinite(*number) || *number < 0) {
    return Error::InvalidField(field, "must be a non-negative number (USD per unit)");
  }
  return number;
}

Result<void> ValidateCondition(const bj::value& condition, const std::string& field) {
  if (!condition.is_object()) return Error::InvalidField(field, "must be an object");
  const bj::object& object = condition.as_object();
  if (object.contains("usageDetailPattern")) {
    const bj::value& pattern = object.at("usageDetailPattern");
    if (!pattern.is_string()) return Error::InvalidField(field + ".usageDetailPattern", "must be a string");
    try {
      boost::regex compiled(std::string(pattern.as_string()), boost::regex::ECMAScript);
    } catch (const boost::regex_error&) {
      return Error::InvalidField(field + ".usageDetailPattern", "is not a valid regular expression");
    }
    const bj::value* op = object.if_contains("operator");
    if (!op || !op->is_string() || !OneOf(kUsageOperators, op->as_string())) {
      return Error::InvalidField(field + ".operator", "must be one of gt, gte, lt, lte, eq, neq");
    }
    const bj::value* value = object.if_contains("value");
    if (!value || !NumberOf(*value)) return Error::InvalidField(field + ".value", "must be a number");
    return Ok();
  }
  const bj::value* source = object.if_contains("source");
  if (!source || !source->is_string() || (source->as_string() != "model_parameters" && source->as_string() != "metadata")) {
    return Error::InvalidField(field, "needs usageDetailPattern, or source model_parameters or metadata");
  }
  const bj::value* key = object.if_contains("key");
  if (!key || !key->is_string()) return Error::InvalidField(field + ".key", "must be a string");
  const bj::value* op = object.if_contains("operator");
  if (!op || !op->is_string() || op->as_string() != "in") return Error::InvalidField(field + ".operator", "must be in");
  const bj::value* values = object.if_contains("values");
  if (!values || !values->is_array()) return Error::InvalidField(field + ".values", "must be an array of strings");
  return Ok();
}

Result<PricingTier> ParseTier(const bj::value& value, size_t index) {
  const std::string field = fmt::format("pricingTiers.{}", index);
  if (!value.is_object()) return Error::InvalidField(field, "must be an object");
  const bj::object& object = value.as_object();
  PricingTier tier;
  if (const bj::value* id = object.if_contains("id"); id && id->is_string()) tier.id = std::string(id->as_string());
  const bj::value* name = object.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty()) {
    return Error::InvalidField(field + ".name", "must be a non-empty string");
  }
  tier.name = std::string(name->as_string());
  if (const bj::value* is_default = object.if_contains("isDefault")) {
    if (!is_default->is_bool()) return Error::InvalidField(field + ".isDefault", "must be a boolean");
    tier.is_default = is_default->as_bool();
  }
  const bj::value* priority = object.if_contains("priority");
  if (!priority || !priority->is_int64()) return Error::InvalidField(field + ".priority", "must be an integer");
  tier.priority = priority->as_int64();
  if (const bj::value* conditions = object.if_contains("conditions"); conditions && !conditions->is_null()) {
    if (!conditions->is_array()) return Error::InvalidField(field + ".conditions", "must be an array");
    for (size_t i = 0; i < conditions->as_array().size(); ++i) {
      TALLY_TRY(ValidateCondition(conditions->as_array()[i], fmt::format("{}.conditions.{}", field, i)));
    }
    tier.conditions = conditions->as_array();
  }
  const bj::value* prices = object.if_contains("prices");
  if (!prices || !prices->is_object() || prices->as_object().empty()) {
    return Error::InvalidField(field + ".prices", "must be an object with at least one usage type price");
  }
  for (const auto& entry : prices->as_object()) {
    auto number = NumberOf(entry.value());
    if (!number || !std::isfinite(*number) || *number < 0) {
      return Error::InvalidField(fmt::format("{}.prices.{}", field, std::string(entry.key())),
                                 "must be a non-negative number (USD per unit)");
    }
    tier.prices[entry.key()] = *number;
  }
  return tier;
}

Result<void> CheckTiers(const std::vector<PricingTier>& tiers) {
  int defaults = 0;
  std::set<std::string> names;
  std::set<int64_t> priorities;
  for (const PricingTier& tier : tiers) {
    if (tier.is_default) {
      ++defaults;
      if (tier.priority != 0 || !tier.conditions.empty()) {
        return Error::InvalidField("pricingTiers", "the default tier must have priority 0 and no conditions");
      }
    } else if (tier.conditions.empty()) {
      return Error::InvalidField("pricingTiers", "a non-default tier needs at least one condition");
    }
    if (!names.insert(tier.name).second) return Error::InvalidField("pricingTiers", "tier names must be unique");
    if (!priorities.insert(tier.priority).second) {
      return Error::InvalidField("pricingTiers", "tier priorities must be unique");
    }
  }
  if (defaults != 1) return Error::InvalidField("pricingTiers", "exactly one tier must be the default");
  return Ok();
}

bool Compare(double left, std::string_view op, double right) {
  if (op == "gt") return left > right;
  if (op == "gte") return left >= right;
  if (op == "lt") return left < right;
  if (op == "lte") return left <= right;
  if (op == "eq") return left == right;
  return left != right;
}

std::optional<std::string> ScalarText(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::string: return std::string(value.as_string());
    case bj::kind::bool_: return value.as_bool() ? "true" : "false";
    case bj::kind::int64: return std::to_string(value.as_int64());
    case bj::kind::uint64: return std::to_string(value.as_uint64());
    case bj::kind::double_: return json::FormatNumber(value.as_double());
    default: return std::nullopt;
  }
}

bool ConditionHolds(const bj::object& condition, const bj::object& usage, const bj::object& model_parameters,
                    const bj::object& metadata) {
  if (const bj::value* pattern = condition.if_contains("usageDetailPattern")) {
    const bj::value* case_sensitive = condition.if_contains("caseSensitive");
    boost::regex::flag_type flags = boost::regex::ECMAScript;
    if (!case_sensitive || !case_sensitive->is_bool() || !case_sensitive->as_bool()) flags |= boost::regex::icase;
    boost::regex regex;
    try {
      regex = boost::regex(std::string(pattern->as_string()), flags);
    } catch (const boost::regex_error&) {
      return false;
    }
    double sum = 0;
    for (const auto& entry : usage) {
      const std::string_view key(entry.key().data(), entry.key().size());
      if (BoundedSearch(key, regex)) sum += NumberOf(entry.value()).value_or(0);
    }
    return Compare(sum, condition.at("operator").as_string(), NumberOf(condition.at("value")).value_or(0));
  }

  const bj::object& source = condition.at("source").as_string() == "metadata" ? metadata : model_parameters;
  const bj::value* value = source.if_contains(condition.at("key").as_string());
  if (!value) return false;
  auto text = ScalarText(*value);
  if (!text) return false;
  for (const auto& allowed : condition.at("values").as_array()) {
    if (allowed.is_string() && allowed.as_string() == *text) return true;
  }
  return false;
}

const PricingTier* SelectTier(const ModelDefinition& model, const bj::object& usage, const bj::object& model_parameters,
                              const bj::object& metadata) {
  std::vector<const PricingTier*> candidates;
  for (const PricingTier& tier : model.tiers) {
    if (!tier.is_default && !tier.conditions.empty()) candidates.push_back(&tier);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const PricingTier* a, const PricingTier* b) { return a->priority < b->priority; });
  for (const PricingTier* tier : candidates) {
    bool all = true;
    for (const auto& condition : tier->conditions) {
      all = all && ConditionHolds(condition.as_object(), usage, model_parameters, metadata);
    }
    if (all) return tier;
  }
  return model.DefaultTier();
}

}  // namespace

const PricingTier* ModelDefinition::DefaultTier() const {
  for (const PricingTier& tier : tiers) {
    if (tier.is_default) return &tier;
  }
  return tiers.empty() ? nullptr : &tiers.front();
}

Result<std::shared_ptr<const boost::regex>> CompilePattern(const std::string& pattern) {
  std::string body = pattern;
  boost::regex::flag_type flags = boost::regex::ECMAScript;
  if (body.starts_with("(?i)")) {
    body.erase(0, 4);
    flags |= boost::regex::icase;
  }
  try {
    return std::make_shared<const boost::regex>(body, flags);
  } catch (const boost::regex_error&) {
    return Error::InvalidField("matchPattern", "is not a valid regular expression");
  }
}

Result<ModelDefinition> ParseModelDefinition(const bj::object& body) {
  ModelDefinition model;

  // Names and pattern.
  TALLY_ASSIGN_OR_RETURN(id, OptionalText(body, "id"));
  if (id) model.id = *id;
  TALLY_ASSIGN_OR_RETURN(name, OptionalText(body, "modelName"));
  if (!name || name->empty()) return Error::InvalidField("modelName", "Required: a non-empty string");
  model.model_name = *name;
  TALLY_ASSIGN_OR_RETURN(pattern, OptionalText(body, "matchPattern"));
  if (!pattern || pattern->empty()) return Error::InvalidField("matchPattern", "Required: a regular expression");
  model.match_pattern = *pattern;
  TALLY_ASSIGN_OR_RETURN(regex, CompilePattern(*pattern));
  model.regex = std::move(regex);

  // Dates, unit, tokenizer.
  TALLY_ASSIGN_OR_RETURN(start_date, OptionalText(body, "startDate"));
  if (start_date) {
    auto parsed = ParseIsoTimestamp(*start_date);
    if (!parsed) return Error::InvalidField("startDate", "must be an ISO 8601 datetime with a zone");
    model.start_date = *parsed;
  }
  for (auto [key, target] : {std::pair{"createdAt", &model.created_at}, {"updatedAt", &model.updated_at}}) {
    TALLY_ASSIGN_OR_RETURN(text, OptionalText(body, key));
    if (text) *target = ParseIsoTimestamp(*text).value_or(0);
  }
  TALLY_ASSIGN_OR_RETURN(unit, OptionalText(body, "unit"));
  if (unit && !OneOf(kUnits, *unit)) {
    return Error::InvalidField("unit", "must be one of TOKENS, CHARACTERS, MILLISECONDS, SECONDS, REQUESTS, IMAGES");
  }
  model.unit = unit;
  TALLY_ASSIGN_OR_RETURN(tokenizer, OptionalText(body, "tokenizerId"));
  if (tokenizer && *tokenizer != "openai" && *tokenizer != "claude") {
    return Error::InvalidField("tokenizerId", "must be openai or claude");
  }
  model.tokenizer_id = tokenizer;
  if (const bj::value* config = body.if_contains("tokenizerConfig"); config && !config->is_null()) {
    if (!config->is_object()) return Error::InvalidField("tokenizerConfig", "must be an object");
    model.tokenizer_config = *config;
  }

  // Prices: flat fields or tiers, never both.
  TALLY_ASSIGN_OR_RETURN(input_price, OptionalPrice(body, "inputPrice", "inputPrice"));
  TALLY_ASSIGN_OR_RETURN(output_price, OptionalPrice(body, "outputPrice", "outputPrice"));
  TALLY_ASSIGN_OR_RETURN(total_price, OptionalPrice(body, "totalPrice", "totalPrice"));
  const bool flat = input_price || output_price || total_price;
  const bj::value* tiers = body.if_contains("pricingTiers");
  const bool tiered = tiers && !tiers->is_null();
  if (flat == tiered) {
    return Error::InvalidField("pricingTiers", "send either flat prices (inputPrice, outputPrice, totalPrice) or pricingTiers");
  }
  if (total_price && (input_price || output_price)) {
    return Error::InvalidField("totalPrice", "cannot be combined with inputPrice or outputPrice");
  }
  if (flat) {
    PricingTier tier;
    tier.name = "Standard";
    tier.is_default = true;
    if (input_price) tier.prices["input"] = *input_price;
    if (output_price) tier.prices["output"] = *output_price;
    if (total_price) tier.prices["total"] = *total_price;
    model.tiers.push_back(std::move(tier));
    return model;
  }
  if (!tiers->is_array() || tiers->as_array().empty()) {
    return Error::InvalidField("pricingTiers", "must be a non-empty array");
  }
  for (size_t i = 0; i < tiers->as_array().size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(tier, ParseTier(tiers->as_array()[i], i));
    model.tiers.push_back(std::move(tier));
  }
  TALLY_TRY(CheckTiers(model.tiers));
  return model;
}

const std::vector<ModelDefinition>& ManagedModels() {
  static const std::vector<ModelDefinition> models = [] {
    std::vector<ModelDefinition> parsed;
    boost::system::error_code ec;
    bj::value table = bj::parse(kDefaultModelPricesJson, ec);
    if (ec || !table.is_array()) {
      // The table is compiled in, so this is a build defect, not a runtime condition.
      throw std::logic_error("default_model_prices.json is not a JSON array");
    }
    for (const auto& entry : table.as_array()) {
      auto model = entry.is_object() ? ParseModelDefinition(entry.as_object()) : Error::Invalid("not an object");
      if (!model) throw std::logic_error("invalid entry in default_model_prices.json: " + model.error().message);
      parsed.push_back(std::move(*model));
    }
    return parsed;
  }();
  return models;
}

ModelCatalog::ModelCatalog(std::vector<ModelDefinition> project_models) : project_models_(std::move(project_models)) {
  auto by_start = [](const ModelDefinition& a, const ModelDefinition& b) {
    if (a.start_date.has_value() != b.start_date.has_value()) return a.start_date.has_value();
    return a.start_date.value_or(0) > b.start_date.value_or(0);
  };
  std::stable_sort(project_models_.begin(), project_models_.end(), by_start);
}

const ModelDefinition* ModelCatalog::Match(const std::string& provided_model) const {
  if (provided_model.empty()) return nullptr;
  for (const ModelDefinition& model : project_models_) {
    if (model.regex && BoundedSearch(provided_model, *model.regex)) return &model;
  }
  if (auto known = managed_matches_.find(provided_model); known != managed_matches_.end()) return known->second;
  const ModelDefinition* found = nullptr;
  for (const ModelDefinition& model : ManagedModels()) {
    if (model.regex && BoundedSearch(provided_model, *model.regex)) {
      found = &model;
      break;
    }
  }
  managed_matches_.emplace(provided_model, found);
  return found;
}

CostResult ComputeCost(const ModelDefinition* model, const bj::object& usage, const bj::object& provided_cost,
                       const bj::object& model_parameters, const bj::object& metadata) {
  CostResult result;

  // Provided costs switch calculation off entirely.
  if (!provided_cost.empty()) {
    result.cost_details = provided_cost;
    if (const bj::value* total = provided_cost.if_contains("total")) {
      result.total_cost = NumberOf(*total);
    } else {
      bool only_input_output = true;
      double sum = 0;
      for (const auto& entry : provided_cost) {
        only_input_output = only_input_output && (entry.key() == "input" || entry.key() == "output");
        sum += NumberOf(entry.value()).value_or(0);
      }
      if (only_input_output && std::isfinite(sum)) {
        result.total_cost = RoundPrice(sum);
        result.cost_details["total"] = *result.total_cost;
      }
    }
    return result;
  }
  if (!model || usage.empty()) return result;

  const PricingTier* tier = SelectTier(*model, usage, model_parameters, metadata);
  if (!tier) return result;
  result.tier = tier;
  double sum = 0;
  for (const auto& entry : usage) {
    if (entry.key() == "total") continue;
    const bj::value* price = tier->prices.if_contains(entry.key());
    if (!price) continue;
    const double cost = RoundPrice(NumberOf(entry.value()).value_or(0) * NumberOf(*price).value_or(0));
    if (!std::isfinite(cost)) return CostResult{};  // an absurd price; JSON cannot carry infinity
    result.cost_details[entry.key()] = cost;
    sum += cost;
  }
  const bj::value* total_price = tier->prices.if_contains("total");
  const bj::value* total_usage = usage.if_contains("total");
  const double total = total_price && total_usage
                           ? RoundPrice(NumberOf(*total_usage).value_or(0) * NumberOf(*total_price).value_or(0))
                           : RoundPrice(sum);
  if (!std::isfinite(total)) return result;
  result.total_cost = total;
  result.cost_details["total"] = total;
  return result;
}

namespace {

bj::value OptionalJson(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return bj::value(*text);
}

bj::value PriceOf(const PricingTier* tier, std::string_view key) {
  if (!tier) return nullptr;
  const bj::value* price = tier->prices.if_contains(key);
  return price ? *price : bj::value(nullptr);
}

}  // namespace

bj::object ModelToJson(const ModelDefinition& model) {
  const PricingTier* default_tier = model.DefaultTier();
  bj::object out;
  out["id"] = model.id;
  out["modelName"] = model.model_name;
  out["matchPattern"] = model.match_pattern;
  out["startDate"] = model.start_date ? bj::value(FormatIsoMillis(*model.start_date)) : bj::value(nullptr);
  out["unit"] = OptionalJson(model.unit);
  out["inputPrice"] = PriceOf(default_tier, "input");
  out["outputPrice"] = PriceOf(default_tier, "output");
  out["totalPrice"] = PriceOf(default_tier, "total");
  out["tokenizerId"] = OptionalJson(model.tokenizer_id);
  out["tokenizerConfig"] = model.tokenizer_config;
  out["isLangfuseManaged"] = !model.project_id.has_value();
  out["createdAt"] = FormatIsoMillis(model.created_at);
  bj::object prices;
  if (default_tier) {
    for (const auto& entry : default_tier->prices) prices[entry.key()] = bj::object{{"price", entry.value()}};
  }
  out["prices"] = std::move(prices);
  bj::array tiers;
  for (const PricingTier& tier : model.tiers) {
    tiers.push_back(bj::object{{"id", tier.id},
                               {"name", tier.name},
                               {"isDefault", tier.is_default},
                               {"priority", tier.priority},
                               {"conditions", tier.conditions},
                               {"prices", tier.prices}});
  }
  out["pricingTiers"] = std::move(tiers);
  return out;
}

}  // namespace tally::tracing
