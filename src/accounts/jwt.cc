#include "accounts/jwt.h"

#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::accounts {

namespace bj = boost::json;

std::string SignJwt(const bj::object& claims, std::string_view key) {
  const std::string header = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  const std::string payload = Base64UrlEncode(json::Serialize(claims));
  const std::string signing_input = header + "." + payload;
  return signing_input + "." + Base64UrlEncode(HmacSha256(key, signing_input));
}

Result<bj::object> VerifyJwt(std::string_view token, std::string_view key, int64_t now_seconds) {
  const Error invalid = Error::Unauthorized("Token is invalid or expired");
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return invalid;

  const std::string_view signing_input = token.substr(0, second);
  const auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!signature || !ConstantTimeEquals(*signature, HmacSha256(key, signing_input))) return invalid;

  const auto header_text = Base64UrlDecode(token.substr(0, first));
  const auto payload_text = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  if (!header_text || !payload_text) return invalid;

  boost::system::error_code ec;
  bj::value header = bj::parse(*header_text, ec);
  if (ec || !header.is_object()) return invalid;
  const auto* algorithm = header.as_object().if_contains("alg");
  if (!algorithm || !algorithm->is_string() || algorithm->as_string() != "HS256") return invalid;

  bj::value payload = bj::parse(*payload_text, ec);
  if (ec || !payload.is_object()) return invalid;
  bj::object claims = std::move(payload.as_object());
  if (const auto* expiry = claims.if_contains("exp")) {
    if (!expiry->is_int64() || expiry->as_int64() <= now_seconds) return invalid;
  }
  return claims;
}

}  // namespace tally::accounts
