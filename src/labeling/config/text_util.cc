#include "labeling/config/text_util.h"

#include <algorithm>
#include <cctype>

namespace tally::labeling {

std::vector<std::string> SplitCommaList(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string_view::npos ? text.size() : comma;
    parts.emplace_back(text.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const int x = std::tolower(static_cast<unsigned char>(a[i - 1]));
      const int y = std::tolower(static_cast<unsigned char>(b[j - 1]));
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x == y ? 0 : 1)});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string NearestName(const std::vector<std::string>& candidates, std::string_view name) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& candidate : candidates) {
    // A suggestion must be closer than half the name's length, so that one
    // short name is not offered for another ("x" for "t").
    const size_t distance = EditDistance(candidate, name);
    const size_t longer = std::max(candidate.size(), name.size());
    if (distance < best_distance && distance * 2 < longer) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += ", ";
    text += "\"" + item + "\"";
  }
  return text;
}

}  // namespace tally::labeling
