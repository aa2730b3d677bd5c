#include "http/byte_range.h"

#include <gtest/gtest.h>

namespace tally::http {
namespace {

using Kind = ByteRange::Kind;

TEST(ByteRangeTest, ReadsEachFormOfOneRange) {
  const ByteRange head = ParseByteRange("bytes=0-99", 1000);
  EXPECT_EQ(head.kind, Kind::kRange);
  EXPECT_EQ(head.first, 0u);
  EXPECT_EQ(head.last, 99u);

  const ByteRange open_end = ParseByteRange("bytes=900-", 1000);
  EXPECT_EQ(open_end.kind, Kind::kRange);
  EXPECT_EQ(open_end.first, 900u);
  EXPECT_EQ(open_end.last, 999u);

  const ByteRange suffix = ParseByteRange("bytes=-10", 1000);
  EXPECT_EQ(suffix.kind, Kind::kRange);
  EXPECT_EQ(suffix.first, 990u);
  EXPECT_EQ(suffix.last, 999u);
}

TEST(ByteRangeTest, ClipsToTheSize) {
  const ByteRange past_end = ParseByteRange("bytes=500-5000", 1000);
  EXPECT_EQ(past_end.kind, Kind::kRange);
  EXPECT_EQ(past_end.first, 500u);
  EXPECT_EQ(past_end.last, 999u);

  const ByteRange long_suffix = ParseByteRange("bytes=-5000", 1000);
  EXPECT_EQ(long_suffix.kind, Kind::kRange);
  EXPECT_EQ(long_suffix.first, 0u);
  EXPECT_EQ(long_suffix.last, 999u);
}

TEST(ByteRangeTest, UnsatisfiableRanges) {
  EXPECT_EQ(ParseByteRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=2000-3000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=-5", 0).kind, Kind::kUnsatisfiable);
}

TEST(ByteRangeTest, IgnoresHeadersItDoesNotServe) {
  for (const char* header : {"", "bytes=", "bytes=-", "bytes=5", "items=0-5", "bytes=0-5,10-15", "bytes=9-3",
                             "bytes=a-5", "bytes=0-x", "bytes=+1-5", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(ParseByteRange(header, 1000).kind, Kind::kWholeFile) << header;
    EXPECT_FALSE(ParseRangeRequest(header).has_value()) << header;
  }
}

TEST(ByteRangeTest, RangeRequestKeepsWhatWasAsked) {
  const auto open_end = ParseRangeRequest("bytes=100-");
  ASSERT_TRUE(open_end.has_value());
  EXPECT_EQ(open_end->first, 100u);
  EXPECT_FALSE(open_end->last.has_value());

  const auto suffix = ParseRangeRequest("bytes=-20");
  ASSERT_TRUE(suffix.has_value());
  EXPECT_FALSE(suffix->first.has_value());
  EXPECT_EQ(suffix->last, 20u);
}

}  // namespace
}  // namespace tally::http
