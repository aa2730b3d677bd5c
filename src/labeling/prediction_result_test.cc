// Label Studio's prediction shorthand against a config with one control of
// each kind the shorthand can match.
#include <gtest/gtest.h>

#include "labeling/config/validator.h"
#include "labeling/prediction_result.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

constexpr const char* kConfig =
    R"(<View><Text name="text" value="$text"/>)"
    R"(<Rating name="stars" toName="text" maxRating="5"/>)"
    R"(<Choices name="mood" toName="text"><Choice value="happy"/></Choices>)"
    R"(<TextArea name="note" toName="text"/></View>)";

TEST(PredictionShorthand, TableOfCases) {
  auto config = LoadLabelConfig(kConfig);
  ASSERT_TRUE(config) << config.error().message;

  struct Case {
    const char* name;
    bj::value input;
    const char* expected;  // serialized result; nullptr when expansion fails
  };
  const std::vector<Case> cases = {
      {"list kept", bj::parse(R"([{"type":"choices"}])"), R"([{"type":"choices"}])"},
      {"string matches first Choices", "happy",
       R"([{"from_name":"mood","to_name":"text","type":"choices","value":{"choices":["happy"]}}])"},
      {"integer matches Rating", 4,
       R"([{"from_name":"stars","to_name":"text","type":"rating","value":{"rating":[4]}}])"},
      {"object keyed by tag", bj::parse(R"({"textarea":["x"],"text":["x"]})"),
       R"([{"from_name":"note","to_name":"text","type":"textarea","value":{"textarea":["x"],"text":["x"]}}])"},
      {"object without match is null", bj::parse(R"({"labels":["x"]})"), "null"},
      {"float is rejected", 0.5, nullptr},
      {"null is rejected", nullptr, nullptr},
      {"list of non-objects is rejected", bj::parse("[1]"), nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto expanded = ExpandPredictionResult(*config, c.input, "result");
    if (!c.expected) {
      ASSERT_FALSE(expanded);
      EXPECT_EQ(expanded.error().fields.at(0).field, "result");
      continue;
    }
    ASSERT_TRUE(expanded) << expanded.error().message;
    EXPECT_EQ(bj::serialize(*expanded), c.expected);
  }
}

TEST(PredictionShorthand, StringGoesToTextAreaWithoutChoices) {
  auto config = LoadLabelConfig(R"(<View><Text name="text" value="$text"/><TextArea name="note" toName="text"/></View>)");
  ASSERT_TRUE(config);
  auto expanded = ExpandPredictionResult(*config, "summary", "result");
  ASSERT_TRUE(expanded);
  EXPECT_EQ(bj::serialize(*expanded),
            R"([{"from_name":"note","to_name":"text","type":"textarea","value":{"text":["summary"]}}])");
}

}  // namespace
}  // namespace tally::labeling
