// The one place where an Error becomes an HTTP status and an error body.
//
// Paths under /api/public speak Langfuse's envelope:
//   {"message": "...", "error": "LangfuseNotFoundError"}
// and validation failures {"message": "Invalid request data", "error": [issues]}
// with one issue per field ({"code", "path", "message"}).
// Everything else speaks Label Studio's envelope:
//   {"id", "status_code", "version", "detail", "exc_info": null, "validation_errors"?}
// The detail of an Error (driver messages, SQL) is never sent; internal errors
// are logged by the caller with the request id, and the body carries only a
// generic message and that id.
#pragma once

#include <string_view>

#include "http/message.h"

namespace tally::http {

// HTTP status for an error code.
int StatusFor(Errc code);

// Builds the error response for `error` on a request to `path`.
Response ErrorResponse(const Error& error, std::string_view path, std::string_view request_id);
// The same with `status` in place of StatusFor(error.code), for statuses no
// error code maps to (431); the envelope's status_code repeats it.
Response ErrorResponse(const Error& error, std::string_view path, std::string_view request_id, int status);

// True when `path` belongs to the Langfuse-compatible API.
inline bool IsLangfusePath(std::string_view path) { return path.starts_with("/api/public"); }

// WWW-Authenticate challenges of 401 responses. The Langfuse API takes a
// project's key pair as Basic credentials (public key as user name, secret
// key as password); Label Studio's API takes "Authorization: Token <key>".
// ErrorResponse picks one by path.
inline constexpr std::string_view kBasicChallenge = R"(Basic realm="tally", charset="UTF-8")";
inline constexpr std::string_view kTokenChallenge = "Token";

}  // namespace tally::http
