// Built-in evaluators: deterministic checks of an output against a dataset
// item's expected output, with no model call and no user code.
//
// Kinds and their configuration (JSON, as the API takes it):
//   {"type": "exact_match", "caseSensitive"?: true, "trim"?: false}
//       1 when output equals the expected output. Two JSON values that are
//       not both strings compare structurally.
//   {"type": "regex", "pattern": "...", "caseSensitive"?: true}
//       1 when the pattern matches anywhere in the output text (ECMAScript
//       syntax, Boost.Regex).
//   {"type": "json_validity"}
//       1 when the output is a JSON object or array, or a string holding JSON.
//   {"type": "contains", "value"?: "...", "caseSensitive"?: true}
//       1 when the output text contains `value`, or the expected output's
//       text when `value` is absent.
//   {"type": "numeric_tolerance", "tolerance"?: 0, "relative"?: false}
//       1 when |output − expected| ≤ tolerance (× |expected| when relative).
//   {"type": "levenshtein_similarity", "caseSensitive"?: true}
//       1 − distance / max(length) over Unicode code points, in [0, 1];
//       two empty texts score 1.
// The "text" of a value is the string itself, or its compact JSON text.
// Every kind except levenshtein_similarity produces a BOOLEAN score (1/0).
//
// Thread-safety: BuiltinEvaluator is immutable after parsing; Evaluate is a
// pure function.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "core/result.h"

namespace tally::evals {

enum class BuiltinKind { kExactMatch, kRegex, kJsonValidity, kContains, kNumericTolerance, kLevenshtein };

struct BuiltinEvaluator {
  BuiltinKind kind = BuiltinKind::kExactMatch;
  std::string type;  // the configured name, e.g. "exact_match"
  bool case_sensitive = true;
  bool trim = false;
  std::string pattern;               // regex
  std::optional<std::string> value;  // contains
  double tolerance = 0;              // numeric_tolerance
  bool relative = false;             // numeric_tolerance
};

struct BuiltinScore {
  double value = 0;
  std::string data_type;  // "BOOLEAN" or "NUMERIC"
  std::string comment;    // why, in one sentence, without the compared content
};

// Parses a configuration object. kInvalidArgument naming the field for an
// unknown type, a missing pattern, a pattern that does not compile, or a
// negative tolerance.
[[nodiscard]] Result<BuiltinEvaluator> ParseBuiltinEvaluator(const boost::json::value& config);

// Scores `output` against `expected`. kInvalidArgument when the item cannot
// be scored by this kind: numeric_tolerance with an expected output that is
// not a number, or a regex search that exceeds Boost.Regex's complexity limit.
[[nodiscard]] Result<BuiltinScore> EvaluateBuiltin(const BuiltinEvaluator& evaluator, const boost::json::value& output,
                                                   const boost::json::value& expected);

// Levenshtein distance between two UTF-8 texts counted in code points.
size_t LevenshteinDistance(std::string_view a, std::string_view b);

}  // namespace tally::evals
