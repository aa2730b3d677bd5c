#include "core/json.h"

#include <gtest/gtest.h>

namespace tally::json {
namespace {

TEST(Json, ParseObjectRejectsSyntaxErrors) {
  auto parsed = ParseObject("{\"a\": ");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, Errc::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("not valid JSON"), std::string::npos);
}

TEST(Json, ParseObjectRejectsArrays) {
  auto parsed = ParseObject("[1,2]");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "Request body must be a JSON object");
}

TEST(Json, RequireStringNamesTheField) {
  auto object = ParseObject(R"({"title": 5})").value();
  auto title = RequireString(object, "title");
  ASSERT_FALSE(title);
  ASSERT_EQ(title.error().fields.size(), 1u);
  EXPECT_EQ(title.error().fields[0].field, "title");
  EXPECT_EQ(title.error().fields[0].message, "must be a string, got a number");

  auto missing = RequireString(object, "email");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().fields[0].field, "email");
}

TEST(Json, OptionalIntAcceptsIntegralDoubles) {
  auto object = ParseObject(R"({"a": 3.0, "b": 3.5, "c": null})").value();
  EXPECT_EQ(OptionalInt(object, "a").value(), 3);
  EXPECT_FALSE(OptionalInt(object, "b"));
  EXPECT_FALSE(OptionalInt(object, "c").value().has_value());
  EXPECT_FALSE(OptionalInt(object, "absent").value().has_value());
}

TEST(Json, SerializePrintsPlainDecimals) {
  EXPECT_EQ(FormatNumber(0.413), "0.413");
  EXPECT_EQ(FormatNumber(12.0), "12");
  EXPECT_EQ(FormatNumber(-2.5), "-2.5");
  EXPECT_EQ(FormatNumber(1e22), "1e+22");
  bj::value value = {{"score", 0.413}, {"list", {1, 2.25, "x"}}};
  EXPECT_EQ(Serialize(value), R"({"score":0.413,"list":[1,2.25,"x"]})");
}

TEST(Json, SerializeObjectMatchesValue) {
  const bj::object object = {{"score", 0.413}, {"nested", {{"k", "v"}}}, {"empty", bj::object()}};
  EXPECT_EQ(Serialize(object), R"({"score":0.413,"nested":{"k":"v"},"empty":{}})");
  EXPECT_EQ(Serialize(object), Serialize(bj::value(object)));
}

TEST(Json, SerializeEscapesStrings) {
  bj::value value = {{"q\"k", "line\nbreak \\ \x01 caf\xc3\xa9"}};
  EXPECT_EQ(Serialize(value), bj::serialize(value));
  EXPECT_EQ(bj::parse(Serialize(value)), value);
}

}  // namespace
}  // namespace tally::json
