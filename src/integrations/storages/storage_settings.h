// StorageSettings: the fields of one storage as Label Studio names them
// (§4.10 of its storage API), split into plain fields, stored as JSON, and
// credential fields, stored sealed and never returned in clear.
//
// Field table (types that accept each field in brackets):
//   common   title, description, prefix, regex_filter, use_blob_urls,
//            presign, presign_ttl (minutes), recursive_scan,
//            can_delete_objects (export storages)
//   s3       bucket, region_name, s3_endpoint, aws_sse_kms_key_id;
//            secret: aws_access_key_id, aws_secret_access_key, aws_session_token
//   gcs      bucket, google_project_id, gcs_endpoint;
//            secret: google_application_credentials, gcs_hmac_access_key_id, gcs_hmac_secret
//   azure    container, account_name, azure_endpoint; secret: account_key
//   localfiles  path
// gcs_endpoint, gcs_hmac_* and azure_endpoint are Tally's additions: Label
// Studio reaches GCS only with a service account and Azure only at
// <account>.blob.core.windows.net, which leaves emulators out.
//
// Thread-safety: plain values.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally::integrations::storages {

// Storage types this build serves, in the order /api/storages/types lists them.
inline const std::vector<std::pair<std::string, std::string>> kStorageTypes = {
    {"s3", "AWS S3"}, {"gcs", "Google Cloud Storage"}, {"azure", "Microsoft Azure"}, {"localfiles", "Local files"}};

bool IsStorageType(std::string_view type);

struct StorageSettings {
  std::string type;                  // s3, gcs, azure, localfiles
  boost::json::object fields;        // plain fields as given, checked
  boost::json::object credentials;   // secret fields as given, checked; sealed at rest

  std::string String(std::string_view name) const;  // "" when absent or null
  bool Flag(std::string_view name, bool fallback) const;
  int64_t Integer(std::string_view name, int64_t fallback) const;
  std::string Secret(std::string_view name) const;  // "" when absent

  // The bucket, or the container for Azure, or the path for local files.
  std::string Bucket() const;
  std::string Prefix() const { return String("prefix"); }
};

// Names of the secret fields of `type`, for masking in responses.
std::vector<std::string> SecretFieldsOf(std::string_view type);

// Copies the known fields of `type` from a request body into `settings`,
// checking each one's JSON type. Unknown fields are ignored, as Label
// Studio's serializers do; a credential field set to "" or null is removed.
// Fails with InvalidField naming the first bad field.
[[nodiscard]] Result<void> ApplySettingsFields(const boost::json::object& body, StorageSettings& settings);

// Checks what a storage needs before it is saved: a bucket or container, a
// regex_filter that compiles, a presign_ttl of 1 minute to 7 days. Local
// paths are checked by CheckLocalPath (local_store.h).
[[nodiscard]] Result<void> CheckSettings(const StorageSettings& settings);

}  // namespace tally::integrations::storages
