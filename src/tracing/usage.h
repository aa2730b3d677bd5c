// Usage and cost maps of generations: parsing every shape the ingestion API
// accepts into one canonical form.
//
// Canonical form: `usageDetails` is an object of usage type -> non-negative
// integer ("input", "output", "total", "input_cached_tokens", …) and
// `costDetails` an object of usage type -> non-negative number in USD.
//
// Accepted inputs (a later source wins per key):
//   1. legacy `usage`: {input, output, total, unit, inputCost, outputCost,
//      totalCost}, or the OpenAI form {promptTokens, completionTokens,
//      totalTokens}, whose presence discards the other keys;
//   2. `usageDetails`: a flat map, OpenAI Chat Completions usage
//      (prompt_tokens…, with *_details subtracted from input and output so
//      cached and reasoning tokens are never counted twice), or OpenAI
//      Responses usage (input_tokens…);
//   3. `costDetails`: a flat map; non-numeric, NaN or negative values are
//      dropped.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include "core/result.h"

namespace tally::tracing {

struct UsageAndCost {
  boost::json::object usage;  // usage type -> integer
  boost::json::object cost;   // usage type -> number
};

// Reads `usage`, `usageDetails` and `costDetails` of an observation body.
// Fails with an InvalidField error for a shape that can never be valid
// (`usageDetails` that is not an object, a fractional legacy count).
[[nodiscard]] Result<UsageAndCost> ParseUsage(const boost::json::object& body);

// Adds `total` as the sum of every other key when usage is non-empty and has
// no `total`.
void AddUsageTotal(boost::json::object& usage);

// Reads a JSON number as a double; nullopt for anything else.
std::optional<double> NumberOf(const boost::json::value& value);

// Sums the numeric values of `map` whose key contains `part` ("input" covers
// input_cached_tokens too); sets `any` when at least one key matched.
double SumKeysContaining(const boost::json::object& map, std::string_view part, bool& any);

}  // namespace tally::tracing
