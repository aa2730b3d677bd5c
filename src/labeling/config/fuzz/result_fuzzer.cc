// libFuzzer target: annotation result JSON in, checked and normalised result
// out. Results arrive from annotators, imports and ML backends in any shape,
// so the fuzzer looks for crashes, hangs and undefined behaviour in the
// checker. The first byte picks one of the configs below, the rest is the
// result JSON.
#include <boost/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "labeling/config/result_validator.h"
#include "labeling/config/validator.h"

namespace {

constexpr std::array<const char*, 3> kConfigs = {
    R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Road"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>
  <BrushLabels name="brush" toName="image"><Label value="Sky"/></BrushLabels>
  <Rectangle name="rect" toName="image"/>
  <Labels name="tags" toName="image"><Label value="Text"/></Labels>
  <TextArea name="ocr" toName="image" perRegion="true" required="true"/>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text" choice="multiple"><Label value="PER"/></Labels>
  <Relations><Relation value="rel"/></Relations>
  <Choices name="c" toName="text" required="true"><Choice value="A"/><Choice value="B"/></Choices>
  <View visibleWhen="choice-selected" whenTagName="c" whenChoiceValue="B">
    <TextArea name="why" toName="text" required="true" maxSubmissions="2"/>
  </View>
  <Choices name="nested" toName="text" allowNested="true"><Choice value="X"><Choice value="Y"/></Choice></Choices>
  <Rating name="r" toName="text"/>
  <Number name="n" toName="text" min="0" max="10"/>
  <DateTime name="d" toName="text" only="date"/>
  <Taxonomy name="t" toName="text" leafsOnly="true"><Choice value="A"><Choice value="B"/></Choice></Taxonomy>
</View>)",
    R"(<View>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="htl" toName="html"><Label value="Title"/></HyperTextLabels>
  <Paragraphs name="dialog" value="$dialog"/>
  <ParagraphLabels name="pl" toName="dialog"><Label value="Q"/></ParagraphLabels>
  <Audio name="audio" value="$audio"/>
  <Labels name="speech" toName="audio"><Label value="Speech"/></Labels>
  <Choices name="per" toName="audio" perRegion="true" required="true" whenLabelValue="Speech"><Choice value="A"/></Choices>
  <TimeSeries name="ts" value="$ts"><Channel column="v"/></TimeSeries>
  <TimeSeriesLabels name="tsl" toName="ts"><Label value="Run"/></TimeSeriesLabels>
  <Video name="video" value="$video"/>
  <Labels name="vl" toName="video"><Label value="Man"/></Labels>
  <VideoRectangle name="vbox" toName="video"/>
  <TimelineLabels name="tl" toName="video"><Label value="Moving"/></TimelineLabels>
</View>)",
    R"(<View>
  <List name="items" value="$items"/>
  <Ranker name="rank" toName="items"><Bucket name="best" title="Best"/></Ranker>
  <Text name="a" value="$a"/><Text name="b" value="$b"/>
  <Pairwise name="pw" toName="a,b"/>
  <Chat name="chat" value="$chat"/>
  <Rating name="acc" toName="chat" perRegion="true" required="true"/>
  <Repeater on="$pages" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>
    <RectangleLabels name="box_{{idx}}" toName="page_{{idx}}"><Label value="T"/></RectangleLabels>
  </Repeater>
</View>)",
};

const std::array<tally::labeling::LabelConfig, 3>& Configs() {
  static const std::array<tally::labeling::LabelConfig, 3> configs = {
      tally::labeling::CheckLabelConfig(kConfigs[0]),
      tally::labeling::CheckLabelConfig(kConfigs[1]),
      tally::labeling::CheckLabelConfig(kConfigs[2]),
  };
  return configs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const tally::labeling::LabelConfig& config = Configs()[data[0] % kConfigs.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;
  const boost::json::value result = boost::json::parse(text, ec, {}, options);
  if (ec) return 0;

  tally::labeling::ResultCheckOptions check_options;
  (void)tally::labeling::CheckAnnotationResult(config, result, check_options);
  check_options.require_answers = false;
  (void)tally::labeling::CheckAnnotationResult(config, result, check_options);
  return 0;
}
