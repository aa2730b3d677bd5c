#include "labeling/config/validator.h"

#include <gtest/gtest.h>

namespace tally::labeling {
namespace {

struct RuleCase {
  const char* name;
  const char* xml;
  Severity severity;
  const char* code;
  const char* tag;
  const char* attribute;
  int line;
};

// Finds the first diagnostic with `code`; nullptr when absent.
const Diagnostic* FindCode(const LabelConfig& config, std::string_view code) {
  for (const Diagnostic& diagnostic : config.diagnostics) {
    if (diagnostic.code == code) return &diagnostic;
  }
  return nullptr;
}

std::string Dump(const LabelConfig& config) {
  std::string text;
  for (const Diagnostic& diagnostic : config.diagnostics) text += "\n  " + FormatDiagnostic(diagnostic);
  return text;
}

class ValidatorRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ValidatorRule, ReportsTagAttributeAndLine) {
  const RuleCase& rule = GetParam();
  const LabelConfig config = CheckLabelConfig(rule.xml);
  const Diagnostic* found = FindCode(config, rule.code);
  ASSERT_NE(found, nullptr) << "no " << rule.code << " in:" << Dump(config);
  EXPECT_EQ(found->severity, rule.severity);
  EXPECT_EQ(found->tag, rule.tag);
  EXPECT_EQ(found->attribute, rule.attribute);
  EXPECT_EQ(found->position.line, rule.line);
  EXPECT_EQ(found->position.column > 0, rule.line > 0);
  EXPECT_FALSE(found->message.empty());
  if (rule.severity == Severity::kError) {
    EXPECT_FALSE(found->hint.empty()) << found->message;
  }
}

const RuleCase kErrorCases[] = {
    {"RootNotView", "<Choices name=\"c\" toName=\"t\"><Choice value=\"a\"/></Choices>", Severity::kError,
     "root-not-view", "Choices", "", 1},
    {"DuplicateName",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"text\" toName=\"text\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kError, "duplicate-name", "Choices", "name", 3},
    {"DuplicateNameOnBucket",
     "<View>\n"
     "  <List name=\"items\" value=\"$items\"/>\n"
     "  <Ranker name=\"rank\" toName=\"items\">\n"
     "    <Bucket name=\"items\" title=\"Best\"/>\n"
     "  </Ranker>\n"
     "</View>",
     Severity::kError, "duplicate-name", "Bucket", "name", 4},
    {"ControlWithoutName",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices toName=\"text\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Choices", "", 3},
    {"ControlWithoutToName",
     "<View>\n"
     "  <Image name=\"image\" value=\"$image\"/>\n"
     "  <RectangleLabels name=\"box\">\n"
     "    <Label value=\"Car\"/>\n"
     "  </RectangleLabels>\n"
     "</View>",
     Severity::kError, "missing-attribute", "RectangleLabels", "", 3},
    {"ObjectWithoutValue",
     "<View>\n"
     "  <Image name=\"image\"/>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Image", "", 2},
    {"ObjectWithoutName",
     "<View>\n"
     "  <Text value=\"$text\"/>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Text", "", 2},
    {"LabelWithoutValue",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Labels name=\"ner\" toName=\"text\">\n"
     "    <Label background=\"red\"/>\n"
     "  </Labels>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Label", "", 4},
    {"ChannelWithoutColumn",
     "<View>\n"
     "  <TimeSeries name=\"ts\" value=\"$csv\">\n"
     "    <Channel legend=\"Speed\"/>\n"
     "  </TimeSeries>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Channel", "", 3},
    {"ToNameCaseIsWrong",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toname=\"text\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kError, "missing-attribute", "Choices", "", 3},
    {"UnknownTarget",
     "<View>\n"
     "  <Image name=\"image\" value=\"$image\"/>\n"
     "  <Choices name=\"c\" toName=\"img\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kError, "unknown-target", "Choices", "toName", 3},
    {"UnknownSecondTarget",
     "<View>\n"
     "  <Image name=\"a\" value=\"$a\"/>\n"
     "  <Image name=\"b\" value=\"$b\"/>\n"
     "  <Rating name=\"r\"\n"
     "          toName=\"a,c\"/>\n"
     "</View>",
     Severity::kError, "unknown-target", "Rating", "toName", 5},
    {"TargetIsAControl",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"a\" toName=\"text\"><Choice value=\"x\"/></Choices>\n"
     "  <Choices name=\"b\" toName=\"a\"><Choice value=\"y\"/></Choices>\n"
     "</View>",
     Severity::kError, "target-not-object", "Choices", "toName", 4},
    {"RectangleLabelsOnText",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <RectangleLabels name=\"box\" toName=\"text\"><Label value=\"Car\"/></RectangleLabels>\n"
     "</View>",
     Severity::kError, "target-type", "RectangleLabels", "toName", 3},
    {"ParagraphLabelsOnText",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <ParagraphLabels name=\"p\" toName=\"text\"><Label value=\"Q\"/></ParagraphLabels>\n"
     "</View>",
     Severity::kError, "target-type", "ParagraphLabels", "toName", 3},
    {"RankerOnText",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Ranker name=\"rank\" toName=\"text\"/>\n"
     "</View>",
     Severity::kError, "target-type", "Ranker", "toName", 3},
    {"PairwiseWithOneTarget",
     "<View>\n"
     "  <Text name=\"a\" value=\"$a\"/>\n"
     "  <Pairwise name=\"pw\" toName=\"a\"/>\n"
     "</View>",
     Severity::kError, "pairwise-targets", "Pairwise", "toName", 3},
    {"ChoicesWithoutOptions",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\"/>\n"
     "</View>",
     Severity::kError, "no-options", "Choices", "", 3},
    {"ConflictingOptions",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Labels name=\"ner\" toName=\"text\">\n"
     "    <Label value=\"PER\" background=\"red\"/>\n"
     "    <Label value=\"PER\" background=\"blue\"/>\n"
     "  </Labels>\n"
     "</View>",
     Severity::kError, "conflicting-option", "Label", "value", 5},
    {"ConflictingAlias",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\">\n"
     "    <Choice value=\"Male\" alias=\"M\"/>\n"
     "    <Choice value=\"Mixed\" alias=\"M\"/>\n"
     "  </Choices>\n"
     "</View>",
     Severity::kError, "conflicting-option", "Choice", "alias", 5},
    {"ImageWithLiteralValue",
     "<View>\n"
     "  <Image name=\"image\" value=\"https://example.com/cat.jpg\"/>\n"
     "</View>",
     Severity::kError, "value-not-data", "Image", "value", 2},
    {"MalformedDataReference",
     "<View>\n"
     "  <Text name=\"text\" value=\"$ text\"/>\n"
     "</View>",
     Severity::kError, "bad-data-reference", "Text", "value", 2},
    {"MalformedDynamicOptions",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\" value=\"$\"/>\n"
     "</View>",
     Severity::kError, "bad-data-reference", "Choices", "value", 3},
    {"UnknownWhenTagName",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\"><Choice value=\"a\"/></Choices>\n"
     "  <View visibleWhen=\"choice-selected\" whenTagName=\"cc\">\n"
     "    <TextArea name=\"why\" toName=\"text\"/>\n"
     "  </View>\n"
     "</View>",
     Severity::kError, "unknown-when-tag", "View", "whenTagName", 4},
    {"NumberMinOverMax",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Number name=\"n\" toName=\"text\" min=\"10\" max=\"1\"/>\n"
     "</View>",
     Severity::kError, "empty-range", "Number", "min", 3},
    {"RatingMaxBelowOne",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Rating name=\"r\" toName=\"text\" maxRating=\"0\"/>\n"
     "</View>",
     Severity::kError, "empty-range", "Rating", "maxRating", 3},
    {"FilterOnMissingControl",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Filter name=\"f\" toName=\"nothing\"/>\n"
     "</View>",
     Severity::kError, "unknown-target", "Filter", "toName", 3},
    {"RepeaterOnLiteral",
     "<View>\n"
     "  <Repeater on=\"pages\">\n"
     "    <Image name=\"page_{{idx}}\" value=\"$pages[{{idx}}].url\"/>\n"
     "  </Repeater>\n"
     "</View>",
     Severity::kError, "bad-data-reference", "Repeater", "on", 2},
    {"NumberMinNotNumber",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Number name=\"n\" toName=\"text\" min=\"abc\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Number", "min", 3},
    {"NumberMaxNotNumber",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Number name=\"n\" toName=\"text\" max=\"zz\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Number", "max", 3},
    {"ChatMinOverMax",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" minMessages=\"5\" maxMessages=\"2\"/>\n"
     "</View>",
     Severity::kError, "empty-range", "Chat", "minMessages", 2},
    {"ChatMinNegative",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" minMessages=\"-1\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Chat", "minMessages", 2},
    {"ChatMaxNotInteger",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" maxMessages=\"2.5\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Chat", "maxMessages", 2},
    {"ChatMaxLowercaseNegative",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" maxmessages=\"-3\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Chat", "maxmessages", 2},
    {"ChatLlmWithoutSlash",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" llm=\"noslash\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Chat", "llm", 2},
    {"ChatLlmWithoutModel",
     "<View>\n"
     "  <Chat name=\"chat\" value=\"$chat\" llm=\"openai/\"/>\n"
     "</View>",
     Severity::kError, "invalid-attribute-value", "Chat", "llm", 2},
    {"SyntaxError",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\">\n"
     "</View>",
     Severity::kError, "xml-syntax", "", "", 3},
    {"EmptyDocument", "   \n  ", Severity::kError, "empty-config", "", "", 0},
    {"Doctype",
     "<!DOCTYPE View [<!ENTITY x \"y\">]>\n"
     "<View/>",
     Severity::kError, "doctype", "", "", 1},
    {"TwoRoots",
     "<View/>\n"
     "<View/>",
     Severity::kError, "xml-syntax", "", "", 2},
};

INSTANTIATE_TEST_SUITE_P(Errors, ValidatorRule, ::testing::ValuesIn(kErrorCases),
                         [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

const RuleCase kWarningCases[] = {
    {"UnknownTag",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Sparkle name=\"s\"/>\n"
     "</View>",
     Severity::kWarning, "unknown-tag", "Sparkle", "", 3},
    {"TagCase",
     "<View>\n"
     "  <text name=\"text\" value=\"$text\"/>\n"
     "</View>",
     Severity::kWarning, "unknown-tag", "text", "", 2},
    {"UnknownAttribute",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Labels name=\"ner\" toName=\"text\">\n"
     "    <Label value=\"PER\" maxUsage=\"1\"/>\n"
     "  </Labels>\n"
     "</View>",
     Severity::kWarning, "unknown-attribute", "Label", "maxUsage", 4},
    {"AttributeCase",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\" showInLine=\"true\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kWarning, "attribute-case", "Choices", "showInLine", 3},
    {"BadBoolean",
     "<View>\n"
     "  <Image name=\"image\" value=\"$image\" zoom=\"yes\"/>\n"
     "</View>",
     Severity::kWarning, "invalid-attribute-value", "Image", "zoom", 2},
    {"BadEnum",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\" choice=\"many\"><Choice value=\"a\"/></Choices>\n"
     "</View>",
     Severity::kWarning, "invalid-attribute-value", "Choices", "choice", 3},
    {"IdenticalDuplicateOption",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\">\n"
     "    <Choice value=\"Two\"/>\n"
     "    <Choice value=\"Two\"/>\n"
     "  </Choices>\n"
     "</View>",
     Severity::kWarning, "duplicate-option", "Choice", "value", 5},
    {"LabelOutsideControl",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Label value=\"lost\"/>\n"
     "</View>",
     Severity::kWarning, "misplaced-option", "Label", "", 3},
    {"RatingWithoutToName",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Rating name=\"r\"/>\n"
     "</View>",
     Severity::kWarning, "missing-target", "Rating", "", 3},
    {"LabelsOnImageWithoutTool",
     "<View>\n"
     "  <Image name=\"image\" value=\"$image\"/>\n"
     "  <Labels name=\"l\" toName=\"image\"><Label value=\"Car\"/></Labels>\n"
     "</View>",
     Severity::kWarning, "labels-without-tool", "Labels", "toName", 3},
    {"PerRegionWithoutRegions",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\"/>\n"
     "</View>",
     Severity::kWarning, "per-region-without-regions", "TextArea", "perRegion", 3},
    {"WhenChoiceValueNeverHolds",
     "<View>\n"
     "  <Text name=\"text\" value=\"$text\"/>\n"
     "  <Choices name=\"c\" toName=\"text\"><Choice value=\"Yes\"/></Choices>\n"
     "  <View visibleWhen=\"choice-selected\" whenTagName=\"c\" whenChoiceValue=\"yes\">\n"
     "    <TextArea name=\"why\" toName=\"text\"/>\n"
     "  </View>\n"
     "</View>",
     Severity::kWarning, "unknown-when-value", "View", "whenChoiceValue", 4},
    {"WhenLabelValueNeverHolds",
     "<View>\n"
     "  <Audio name=\"audio\" value=\"$audio\"/>\n"
     "  <Labels name=\"l\" toName=\"audio\"><Label value=\"Speech\"/></Labels>\n"
     "  <TextArea name=\"t\" toName=\"audio\" perRegion=\"true\" whenTagName=\"l\" whenLabelValue=\"Music\"/>\n"
     "</View>",
     Severity::kWarning, "unknown-when-value", "TextArea", "whenLabelValue", 4},
    {"RepeaterNameWithoutFlag",
     "<View>\n"
     "  <Repeater on=\"$pages\">\n"
     "    <Image name=\"page\" value=\"$pages[{{idx}}].url\"/>\n"
     "  </Repeater>\n"
     "</View>",
     Severity::kWarning, "repeater-name", "Image", "name", 3},
};

INSTANTIATE_TEST_SUITE_P(Warnings, ValidatorRule, ::testing::ValuesIn(kWarningCases),
                         [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

TEST(Validator, ValidConfigHasNoDiagnostics) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Car"/>
    <Label value="Person"/>
  </RectangleLabels>
  <TextArea name="note" toName="image" perRegion="true"/>
</View>)");
  EXPECT_TRUE(config.diagnostics.empty()) << Dump(config);
}

TEST(Validator, MultiTargetToNameAccepted) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Image name="left" value="$a"/>
  <Image name="right" value="$b"/>
  <Pairwise name="pw" toName="left,right"/>
  <Rating name="r" toName="left,right"/>
</View>)");
  EXPECT_FALSE(HasErrors(config.diagnostics)) << Dump(config);
}

TEST(Validator, ChatMayTargetItself) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Chat name="chat" value="$chat" toName="chat"/>
</View>)");
  EXPECT_FALSE(HasErrors(config.diagnostics)) << Dump(config);
}

TEST(Validator, ChatLimitsAndModelAccepted) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Chat name="chat" value="$chat" llm="openai/gpt-4.1-nano" minMessages="0" maxMessages="4"/>
  <Chat name="per_task" value="$other" minMessages="$min" maxMessages="$max"/>
</View>)");
  EXPECT_FALSE(HasErrors(config.diagnostics)) << Dump(config);
}

TEST(Validator, NonIntegerChatLimitReportedOnce) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Chat name="chat" value="$chat" minMessages="many"/>
</View>)");
  int errors = 0;
  for (const Diagnostic& diagnostic : config.diagnostics) errors += diagnostic.IsError();
  EXPECT_EQ(errors, 1) << Dump(config);
}

TEST(Validator, DynamicChoicesNeedNoOptions) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Choices name="c" toName="text" value="$options"/>
</View>)");
  EXPECT_TRUE(config.diagnostics.empty()) << Dump(config);
}

TEST(Validator, HyperTextWithInlineMarkupNeedsNoValue) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <HyperText name="p1"><p>Some <em>styled</em> text</p></HyperText>
</View>)");
  EXPECT_FALSE(HasErrors(config.diagnostics)) << Dump(config);
  EXPECT_EQ(FindCode(config, "unknown-tag"), nullptr) << "HTML inside HyperText is not config markup";
}

TEST(Validator, EveryErrorIsReported) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Text name="a" value="$a"/>
  <Text name="a" value="$b"/>
  <Choices name="c" toName="missing"><Choice value="x"/></Choices>
</View>)");
  int errors = 0;
  for (const Diagnostic& diagnostic : config.diagnostics) errors += diagnostic.IsError();
  EXPECT_EQ(errors, 2) << Dump(config);
}

TEST(Validator, LoadLabelConfigFailsWithEveryError) {
  auto loaded = LoadLabelConfig(R"(<View>
  <Image name="image" value="$image"/>
  <Choices name="c" toName="img"><Choice value="a"/></Choices>
  <Choices name="c" toName="image"><Choice value="a"/></Choices>
</View>)");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::kInvalidArgument);
  ASSERT_EQ(loaded.error().fields.size(), 2u);
  EXPECT_EQ(loaded.error().fields[0].field, "label_config");
  EXPECT_NE(loaded.error().message.find("img"), std::string::npos) << loaded.error().message;
}

TEST(Validator, LoadLabelConfigKeepsWarnings) {
  auto loaded = LoadLabelConfig(R"(<View><Text name="t" value="$t" sparkle="1"/></View>)");
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->diagnostics.size(), 1u);
  EXPECT_EQ(loaded->diagnostics[0].code, "unknown-attribute");
}

TEST(Validator, UnknownTargetHintSuggestsNearName) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Image name="image" value="$image"/>
  <Choices name="c" toName="imag"><Choice value="a"/></Choices>
</View>)");
  const Diagnostic* found = FindCode(config, "unknown-target");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->hint, "did you mean \"image\"?");
}

}  // namespace
}  // namespace tally::labeling
