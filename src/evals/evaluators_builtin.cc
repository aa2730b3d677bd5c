#include "evals/evaluators_builtin.h"

#include <boost/regex.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "core/json.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

// Maximum text length the Levenshtein evaluator compares, in code points,
// because its cost grows with the product of both lengths.
constexpr size_t kMaxLevenshteinLength = 20000;

std::string Text(const bj::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return "";
  return json::Serialize(value);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string Normalize(const BuiltinEvaluator& evaluator, const bj::value& value) {
  std::string text = Text(value);
  if (evaluator.trim) text = Trim(text);
  if (!evaluator.case_sensitive) text = Lower(std::move(text));
  return text;
}

std::optional<double> Number(const bj::value& value) {
  if (value.is_number()) return value.to_number<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string text = Trim(std::string(value.as_string()));
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (i + length > text.size()) length = 1;
    char32_t point = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (size_t k = 1; k < length; ++k) point = (point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    points.push_back(point);
    i += length;
  }
  return points;
}

BuiltinScore Boolean(bool passed, std::string comment) { return BuiltinScore{passed ? 1.0 : 0.0, "BOOLEAN", std::move(comment)}; }

Result<bool> OptionalFlag(const bj::object& config, std::string_view key, bool fallback) {
  TALLY_ASSIGN_OR_RETURN(flag, json::OptionalBool(config, key));
  return flag.value_or(fallback);
}

}  // namespace

size_t LevenshteinDistance(std::string_view a, std::string_view b) {
  const std::vector<char32_t> left = CodePoints(a), right = CodePoints(b);
  std::vector<size_t> previous(right.size() + 1), current(right.size() + 1);
  for (size_t j = 0; j <= right.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= left.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= right.size(); ++j) {
      const size_t substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[right.size()];
}

Result<BuiltinEvaluator> ParseBuiltinEvaluator(const bj::value& value) {
  if (!value.is_object()) return Error::InvalidField("evaluator", "Expected an object such as {\"type\": \"exact_match\"}");
  const bj::object& config = value.as_object();
  TALLY_ASSIGN_OR_RETURN(type, json::RequireString(config, "type"));
  BuiltinEvaluator evaluator{.type = type};
  TALLY_ASSIGN_OR_RETURN(case_sensitive, OptionalFlag(config, "caseSensitive", true));
  evaluator.case_sensitive = case_sensitive;

  if (type == "exact_match") {
    evaluator.kind = BuiltinKind::kExactMatch;
    TALLY_ASSIGN_OR_RETURN(trim, OptionalFlag(config, "trim", false));
    evaluator.trim = trim;
  } else if (type == "regex") {
    evaluator.kind = BuiltinKind::kRegex;
    TALLY_ASSIGN_OR_RETURN(pattern, json::RequireString(config, "pattern"));
    try {
      boost::regex compiled(pattern, case_sensitive ? boost::regex::ECMAScript : boost::regex::ECMAScript | boost::regex::icase);
    } catch (const boost::regex_error& error) {
      return Error::InvalidField("pattern", fmt::format("Invalid regular expression: {}", error.what()));
    }
    evaluator.pattern = std::move(pattern);
  } else if (type == "json_validity") {
    evaluator.kind = BuiltinKind::kJsonValidity;
  } else if (type == "contains") {
    evaluator.kind = BuiltinKind::kContains;
    TALLY_ASSIGN_OR_RETURN(text, json::OptionalString(config, "value"));
    evaluator.value = std::move(text);
  } else if (type == "numeric_tolerance") {
    evaluator.kind = BuiltinKind::kNumericTolerance;
    TALLY_ASSIGN_OR_RETURN(tolerance, json::OptionalNumber(config, "tolerance"));
    if (tolerance && (*tolerance < 0 || !std::isfinite(*tolerance))) {
      return Error::InvalidField("tolerance", "Must be a finite number ≥ 0");
    }
    evaluator.tolerance = tolerance.value_or(0);
    TALLY_ASSIGN_OR_RETURN(relative, OptionalFlag(config, "relative", false));
    evaluator.relative = relative;
  } else if (type == "levenshtein_similarity") {
    evaluator.kind = BuiltinKind::kLevenshtein;
  } else {
    return Error::InvalidField("type", fmt::format("Unknown evaluator type '{}': use exact_match, regex, json_validity, "
                                                   "contains, numeric_tolerance or levenshtein_similarity",
                                                   type));
  }
  return evaluator;
}

Result<BuiltinScore> EvaluateBuiltin(const BuiltinEvaluator& evaluator, const bj::value& output,
                                     const bj::value& expected) {
  switch (evaluator.kind) {
    case BuiltinKind::kExactMatch: {
      if (!output.is_string() && !expected.is_string() && !evaluator.trim && evaluator.case_sensitive) {
        return Boolean(output == expected, output == expected ? "Output equals the expected output"
                                                              : "Output differs from the expected output");
      }
      const bool equal = Normalize(evaluator, output) == Normalize(evaluator, expected);
      return Boolean(equal, equal ? "Output equals the expected output" : "Output differs from the expected output");
    }
    case BuiltinKind::kRegex: {
      const auto flags = evaluator.case_sensitive ? boost::regex::ECMAScript : boost::regex::ECMAScript | boost::regex::icase;
      try {
        const boost::regex pattern(evaluator.pattern, flags);
        const bool found = boost::regex_search(Text(output), pattern);
        return Boolean(found, found ? "Pattern matches the output" : "Pattern does not match the output");
      } catch (const std::runtime_error& error) {
        // Boost.Regex throws when a search exceeds its complexity limit
        // instead of backtracking for ever.
        return Error::Invalid(fmt::format("Regular expression search failed: {}", error.what()));
      }
    }
    case BuiltinKind::kJsonValidity: {
      if (output.is_object() || output.is_array()) return Boolean(true, "Output is a JSON value");
      if (!output.is_string()) return Boolean(false, "Output is not JSON text");
      boost::system::error_code ec;
      (void)bj::parse(output.as_string(), ec);
      return Boolean(!ec, ec ? fmt::format("Output is not valid JSON: {}", ec.message()) : "Output is valid JSON");
    }
    case BuiltinKind::kContains: {
      std::string needle = evaluator.value ? *evaluator.value : Text(expected);
      std::string haystack = Text(output);
      if (!evaluator.case_sensitive) {
        needle = Lower(std::move(needle));
        haystack = Lower(std::move(haystack));
      }
      const bool found = haystack.find(needle) != std::string::npos;
      return Boolean(found, found ? "Output contains the expected text" : "Output does not contain the expected text");
    }
    case BuiltinKind::kNumericTolerance: {
      auto target = Number(expected);
      if (!target) return Error::Invalid("Expected output is not a number, so numeric_tolerance cannot score it");
      auto actual = Number(output);
      if (!actual) return Boolean(false, "Output is not a number");
      const double allowed = evaluator.relative ? evaluator.tolerance * std::fabs(*target) : evaluator.tolerance;
      const double difference = std::fabs(*actual - *target);
      const bool within = difference <= allowed;
      return Boolean(within, fmt::format("Difference {} is {} the tolerance {}", json::FormatNumber(difference),
                                         within ? "within" : "outside", json::FormatNumber(allowed)));
    }
    case BuiltinKind::kLevenshtein: {
      const std::string left = Normalize(evaluator, output), right = Normalize(evaluator, expected);
      const size_t longest = std::max(CodePoints(left).size(), CodePoints(right).size());
      if (longest > kMaxLevenshteinLength) {
        return Error::Invalid(fmt::format("Texts over {} characters are too long for levenshtein_similarity",
                                          kMaxLevenshteinLength));
      }
      if (longest == 0) return BuiltinScore{1.0, "NUMERIC", "Both texts are empty"};
      const size_t distance = LevenshteinDistance(left, right);
      return BuiltinScore{1.0 - static_cast<double>(distance) / static_cast<double>(longest), "NUMERIC",
                          fmt::format("Edit distance {} over {} characters", distance, longest)};
    }
  }
  return Error::Internal("unhandled built-in evaluator kind");
}

}  // namespace tally::evals
