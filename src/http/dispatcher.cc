#include "http/dispatcher.h"

#include <fmt/format.h>

#include "core/log.h"
#include "http/errors.h"

namespace tally::http {

namespace {

bool IsUnsafeMethod(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Error MissingCredentials(std::string_view path) {
  return Error::Unauthorized(IsLangfusePath(path) ? "No authorization header"
                                                  : "Authentication credentials were not provided.");
}

bool IsProjectRoute(Auth auth) { return auth == Auth::kProjectKey || auth == Auth::kScoreWriter; }

}  // namespace

Result<void> Dispatcher::ParseTarget(std::string_view target, Request& request) {
  const size_t question = target.find('?');
  TALLY_ASSIGN_OR_RETURN(path, PercentDecode(target.substr(0, question), false));
  if (path.empty() || path.front() != '/') return Error::Invalid("The request target must be an absolute path");
  request.path = std::move(path);
  request.raw_path = std::string(target.substr(0, question));

  if (question == std::string_view::npos) return Ok();
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    TALLY_ASSIGN_OR_RETURN(key, PercentDecode(pair.substr(0, equals), true));
    std::string value;
    if (equals != std::string_view::npos) {
      TALLY_ASSIGN_OR_RETURN(decoded, PercentDecode(pair.substr(equals + 1), true));
      value = std::move(decoded);
    }
    request.query.emplace(std::move(key), std::move(value));
  }
  return Ok();
}

Result<Response> Dispatcher::Run(Request& request, const Route& route) {
  TALLY_TRY(CheckAccess(request, route));
  return route.handler(request);
}

Result<void> Dispatcher::CheckAccess(Request& request, const Route& route) {
  if (route.auth != Auth::kNone && authenticator_) {
    TALLY_ASSIGN_OR_RETURN(principal, authenticator_->Authenticate(request));
    request.principal = principal;
  }

  // A user reaches the project-key API for one project at a time. Score
  // writes are open to every member, and other writes need a manager.
  if (IsProjectRoute(route.auth) && request.principal.is_user() && authenticator_) {
    const std::string_view project = request.Header("x-tally-project");
    if (project.empty()) {
      return Error::Unauthorized(
          "This endpoint needs a project's key pair (Authorization: Basic base64(publicKey:secretKey)), or a "
          "user's session or token together with the header X-Tally-Project: <project id>");
    }
    const bool write = IsUnsafeMethod(request.method) && route.auth == Auth::kProjectKey;
    TALLY_ASSIGN_OR_RETURN(scoped, authenticator_->ScopeToProject(request.principal, project, write));
    request.principal = scoped;
  }

  const Principal& principal = request.principal;
  switch (route.auth) {
    case Auth::kNone: break;
    case Auth::kUser:
      if (principal.kind == Principal::Kind::kAnonymous) return MissingCredentials(request.path);
      if (!principal.is_user()) {
        return Error::Forbidden("This endpoint needs a user's token or session, not a project key pair");
      }
      break;
    case Auth::kProjectKey:
      if (principal.kind == Principal::Kind::kAnonymous) return MissingCredentials(request.path);
      if (principal.kind == Principal::Kind::kPublicKey) {
        return Error::Forbidden("Access denied - insufficient permissions for this endpoint");
      }
      if (!principal.is_project_key() && !(principal.is_user() && principal.project_id != 0)) {
        return Error::Unauthorized(
            "This endpoint needs a project's key pair: Authorization: Basic base64(publicKey:secretKey)");
      }
      break;
    case Auth::kScoreWriter:
      if (principal.kind == Principal::Kind::kAnonymous) return MissingCredentials(request.path);
      if (principal.kind != Principal::Kind::kProjectKey && principal.kind != Principal::Kind::kPublicKey &&
          !(principal.is_user() && principal.project_id != 0)) {
        return Error::Unauthorized("This endpoint needs a project's key pair or public key");
      }
      break;
  }

  if (principal.via_session && IsUnsafeMethod(request.method) && authenticator_) {
    TALLY_TRY(authenticator_->CheckCsrf(request));
  }
  return Ok();
}

std::optional<Response> Dispatcher::Admit(Request& request, const Match& match) {
  if (!match.route) return std::nullopt;
  Result<void> checked = Ok();
  try {
    checked = CheckAccess(request, *match.route);
  } catch (const std::exception& exception) {
    checked = Error::Internal(fmt::format("uncaught exception: {}", exception.what()));
  }
  if (checked) return std::nullopt;
  return ErrorFor(request, match, checked.error());
}

Response Dispatcher::Handle(Request& request, const Match& match) {
  if (!match.route && match.allowed_methods.empty()) {
    return ErrorResponse(Error::NotFound(IsLangfusePath(request.path) ? "Not found" : "Not found."), request.path,
                         request.request_id);
  }
  if (!match.route) {
    Response response = ErrorResponse(Error{Errc::kInvalidArgument, "Method not allowed", {}, {}}, request.path,
                                       request.request_id);
    response.status = 405;
    if (IsLangfusePath(request.path)) {
      response.body = R"({"message":"Method not allowed","error":"MethodNotAllowedError"})";
    } else {
      response.body = fmt::format(
          R"({{"id":"{}","status_code":405,"version":"{}","detail":"Method \"{}\" not allowed.","exc_info":null}})",
          request.request_id, TALLY_VERSION, request.method);
    }
    std::string allow;
    for (const auto& method : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + method;
    response.WithHeader("Allow", allow);
    return response;
  }

  request.path_params = match.params;
  Result<Response> result = Response{};
  try {
    result = Run(request, *match.route);
  } catch (const std::exception& exception) {
    result = Error::Internal(fmt::format("uncaught exception: {}", exception.what()));
  }
  if (result) return std::move(*result);
  return ErrorFor(request, match, result.error());
}

Response Dispatcher::ErrorFor(const Request& request, const Match& match, const Error& error) {
  if (error.code == Errc::kInternal || error.code == Errc::kUnavailable) {
    TALLY_LOG_ERROR("event=request_failed request_id={} method={} route={} code={} detail=\"{}\"", request.request_id,
                    request.method, match.route ? match.route->pattern : "-", ErrcName(error.code), error.detail);
  }
  Response response = ErrorResponse(error, request.path, request.request_id);

  // X-Tally-Project marks a user's session or token on the Langfuse API, as
  // the web UI sends it. A Basic challenge there would make the browser open
  // its own login dialog when the session ends.
  if (response.status == 401 && !request.Header("x-tally-project").empty()) {
    for (auto& [name, value] : response.headers) {
      if (name == "WWW-Authenticate") value = std::string(kTokenChallenge);
    }
  }
  return response;
}

Result<Principal> Dispatcher::Authenticate(const Request& request) {
  if (!authenticator_) return Principal{};
  return authenticator_->Authenticate(request);
}

Response Dispatcher::Preflight(const Request& request) {
  Response response = Response::NoContent();
  response.WithHeader("Access-Control-Allow-Methods", "DELETE, GET, OPTIONS, PATCH, POST, PUT");
  const std::string_view requested = request.Header("access-control-request-headers");
  response.WithHeader("Access-Control-Allow-Headers",
                      requested.empty() ? std::string("authorization, content-type") : std::string(requested));
  response.WithHeader("Access-Control-Max-Age", "86400");
  // The server adds Access-Control-Allow-Origin to every answer, this one too.
  return response;
}

void Dispatcher::AddCorsHeaders(const Request& request, Response& response) {
  const std::string_view origin = request.Header("origin");
  if (origin.empty()) return;
  // Reflect the origin without credentials: cookies never authorize a
  // cross-origin call, only tokens and key pairs do.
  response.WithHeader("Access-Control-Allow-Origin", std::string(origin));
  response.WithHeader("Vary", "Origin");
}

}  // namespace tally::http
