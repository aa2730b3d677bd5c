#include "integrations/storages/sigv4.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <map>

#include "core/crypto.h"
#include "integrations/storages/object_store.h"

namespace tally::integrations::storages {

namespace {

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string HostOf(const std::string& scheme_host) {
  const size_t start = scheme_host.find("://");
  return start == std::string::npos ? scheme_host : scheme_host.substr(start + 3);
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point time) {
  return fmt::format("{:%Y%m%dT%H%M%SZ}", std::chrono::floor<std::chrono::seconds>(time));
}

std::string PresignGetUrl(const PresignRequest& request) {
  const std::string date = request.amz_date.substr(0, 8);
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, request.region, request.service);

  // Query parameters sorted by name, each name and value URI-encoded.
  std::map<std::string, std::string> query = {
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", request.access_key_id + "/" + scope},
      {"X-Amz-Date", request.amz_date},
      {"X-Amz-Expires", std::to_string(request.ttl.count())},
      {"X-Amz-SignedHeaders", "host"},
  };
  if (!request.session_token.empty()) query["X-Amz-Security-Token"] = request.session_token;
  std::string canonical_query;
  for (const auto& [name, value] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += UriEncode(name, false) + "=" + UriEncode(value, false);
  }

  const std::string canonical_request = fmt::format("GET\n{}\n{}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD",
                                                    request.canonical_path, canonical_query,
                                                    HostOf(request.scheme_host));
  const std::string string_to_sign =
      fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", request.amz_date, scope, Sha256Hex(canonical_request));

  std::string key = HmacSha256("AWS4" + request.secret_access_key, date);
  key = HmacSha256(key, request.region);
  key = HmacSha256(key, request.service);
  key = HmacSha256(key, "aws4_request");
  const std::string signature = Hex(HmacSha256(key, string_to_sign));

  return fmt::format("{}{}?{}&X-Amz-Signature={}", request.scheme_host, request.canonical_path, canonical_query,
                     signature);
}

}  // namespace tally::integrations::storages
