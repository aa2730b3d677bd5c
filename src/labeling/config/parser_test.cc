#include "labeling/config/parser.h"

#include <gtest/gtest.h>

namespace tally::labeling {
namespace {

TEST(Parser, RecordsPositionsOfTagsAndAttributes) {
  const LabelConfig config = ParseLabelConfig(
      "<View>\n"
      "  <Image name=\"img\"\n"
      "         value=\"$image\"/>\n"
      "</View>");
  ASSERT_EQ(config.elements.size(), 2u);
  const ConfigElement& image = config.elements[1];
  EXPECT_EQ(image.tag, "Image");
  EXPECT_EQ(image.position, (SourcePosition{2, 4}));
  EXPECT_EQ(image.AttributePosition("name"), (SourcePosition{2, 10}));
  EXPECT_EQ(image.AttributePosition("value"), (SourcePosition{3, 10}));
}

TEST(Parser, CountsColumnsInCodePoints) {
  const LabelConfig config = ParseLabelConfig("<View><Header value=\"é\"/><Text name=\"t\" value=\"$t\"/></View>");
  ASSERT_EQ(config.elements.size(), 3u);
  // "<View><Header value="é"/><" is 25 code points (26 bytes).
  EXPECT_EQ(config.elements[2].position, (SourcePosition{1, 27}));
}

TEST(Parser, BuildsTypedViews) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image" choice="multiple">
    <Label value="Car" alias="car"/>
    <View><Label value="Person"/></View>
  </RectangleLabels>
  <Choices name="quality" toName="image" required="true" perRegion="true">
    <Choice value="Good"/>
  </Choices>
</View>)");
  ASSERT_EQ(config.objects.size(), 1u);
  EXPECT_EQ(config.objects[0].type, "Image");
  ASSERT_TRUE(config.objects[0].data);
  EXPECT_EQ(config.objects[0].data->key, "image");

  ASSERT_EQ(config.controls.size(), 2u);
  const ControlTag& box = config.controls[0];
  EXPECT_EQ(box.result_type, "rectanglelabels");
  EXPECT_EQ(box.answer, AnswerKind::kLabels);
  EXPECT_EQ(box.choice, "multiple");
  ASSERT_EQ(box.options.size(), 2u);
  EXPECT_EQ(box.options[0].Key(), "car");
  EXPECT_EQ(box.options[1].Key(), "Person");

  const ControlTag& quality = config.controls[1];
  EXPECT_TRUE(quality.required);
  EXPECT_TRUE(quality.per_region);
  EXPECT_EQ(quality.choice, "single");
  EXPECT_EQ(quality.to_names, std::vector<std::string>{"image"});
}

TEST(Parser, ReadsTaxonomyAsTree) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Taxonomy name="t" toName="text">
    <Choice value="Eukarya"><Choice value="Human"/><Choice value="Opossum"/></Choice>
    <Choice value="Bacteria"/>
  </Taxonomy>
</View>)");
  ASSERT_EQ(config.controls.size(), 1u);
  const std::vector<LabelOption>& options = config.controls[0].options;
  ASSERT_EQ(options.size(), 2u);
  ASSERT_EQ(options[0].children.size(), 2u);
  EXPECT_EQ(options[0].children[1].value, "Opossum");
  EXPECT_TRUE(options[1].children.empty());
}

TEST(Parser, SplitsMultiTargetToName) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="a" value="$a"/><Text name="b" value="$b"/>
  <Pairwise name="pw" toName="a,b"/>
</View>)");
  ASSERT_EQ(config.controls.size(), 1u);
  EXPECT_EQ(config.controls[0].to_names, (std::vector<std::string>{"a", "b"}));
}

TEST(Parser, ReadsVisibilityFromControlAndViews) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Choices name="c" toName="text"><Choice value="Yes"/><Choice value="No"/></Choices>
  <View visibleWhen="choice-selected" whenTagName="c" whenChoiceValue="Yes,Maybe">
    <TextArea name="why" toName="text" visibleWhen="region-selected"/>
  </View>
</View>)");
  const ControlTag* why = config.FindControl("why");
  ASSERT_NE(why, nullptr);
  ASSERT_EQ(why->visibility.size(), 2u);
  EXPECT_EQ(why->visibility[0].visible_when, "region-selected");
  EXPECT_EQ(why->visibility[1].when_tag_name, "c");
  EXPECT_EQ(why->visibility[1].when_choice_values, (std::vector<std::string>{"Yes", "Maybe"}));
}

TEST(Parser, DynamicOptionsAndLabelStudioFlag) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Choices name="a" toName="text" value="$options"/>
  <Choices name="b" toName="text" value="$options2"/>
  <Taxonomy name="c" toName="text" apiUrl="https://example.com/tree"/>
</View>)");
  ASSERT_EQ(config.controls.size(), 3u);
  EXPECT_TRUE(config.controls[0].dynamic_labels);
  ASSERT_TRUE(config.controls[0].dynamic_options);
  EXPECT_EQ(config.controls[0].dynamic_options->key, "options");
  // Label Studio's flag allows letters and '_' only.
  EXPECT_FALSE(config.controls[1].dynamic_labels);
  EXPECT_TRUE(config.controls[1].dynamic_options);
  EXPECT_TRUE(config.controls[2].dynamic_labels);
}

TEST(Parser, ChatWithToNameIsObjectAndControl) {
  const LabelConfig config = ParseLabelConfig(R"(<View><Chat name="chat" value="$chat" toName="chat"/></View>)");
  ASSERT_EQ(config.objects.size(), 1u);
  ASSERT_EQ(config.controls.size(), 1u);
  EXPECT_EQ(config.controls[0].result_type, "chatmessage");
}

TEST(Parser, UnknownTagCanBeControl) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Sketch name="s" toName="text"><Label value="A"/></Sketch>
</View>)");
  ASSERT_EQ(config.controls.size(), 1u);
  EXPECT_EQ(config.controls[0].result_type, "sketch");
  EXPECT_EQ(config.controls[0].answer, AnswerKind::kNone);
  ASSERT_EQ(config.controls[0].options.size(), 1u);
  ASSERT_EQ(config.diagnostics.size(), 1u);
  EXPECT_EQ(config.diagnostics[0].code, "unknown-tag");
}

TEST(Parser, RepeaterMarksItsChildren) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Repeater on="$pages" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>
    <RectangleLabels name="box_{{idx}}" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels>
  </Repeater>
</View>)");
  ASSERT_EQ(config.repeaters.size(), 1u);
  EXPECT_TRUE(config.repeaters[0].explicit_index_flag);
  ASSERT_EQ(config.controls.size(), 1u);
  EXPECT_EQ(config.controls[0].repeater, 0);
  EXPECT_EQ(config.MatchControl("box_3"), &config.controls[0]);
  EXPECT_EQ(config.MatchObject("page_12"), &config.objects[0]);
  EXPECT_EQ(config.MatchControl("box"), nullptr);
}

TEST(Parser, ReadsSampleTaskComment) {
  const LabelConfig wrapped = ParseLabelConfig(R"(<View><Text name="t" value="$text"/></View>
<!-- {"data": {"text": "hello"}, "predictions": []} -->)");
  ASSERT_TRUE(wrapped.sample_task);
  EXPECT_EQ(wrapped.sample_task->at("data").at("text"), "hello");
  EXPECT_TRUE(wrapped.sample_task->contains("predictions"));

  const LabelConfig bare = ParseLabelConfig(R"(<View><!-- not json --><Text name="t" value="$text"/></View>
<!--{"text": "hi"}-->)");
  ASSERT_TRUE(bare.sample_task);
  EXPECT_EQ(bare.sample_task->at("data").at("text"), "hi");
}

TEST(Parser, ReadsHeaderAndStyleText) {
  const LabelConfig config = ParseLabelConfig(R"(<View><Header>Pick one</Header><Style>.a { color: red }</Style></View>)");
  ASSERT_EQ(config.elements.size(), 3u);
  EXPECT_EQ(config.elements[1].text, "Pick one");
  EXPECT_EQ(config.elements[2].text, ".a { color: red }");
}

TEST(Parser, AttributesReadCaseInsensitivelyWithDefaults) {
  const LabelConfig config = ParseLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Choices name="c" toName="text" showInLine="true"><Choice value="a"/></Choices>
</View>)");
  const ConfigElement& choices = config.Element(config.controls[0].element);
  EXPECT_TRUE(choices.BoolAttribute("showInline"));
  EXPECT_EQ(choices.AttributeOrDefault("choice"), "single");
  EXPECT_FALSE(choices.BoolAttribute("required"));
  EXPECT_EQ(choices.FindAttribute("showInline"), nullptr) << "exact lookup stays case-sensitive";
}

struct SyntaxCase {
  const char* name;
  const char* xml;
  const char* code;
  int line;
  int column;
};

class ParserSyntax : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(ParserSyntax, ReportsOneErrorAtItsPosition) {
  const SyntaxCase& test = GetParam();
  const LabelConfig config = ParseLabelConfig(test.xml);
  EXPECT_TRUE(config.elements.empty());
  ASSERT_EQ(config.diagnostics.size(), 1u);
  EXPECT_EQ(config.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(config.diagnostics[0].code, test.code);
  EXPECT_EQ(config.diagnostics[0].position.line, test.line);
  EXPECT_EQ(config.diagnostics[0].position.column, test.column);
}

const SyntaxCase kSyntaxCases[] = {
    {"UnclosedTag", "<View>\n  <Text name=\"t\" value=\"$t\">\n</View>", "xml-syntax", 3, 3},
    {"BadAttribute", "<View>\n  <Text name=t/>\n</View>", "xml-syntax", 2, 14},
    {"Empty", "", "empty-config", 0, 0},
    {"OnlyComment", "<!-- {\"text\": 1} -->", "empty-config", 0, 0},
    {"Doctype", "<!DOCTYPE View>\n<View/>", "doctype", 1, 1},
    {"SecondRoot", "<View/>\n<View/>", "xml-syntax", 2, 2},
};

INSTANTIATE_TEST_SUITE_P(Cases, ParserSyntax, ::testing::ValuesIn(kSyntaxCases),
                         [](const ::testing::TestParamInfo<SyntaxCase>& info) { return info.param.name; });

TEST(Parser, RejectsDeepNesting) {
  std::string xml;
  for (int i = 0; i < kMaxLabelConfigDepth + 5; ++i) xml += "<View>";
  for (int i = 0; i < kMaxLabelConfigDepth + 5; ++i) xml += "</View>";
  const LabelConfig config = ParseLabelConfig(xml);
  EXPECT_TRUE(config.elements.empty());
  ASSERT_EQ(config.diagnostics.size(), 1u);
  EXPECT_EQ(config.diagnostics[0].code, "too-deep");
}

TEST(Parser, RejectsOversizedInput) {
  const std::string xml = "<View>" + std::string(kMaxLabelConfigBytes, ' ') + "</View>";
  const LabelConfig config = ParseLabelConfig(xml);
  ASSERT_EQ(config.diagnostics.size(), 1u);
  EXPECT_EQ(config.diagnostics[0].code, "config-too-large");
}

struct ReferenceCase {
  const char* value;
  bool valid;
  const char* key;
  bool nested;
};

class DataReferenceParse : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(DataReferenceParse, SplitsKeyAndPath) {
  const ReferenceCase& test = GetParam();
  const std::optional<DataReference> reference = ParseDataReference(test.value);
  ASSERT_EQ(reference.has_value(), test.valid) << test.value;
  if (!reference) return;
  EXPECT_EQ(reference->key, test.key);
  EXPECT_EQ(reference->nested, test.nested);
  EXPECT_EQ("$" + reference->expression, test.value);
}

INSTANTIATE_TEST_SUITE_P(Cases, DataReferenceParse,
                         ::testing::Values(ReferenceCase{"$image", true, "image", false},
                                           ReferenceCase{"$my-key_2", true, "my-key_2", false},
                                           ReferenceCase{"$a.b.c", true, "a", true},
                                           ReferenceCase{"$pages[{{idx}}].url", true, "pages", true},
                                           ReferenceCase{"$list[0]", true, "list", true},
                                           ReferenceCase{"image", false, "", false},
                                           ReferenceCase{"$", false, "", false},
                                           ReferenceCase{"$ text", false, "", false},
                                           ReferenceCase{"$a.", false, "", false},
                                           ReferenceCase{"$a[", false, "", false},
                                           ReferenceCase{"$price in USD", false, "", false}));

struct NameMatchCase {
  const char* pattern;
  const char* name;
  bool matches;
};

class RepeaterNameMatch : public ::testing::TestWithParam<NameMatchCase> {};

TEST_P(RepeaterNameMatch, TreatsFlagAsWildcard) {
  const NameMatchCase& test = GetParam();
  EXPECT_EQ(MatchesRepeaterName(test.pattern, "{{idx}}", test.name), test.matches) << test.pattern << " ~ " << test.name;
}

INSTANTIATE_TEST_SUITE_P(Cases, RepeaterNameMatch,
                         ::testing::Values(NameMatchCase{"box_{{idx}}", "box_0", true},
                                           NameMatchCase{"box_{{idx}}", "box_17", true},
                                           NameMatchCase{"box_{{idx}}", "box_", true},
                                           NameMatchCase{"box_{{idx}}", "bax_1", false},
                                           NameMatchCase{"{{idx}}_box_{{idx}}", "1_box_2", true},
                                           NameMatchCase{"p{{idx}}x", "p12x", true},
                                           NameMatchCase{"p{{idx}}x", "p12y", false},
                                           NameMatchCase{"plain", "plain", true},
                                           NameMatchCase{"plain", "plain2", false}));

}  // namespace
}  // namespace tally::labeling
