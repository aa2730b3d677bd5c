// Dispatcher: everything between a parsed request and its response that does
// not touch sockets. It authenticates, checks the route's access rule and
// CSRF, runs the handler, turns errors into envelopes, and records metrics.
// The Beast server (server.h) calls it; tests call it directly.
//
// Thread-safety: Handle may run on any thread concurrently; the router and the
// authenticator must be thread-safe for reads.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"

namespace tally::http {

// Resolves the Principal of a request from its headers (Authorization,
// X-Api-Key, session cookie). Returns an anonymous principal when the request
// carries no credentials, kUnauthorized when it carries bad ones. May read the
// database, so it runs on the worker pool.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  [[nodiscard]] virtual Result<Principal> Authenticate(const Request& request) = 0;
  // Checks the CSRF token of a cookie-authenticated unsafe request.
  [[nodiscard]] virtual Result<void> CheckCsrf(const Request& request) = 0;
  // Scopes a signed-in user to the project named by the X-Tally-Project
  // header, so the user can call a project-key route (the Langfuse public
  // API). Returns `user` with project_id and organization_id set when the
  // user may read the project (`write` false) or change it (`write` true).
  // The browser UI reads traces, prompts and datasets this way without
  // holding a project's secret key.
  [[nodiscard]] virtual Result<Principal> ScopeToProject(const Principal& user, std::string_view project_id,
                                                         bool write) {
    (void)user, (void)project_id, (void)write;
    return Error::Forbidden("This server does not let users act on a project through its key-pair endpoints");
  }
};

class Dispatcher {
 public:
  Dispatcher(const Router& router, Authenticator* authenticator, Metrics& metrics)
      : router_(router), authenticator_(authenticator), metrics_(metrics) {}

  // Splits `target` ("/path?query") into the request's decoded path and
  // query. Fails with kInvalidArgument on bad percent-encoding.
  [[nodiscard]] static Result<void> ParseTarget(std::string_view target, Request& request);

  // Handles a request whose route was matched (or not: match.route null means
  // 404 or 405). Never throws: an exception from a handler is logged with the
  // request id and returned as a 500.
  Response Handle(Request& request, const Match& match);

  // Runs the matched route's authentication and access checks without its
  // handler, so the server can reject a large body before reading it.
  // Returns the response Handle would give when a check fails, nullopt when
  // they pass or no route matched.
  std::optional<Response> Admit(Request& request, const Match& match);

  // Resolves the principal of a request without running a route (used for
  // WebSocket upgrades). Anonymous when no authenticator is configured.
  [[nodiscard]] Result<Principal> Authenticate(const Request& request);

  // Returns the response to a CORS preflight (OPTIONS with Access-Control-Request-Method).
  static Response Preflight(const Request& request);

  // Adds the CORS headers every cross-origin response needs.
  static void AddCorsHeaders(const Request& request, Response& response);

  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }

 private:
  Result<Response> Run(Request& request, const Route& route);
  // Authenticates the request and checks the route's access rule.
  Result<void> CheckAccess(Request& request, const Route& route);
  // The error response for a failed request, logged when it is a server error.
  Response ErrorFor(const Request& request, const Match& match, const Error& error);

  const Router& router_;
  Authenticator* authenticator_;
  Metrics& metrics_;
};

}  // namespace tally::http
