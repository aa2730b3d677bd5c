// S3 and the GCS XML API (HMAC keys): ListObjectsV2, GetObject, PutObject,
// DeleteObject, signed by libcurl with SigV4, and presigned GET URLs.
#include <fmt/format.h>
#include <pugixml.hpp>

#include <chrono>

#include "core/crypto.h"
#include "integrations/storages/object_store.h"
#include "integrations/storages/sigv4.h"
#include "integrations/storages/store_errors.h"

namespace tally::integrations::storages {

namespace {

constexpr std::chrono::milliseconds kRequestTimeout{30000};
constexpr std::string_view kDefaultGcsEndpoint = "https://storage.googleapis.com";

struct S3Config {
  std::string label;        // "S3" or "GCS", for messages
  std::string uri_scheme;   // "s3" or "gs"
  std::string scheme_host;  // "https://bucket.s3.us-east-1.amazonaws.com" or "http://127.0.0.1:4568"
  bool path_style = false;  // the bucket is the first path segment
  std::string bucket;
  std::string prefix;
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string sse_kms_key_id;
  bool recursive = false;
};

class S3Store final : public ObjectStore {
 public:
  S3Store(const OutboundClient& client, S3Config config) : client_(client), config_(std::move(config)) {}

  Result<ObjectPage> List(const std::string& token) const override {
    // SigV4 signs the query as sent, so the parameters go in sorted order
    // and encoded already: libcurl 7.88 does not canonicalise them itself.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + UriEncode(token, false) + "&";
    if (!config_.recursive) query += "delimiter=%2F&";
    query += "list-type=2&max-keys=1000&prefix=" + UriEncode(config_.prefix, false);
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", "", query, "", ""));
    if (response.status != 200) return StoreError(response, "list bucket");

    pugi::xml_document document;
    if (!document.load_buffer(response.body.data(), response.body.size())) {
      return Error::Invalid(fmt::format("{} bucket \"{}\" at {} sent a listing that is not XML", config_.label,
                                        config_.bucket, HostName(config_.scheme_host)));
    }
    const pugi::xml_node root = document.child("ListBucketResult");
    ObjectPage page;
    for (pugi::xml_node contents : root.children("Contents")) {
      ObjectEntry entry;
      entry.key = contents.child_value("Key");
      entry.size = contents.child("Size").text().as_llong();
      if (!entry.key.empty() && !entry.key.ends_with('/')) page.objects.push_back(std::move(entry));
    }
    if (std::string_view(root.child_value("IsTruncated")) == "true") {
      page.next_token = root.child_value("NextContinuationToken");
    }
    return page;
  }

  Result<ObjectBody> Get(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", ObjectPath(key), "", "", "", kMaxObjectBytes));
    if (response.status != 200) return StoreError(response, "get object");
    return BodyOfGet(std::move(response));
  }

  Result<ObjectBody> GetRange(const std::string& key, const std::string& range) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("GET", ObjectPath(key), "", "", "", kMaxObjectBytes, range));
    if (response.status != 200 && response.status != 206 && response.status != 416) {
      return StoreError(response, "get object");
    }
    return BodyOfGet(std::move(response));
  }

  Result<void> Put(const std::string& key, const std::string& bytes, const std::string& content_type) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("PUT", ObjectPath(key), "", bytes, content_type));
    if (response.status != 200) return StoreError(response, "put object");
    return Ok();
  }

  Result<void> Delete(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(response, Send("DELETE", ObjectPath(key), "", "", ""));
    if (response.status != 204 && response.status != 200 && response.status != 404) {
      return StoreError(response, "delete object");
    }
    return Ok();
  }

  Result<std::string> Presign(const std::string& key, std::chrono::seconds ttl) const override {
    if (config_.access_key_id.empty()) {
      return Error::Invalid(fmt::format("{} storage has no access key to presign with", config_.label));
    }
    PresignRequest request;
    request.scheme_host = config_.scheme_host;
    request.canonical_path = (config_.path_style ? "/" + UriEncode(config_.bucket, false) : "") + ObjectPath(key);
    request.region = config_.region;
    request.access_key_id = config_.access_key_id;
    request.secret_access_key = config_.secret_access_key;
    request.session_token = config_.session_token;
    request.ttl = ttl;
    request.amz_date = AmzDate(std::chrono::system_clock::now());
    return PresignGetUrl(request);
  }

  std::string UriOf(const std::string& key) const override {
    return config_.uri_scheme + "://" + config_.bucket + "/" + key;
  }

 private:
  static std::string ObjectPath(const std::string& key) { return "/" + UriEncode(key, true); }

  std::string BucketUrl() const {
    return config_.path_style ? config_.scheme_host + "/" + UriEncode(config_.bucket, false) : config_.scheme_host;
  }

  Result<OutboundResponse> Send(const std::string& method, const std::string& object_path, const std::string& query,
                                const std::string& body, const std::string& content_type,
                                size_t max_bytes = 4 * 1024 * 1024, const std::string& range = "") const {
    OutboundRequest request;
    request.method = method;
    request.url = BucketUrl() + object_path;
    if (request.url.ends_with("/") == false && object_path.empty()) request.url += "/";
    if (!query.empty()) request.url += "?" + query;
    request.body = body;
    request.timeout = kRequestTimeout;
    request.max_response_bytes = max_bytes;
    request.headers.emplace_back("x-amz-content-sha256", Sha256Hex(body));
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    if (!range.empty()) request.headers.emplace_back("Range", range);
    if (!config_.session_token.empty()) request.headers.emplace_back("x-amz-security-token", config_.session_token);
    if (method == "PUT" && !config_.sse_kms_key_id.empty()) {
      request.headers.emplace_back("x-amz-server-side-encryption", "aws:kms");
      request.headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", config_.sse_kms_key_id);
    }
    if (!config_.access_key_id.empty()) {
      request.aws_sigv4 = "aws:amz:" + config_.region + ":s3";
      request.aws_credentials = config_.access_key_id + ":" + config_.secret_access_key;
    }
    return client_.Send(request);
  }

  Error StoreError(const OutboundResponse& response, std::string_view action) const {
    std::string code;
    pugi::xml_document document;
    if (document.load_buffer(response.body.data(), response.body.size())) {
      code = document.child("Error").child_value("Code");
    }
    return ErrorForStatus(response.status, code,
                          fmt::format("{} bucket \"{}\" at {}", config_.label, config_.bucket,
                                      HostName(config_.scheme_host)),
                          action);
  }

  const OutboundClient& client_;
  S3Config config_;
};

std::string TrimSlash(std::string text) {
  while (text.ends_with('/')) text.pop_back();
  return text;
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StorageSettings& settings, const OutboundClient& client) {
  S3Config config;
  config.bucket = settings.String("bucket");
  config.prefix = settings.Prefix();
  config.recursive = settings.Flag("recursive_scan", false);
  if (settings.type == "gcs") {
    config.label = "GCS";
    config.uri_scheme = "gs";
    config.region = "auto";
    config.path_style = true;
    const std::string endpoint = settings.String("gcs_endpoint");
    config.scheme_host = TrimSlash(endpoint.empty() ? std::string(kDefaultGcsEndpoint) : endpoint);
    config.access_key_id = settings.Secret("gcs_hmac_access_key_id");
    config.secret_access_key = settings.Secret("gcs_hmac_secret");
    if (config.access_key_id.empty() && !settings.Secret("google_application_credentials").empty()) {
      // NOTE: service-account JSON needs an RS256-signed token exchange,
      // which Tally does not implement yet.
      return Error::InvalidField("google_application_credentials",
                                 "Service-account JSON is not supported yet. Create an HMAC key for the service "
                                 "account and set gcs_hmac_access_key_id and gcs_hmac_secret instead.");
    }
  } else {
    config.label = "S3";
    config.uri_scheme = "s3";
    config.region = settings.String("region_name");
    if (config.region.empty()) config.region = "us-east-1";
    const std::string endpoint = settings.String("s3_endpoint");
    if (endpoint.empty()) {
      config.scheme_host = fmt::format("https://{}.s3.{}.amazonaws.com", config.bucket, config.region);
    } else {
      // Custom endpoints (S3-compatible servers) get path-style addressing,
      // because few of them serve bucket subdomains.
      config.scheme_host = TrimSlash(endpoint);
      config.path_style = true;
    }
    config.access_key_id = settings.Secret("aws_access_key_id");
    config.secret_access_key = settings.Secret("aws_secret_access_key");
    config.session_token = settings.Secret("aws_session_token");
    config.sse_kms_key_id = settings.String("aws_sse_kms_key_id");
  }
  if (config.access_key_id.empty() != config.secret_access_key.empty()) {
    const bool gcs = settings.type == "gcs";
    return Error::InvalidField(gcs ? "gcs_hmac_secret" : "aws_secret_access_key",
                               "Set both the access key id and its secret, or neither for a public bucket.");
  }
  const std::string field = settings.type == "gcs" ? "gcs_endpoint" : "s3_endpoint";
  if (auto checked = client.CheckUrl(config.scheme_host + "/"); !checked) {
    return Error::InvalidField(field, checked.error().message);
  }
  return std::unique_ptr<ObjectStore>(new S3Store(client, std::move(config)));
}

}  // namespace tally::integrations::storages
