// OutboundClient: the one HTTP client Tally uses to call services its users
// configure (webhook receivers, ML backends, LLM connections).
//
// Every request goes through the same checks:
//   - only http and https URLs, with no user name or password in them;
//   - the host is resolved here, every address is checked by the SsrfPolicy,
//     and libcurl is pinned to the checked address (CURLOPT_RESOLVE), so a
//     second DNS answer cannot swap in a blocked address;
//   - redirects are followed here, not by libcurl, and each new URL goes
//     through the same resolution and check (at most max_redirects hops);
//   - a redirect to another origin (scheme, host or port, so https to http
//     on the same host too) drops the AWS signature and every caller header
//     but a few content headers, because any of them may carry a credential;
//   - the whole exchange is bounded by the request's timeout and the
//     response body by max_response_bytes;
//   - proxies from the environment are ignored, because a proxy would make
//     the address check meaningless.
//
// Errors: kInvalidArgument for a URL Tally will not call, kForbidden when the
// guard rejects an address, kUnavailable when the peer cannot be reached,
// times out, or sends more than max_response_bytes. Messages name the host,
// never the full URL (which may carry a token in its query), and are safe to
// store in a job or show in the API. Any HTTP status is a success here; the
// caller decides what a 500 means.
//
// Thread-safety: Send may be called from any number of threads at once; each
// call uses its own libcurl handle.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "integrations/outbound/ssrf_guard.h"

namespace tally::integrations {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // connect, send and receive together
  size_t max_response_bytes = 10 * 1024 * 1024;
  // When set, libcurl signs the request with AWS Signature Version 4
  // (CURLOPT_AWS_SIGV4) using this provider string, e.g.
  // "aws:amz:us-east-1:s3", and aws_credentials "<access key id>:<secret>".
  // The caller sends x-amz-content-sha256 itself, because libcurl 7.88 does
  // not. A redirect to another host drops the signature.
  std::string aws_sigv4;
  std::string aws_credentials;
};

struct OutboundResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in arrival order
  std::string body;
  std::chrono::microseconds elapsed{0};  // from the first connection attempt to the last body byte

  // The first value of header `name` (lower-case), or "".
  std::string Header(std::string_view name) const;
};

struct OutboundOptions {
  SsrfPolicy policy;
  int max_redirects = 5;
  // Cap on establishing a connection, within the request's own timeout.
  std::chrono::milliseconds connect_timeout{5000};
  std::string user_agent = "tally/" TALLY_VERSION;
};

// Whether a redirect from `from_url` to `to_url` stays on the same origin:
// the same scheme, host (compared without case) and port, with each scheme's
// default port filled in. False when either URL does not parse.
[[nodiscard]] bool IsSameOrigin(std::string_view from_url, std::string_view to_url);

class OutboundClient {
 public:
  explicit OutboundClient(OutboundOptions options);

  // Builds a client from TALLY_SSRF_PROTECTION and TALLY_SSRF_ALLOWLIST
  // values. Fails with kInvalidArgument when either is malformed.
  [[nodiscard]] static Result<OutboundClient> FromSettings(std::string_view ssrf_protection,
                                                           std::string_view ssrf_allowlist);

  // Sends `request`, following redirects. Returns the final response,
  // whatever its status. See the file comment for the errors.
  [[nodiscard]] Result<OutboundResponse> Send(const OutboundRequest& request) const;

  // Checks a URL's form (scheme, host, no credentials) and, when its host is
  // an IP literal, the guard. Does not resolve names. Fails with
  // kInvalidArgument or kForbidden; used to reject bad URLs when they are saved.
  [[nodiscard]] Result<void> CheckUrl(std::string_view url) const;

  const OutboundOptions& options() const { return options_; }

 private:
  OutboundOptions options_;
};

}  // namespace tally::integrations
