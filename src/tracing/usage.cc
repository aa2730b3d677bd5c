#include "tracing/usage.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace tally::tracing {

namespace bj = boost::json;

std::optional<double> NumberOf(const bj::value& value) {
  if (value.is_int64()) return static_cast<double>(value.as_int64());
  if (value.is_uint64()) return static_cast<double>(value.as_uint64());
  if (value.is_double()) return value.as_double();
  return std::nullopt;
}

double SumKeysContaining(const bj::object& map, std::string_view part, bool& any) {
  double sum = 0;
  for (const auto& entry : map) {
    if (std::string_view(entry.key()).find(part) == std::string_view::npos) continue;
    sum += NumberOf(entry.value()).value_or(0);
    any = true;
  }
  return sum;
}

namespace {

// Counts above JavaScript's largest exact integer (2^53 - 1) cannot reach an
// SDK intact, so they are treated like any other invalid count.
constexpr int64_t kMaxCount = 9'007'199'254'740'991;

// A non-negative whole count up to kMaxCount, or nullopt.
std::optional<int64_t> CountOf(const bj::value& value) {
  if (value.is_int64() && value.as_int64() >= 0 && value.as_int64() <= kMaxCount) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(kMaxCount)) {
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double d = value.as_double();
    if (std::isfinite(d) && d >= 0 && std::trunc(d) == d && d <= static_cast<double>(kMaxCount)) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

// Flat usage maps read strings with integer-prefix parsing ("12abc" -> 12)
// the way JavaScript's parseInt does; other values are dropped.
std::optional<int64_t> FlatCountOf(const bj::value& value) {
  if (value.is_string()) {
    const std::string text(value.as_string());
    char* end = nullptr;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || parsed < 0 || parsed > kMaxCount) return std::nullopt;
    return parsed;
  }
  return CountOf(value);
}

bool HasOnlyKeys(const bj::object& object, std::initializer_list<std::string_view> keys) {
  for (const auto& entry : object) {
    bool known = false;
    for (std::string_view key : keys) known = known || entry.key() == key;
    if (!known) return false;
  }
  return true;
}

// OpenAI usage objects: `prefix_in`/`prefix_out` name the input and output
// counts ("prompt"/"completion" or "input"/"output"). Returns nullopt when
// the object is not exactly of that shape.
std::optional<bj::object> ParseOpenAiUsage(const bj::object& details, std::string_view in, std::string_view out) {
  const std::string in_key = std::string(in) + "_tokens";
  const std::string out_key = std::string(out) + "_tokens";
  const std::string in_details_key = in_key + "_details";
  const std::string out_details_key = out_key + "_details";
  if (!HasOnlyKeys(details, {in_key, out_key, "total_tokens", in_details_key, out_details_key})) return std::nullopt;
  auto count = [&](const std::string& key) -> std::optional<int64_t> {
    auto it = details.find(key);
    if (it == details.end()) return std::nullopt;
    return CountOf(it->value());
  };
  const auto input = count(in_key), output = count(out_key), total = count("total_tokens");
  if (!input || !output || !total) return std::nullopt;

  bj::object usage;
  int64_t input_rest = *input, output_rest = *output;
  auto add_details = [&](const std::string& key, std::string_view prefix, int64_t& rest) {
    auto it = details.find(key);
    if (it == details.end() || !it->value().is_object()) return;
    for (const auto& entry : it->value().as_object()) {
      const auto value = CountOf(entry.value());
      if (!value) continue;
      usage[std::string(prefix) + "_" + std::string(entry.key())] = *value;
      rest -= *value;
    }
  };
  add_details(in_details_key, "input", input_rest);
  add_details(out_details_key, "output", output_rest);
  usage["input"] = std::max<int64_t>(input_rest, 0);
  usage["output"] = std::max<int64_t>(output_rest, 0);
  usage["total"] = *total;
  return usage;
}

Result<bj::object> ParseUsageDetails(const bj::value& value) {
  if (!value.is_object()) {
    return Error::InvalidField("body.usageDetails", "must be an object of usage type to token count");
  }
  const bj::object& details = value.as_object();
  if (details.contains("prompt_tokens")) {
    if (auto usage = ParseOpenAiUsage(details, "prompt", "completion")) return std::move(*usage);
  } else if (details.contains("input_tokens")) {
    if (auto usage = ParseOpenAiUsage(details, "input", "output")) return std::move(*usage);
  }
  bj::object usage;
  for (const auto& entry : details) {
    if (auto count = FlatCountOf(entry.value())) usage[entry.key()] = *count;
  }
  return usage;
}

Result<void> ParseLegacyUsage(const bj::object& legacy, bool has_usage_details, UsageAndCost& out) {
  auto read_count = [&](std::string_view key) -> Result<std::optional<int64_t>> {
    auto it = legacy.find(key);
    if (it == legacy.end() || it->value().is_null()) return std::optional<int64_t>();
    auto count = CountOf(it->value());
    if (!count) {
      return Error::InvalidField("body.usage." + std::string(key), "must be a non-negative integer");
    }
    return count;
  };

  std::optional<int64_t> input, output, total;
  if (legacy.contains("promptTokens") || legacy.contains("completionTokens") || legacy.contains("totalTokens")) {
    TALLY_ASSIGN_OR_RETURN(prompt, read_count("promptTokens"));
    TALLY_ASSIGN_OR_RETURN(completion, read_count("completionTokens"));
    TALLY_ASSIGN_OR_RETURN(all, read_count("totalTokens"));
    input = prompt, output = completion, total = all;
  } else {
    TALLY_ASSIGN_OR_RETURN(in, read_count("input"));
    TALLY_ASSIGN_OR_RETURN(outc, read_count("output"));
    TALLY_ASSIGN_OR_RETURN(all, read_count("total"));
    input = in, output = outc, total = all;
    for (auto [key, cost_key] : {std::pair{"inputCost", "input"}, {"outputCost", "output"}, {"totalCost", "total"}}) {
      auto it = legacy.find(key);
      if (it == legacy.end() || it->value().is_null()) continue;
      auto number = NumberOf(it->value());
      if (!number || !std::isfinite(*number) || *number < 0) {
        return Error::InvalidField(std::string("body.usage.") + key, "must be a non-negative number");
      }
      out.cost[cost_key] = *number;
    }
  }

  if (input) out.usage["input"] = *input;
  if (output) out.usage["output"] = *output;
  if ((!total || *total == 0) && !has_usage_details) {
    if (input && output && *input != 0 && *output != 0) {
      total = *input + *output;
    } else if (input) {
      total = *input;
    } else if (output) {
      total = *output;
    }
  }
  if (total) out.usage["total"] = *total;
  return Ok();
}

}  // namespace

Result<UsageAndCost> ParseUsage(const bj::object& body) {
  UsageAndCost out;
  const bj::value* usage_details = body.if_contains("usageDetails");
  const bool has_usage_details = usage_details && !usage_details->is_null();

  if (const bj::value* legacy = body.if_contains("usage"); legacy && !legacy->is_null()) {
    if (!legacy->is_object()) return Error::InvalidField("body.usage", "must be an object");
    TALLY_TRY(ParseLegacyUsage(legacy->as_object(), has_usage_details, out));
  }
  if (has_usage_details) {
    TALLY_ASSIGN_OR_RETURN(details, ParseUsageDetails(*usage_details));
    for (auto& entry : details) out.usage[entry.key()] = entry.value();
  }
  if (const bj::value* cost = body.if_contains("costDetails"); cost && !cost->is_null()) {
    if (!cost->is_object()) return Error::InvalidField("body.costDetails", "must be an object of usage type to USD");
    for (const auto& entry : cost->as_object()) {
      auto number = NumberOf(entry.value());
      if (number && std::isfinite(*number) && *number >= 0) out.cost[entry.key()] = *number;
    }
  }
  return out;
}

void AddUsageTotal(bj::object& usage) {
  if (usage.empty() || usage.contains("total")) return;
  // Saturates instead of overflowing when many large counts add up.
  int64_t total = 0;
  for (const auto& entry : usage) {
    if (!entry.value().is_int64()) continue;
    const int64_t count = entry.value().as_int64();
    total = count > INT64_MAX - total ? INT64_MAX : total + count;
  }
  usage["total"] = total;
}

}  // namespace tally::tracing
