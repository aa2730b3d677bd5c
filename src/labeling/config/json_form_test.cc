#include "labeling/config/json_form.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "labeling/config/validator.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

TEST(ParsedLabelConfig, MatchesLabelStudioShape) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Text name="review" value="$review"/>
  <Choices name="sentiment" toName="review">
    <Choice value="pos"/>
    <Choice value="neg" background="red"/>
  </Choices>
</View>)");
  EXPECT_EQ(json::Serialize(ParsedLabelConfigJson(config)),
            R"({"sentiment":{"type":"Choices","to_name":["review"],"inputs":[{"type":"Text","valueType":null,"value":"review"}],)"
            R"("labels":["pos","neg"],"labels_attrs":{"pos":{"value":"pos"},"neg":{"value":"neg","background":"red"}}}})");
}

TEST(ParsedLabelConfig, RepeaterRegexNeedsExplicitIndexFlag) {
  const LabelConfig with_flag = CheckLabelConfig(R"(<View>
  <Repeater on="$pages" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>
    <RectangleLabels name="box_{{idx}}" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels>
  </Repeater>
</View>)");
  const bj::object parsed = ParsedLabelConfigJson(with_flag);
  const bj::object& box = parsed.at("box_{{idx}}").as_object();
  EXPECT_EQ(box.at("regex"), bj::parse(R"({"{{idx}}": ".*"})"));
  EXPECT_EQ(box.at("inputs"), bj::parse(R"([{"type": "Image", "valueType": null, "value": "pages[{{idx}}].url"}])"));

  const LabelConfig implicit = CheckLabelConfig(R"(<View>
  <Repeater on="$pages">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>
    <RectangleLabels name="box_{{idx}}" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels>
  </Repeater>
</View>)");
  EXPECT_FALSE(ParsedLabelConfigJson(implicit).at("box_{{idx}}").as_object().contains("regex"));
}

TEST(ParsedLabelConfig, ReproducesLabelStudioQuirks) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Chat name="chat" value="$chat" toName="chat"/>
  <Audio name="audio" value="$$audio" valueType="url"/>
  <Labels name="speech" toName="audio,ghost"><Label value="Speech" alias="S"/><Label value="Again" alias="S"/></Labels>
  <TextArea name="note" toName="audio" perRegion="true" whenLabelValue="S"/>
  <Choices name="opts" toName="audio" value="$options"/>
  <Rating name="lonely"/>
</View>)");
  const bj::object parsed = ParsedLabelConfigJson(config);
  // A tag with name and toName is a control, never an input.
  EXPECT_EQ(parsed.at("chat").at("inputs"), bj::array{});
  EXPECT_EQ(parsed.at("chat").at("type"), "Chat");
  // Every leading '$' is stripped, and a target that is not an input is dropped.
  EXPECT_EQ(parsed.at("speech").at("inputs"), bj::parse(R"([{"type": "Audio", "valueType": "url", "value": "audio"}])"));
  // Labels are keyed by alias, first position kept, attributes from the last.
  EXPECT_EQ(parsed.at("speech").at("labels"), bj::parse(R"(["S"])"));
  EXPECT_EQ(parsed.at("speech").at("labels_attrs").at("S").at("value"), "Again");
  EXPECT_EQ(parsed.at("note").at("conditionals"), bj::parse(R"({"type": "label", "name": "S"})"));
  EXPECT_EQ(parsed.at("opts").at("dynamic_labels"), true);
  EXPECT_FALSE(parsed.contains("lonely"));
}

TEST(LabelConfigModel, ListsTypedAttributesAndDiagnostics) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Image name="image" value="$image" zoom="true"/>
  <Rating name="stars" toName="image" maxRating="10" sparkle="1"/>
</View>)");
  const bj::object model = LabelConfigJson(config);
  EXPECT_EQ(model.at("valid"), true);
  const bj::object& image = model.at("objects").at(0).as_object();
  EXPECT_EQ(image.at("data_key"), "image");
  EXPECT_EQ(image.at("attributes").at("zoom"), true);
  EXPECT_EQ(image.at("attributes").at("maxWidth"), "750px");

  const bj::object& stars = model.at("controls").at(0).as_object();
  EXPECT_EQ(stars.at("result_type"), "rating");
  EXPECT_EQ(stars.at("attributes").at("maxRating"), 10);
  EXPECT_EQ(stars.at("attributes").at("icon"), "star");
  EXPECT_EQ(stars.at("attributes").at("sparkle"), "1");
  EXPECT_EQ(stars.at("position"), bj::parse(R"({"line": 3, "column": 4})"));

  const bj::array& diagnostics = model.at("diagnostics").as_array();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].at("code"), "unknown-attribute");
  EXPECT_EQ(diagnostics[0].at("attribute"), "sparkle");
  EXPECT_EQ(model.at("required_data_keys"), bj::parse(R"(["image"])"));
}

TEST(LabelConfigModel, InvalidConfigIsMarked) {
  const bj::object model = LabelConfigJson(CheckLabelConfig("<View><Choices name=\"c\" toName=\"x\"/></View>"));
  EXPECT_EQ(model.at("valid"), false);
  EXPECT_FALSE(model.at("diagnostics").as_array().empty());
}

}  // namespace
}  // namespace tally::labeling
