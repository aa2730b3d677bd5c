// Router: maps (method, path) to a handler with the route's options and docs.
//
// Patterns are literal segments and parameters: "/api/projects/{id:int}/tasks"
// or "/api/public/traces/{traceId}". An `:int` parameter only matches digits,
// so "/api/projects/abc" is a 404 as in Label Studio. Every route matches with
// and without a trailing slash and the router never redirects (Label Studio's
// clients use both forms). A path that matches a pattern under another method
// is a 405 listing the allowed methods.
//
// Routes are registered with their OpenAPI documentation (summary, tag,
// schemas); openapi.h builds the document from this table, so a route cannot
// exist without appearing in it.
//
// Thread-safety: register every route before the server starts; matching is
// then read-only and safe from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace tally::http {

using Handler = std::function<Result<Response>(Request&)>;

// Access rule of a route. The authenticator resolves the Principal; the server
// rejects a request whose principal does not satisfy the route before the
// handler runs.
enum class Auth {
  kNone,         // open: health, version, login, docs
  kUser,         // a person (token, access token or session)
  kProjectKey,   // a Langfuse key pair
  kScoreWriter,  // a key pair or a public key alone (Langfuse score writes)
};

// Thread a handler runs on. kInline runs on the IO thread and must not block
// (no database, no outbound HTTP); kPool runs on the bounded worker pool.
enum class Dispatch { kPool, kInline };

struct RouteDoc {
  std::string summary;              // one line, shown in /api/docs
  std::string tag;                  // group in the document: "Users", "Projects", …
  std::string request_schema;       // JSON Schema text of the body, empty when none
  std::string response_schema;      // JSON Schema text of the success body, empty for 204
  int success_status = 200;
  std::vector<std::string> query;   // documented query parameters: "page", "page_size", …
};

struct Route {
  std::string method;
  std::string pattern;
  Auth auth = Auth::kUser;
  Dispatch dispatch = Dispatch::kPool;
  size_t body_limit = 1 << 20;  // bytes; larger bodies get 413 before they are read
  // Bodies of at least ServerOptions::spool_threshold bytes (or of unknown
  // length) go to a file, Request::body_file, instead of memory: for routes
  // that take uploads far larger than what a request should hold in RAM.
  bool spool_body = false;
  // Media types (compared case-insensitively with the Content-Type's media
  // type, parameters ignored, e.g. "application/json") whose bodies of at
  // least ServerOptions::spool_threshold bytes, or of unknown length, reach
  // the handler as Request::body_stream while the client is still sending.
  // Other large bodies of a spool_body route still go to a file. Such a
  // request always runs on the worker pool, whatever `dispatch` is set to,
  // because reading the stream blocks until the bytes arrive.
  std::vector<std::string> stream_body_types;
  RouteDoc doc;
  Handler handler;
};

struct Match {
  const Route* route = nullptr;                 // set on a match
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;     // set when only the method failed (405)
};

class Router {
 public:
  // Adds a route. Throws std::invalid_argument for a malformed pattern, a
  // missing summary, a schema that is not JSON or a duplicate (method,
  // pattern): these are programming errors caught at start-up.
  void Add(Route route);

  // Finds the route for `method` and `path`. On no path match, both route and
  // allowed_methods are empty (404). HEAD matches GET routes.
  Match Find(std::string_view method, std::string_view path) const;

  // Like Find, for a path as sent (`raw_path`, still percent-encoded): the
  // path is split at its '/' first and each segment decoded afterwards, so
  // an encoded slash ("folder%2Fname") stays inside one parameter. The server
  // routes with this. REQUIRES: every escape in `raw_path` is valid
  // (Dispatcher::ParseTarget checked it); an invalid one is kept as sent.
  Match FindEncoded(std::string_view method, std::string_view raw_path) const;

  // Sets the route that handles GET and HEAD requests no pattern matches,
  // when `accepts(path)` is true (the web UI's client-side routes). It is
  // not listed in routes(), so it has no OpenAPI entry, and a path that
  // matches another method's pattern still gets 405. Throws
  // std::invalid_argument for a route without handler or summary.
  void SetFallback(Route route, std::function<bool(std::string_view path)> accepts);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;   // literal text, or parameter name
    bool is_param = false;
    bool is_int = false;
  };
  struct Compiled {
    std::vector<Segment> segments;
    size_t route_index;
  };
  static std::vector<std::string_view> SplitPath(std::string_view path);
  // Find over path segments; `path` (decoded) is only for the fallback.
  Match FindSegments(std::string_view method, const std::vector<std::string_view>& parts, std::string_view path) const;
  bool MatchSegments(const Compiled& compiled, const std::vector<std::string_view>& parts,
                     std::map<std::string, std::string>* params) const;

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
  std::optional<Route> fallback_;
  std::function<bool(std::string_view)> fallback_accepts_;
};

}  // namespace tally::http
