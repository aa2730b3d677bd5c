#include "core/result.h"

#include <stdexcept>

namespace tally {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kNotFound: return "not_found";
    case Errc::kInvalidArgument: return "invalid_argument";
    case Errc::kConflict: return "conflict";
    case Errc::kUnauthorized: return "unauthorized";
    case Errc::kForbidden: return "forbidden";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kPayloadTooLarge: return "payload_too_large";
    case Errc::kRateLimited: return "rate_limited";
    case Errc::kInternal: return "internal";
  }
  return "internal";
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(std::string(ErrcName(error.code)) + ": " + error.message +
                           (error.detail.empty() ? "" : " (" + error.detail + ")"));
}

}  // namespace tally
