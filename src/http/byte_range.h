// HTTP byte ranges (RFC 9110 §14): the single range of a Range request
// header, as media elements send it to seek. Multiple ranges are not served:
// HTTP lets a server send the whole representation instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tally::http {

// A Range header's one range before the size of the representation is
// known: "bytes=first-last", "bytes=first-" (no last) or
// "bytes=-suffix_length" (no first, and `last` is the length).
struct RangeRequest {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
};

// nullopt for an absent, malformed or multi-range header, and for a range
// whose last byte comes before its first: these get the whole
// representation, as RFC 9110 lets a server ignore such headers.
[[nodiscard]] std::optional<RangeRequest> ParseRangeRequest(std::string_view header);

// A range resolved against a representation of known size.
struct ByteRange {
  enum class Kind { kWholeFile, kRange, kUnsatisfiable };
  Kind kind = Kind::kWholeFile;
  uint64_t first = 0;  // inclusive
  uint64_t last = 0;   // inclusive
};

// kWholeFile when ParseRangeRequest gives nullopt, kUnsatisfiable when the
// range starts past the end (or requests the last 0 bytes, or the file is
// empty), else the range clipped to `size`.
[[nodiscard]] ByteRange ParseByteRange(std::string_view header, uint64_t size);

}  // namespace tally::http
