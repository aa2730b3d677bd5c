// libFuzzer target for the request input the dispatcher reads before any
// handler: the request target (path and query), a JSON body with the typed
// field getters, and the ISO timestamps both APIs accept. The first byte
// picks the parser; the rest is the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "core/time.h"
#include "http/dispatcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  switch (data[0] % 3) {
    case 0: {
      tally::http::Request request;
      if (tally::http::Dispatcher::ParseTarget(input, request)) {
        (void)request.QueryAll("tags");
        (void)request.Query("page");
      }
      break;
    }
    case 1: {
      auto object = tally::json::ParseObject(input);
      if (object) {
        (void)tally::json::OptionalString(*object, "email");
        (void)tally::json::OptionalInt(*object, "page");
        (void)tally::json::OptionalNumber(*object, "score");
        (void)tally::json::OptionalBool(*object, "flag");
        (void)tally::json::Serialize(*object);
      }
      break;
    }
    default: {
      auto parsed = tally::ParseIsoTimestamp(input);
      // Whatever parses must format and parse back to the same instant.
      if (parsed && *parsed > -62135596800000000 && *parsed < 253402300800000000) {
        if (tally::ParseIsoTimestamp(tally::FormatIsoMicros(*parsed)) != parsed) __builtin_trap();
      }
      break;
    }
  }
  return 0;
}
