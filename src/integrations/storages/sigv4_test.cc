#include "integrations/storages/sigv4.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace tally::integrations::storages {
namespace {

// The worked example of AWS's "Authenticating Requests: Using Query
// Parameters (AWS Signature Version 4)" page of the S3 API reference.
TEST(PresignGetUrl, MatchesAwsWorkedExample) {
  InitCrypto();
  PresignRequest request;
  request.scheme_host = "https://examplebucket.s3.amazonaws.com";
  request.canonical_path = "/test.txt";
  request.region = "us-east-1";
  request.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  request.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  request.ttl = std::chrono::seconds(86400);
  request.amz_date = "20130524T000000Z";
  EXPECT_EQ(PresignGetUrl(request),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(AmzDate, FormatsBasicIso8601) {
  const auto time = std::chrono::sys_days(std::chrono::year(2024) / 3 / 1) + std::chrono::hours(10) +
                    std::chrono::minutes(5) + std::chrono::seconds(9);
  EXPECT_EQ(AmzDate(time), "20240301T100509Z");
}

}  // namespace
}  // namespace tally::integrations::storages
