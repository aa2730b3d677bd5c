// Presigned GET URLs with AWS Signature Version 4 in the query string, as
// S3 and the GCS XML API accept them. libcurl signs requests it sends but
// cannot presign a URL for someone else, so this file builds the canonical
// request and signs it with HMAC-SHA256 from libsodium (core/crypto.h).
//
// Thread-safety: reentrant.
#pragma once

#include <chrono>
#include <string>

namespace tally::integrations::storages {

struct PresignRequest {
  std::string scheme_host;      // "https://examplebucket.s3.amazonaws.com" or "http://127.0.0.1:4568"
  std::string canonical_path;   // already URI-encoded, starting with '/'
  std::string region;           // "us-east-1"; GCS accepts "auto"
  std::string service = "s3";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;    // optional X-Amz-Security-Token
  std::chrono::seconds ttl{60};
  std::string amz_date;         // "20130524T000000Z"
};

// Returns the presigned URL. Never fails: every input is already checked.
std::string PresignGetUrl(const PresignRequest& request);

// Formats a time as SigV4's basic ISO 8601 form, "YYYYMMDDTHHMMSSZ".
std::string AmzDate(std::chrono::system_clock::time_point time);

}  // namespace tally::integrations::storages
