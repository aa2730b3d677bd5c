#include "labeling/config/data_keys.h"

#include <gtest/gtest.h>

#include "labeling/config/validator.h"

namespace tally::labeling {
namespace {

TEST(DataKeys, RequiredKeysInDocumentOrder) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Header value="$title"/>
  <Text name="text" value="$text"/>
  <Image name="image" valueList="$images"/>
  <Choices name="c" toName="text" value="$options"/>
  <TextArea name="t" toName="text" value="$draft_text"/>
  <Video name="video" value="$video" frameRate="$fps"/>
  <Paragraphs name="p" value="$dialog.lines" audioUrl="$audio"/>
  <Text name="again" value="$text"/>
</View>)");
  EXPECT_EQ(RequiredDataKeys(config),
            (std::vector<std::string>{"text", "images", "options", "video", "dialog"}));

  const std::vector<DataKeyUse> uses = ListDataKeyUses(config);
  ASSERT_EQ(uses.size(), 10u);
  EXPECT_EQ(uses[0].tag, "Header");
  EXPECT_FALSE(uses[0].required);
  EXPECT_EQ(uses[6].attribute, "frameRate");
  EXPECT_EQ(uses[6].key, "fps");
  EXPECT_FALSE(uses[6].required);
  EXPECT_EQ(uses[7].expression, "dialog.lines");
  EXPECT_EQ(uses[7].position, (SourcePosition{8, 24}));
}

TEST(DataKeys, RepeaterKeysAreTopLevel) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Repeater on="$document" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$document[{{idx}}].page"/>
  </Repeater>
</View>)");
  EXPECT_EQ(RequiredDataKeys(config), std::vector<std::string>{"document"});
}

TEST(DataKeys, NestedObjectKey) {
  const LabelConfig config = CheckLabelConfig(R"(<View><Text name="t" value="$meta.body"/></View>)");
  EXPECT_EQ(RequiredDataKeys(config), std::vector<std::string>{"meta"});
}

TEST(DataTypes, FollowLabelStudioInference) {
  const LabelConfig config = CheckLabelConfig(R"(<View>
  <Audio name="audio" value="$url"/>
  <Video name="video" value="$url"/>
  <AudioPlus name="again" value="$url"/>
  <Text name="greeting" value="Hello $name and $other"/>
  <Image name="page" value="$pages[0].url"/>
</View>)");
  const std::vector<std::pair<std::string, std::string>> types = InferDataTypes(config);
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0], (std::pair<std::string, std::string>{"url", "Video"}));
  EXPECT_EQ(types[1], (std::pair<std::string, std::string>{"name", "Text"}));
  EXPECT_EQ(types[2], (std::pair<std::string, std::string>{"pages[0].url", "Image"}));
}

}  // namespace
}  // namespace tally::labeling
