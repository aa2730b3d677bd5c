// libFuzzer target for the credentials a client controls: JWTs (signature,
// algorithm and expiry checks), Cookie headers and Basic credentials in
// base64. None of these may crash or accept a token they did not sign.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "accounts/authenticator.h"
#include "accounts/jwt.h"
#include "core/crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialized = [] {
    tally::InitCrypto();
    return true;
  }();
  (void)initialized;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // A token that verifies under this key must have been signed with it,
  // which a fuzzer cannot do: any success is a forgery.
  if (tally::accounts::VerifyJwt(input, "fuzzing-key-that-signs-nothing", 0)) __builtin_trap();

  (void)tally::accounts::CookieValue(input, "tally_session");
  (void)tally::Base64Decode(input);
  (void)tally::Base64UrlDecode(input);
  return 0;
}
