// HS256 JSON Web Tokens for Label Studio's personal access tokens (refresh
// tokens) and the short-lived access tokens exchanged for them.
//
// Claims used: token_type ("refresh" or "access"), user_id, jti, iat, exp
// (seconds since the epoch; absent on a refresh token without expiry).
// The signing key is a server secret shared by every process on one database.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::accounts {

// Signs `claims` with `key` and returns the compact token.
std::string SignJwt(const boost::json::object& claims, std::string_view key);

// Verifies the signature and the expiry against `now_seconds` and returns the
// claims. Fails with kUnauthorized on a malformed token, a bad signature, an
// algorithm other than HS256, or an expired token.
[[nodiscard]] Result<boost::json::object> VerifyJwt(std::string_view token, std::string_view key, int64_t now_seconds);

}  // namespace tally::accounts
