// Request and Response as handlers see them: plain values with no Beast or
// Asio types, so subsystems can serve routes without including either.
//
// The server fills a Request from the wire (path already percent-decoded,
// query split into repeated parameters, header names lower-cased), the router
// adds path parameters, and the authenticator adds the Principal. A handler
// returns Result<Response>; an Error becomes the error envelope of the API
// the path belongs to (see errors.h), in one place.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tally::http {

// Who made a request, as resolved by the authenticator.
struct Principal {
  enum class Kind {
    kAnonymous,
    kUser,        // a person: legacy token, Bearer access token or browser session
    kProjectKey,  // a Langfuse key pair (Basic pk:sk): full access to one project
    kPublicKey,   // a Langfuse public key alone (Bearer pk-lf-…): may only write scores
  };
  Kind kind = Kind::kAnonymous;
  int64_t user_id = 0;          // kUser
  int64_t organization_id = 0;  // kUser: active organization; keys: the project's organization
  int64_t project_id = 0;       // key kinds; a user scoped by X-Tally-Project on a key-pair route
  bool via_session = false;     // kUser through the session cookie (CSRF applies)
  // kUser scoped to project_id (X-Tally-Project) with at least the manager
  // role: may write traces and observations and overwrite scores by id.
  bool project_manager = false;

  bool is_user() const { return kind == Kind::kUser; }
  bool is_project_key() const { return kind == Kind::kProjectKey; }
};

class BodyStream;

// Percent-decodes `text`; in a query string '+' also means a space.
// kInvalidArgument for an incomplete or non-hex escape.
[[nodiscard]] Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

struct Request {
  std::string method;  // upper case: GET, POST, …
  std::string path;    // decoded path without the query string
  std::string raw_path;  // the path as sent, still percent-encoded, for routing
  std::multimap<std::string, std::string> query;   // decoded, in order; repeated keys kept
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // Set instead of `body` when the route spools large bodies to disk
  // (Route::spool_body): the file holding the body, removed after the
  // response. Read it with MappedFile.
  std::string body_file;
  // Set instead of `body` for a streamed body (Route::stream_body_types):
  // Next() returns the bytes in order as they arrive and false with the
  // last piece. Errors: kPayloadTooLarge past the route's body limit (return
  // it and the client gets 413), kInvalidArgument when the body ended early,
  // was malformed or was not received within the read timeout. The server
  // closes the connection when the handler returns before the last piece.
  std::shared_ptr<BodyStream> body_stream;
  std::map<std::string, std::string> path_params;  // from the route pattern, e.g. {"id": "42"}
  std::string request_id;
  std::string remote_address;
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();
  Principal principal;

  // First header with this lower-case name, or empty.
  std::string_view Header(std::string_view name) const;
  // First query value for `key`, or nullopt.
  std::optional<std::string> Query(std::string_view key) const;
  // Every query value for `key` in order.
  std::vector<std::string> QueryAll(std::string_view key) const;
  // Path parameter parsed as a positive integer id; kInvalidArgument naming
  // the parameter otherwise, kNotFound never (the router matched the shape).
  [[nodiscard]] Result<int64_t> IdParam(std::string_view name) const;
};

// A body passed on piece by piece, for bodies too large to hold whole.
//
// As a response body (Response::stream, exports) the handler implements it.
// The server calls Next on the worker pool and writes each piece as one
// HTTP/1.1 chunk. It requests the next piece only after the previous one was
// written, so a slow client slows the producer instead of filling memory.
// The stream is dropped when the response ends, early included (client
// gone, write timeout).
//
// As a request body (Request::body_stream) the server implements it and the
// handler calls Next. Each call blocks the calling pool thread until the
// next piece arrives from the client (at most ServerOptions::read_timeout per
// socket read). The server reads only a few pieces ahead, so a slow handler
// slows the client instead of filling memory.
//
// Thread-safety: calls never overlap, but successive calls may run on
// different pool threads.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Appends the next piece to `chunk` (possibly nothing) and returns true
  // while more follows, false after the last piece. For a response, an
  // error ends the response without the final chunk and closes the
  // connection. The status line has already gone out by then, so this is
  // how the client sees an incomplete transfer instead of a truncated file.
  // For a request, every call after an error returns the same error.
  [[nodiscard]] virtual Result<bool> Next(std::string& chunk) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed from it with chunked transfer encoding
  // (HTTP/1.0 clients get it close-delimited) and `body` is ignored.
  std::shared_ptr<BodyStream> stream;

  // A JSON response; numbers are printed in plain decimal form.
  static Response Json(const boost::json::value& value, int status = 200);
  static Response NoContent() { return Response{204, "", {}, "", nullptr}; }
  static Response Text(std::string body, std::string content_type, int status = 200) {
    return Response{status, std::move(content_type), {}, std::move(body), nullptr};
  }
  static Response Stream(std::shared_ptr<BodyStream> stream, std::string content_type, int status = 200) {
    return Response{status, std::move(content_type), {}, {}, std::move(stream)};
  }
  Response& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace tally::http
