#include "integrations/outbound/client.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace tally::integrations {

namespace {

using Clock = std::chrono::steady_clock;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

// The parts of a checked URL that resolution and pinning need.
struct Target {
  std::string url;   // normalized by libcurl
  std::string host;  // as in the URL; IPv6 literals keep their brackets
  int port = 0;
};

Result<Target> ParseTarget(CURLU* parsed) {
  Target target;
  const std::string scheme = UrlPart(parsed, CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return Error::Invalid(fmt::format("URL scheme \"{}\" is not supported; use http or https", scheme));
  }
  if (!UrlPart(parsed, CURLUPART_USER).empty() || !UrlPart(parsed, CURLUPART_PASSWORD).empty()) {
    return Error::Invalid("URL must not contain a user name or password; use the credential fields instead");
  }
  target.host = UrlPart(parsed, CURLUPART_HOST);
  if (target.host.empty()) return Error::Invalid("URL has no host");

  char* port = nullptr;
  if (curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK && port != nullptr) {
    target.port = std::atoi(port);
    curl_free(port);
  }
  target.url = UrlPart(parsed, CURLUPART_URL);
  return target;
}

Result<CurlUrl> ParseUrl(std::string_view text) {
  CurlUrl parsed(curl_url());
  const std::string terminated(text);
  if (curl_url_set(parsed.get(), CURLUPART_URL, terminated.c_str(), 0) != CURLUE_OK) {
    return Error::Invalid("URL is not a valid absolute http or https URL");
  }
  return parsed;
}

std::string BareHost(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

// Resolves `host` with the system resolver. An IP literal resolves to itself.
// NOTE: getaddrinfo has no timeout of its own, so a hanging resolver blocks
// the calling job thread beyond the request's timeout.
Result<std::vector<IpAddress>> Resolve(const std::string& host) {
  const std::string bare = BareHost(host);
  if (auto literal = IpAddress::Parse(bare)) return std::vector<IpAddress>{*literal};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(bare.c_str(), nullptr, &hints, &found);
  if (status != 0) {
    return Error::Unavailable(fmt::format("Host {} could not be resolved: {}", bare, gai_strerror(status)));
  }

  std::vector<IpAddress> addresses;
  for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    IpAddress address;
    if (entry->ai_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(entry->ai_addr);
      address = IpAddress::FromV4(ntohl(v4->sin_addr.s_addr));
    } else if (entry->ai_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(entry->ai_addr);
      std::copy_n(v6->sin6_addr.s6_addr, 16, address.bytes.begin());
    } else {
      continue;
    }
    if (std::find_if(addresses.begin(), addresses.end(),
                     [&](const IpAddress& seen) { return seen.bytes == address.bytes; }) == addresses.end()) {
      addresses.push_back(address);
    }
  }
  freeaddrinfo(found);
  return addresses;
}

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

struct Exchange {
  OutboundResponse response;
  size_t max_body_bytes = 0;
  bool body_too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  if (exchange->response.body.size() + bytes > exchange->max_body_bytes) {
    exchange->body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  exchange->response.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A status line starts each response (interim 1xx ones too): keep only the
  // headers of the last.
  if (line.starts_with("HTTP/")) {
    exchange->response.headers.clear();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;

  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  exchange->response.headers.emplace_back(std::move(name), std::string(value));
  return bytes;
}

// "scheme://host:port" of a parsed URL, lower-cased, with the scheme's
// default port filled in.
std::string OriginOf(CURLU* url) {
  std::string port;
  char* value = nullptr;
  if (curl_url_get(url, CURLUPART_PORT, &value, CURLU_DEFAULT_PORT) == CURLUE_OK && value != nullptr) {
    port = value;
    curl_free(value);
  }
  std::string origin = UrlPart(url, CURLUPART_SCHEME) + "://" + UrlPart(url, CURLUPART_HOST) + ":" + port;
  std::transform(origin.begin(), origin.end(), origin.begin(), [](unsigned char c) { return std::tolower(c); });
  return origin;
}

// Headers a redirect to another origin keeps: they describe the body or
// what the caller accepts, never who it is. Any other header may be a
// credential (Authorization, x-api-key, api-key, a webhook's own secret
// header), so it stays with the origin the caller addressed.
bool IsCrossOriginSafeHeader(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "content-type" || name == "accept" || name == "accept-language" || name == "content-language";
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

bool IsSameOrigin(std::string_view from_url, std::string_view to_url) {
  auto from = ParseUrl(from_url);
  auto to = ParseUrl(to_url);
  if (!from || !to) return false;
  return OriginOf(from->get()) == OriginOf(to->get());
}

std::string OutboundResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

OutboundClient::OutboundClient(OutboundOptions options) : options_(std::move(options)) { InitCurlOnce(); }

Result<OutboundClient> OutboundClient::FromSettings(std::string_view ssrf_protection, std::string_view ssrf_allowlist) {
  TALLY_ASSIGN_OR_RETURN(policy, SsrfPolicy::Parse(ssrf_protection, ssrf_allowlist));
  OutboundOptions options;
  options.policy = std::move(policy);
  return OutboundClient(std::move(options));
}

Result<void> OutboundClient::CheckUrl(std::string_view url) const {
  TALLY_ASSIGN_OR_RETURN(parsed, ParseUrl(url));
  TALLY_ASSIGN_OR_RETURN(target, ParseTarget(parsed.get()));
  if (auto literal = IpAddress::Parse(BareHost(target.host))) {
    TALLY_TRY(options_.policy.Check(target.host, *literal));
  }
  return Ok();
}

Result<OutboundResponse> OutboundClient::Send(const OutboundRequest& request) const {
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) || name.find(':') != std::string::npos) {
      return Error::Invalid(fmt::format("Header \"{}\" has an invalid name or a line break in its value", name));
    }
  }
  if (HasLineBreak(request.method) || request.method.empty()) return Error::Invalid("HTTP method is invalid");

  TALLY_ASSIGN_OR_RETURN(parsed, ParseUrl(request.url));
  std::string method = request.method;
  std::string body = request.body;
  auto headers = request.headers;
  std::string aws_sigv4 = request.aws_sigv4;
  // Credentials were meant for this origin only.
  const std::string credentials_origin = OriginOf(parsed.get());
  const Clock::time_point started = Clock::now();

  for (int hop = 0;; ++hop) {
    TALLY_ASSIGN_OR_RETURN(target, ParseTarget(parsed.get()));
    TALLY_ASSIGN_OR_RETURN(addresses, Resolve(target.host));
    TALLY_TRY(options_.policy.CheckAll(BareHost(target.host), addresses));

    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    const auto remaining = request.timeout - spent;
    if (remaining.count() <= 0) {
      return Error::Unavailable(
          fmt::format("Request to {} timed out after {} ms", BareHost(target.host), request.timeout.count()));
    }

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return Error::Internal("curl_easy_init failed");
    CURL* handle = curl.get();

    // Pin the connection to the address just checked. An IP literal needs no
    // pin because libcurl does not resolve it.
    Slist resolve;
    const std::string bare_host = BareHost(target.host);
    if (!IpAddress::Parse(bare_host)) {
      const IpAddress& pinned = addresses.front();
      const std::string address_text = pinned.is_v4() ? pinned.ToString() : "[" + pinned.ToString() + "]";
      resolve.reset(curl_slist_append(nullptr, fmt::format("{}:{}:{}", bare_host, target.port, address_text).c_str()));
      curl_easy_setopt(handle, CURLOPT_RESOLVE, resolve.get());
    }

    Slist header_list(curl_slist_append(nullptr, "Expect:"));
    for (const auto& [name, value] : headers) {
      curl_slist_append(header_list.get(), fmt::format("{}: {}", name, value).c_str());
    }

    Exchange exchange;
    exchange.max_body_bytes = request.max_response_bytes;
    curl_easy_setopt(handle, CURLOPT_URL, target.url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_PROXY, "");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(remaining, options_.connect_timeout).count()));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
    if (!aws_sigv4.empty()) {
      curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, aws_sigv4.c_str());
      curl_easy_setopt(handle, CURLOPT_USERPWD, request.aws_credentials.c_str());
    }
    if (method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }

    const CURLcode code = curl_easy_perform(handle);
    if (code != CURLE_OK) {
      if (exchange.body_too_large) {
        return Error::Unavailable(
            fmt::format("Response from {} is larger than {} bytes", bare_host, request.max_response_bytes));
      }
      if (code == CURLE_OPERATION_TIMEDOUT) {
        return Error::Unavailable(
            fmt::format("Request to {} timed out after {} ms", bare_host, request.timeout.count()));
      }
      return Error::Unavailable(
          fmt::format("Request to {}:{} failed: {}", bare_host, target.port, curl_easy_strerror(code)));
    }

    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    exchange.response.status = static_cast<int>(status);
    exchange.response.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);

    const std::string location = exchange.response.Header("location");
    if (!IsRedirect(exchange.response.status) || location.empty()) return std::move(exchange.response);

    if (hop >= options_.max_redirects) {
      return Error::Unavailable(
          fmt::format("Request to {} was redirected more than {} times", bare_host, options_.max_redirects));
    }
    // A relative Location resolves against the current URL.
    if (curl_url_set(parsed.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) {
      return Error::Unavailable(fmt::format("{} sent a redirect to an invalid URL", bare_host));
    }
    // Browsers turn 303, and 301 or 302 after a POST, into a GET without body.
    const int status_code = exchange.response.status;
    if (status_code == 303 || ((status_code == 301 || status_code == 302) && method == "POST")) {
      method = "GET";
      body.clear();
    }
    // Headers dropped here stay dropped when a later redirect returns to the
    // first origin, because that redirect came from the other origin.
    if (OriginOf(parsed.get()) != credentials_origin) {
      std::erase_if(headers, [](const auto& header) { return !IsCrossOriginSafeHeader(header.first); });
      aws_sigv4.clear();
    }
  }
}

}  // namespace tally::integrations
