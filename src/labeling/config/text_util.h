// Small text helpers shared by the label config files. Internal to this
// folder: not part of the engine's API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tally::labeling {

// Splits on ',' keeping empty parts: "a,,b" gives {"a", "", "b"}.
std::vector<std::string> SplitCommaList(std::string_view text);

// ASCII lower case.
std::string Lowercase(std::string_view text);

// Levenshtein distance, ignoring ASCII case.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` within an edit distance of 2 and under
// half the longer name's length, or empty: used for "did you mean …?" hints.
std::string NearestName(const std::vector<std::string>& candidates, std::string_view name);

// Joins with ", ", each item in double quotes: "a", "b".
std::string QuotedList(const std::vector<std::string>& items);

}  // namespace tally::labeling
