#include "http/byte_range.h"

#include <algorithm>

namespace tally::http {

namespace {

// A decimal number of at most 19 digits, so it cannot overflow uint64_t.
std::optional<uint64_t> Number(std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::optional<RangeRequest> ParseRangeRequest(std::string_view header) {
  constexpr std::string_view kPrefix = "bytes=";
  if (!header.starts_with(kPrefix) || header.find(',') != std::string_view::npos) return std::nullopt;
  const std::string_view spec = header.substr(kPrefix.size());
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  RangeRequest range{Number(first_text), Number(last_text)};
  if (!first_text.empty() && !range.first) return std::nullopt;
  if (!last_text.empty() && !range.last) return std::nullopt;
  if (!range.first && !range.last) return std::nullopt;
  if (range.first && range.last && *range.last < *range.first) return std::nullopt;
  return range;
}

ByteRange ParseByteRange(std::string_view header, uint64_t size) {
  const std::optional<RangeRequest> range = ParseRangeRequest(header);
  if (!range) return {};
  if (!range->first) {
    // A suffix range: the last N bytes.
    if (*range->last == 0 || size == 0) return {.kind = ByteRange::Kind::kUnsatisfiable};
    return {.kind = ByteRange::Kind::kRange, .first = size - std::min(*range->last, size), .last = size - 1};
  }
  if (*range->first >= size) return {.kind = ByteRange::Kind::kUnsatisfiable};
  return {.kind = ByteRange::Kind::kRange,
          .first = *range->first,
          .last = range->last ? std::min(*range->last, size - 1) : size - 1};
}

}  // namespace tally::http
