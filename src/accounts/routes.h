// HTTP routes of the accounts subsystem, in Label Studio's shapes:
//   /api/current-user, /api/current-user/whoami, /api/users…     (user_routes.cc)
//   /api/auth/login, /api/auth/logout                           (user_routes.cc)
//   /api/current-user/token, /api/token…                         (token_routes.cc)
//   /api/organizations…, …/memberships                           (organization_routes.cc)
//   /api/projects/{id}/api-keys, /api/public/projects            (key_routes.cc)
#pragma once

#include <chrono>

#include "accounts/authenticator.h"
#include "http/router.h"
#include "store/database.h"

namespace tally::accounts {

struct AccountsContext {
  store::Database& database;
  TokenAuthenticator& authenticator;
  std::chrono::hours session_lifetime{24 * 14};
  std::chrono::minutes access_token_lifetime{5};
  bool secure_cookies = false;  // set the Secure flag (behind HTTPS)
};

void AddUserRoutes(http::Router& router, AccountsContext& context);
void AddTokenRoutes(http::Router& router, AccountsContext& context);
void AddOrganizationRoutes(http::Router& router, AccountsContext& context);
void AddKeyRoutes(http::Router& router, AccountsContext& context);

inline void AddAccountRoutes(http::Router& router, AccountsContext& context) {
  AddUserRoutes(router, context);
  AddTokenRoutes(router, context);
  AddOrganizationRoutes(router, context);
  AddKeyRoutes(router, context);
}

}  // namespace tally::accounts
