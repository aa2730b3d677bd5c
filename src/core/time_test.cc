#include "core/time.h"

#include <gtest/gtest.h>

namespace tally {
namespace {

TEST(ParseIsoTimestamp, AcceptsZonedForms) {
  struct Case {
    const char* text;
    Micros expected;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00Z", 0},
      {"1970-01-01T00:00:01.5Z", 1'500'000},
      {"1970-01-01T00:00:00.123456789Z", 123'456},
      {"1970-01-01T01:00:00+01:00", 0},
      {"1969-12-31T23:00:00-01:00", 0},
      {"2024-03-01T10:00:00.123456Z", 1709287200123456},
      {"2024-02-29T00:00:00Z", 1709164800000000},
  };
  for (const auto& c : cases) {
    auto parsed = ParseIsoTimestamp(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ParseIsoTimestamp, RejectsNaiveAndMalformed) {
  for (const char* text : {"2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-01-01", "2024-01-01T00:00:00+0530",
                           "2024-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T00:00:00.Z", "", "garbage", "2024-01-01T00:00:00Zx"}) {
    EXPECT_FALSE(ParseIsoTimestamp(text).has_value()) << text;
  }
}

TEST(FormatIso, MicrosAndMillis) {
  EXPECT_EQ(FormatIsoMicros(1709287200123456), "2024-03-01T10:00:00.123456Z");
  EXPECT_EQ(FormatIsoMillis(1709287200123456), "2024-03-01T10:00:00.123Z");
  EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatIsoMicros(951782400000000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatIsoMicros(4102444799999999), "2099-12-31T23:59:59.999999Z");
}

TEST(FormatIso, RoundTripsThroughParse) {
  for (Micros t : {Micros{0}, Micros{1}, Micros{-1}, Micros{1709287200123456}, Micros{253402300799999999}}) {
    EXPECT_EQ(ParseIsoTimestamp(FormatIsoMicros(t)).value(), t) << t;
  }
}

}  // namespace
}  // namespace tally
