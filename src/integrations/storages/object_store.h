// ObjectStore: one bucket (or container, or directory) of a storage, with
// the few operations storages need: list keys under the prefix page by
// page, get, put and delete one object, and make a presigned URL.
//
// Implementations:
//   - S3 and S3-compatible endpoints, and Google Cloud Storage through its
//     XML API with HMAC keys (s3_store.cc). Requests are signed by libcurl
//     (CURLOPT_AWS_SIGV4); presigned URLs by sigv4.h.
//   - Azure Blob with SharedKey requests and service SAS URLs (azure_store.cc).
//   - A local directory under TALLY_LOCAL_FILES_ROOT (local_store.cc).
// Every network request goes through the OutboundClient, so the SSRF guard
// applies to storage endpoints too.
//
// Errors: kNotFound for an object that is not there (deleted between list
// and get); kInvalidArgument when the store rejects the request for good
// (403 wrong credentials, missing bucket, a malformed response); kUnavailable
// when the store cannot be reached, times out or returns 5xx, so jobs retry.
// Messages name the storage type, bucket and host with the store's error
// code, never a key, secret or signed URL.
//
// Thread-safety: an ObjectStore is immutable after creation; calls may run
// on any thread at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "integrations/outbound/client.h"
#include "integrations/storages/storage_settings.h"

namespace tally::integrations::storages {

struct ObjectEntry {
  std::string key;  // full key inside the bucket, prefix included
  int64_t size = 0;
};

struct ObjectPage {
  std::vector<ObjectEntry> objects;
  std::string next_token;  // empty on the last page
};

struct ObjectBody {
  std::string bytes;
  std::string content_type;
  // HTTP status: 200 for the whole object, 206 for part of it, or 416 when
  // a range starts past its end (then `bytes` is empty).
  int status = 200;
  // With 206 and 416: the Content-Range the store sent, "bytes first-last/size"
  // or "bytes */size"; may be empty on a 416 when the store sent none.
  std::string content_range;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Lists one page of objects under the storage's prefix, in key order.
  // `token` is empty for the first page and next_token afterwards. Without
  // recursive_scan only keys directly under the prefix are listed.
  [[nodiscard]] virtual Result<ObjectPage> List(const std::string& token) const = 0;

  // Reads one object whole, up to kMaxObjectBytes. kNotFound when it is gone.
  [[nodiscard]] virtual Result<ObjectBody> Get(const std::string& key) const = 0;

  // Reads the part of one object that `range` names, a Range header value
  // with one range ("bytes=0-1023", "bytes=1024-", "bytes=-500"), up to
  // kMaxObjectBytes. A store may ignore the range and send the whole object
  // with status 200, as HTTP allows; this default does.
  [[nodiscard]] virtual Result<ObjectBody> GetRange(const std::string& key, const std::string& range) const;

  // Writes one object, replacing any object with that key.
  [[nodiscard]] virtual Result<void> Put(const std::string& key, const std::string& bytes,
                                         const std::string& content_type) const = 0;

  // Deletes one object. Deleting a missing object succeeds.
  [[nodiscard]] virtual Result<void> Delete(const std::string& key) const = 0;

  // A URL that lets anyone GET the object for `ttl`. kInvalidArgument when
  // the type cannot presign (local files).
  [[nodiscard]] virtual Result<std::string> Presign(const std::string& key, std::chrono::seconds ttl) const = 0;

  // The URI that names `key` in task data: s3://bucket/key, gs://…,
  // azure-blob://container/key, or /data/local-files/?d=… for local files.
  virtual std::string UriOf(const std::string& key) const = 0;

  // Checks that the credentials work and the bucket exists by listing one
  // page. Errors as List.
  [[nodiscard]] Result<void> Check() const;
};

// Largest object a sync reads or the proxy serves: task JSON files and the
// media a labeler opens are far smaller.
inline constexpr size_t kMaxObjectBytes = 64 * 1024 * 1024;

// Builds the store for `settings` (whose credentials are already opened).
// `local_roots` are the directories local files storages may use
// (TALLY_LOCAL_FILES_ROOT). Fails with kInvalidArgument naming the field
// when a required one is missing or a type cannot be served (gcs with only a
// service-account JSON, a local path outside every root). `client` must
// outlive the store.
[[nodiscard]] Result<std::unique_ptr<ObjectStore>> OpenObjectStore(
    const StorageSettings& settings, const OutboundClient& client,
    const std::vector<std::filesystem::path>& local_roots);

// The object in a store's response to a GET, ranged or not: its status (200,
// 206 or 416), bytes, Content-Type and Content-Range. The caller has
// checked that the status is one of those three.
ObjectBody BodyOfGet(OutboundResponse response);

// Percent-encodes `text` as AWS SigV4 and Azure expect: every byte but
// A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex), and '/' too unless
// `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

}  // namespace tally::integrations::storages
