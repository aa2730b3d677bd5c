// Azure Blob: List Blobs, Get Blob, Put Blob and Delete Blob signed with
// SharedKey, and service SAS URLs for presigning. Both signatures are
// HMAC-SHA256 (libsodium, core/crypto.h) over the strings Azure's "Authorize
// with Shared Key" and "Create a service SAS" pages define for version
// 2021-12-02.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <pugixml.hpp>

#include <chrono>
#include <map>

#include "core/crypto.h"
#include "integrations/storages/object_store.h"
#include "integrations/storages/store_errors.h"

namespace tally::integrations::storages {

namespace {

constexpr std::chrono::milliseconds kRequestTimeout{30000};
constexpr std::string_view kApiVersion = "2021-12-02";

struct AzureConfig {
  std::string account;
  std::string key;          // decoded account key
  std::string account_url;  // "https://acct.blob.core.windows.net" or "http://127.0.0.1:10000/acct"
  std::string container;
  std::string prefix;
  bool recursive = false;
};

std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "" : url.substr(slash);
}

class AzureStore final : public ObjectStore {
 public:
  AzureStore(const OutboundClient& client, AzureConfig config) : client_(client), config_(std::move(config)) {}

  Result<ObjectPage> List(const std::string& token) const override {
    std::map<std::string, std::string> query = {
        {"comp", "list"}, {"restype", "container"}, {"maxresults", "1000"}, {"prefix", config_.prefix}};
    if (!config_.recursive) query["delimiter"] = "/";
    if (!token.empty()) query["marker"] = token;
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", "", query, "", ""));
    if (response.status != 200) return StoreError(response, "list container");

    pugi::xml_document document;
    if (!document.load_buffer(response.body.data(), response.body.size())) {
      return Error::Invalid(fmt::format("{} sent a listing that is not XML", Where()));
    }
    const pugi::xml_node root = document.child("EnumerationResults");
    ObjectPage page;
    for (pugi::xml_node blob : root.child("Blobs").children("Blob")) {
      ObjectEntry entry;
      entry.key = blob.child_value("Name");
      entry.size = blob.child("Properties").child("Content-Length").text().as_llong();
      if (!entry.key.empty()) page.objects.push_back(std::move(entry));
    }
    page.next_token = root.child_value("NextMarker");
    return page;
  }

  Result<ObjectBody> Get(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", key, {}, "", "", kMaxObjectBytes));
    if (response.status != 200) return StoreError(response, "get blob");
    return BodyOfGet(std::move(response));
  }

  // Azure reads x-ms-range, which is signed with the other x-ms- headers.
  // NOTE: Get Blob takes only "bytes=first-last" and "bytes=first-"; a
  // suffix range reads the whole blob (up to kMaxObjectBytes).
  Result<ObjectBody> GetRange(const std::string& key, const std::string& range) const override {
    if (range.starts_with("bytes=-")) return Get(key);
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", key, {}, "", "", kMaxObjectBytes, range));
    if (response.status != 200 && response.status != 206 && response.status != 416) {
      return StoreError(response, "get blob");
    }
    return BodyOfGet(std::move(response));
  }

  Result<void> Put(const std::string& key, const std::string& bytes, const std::string& content_type) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("PUT", key, {}, bytes, content_type));
    if (response.status != 201) return StoreError(response, "put blob");
    return Ok();
  }

  Result<void> Delete(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("DELETE", key, {}, "", "application/octet-stream"));
    if (response.status != 202 && response.status != 404) return StoreError(response, "delete blob");
    return Ok();
  }

  Result<std::string> Presign(const std::string& key, std::chrono::seconds ttl) const override {
    const auto expiry = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + ttl);
    const std::string signed_expiry = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", expiry);
    const std::string resource = fmt::format("/blob/{}/{}/{}", config_.account, config_.container, key);
    // Fields: permissions, start, expiry, resource, identifier, IP,
    // protocol, version, resource type, snapshot time, encryption scope,
    // then the five response-header overrides (rscc … rsct).
    const std::string string_to_sign =
        fmt::format("r\n\n{}\n{}\n\n\n\n{}\nb\n\n\n\n\n\n\n", signed_expiry, resource, kApiVersion);
    const std::string signature = Base64Encode(HmacSha256(config_.key, string_to_sign));
    return fmt::format("{}?sv={}&sr=b&sp=r&se={}&sig={}", BlobUrl(key), kApiVersion, UriEncode(signed_expiry, false),
                       UriEncode(signature, false));
  }

  std::string UriOf(const std::string& key) const override {
    return "azure-blob://" + config_.container + "/" + key;
  }

 private:
  std::string BlobUrl(const std::string& key) const {
    std::string url = config_.account_url + "/" + UriEncode(config_.container, false);
    if (!key.empty()) url += "/" + UriEncode(key, true);
    return url;
  }

  std::string Where() const {
    return fmt::format("Azure container \"{}\" at {}", config_.container, HostName(config_.account_url));
  }

  Result<OutboundResponse> Send(const std::string& method, const std::string& key,
                                const std::map<std::string, std::string>& query, const std::string& body,
                                const std::string& content_type, size_t max_bytes = 4 * 1024 * 1024,
                                const std::string& range = "") const {
    OutboundRequest request;
    request.method = method;
    request.url = BlobUrl(key);
    std::string query_text;
    for (const auto& [name, value] : query) {
      query_text += (query_text.empty() ? "?" : "&") + name + "=" + UriEncode(value, false);
    }
    request.url += query_text;
    request.body = body;
    request.timeout = kRequestTimeout;
    request.max_response_bytes = max_bytes;

    const std::string date = fmt::format("{:%a, %d %b %Y %H:%M:%S GMT}",
                                         std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    std::map<std::string, std::string> ms_headers = {{"x-ms-date", date}, {"x-ms-version", std::string(kApiVersion)}};
    if (method == "PUT") ms_headers["x-ms-blob-type"] = "BlockBlob";
    if (!range.empty()) ms_headers["x-ms-range"] = range;

    // Shared Key string to sign: verb, eleven standard headers (only
    // Content-Length and Content-Type are ever set here), the x-ms- headers
    // and the resource with its query parameters.
    std::string canonical_headers;
    for (const auto& [name, value] : ms_headers) canonical_headers += name + ":" + value + "\n";
    std::string canonical_resource = "/" + config_.account + PathOf(BlobUrl(key));
    for (const auto& [name, value] : query) canonical_resource += "\n" + name + ":" + value;
    const std::string content_length = body.empty() ? "" : std::to_string(body.size());
    const std::string string_to_sign = fmt::format("{}\n\n\n{}\n\n{}\n\n\n\n\n\n\n{}{}", method, content_length,
                                                   content_type, canonical_headers, canonical_resource);
    const std::string signature = Base64Encode(HmacSha256(config_.key, string_to_sign));

    for (const auto& [name, value] : ms_headers) request.headers.emplace_back(name, value);
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    request.headers.emplace_back("Authorization", fmt::format("SharedKey {}:{}", config_.account, signature));
    return client_.Send(request);
  }

  Error StoreError(const OutboundResponse& response, std::string_view action) const {
    std::string code = response.Header("x-ms-error-code");
    if (code.empty()) {
      pugi::xml_document document;
      if (document.load_buffer(response.body.data(), response.body.size())) {
        code = document.child("Error").child_value("Code");
      }
    }
    return ErrorForStatus(response.status, code, Where(), action);
  }

  const OutboundClient& client_;
  AzureConfig config_;
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenAzureStore(const StorageSettings& settings, const OutboundClient& client) {
  AzureConfig config;
  config.account = settings.String("account_name");
  config.container = settings.String("container");
  config.prefix = settings.Prefix();
  config.recursive = settings.Flag("recursive_scan", false);
  auto key = Base64Decode(settings.Secret("account_key"));
  if (settings.Secret("account_key").empty() || !key || key->empty()) {
    return Error::InvalidField("account_key", "Must be the storage account's access key (base64).");
  }
  config.key = std::move(*key);
  std::string endpoint = settings.String("azure_endpoint");
  while (endpoint.ends_with('/')) endpoint.pop_back();
  // An emulator or custom endpoint names the account in the path, as Azurite does.
  config.account_url = endpoint.empty() ? fmt::format("https://{}.blob.core.windows.net", config.account)
                                        : endpoint + "/" + config.account;
  if (auto checked = client.CheckUrl(config.account_url); !checked) {
    return Error::InvalidField("azure_endpoint", checked.error().message);
  }
  return std::unique_ptr<ObjectStore>(new AzureStore(client, std::move(config)));
}

}  // namespace tally::integrations::storages
