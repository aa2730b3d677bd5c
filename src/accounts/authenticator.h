// Resolves who made a request from its credentials, for every scheme the two
// APIs use:
//   Authorization: Token <key>        Label Studio legacy token
//   X-Api-Key: <key>                  alias of the above; wins over Authorization
//   Authorization: Bearer <jwt>       access token from POST /api/token/refresh
//   Authorization: Bearer pk-lf-…     Langfuse public key alone (score writes)
//   Authorization: Basic b64(pk:sk)   Langfuse project key pair
//   Cookie: tally_session=…           browser session (CSRF checked on writes)
//
// A user (any of the schemes that name a person) may call the key-pair
// routes under /api/public for one project by adding X-Tally-Project: <id>.
// ScopeToProject checks the membership.
//
// Lookups are cached for `cache_ttl` keyed by the SHA-256 of the credential,
// so a hot client costs one hash and one map probe per request. A revoked
// credential stops working at once in the process that revoked it (Forget)
// and within `cache_ttl` in other processes sharing the database.
//
// Thread-safety: Authenticate and CheckCsrf may run concurrently.
#pragma once

#include <chrono>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "http/dispatcher.h"
#include "store/database.h"

namespace tally::accounts {

inline constexpr const char* kSessionCookie = "tally_session";
inline constexpr const char* kCsrfCookie = "tally_csrftoken";

class TokenAuthenticator final : public http::Authenticator {
 public:
  TokenAuthenticator(store::Database& database, std::string jwt_key,
                     std::chrono::seconds cache_ttl = std::chrono::seconds(10))
      : database_(database), jwt_key_(std::move(jwt_key)), cache_ttl_(cache_ttl) {}

  Result<http::Principal> Authenticate(const http::Request& request) override;
  Result<void> CheckCsrf(const http::Request& request) override;
  // Members of the project's organization may read, and writes need a manager.
  Result<http::Principal> ScopeToProject(const http::Principal& user, std::string_view project_id,
                                         bool write) override;

  // Drops every cached principal (after a token reset, revocation, logout or
  // deactivation), so this process rejects the old credential at once.
  void Forget();

  const std::string& jwt_key() const { return jwt_key_; }

 private:
  Result<http::Principal> Resolve(std::string_view scheme, std::string_view credential);
  Result<http::Principal> ResolveUser(int64_t user_id, bool via_session);

  store::Database& database_;
  std::string jwt_key_;
  std::chrono::seconds cache_ttl_;

  struct CacheEntry {
    http::Principal principal;
    std::chrono::steady_clock::time_point expires;
  };
  std::shared_mutex cache_mutex_;
  std::unordered_map<std::string, CacheEntry> cache_;
};

// The value of cookie `name` in a Cookie header, or empty.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace tally::accounts
