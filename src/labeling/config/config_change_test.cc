#include "labeling/config/config_change.h"

#include <gtest/gtest.h>

#include "labeling/config/validator.h"

namespace tally::labeling {
namespace {

constexpr const char* kNewConfig = R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/><Label value="Bus"/></RectangleLabels>
  <Choices name="dynamic" toName="image" value="$options"/>
  <TextArea name="note" toName="image"/>
  <Repeater on="$pages" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>
    <Rating name="rating_{{idx}}" toName="page_{{idx}}"/>
  </Repeater>
</View>)";

const LabelConfig& NewConfig() {
  static const LabelConfig config = *LoadLabelConfig(kNewConfig);
  return config;
}

TEST(ConfigChange, AcceptsUsesTheConfigStillCovers) {
  AnnotationUsage usage;
  usage.controls = {{"box", "image", "rectanglelabels", 10},
                    {"note", "somewhere_else", "textarea", 3},
                    {"rating_0", "page_0", "rating", 2},
                    {"chat", "chat", "chatmessage", 4}};
  usage.labels = {{"box", "Car", 8, 1}, {"dynamic", "anything", 3, 0}};
  EXPECT_TRUE(CheckConfigChange(NewConfig(), usage).empty());
}

struct ChangeCase {
  const char* name;
  AnnotationUsage usage;
  ConfigChangeProblemKind kind;
  const char* message;
};

class ConfigChangeCase : public ::testing::TestWithParam<ChangeCase> {};

TEST_P(ConfigChangeCase, ReportsTheProblem) {
  const ChangeCase& test = GetParam();
  const std::vector<ConfigChangeProblem> problems = CheckConfigChange(NewConfig(), test.usage);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, test.kind);
  EXPECT_EQ(problems[0].message, test.message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigChangeCase,
    ::testing::Values(
        ChangeCase{"RemovedControl", {{{"old", "image", "choices", 5}}, {}},
                   ConfigChangeProblemKind::kIncompatibleResults, "5 with from_name=old, to_name=image, type=choices"},
        ChangeCase{"ChangedType", {{{"box", "image", "polygonlabels", 2}}, {}},
                   ConfigChangeProblemKind::kIncompatibleResults, "2 with from_name=box, to_name=image, type=polygonlabels"},
        ChangeCase{"ChangedTarget", {{{"box", "photo", "rectanglelabels", 1}}, {}},
                   ConfigChangeProblemKind::kIncompatibleResults, "1 with from_name=box, to_name=photo, type=rectanglelabels"},
        ChangeCase{"RemovedLabeledControl", {{}, {{"gone", "Cat", 3, 1}}},
                   ConfigChangeProblemKind::kRemovedControl, "There are 4 annotation(s) created with tag \"gone\", you can't remove it"},
        ChangeCase{"RemovedLabel", {{}, {{"box", "Truck", 2, 1}}},
                   ConfigChangeProblemKind::kRemovedLabel, "Truck (2 annotations, 1 draft)"}),
    [](const ::testing::TestParamInfo<ChangeCase>& info) { return info.param.name; });

TEST(ConfigChange, RemovedLabelsRejectOnlyWhenStrict) {
  AnnotationUsage usage;
  usage.labels = {{"box", "Truck", 2, 0}, {"box", "Van", 1, 0}};
  const std::vector<ConfigChangeProblem> problems = CheckConfigChange(NewConfig(), usage);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(ConfigChangeToResult(problems, false));

  auto strict = ConfigChangeToResult(problems, true);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().message,
            "These labels still exist in annotations or drafts:\nTruck (2 annotations, 0 drafts)\n"
            "Van (1 annotation, 0 drafts)\nPlease add labels to tag with name=\"box\".");
}

TEST(ConfigChange, IncompatibleResultsUseLabelStudioMessage) {
  AnnotationUsage usage;
  usage.controls = {{"a", "image", "choices", 1}, {"b", "image", "labels", 2}};
  auto result = ConfigChangeToResult(CheckConfigChange(NewConfig(), usage), false);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "Created annotations are incompatible with provided labeling schema, we found:\n"
            "1 with from_name=a, to_name=image, type=choices\n2 with from_name=b, to_name=image, type=labels");
}

TEST(ConfigChange, VideoRectangleAcceptsAnyLabel) {
  const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Video name="video" value="$video"/>
  <Labels name="labels" toName="video"><Label value="Man"/></Labels>
  <Labels name="other" toName="video"><Label value="Woman"/></Labels>
  <VideoRectangle name="box" toName="video"/>
</View>)");
  AnnotationUsage usage;
  usage.labels = {{"labels", "Woman", 1, 0}};
  EXPECT_TRUE(CheckConfigChange(config, usage).empty());
}

TEST(ConfigChange, EssentialChanges) {
  const LabelConfig before = *LoadLabelConfig(
      R"(<View><Text name="t" value="$text"/><Choices name="c" toName="t"><Choice value="A"/><Choice value="B"/></Choices></View>)");
  const LabelConfig added_choice = *LoadLabelConfig(
      R"(<View><Text name="t" value="$text"/><Choices name="c" toName="t"><Choice value="A"/><Choice value="B"/><Choice value="C"/></Choices></View>)");
  const LabelConfig removed_choice = *LoadLabelConfig(
      R"(<View><Text name="t" value="$text"/><Choices name="c" toName="t"><Choice value="A"/></Choices></View>)");
  const LabelConfig other_input = *LoadLabelConfig(
      R"(<View><Text name="t" value="$body"/><Choices name="c" toName="t"><Choice value="A"/><Choice value="B"/></Choices></View>)");
  EXPECT_FALSE(HasEssentialChanges(before, before));
  EXPECT_FALSE(HasEssentialChanges(before, added_choice));
  EXPECT_TRUE(HasEssentialChanges(before, removed_choice));
  EXPECT_TRUE(HasEssentialChanges(before, other_input));
}

}  // namespace
}  // namespace tally::labeling
