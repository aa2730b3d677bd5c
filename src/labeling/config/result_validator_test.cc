#include "labeling/config/result_validator.h"

#include <gtest/gtest.h>

#include "labeling/config/result_checks.h"
#include "labeling/config/validator.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

// One config with every control type of Label Studio's result format.
constexpr const char* kAllControls = R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/><Label value="Person"/></RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Road"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>
  <BrushLabels name="brush" toName="image"><Label value="Sky"/></BrushLabels>
  <Rectangle name="rect" toName="image"/>
  <Polygon name="polygon" toName="image"/>
  <Labels name="tags" toName="image"><Label value="Text"/></Labels>
  <TextArea name="ocr" toName="image" perRegion="true" required="true"/>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text" choice="multiple"><Label value="PER"/><Label value="ORG" alias="O"/></Labels>
  <Relations><Relation value="works_for"/></Relations>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
  <Choices name="topics" toName="text" choice="multiple" value="$topics"/>
  <Choices name="nested" toName="text" allowNested="true" choice="multiple">
    <Choice value="Animal"><Choice value="Cat"/></Choice>
  </Choices>
  <TextArea name="summary" toName="text" maxSubmissions="2"/>
  <Rating name="stars" toName="text" maxRating="5"/>
  <Number name="score" toName="text" min="0" max="10"/>
  <DateTime name="day" toName="text" only="date"/>
  <DateTime name="moment" toName="text"/>
  <Taxonomy name="tax" toName="text" leafsOnly="true">
    <Choice value="Eukarya"><Choice value="Human"/></Choice>
    <Choice value="Bacteria"/>
  </Taxonomy>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="htl" toName="html"><Label value="Title"/></HyperTextLabels>
  <Paragraphs name="dialog" value="$dialog"/>
  <ParagraphLabels name="pl" toName="dialog"><Label value="Question"/></ParagraphLabels>
  <Audio name="audio" value="$audio"/>
  <Labels name="speech" toName="audio"><Label value="Speech"/></Labels>
  <TimeSeries name="ts" value="$ts" valueType="json"><Channel column="v"/></TimeSeries>
  <TimeSeriesLabels name="tsl" toName="ts"><Label value="Run"/></TimeSeriesLabels>
  <Video name="video" value="$video"/>
  <Labels name="vlabels" toName="video"><Label value="Man"/></Labels>
  <VideoRectangle name="vbox" toName="video"/>
  <TimelineLabels name="timeline" toName="video"><Label value="Moving"/></TimelineLabels>
  <List name="items" value="$items"/>
  <Ranker name="rank" toName="items"><Bucket name="best" title="Best"/></Ranker>
  <Text name="left" value="$left"/>
  <Text name="right" value="$right"/>
  <Pairwise name="pw" toName="left,right"/>
  <Chat name="chat" value="$chat"/>
</View>)";

const LabelConfig& AllControls() {
  static const LabelConfig config = [] {
    auto loaded = LoadLabelConfig(kAllControls);
    if (!loaded) throw std::runtime_error(loaded.error().fields.empty() ? loaded.error().message
                                                                         : loaded.error().fields[0].message);
    return std::move(*loaded);
  }();
  return config;
}

struct ResultCase {
  const char* name;
  const char* result;       // a JSON list of result items
  const char* error_field;  // "" when the result is valid
};

std::string Dump(const ResultCheck& check) {
  std::string text;
  for (const FieldError& error : check.errors) text += "\n  " + error.field + ": " + error.message;
  return text;
}

class ResultItem : public ::testing::TestWithParam<ResultCase> {};

TEST_P(ResultItem, ChecksAgainstConfig) {
  const ResultCase& test = GetParam();
  ResultCheckOptions options;
  options.require_answers = false;
  const ResultCheck check = CheckAnnotationResult(AllControls(), bj::parse(test.result), options);

  if (std::string_view(test.error_field).empty()) {
    EXPECT_TRUE(check.ok()) << Dump(check);
    return;
  }
  ASSERT_FALSE(check.ok()) << "expected an error at " << test.error_field;
  EXPECT_EQ(check.errors[0].field, test.error_field) << Dump(check);
  EXPECT_FALSE(check.errors[0].message.empty());
}

#define ITEM(from, to, type, value) \
  R"([{"id": "r1", "from_name": ")" from R"(", "to_name": ")" to R"(", "type": ")" type R"(", "value": )" value "}]"

const ResultCase kValidCases[] = {
    {"Rectangle", ITEM("box", "image", "rectanglelabels",
                       R"({"x": 10, "y": 20, "width": 30, "height": 15.5, "rotation": 0, "rectanglelabels": ["Car"]})"), ""},
    {"RotatedRectanglePastEdge", ITEM("box", "image", "rectanglelabels",
                                      R"({"x": 90, "y": 20, "width": 30, "height": 10, "rotation": 45, "rectanglelabels": ["Car"]})"), ""},
    {"RectangleAtEdgeWithRounding", ITEM("box", "image", "rectanglelabels",
                                         R"({"x": 50, "y": 0, "width": 50.0000000001, "height": 100, "rectanglelabels": ["Car"]})"), ""},
    {"UnlabeledRectangle", ITEM("rect", "image", "rectangle", R"({"x": 1, "y": 2, "width": 3, "height": 4})"), ""},
    {"Polygon", ITEM("poly", "image", "polygonlabels",
                     R"({"points": [[1, 2], [30, 40], [5, 60]], "closed": true, "polygonlabels": ["Road"]})"), ""},
    {"OpenPolyline", ITEM("polygon", "image", "polygon", R"({"points": [[1, 2]], "closed": false})"), ""},
    {"KeyPoint", ITEM("kp", "image", "keypointlabels", R"({"x": 3.1, "y": 8.2, "width": 0.6, "keypointlabels": ["Nose"]})"), ""},
    {"Ellipse", ITEM("ell", "image", "ellipselabels",
                     R"({"x": 50, "y": 40, "radiusX": 10, "radiusY": 5, "rotation": 0, "ellipselabels": ["Cell"]})"), ""},
    {"Brush", R"([{"id": "b", "from_name": "brush", "to_name": "image", "type": "brushlabels",
                   "original_width": 2, "original_height": 2,
                   "value": {"format": "rle", "rle": [0, 0, 0, 16, 1, 2, 3], "brushlabels": ["Sky"]}}])", ""},
    {"LabelsOnShape", R"([
        {"id": "b1", "from_name": "rect", "to_name": "image", "type": "rectangle",
         "original_width": 800, "original_height": 600, "image_rotation": 0,
         "value": {"x": 5, "y": 5, "width": 40, "height": 10, "rotation": 0}},
        {"id": "b1", "from_name": "tags", "to_name": "image", "type": "labels",
         "value": {"x": 5, "y": 5, "width": 40, "height": 10, "rotation": 0, "labels": ["Text"]}},
        {"id": "b1", "from_name": "ocr", "to_name": "image", "type": "textarea",
         "value": {"x": 5, "y": 5, "width": 40, "height": 10, "rotation": 0, "text": ["INVOICE 42"]}}])", ""},
    {"TextSpan", ITEM("ner", "text", "labels", R"({"start": 9, "end": 14, "text": "break", "labels": ["PER", "O"]})"), ""},
    {"TextSpanWithoutText", ITEM("ner", "text", "labels", R"({"start": 0, "end": 0, "labels": ["PER"]})"), ""},
    {"LegacyXPathTextSpan", ITEM("ner", "text", "labels",
                                 R"({"start": "/span[1]/text()[1]", "end": "/span[1]/text()[1]", "startOffset": 0, "endOffset": 4, "labels": ["PER"]})"), ""},
    {"Relation", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"id": "b", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 10, "end": 14, "labels": ["O"]}},
        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right", "labels": ["works_for"]}])", ""},
    {"RelationWithoutLabels", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"id": "b", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 10, "end": 14, "labels": ["O"]}},
        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "bi"}])", ""},
    {"Choices", ITEM("sentiment", "text", "choices", R"({"choices": ["Positive"]})"), ""},
    {"DynamicChoices", ITEM("topics", "text", "choices", R"({"choices": ["anything", "else"]})"), ""},
    {"NestedChoices", ITEM("nested", "text", "choices", R"({"choices": [["Animal", "Cat"], ["Animal"]]})"), ""},
    {"TextArea", ITEM("summary", "text", "textarea", R"({"text": ["first", "second"]})"), ""},
    {"Rating", ITEM("stars", "text", "rating", R"({"rating": 5})"), ""},
    {"Number", ITEM("score", "text", "number", R"({"number": 3.5})"), ""},
    {"Date", ITEM("day", "text", "datetime", R"({"datetime": "2024-05-01"})"), ""},
    {"DateTime", ITEM("moment", "text", "datetime", R"({"datetime": "2024-05-01T10:30"})"), ""},
    {"Taxonomy", ITEM("tax", "text", "taxonomy", R"({"taxonomy": [["Eukarya", "Human"], ["Bacteria"]]})"), ""},
    {"HyperText", ITEM("htl", "html", "hypertextlabels",
                       R"({"start": "/div[1]/p[2]/text()[1]", "end": "/div[1]/p[4]/text()[3]", "startOffset": 2, "endOffset": 81,
                          "globalOffsets": {"start": 10, "end": 90}, "hypertextlabels": ["Title"]})"), ""},
    {"Paragraphs", ITEM("pl", "dialog", "paragraphlabels",
                        R"({"start": "0", "end": 2, "startOffset": 4, "endOffset": 17, "paragraphlabels": ["Question"]})"), ""},
    {"Audio", ITEM("speech", "audio", "labels", R"({"start": 3.1, "end": 8.2, "channel": 0, "labels": ["Speech"]})"), ""},
    {"TimeSeries", ITEM("tsl", "ts", "timeserieslabels",
                        R"({"start": 1614556800000, "end": 1614556900000, "instant": false, "timeserieslabels": ["Run"]})"), ""},
    {"TimeSeriesStrings", ITEM("tsl", "ts", "timeserieslabels",
                               R"({"start": "2021-03-01 00:00", "end": "2021-03-02 00:00", "timeserieslabels": ["Run"]})"), ""},
    {"VideoRectangle", ITEM("vbox", "video", "videorectangle",
                            R"({"framesCount": 1051, "duration": 42.0, "sequence": [
                                 {"frame": 1, "time": 0.04, "x": 16, "y": 51, "width": 30, "height": 28, "rotation": 0, "enabled": true},
                                 {"frame": 9, "time": 0.36, "x": 20, "y": 50, "width": 30, "height": 28, "enabled": false}],
                               "labels": ["Man"]})"), ""},
    {"TimelineLabels", ITEM("timeline", "video", "timelinelabels", R"({"ranges": [{"start": 3, "end": 5}], "timelinelabels": ["Moving"]})"), ""},
    {"RankerList", ITEM("rank", "items", "ranker", R"({"ranker": ["mdn", "wiki", "blog"]})"), ""},
    {"RankerBuckets", ITEM("rank", "items", "ranker", R"({"ranker": {"best": ["mdn"], "items": ["blog"]}})"), ""},
    {"Pairwise", ITEM("pw", "left,right", "pairwise", R"({"selected": "left"})"), ""},
    {"ChatMessage", ITEM("chat", "chat", "chatmessage",
                         R"({"chatmessage": {"role": "assistant", "content": "Hello", "createdAt": 1757612363718}})"), ""},
    {"CommonFields", R"([{"id": "r1", "from_name": "box", "to_name": "image", "type": "rectanglelabels",
                          "origin": "prediction-changed", "original_width": 1920, "original_height": 1080,
                          "image_rotation": 90, "score": 0.73, "readonly": false, "hidden": false, "meta": {"text": ["note"]},
                          "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["Car"]}}])", ""},
    {"ParentID", R"([
        {"id": "box1", "from_name": "box", "to_name": "image", "type": "rectanglelabels",
         "value": {"x": 1, "y": 1, "width": 50, "height": 50, "rectanglelabels": ["Person"]}},
        {"id": "kp1", "parentID": "box1", "from_name": "kp", "to_name": "image", "type": "keypointlabels",
         "value": {"x": 10, "y": 10, "keypointlabels": ["Nose"]}}])", ""},
    {"EmptyResult", "[]", ""},
};

INSTANTIATE_TEST_SUITE_P(Valid, ResultItem, ::testing::ValuesIn(kValidCases),
                         [](const ::testing::TestParamInfo<ResultCase>& info) { return info.param.name; });

const ResultCase kInvalidCases[] = {
    {"NotAList", R"({"choices": ["A"]})", "result"},
    {"ItemNotAnObject", R"(["choices"])", "result.0"},
    {"MissingType", R"([{"from_name": "sentiment", "to_name": "text", "value": {"choices": ["Positive"]}}])", "result.0.type"},
    {"MissingFromName", R"([{"to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}])", "result.0.from_name"},
    {"UnknownControl", ITEM("sentimant", "text", "choices", R"({"choices": ["Positive"]})"), "result.0.from_name"},
    {"WrongType", ITEM("sentiment", "text", "labels", R"({"labels": ["Positive"]})"), "result.0.type"},
    {"WrongTarget", ITEM("sentiment", "image", "choices", R"({"choices": ["Positive"]})"), "result.0.to_name"},
    {"MissingValue", R"([{"from_name": "sentiment", "to_name": "text", "type": "choices"}])", "result.0.value"},
    {"UnknownChoice", ITEM("sentiment", "text", "choices", R"({"choices": ["Neutral"]})"), "result.0.value.choices.0"},
    {"TwoChoicesForSingle", ITEM("sentiment", "text", "choices", R"({"choices": ["Positive", "Negative"]})"), "result.0.value.choices"},
    {"UnknownNestedPath", ITEM("nested", "text", "choices", R"({"choices": [["Animal", "Dog"]]})"), "result.0.value.choices.0"},
    {"UnknownLabel", ITEM("box", "image", "rectanglelabels",
                          R"({"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["Bus"]})"), "result.0.value.rectanglelabels.0"},
    {"LabelValueInsteadOfAlias", ITEM("ner", "text", "labels", R"({"start": 0, "end": 3, "labels": ["ORG"]})"),
     "result.0.value.labels.0"},
    {"TwoLabelsForSingle", ITEM("box", "image", "rectanglelabels",
                                R"({"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["Car", "Person"]})"),
     "result.0.value.rectanglelabels"},
    {"MissingLabels", ITEM("box", "image", "rectanglelabels", R"({"x": 1, "y": 1, "width": 1, "height": 1})"),
     "result.0.value.rectanglelabels"},
    {"XOverHundred", ITEM("box", "image", "rectanglelabels",
                          R"({"x": 120, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["Car"]})"), "result.0.value.x"},
    {"NegativeY", ITEM("box", "image", "rectanglelabels",
                       R"({"x": 1, "y": -3, "width": 1, "height": 1, "rectanglelabels": ["Car"]})"), "result.0.value.y"},
    {"BoxPastRightEdge", ITEM("box", "image", "rectanglelabels",
                              R"({"x": 80, "y": 1, "width": 30, "height": 1, "rectanglelabels": ["Car"]})"), "result.0.value.width"},
    {"CoordinateNotANumber", ITEM("rect", "image", "rectangle", R"({"x": "10", "y": 1, "width": 1, "height": 1})"),
     "result.0.value.x"},
    {"PolygonTooFewPoints", ITEM("poly", "image", "polygonlabels", R"({"points": [[1, 2], [3, 4]], "polygonlabels": ["Road"]})"),
     "result.0.value.points"},
    {"PolygonPointOutside", ITEM("poly", "image", "polygonlabels",
                                 R"({"points": [[1, 2], [3, 400], [5, 6]], "polygonlabels": ["Road"]})"), "result.0.value.points.1.1"},
    {"KeyPointMissingY", ITEM("kp", "image", "keypointlabels", R"({"x": 3, "keypointlabels": ["Nose"]})"), "result.0.value.y"},
    {"EllipseRadiusTooBig", ITEM("ell", "image", "ellipselabels",
                                 R"({"x": 50, "y": 40, "radiusX": 140, "radiusY": 5, "ellipselabels": ["Cell"]})"),
     "result.0.value.radiusX"},
    {"BrushWithoutFormat", ITEM("brush", "image", "brushlabels", R"({"rle": [1, 2], "brushlabels": ["Sky"]})"),
     "result.0.value.format"},
    {"BrushByteOutOfRange", ITEM("brush", "image", "brushlabels", R"({"format": "rle", "rle": [1, 256], "brushlabels": ["Sky"]})"),
     "result.0.value.rle.1"},
    {"BrushSizeMismatch", R"([{"id": "b", "from_name": "brush", "to_name": "image", "type": "brushlabels",
                              "original_width": 4, "original_height": 4,
                              "value": {"format": "rle", "rle": [0, 0, 0, 16, 1], "brushlabels": ["Sky"]}}])",
     "result.0.value.rle"},
    {"BrushMaskTooLarge", R"([{"id": "b", "from_name": "brush", "to_name": "image", "type": "brushlabels",
                              "original_width": 100000, "original_height": 100000,
                              "value": {"format": "rle", "rle": [0], "brushlabels": ["Sky"]}}])",
     "result.0.original_width"},
    {"TextSpanReversed", ITEM("ner", "text", "labels", R"({"start": 14, "end": 9, "labels": ["PER"]})"), "result.0.value.start"},
    {"TextSpanNegative", ITEM("ner", "text", "labels", R"({"start": -1, "end": 9, "labels": ["PER"]})"), "result.0.value.start"},
    {"TextSpanFractional", ITEM("ner", "text", "labels", R"({"start": 1.5, "end": 9, "labels": ["PER"]})"), "result.0.value.start"},
    {"HyperTextNumericStart", ITEM("htl", "html", "hypertextlabels",
                                   R"({"start": 1, "end": "/p[1]", "startOffset": 0, "endOffset": 1, "hypertextlabels": ["Title"]})"),
     "result.0.value.start"},
    {"HyperTextBadGlobalOffsets", ITEM("htl", "html", "hypertextlabels",
                                       R"({"start": "/p[1]", "end": "/p[1]", "startOffset": 0, "endOffset": 1,
                                          "globalOffsets": {"start": 9, "end": 2}, "hypertextlabels": ["Title"]})"),
     "result.0.value.globalOffsets"},
    {"ParagraphsReversed", ITEM("pl", "dialog", "paragraphlabels",
                                R"({"start": 3, "end": 1, "startOffset": 0, "endOffset": 2, "paragraphlabels": ["Question"]})"),
     "result.0.value.start"},
    {"ParagraphsOffsetsReversed", ITEM("pl", "dialog", "paragraphlabels",
                                       R"({"start": 1, "end": 1, "startOffset": 9, "endOffset": 2, "paragraphlabels": ["Question"]})"),
     "result.0.value.startOffset"},
    {"AudioReversed", ITEM("speech", "audio", "labels", R"({"start": 8, "end": 3, "labels": ["Speech"]})"), "result.0.value.start"},
    {"AudioNegative", ITEM("speech", "audio", "labels", R"({"start": -2, "end": 3, "labels": ["Speech"]})"), "result.0.value.start"},
    {"TimeSeriesInstantSpan", ITEM("tsl", "ts", "timeserieslabels",
                                   R"({"start": 1, "end": 5, "instant": true, "timeserieslabels": ["Run"]})"),
     "result.0.value.instant"},
    {"VideoFramesOutOfOrder", ITEM("vbox", "video", "videorectangle",
                                   R"({"sequence": [{"frame": 9, "x": 1, "y": 1, "width": 1, "height": 1},
                                                     {"frame": 2, "x": 1, "y": 1, "width": 1, "height": 1}]})"),
     "result.0.value.sequence.1.frame"},
    {"VideoBoxOutside", ITEM("vbox", "video", "videorectangle",
                             R"({"sequence": [{"frame": 1, "x": 1, "y": 1, "width": 101, "height": 1}], "labels": ["Man"]})"),
     "result.0.value.sequence.0.width"},
    {"VideoUnknownLabel", ITEM("vbox", "video", "videorectangle",
                               R"({"sequence": [{"frame": 1, "x": 1, "y": 1, "width": 1, "height": 1}], "labels": ["Dog"]})"),
     "result.0.value.labels.0"},
    {"TimelineRangeReversed", ITEM("timeline", "video", "timelinelabels",
                                   R"({"ranges": [{"start": 5, "end": 3}], "timelinelabels": ["Moving"]})"),
     "result.0.value.ranges.0"},
    {"TooManySubmissions", ITEM("summary", "text", "textarea", R"({"text": ["a", "b", "c"]})"), "result.0.value.text"},
    {"TextAreaNumber", ITEM("summary", "text", "textarea", R"({"text": [5]})"), "result.0.value.text.0"},
    {"RatingOverMax", ITEM("stars", "text", "rating", R"({"rating": 6})"), "result.0.value.rating"},
    {"RatingFraction", ITEM("stars", "text", "rating", R"({"rating": 2.5})"), "result.0.value.rating"},
    {"NumberOverMax", ITEM("score", "text", "number", R"({"number": 11})"), "result.0.value.number"},
    {"NumberAsString", ITEM("score", "text", "number", R"({"number": "3"})"), "result.0.value.number"},
    {"DateWithTime", ITEM("day", "text", "datetime", R"({"datetime": "2024-05-01T10:30"})"), "result.0.value.datetime"},
    {"DateTimeBadMonth", ITEM("moment", "text", "datetime", R"({"datetime": "2024-13-01T10:30"})"), "result.0.value.datetime"},
    {"TaxonomyUnknownPath", ITEM("tax", "text", "taxonomy", R"({"taxonomy": [["Eukarya", "Dog"]]})"), "result.0.value.taxonomy.0"},
    {"TaxonomyNotLeaf", ITEM("tax", "text", "taxonomy", R"({"taxonomy": [["Eukarya"]]})"), "result.0.value.taxonomy.0"},
    {"TaxonomyFlatString", ITEM("tax", "text", "taxonomy", R"({"taxonomy": ["Bacteria"]})"), "result.0.value.taxonomy.0"},
    {"RankerUnknownBucket", ITEM("rank", "items", "ranker", R"({"ranker": {"worst": ["mdn"]}})"), "result.0.value.ranker.worst"},
    {"RankerDuplicateItem", ITEM("rank", "items", "ranker", R"({"ranker": ["a", "b", "a"]})"), "result.0.value.ranker.2"},
    {"PairwiseMiddle", ITEM("pw", "left,right", "pairwise", R"({"selected": "middle"})"), "result.0.value.selected"},
    {"ChatUnknownRole", ITEM("chat", "chat", "chatmessage", R"({"chatmessage": {"role": "robot", "content": "hi"}})"),
     "result.0.value.chatmessage.role"},
    {"ChatToOtherObject", ITEM("chat", "text", "chatmessage", R"({"chatmessage": {"role": "user", "content": "hi"}})"),
     "result.0.to_name"},
    {"BadOrigin", R"([{"from_name": "sentiment", "to_name": "text", "type": "choices", "origin": "robot",
                      "value": {"choices": ["Positive"]}}])", "result.0.origin"},
    {"ZeroWidthImage", R"([{"from_name": "sentiment", "to_name": "text", "type": "choices", "original_width": 0,
                           "value": {"choices": ["Positive"]}}])", "result.0.original_width"},
    {"ScoreString", R"([{"from_name": "sentiment", "to_name": "text", "type": "choices", "score": "high",
                        "value": {"choices": ["Positive"]}}])", "result.0.score"},
    {"UnknownParent", R"([{"id": "kp1", "parentID": "box9", "from_name": "kp", "to_name": "image", "type": "keypointlabels",
                          "value": {"x": 10, "y": 10, "keypointlabels": ["Nose"]}}])", "result.0.parentID"},
    {"RelationToMissingRegion", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"type": "relation", "from_id": "a", "to_id": "zz", "direction": "right"}])", "result.1.to_id"},
    {"RelationBadDirection", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"id": "b", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 5, "end": 9, "labels": ["PER"]}},
        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "up"}])", "result.2.direction"},
    {"RelationUnknownLabel", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"id": "b", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 5, "end": 9, "labels": ["PER"]}},
        {"type": "relation", "from_id": "a", "to_id": "b", "labels": ["married_to"]}])", "result.2.labels.0"},
    {"PerRegionWithoutRegion", R"([{"id": "zz", "from_name": "ocr", "to_name": "image", "type": "textarea",
                                   "value": {"text": ["x"]}}])", "result.0.id"},
    {"PerRegionWithoutId", R"([{"from_name": "ocr", "to_name": "image", "type": "textarea", "value": {"text": ["x"]}}])",
     "result.0.id"},
    {"SameRegionTwice", R"([
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
        {"id": "a", "from_name": "ner", "to_name": "text", "type": "labels", "value": {"start": 5, "end": 9, "labels": ["PER"]}}])",
     "result.1.id"},
};

INSTANTIATE_TEST_SUITE_P(Invalid, ResultItem, ::testing::ValuesIn(kInvalidCases),
                         [](const ::testing::TestParamInfo<ResultCase>& info) { return info.param.name; });

TEST(ResultValidator, NormalisesShorthandForms) {
  ResultCheckOptions options;
  options.require_answers = false;
  const ResultCheck check = CheckAnnotationResult(AllControls(), bj::parse(R"([
    {"id": 7, "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": "Positive"}, "source": "$text"},
    {"from_name": "stars", "to_name": "text", "type": "rating", "value": {"rating": [4]}},
    {"from_name": "summary", "to_name": "text", "type": "textarea", "value": {"text": "one line"}},
    {"id": "p", "from_name": "pl", "to_name": "dialog", "type": "paragraphlabels",
     "value": {"start": "0", "end": "2", "startOffset": 0, "endOffset": 3, "paragraphlabels": ["Question"]}},
    {"id": "q", "from_name": "pl", "to_name": "dialog", "type": "paragraphlabels",
     "value": {"start": 3, "end": 3, "startOffset": 0, "endOffset": 3, "paragraphlabels": ["Question"]}},
    {"type": "relation", "from_id": "p", "to_id": "q"}])"),
                                                  options);
  ASSERT_TRUE(check.ok()) << Dump(check);
  const bj::array& result = check.result;
  EXPECT_EQ(result[0].at("id"), "7");
  EXPECT_FALSE(result[0].as_object().contains("source"));
  EXPECT_EQ(result[0].at("value").at("choices"), bj::parse(R"(["Positive"])"));
  EXPECT_EQ(result[1].at("value").at("rating"), 4);
  EXPECT_EQ(result[2].at("value").at("text"), bj::parse(R"(["one line"])"));
  EXPECT_EQ(result[3].at("value").at("start"), 0);
  EXPECT_EQ(result[3].at("value").at("end"), 2);
  EXPECT_EQ(result[5].at("direction"), "right");
}

TEST(ResultValidator, ReportsEveryProblemWithItsIndex) {
  ResultCheckOptions options;
  options.require_answers = false;
  const ResultCheck check = CheckAnnotationResult(AllControls(), bj::parse(R"([
    {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}},
    {"from_name": "stars", "to_name": "text", "type": "rating", "value": {"rating": 9}},
    {"from_name": "score", "to_name": "text", "type": "number", "value": {"number": -1}}])"),
                                                  options);
  ASSERT_EQ(check.errors.size(), 2u) << Dump(check);
  EXPECT_EQ(check.errors[0].field, "result.1.value.rating");
  EXPECT_EQ(check.errors[1].field, "result.2.value.number");
}

TEST(ResultValidator, FieldPrefixIsConfigurable) {
  ResultCheckOptions options;
  options.require_answers = false;
  options.field_prefix = "annotations.2.result";
  const ResultCheck check = CheckAnnotationResult(
      AllControls(), bj::parse(R"([{}, {"from_name": "x", "to_name": "text", "type": "choices", "value": {}}])"), options);
  ASSERT_EQ(check.errors.size(), 2u) << Dump(check);
  EXPECT_EQ(check.errors[0].field, "annotations.2.result.0.type");
  EXPECT_EQ(check.errors[1].field, "annotations.2.result.1.from_name");
}

TEST(ResultValidator, ValidateReturnsErrorWithFields) {
  auto validated = ValidateAnnotationResult(AllControls(), bj::parse(R"([{"type": "choices"}])"));
  ASSERT_FALSE(validated);
  EXPECT_EQ(validated.error().code, Errc::kInvalidArgument);
  ASSERT_FALSE(validated.error().fields.empty());
  EXPECT_EQ(validated.error().fields[0].field, "result.0.from_name");
}

// ---- required answers ---------------------------------------------------

const LabelConfig& RequiredConfig() {
  static const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="label" toName="audio"><Label value="Speech"/><Label value="Noise"/></Labels>
  <TextArea name="transcript" toName="audio" perRegion="true" required="true" whenTagName="label" whenLabelValue="Speech"/>
  <Choices name="quality" toName="audio" required="true"><Choice value="Good"/><Choice value="Bad"/></Choices>
  <View visibleWhen="choice-selected" whenTagName="quality" whenChoiceValue="Bad">
    <TextArea name="why" toName="audio" required="true"/>
  </View>
  <View visibleWhen="region-selected">
    <Rating name="confidence" toName="audio" required="true"/>
  </View>
</View>)");
  return config;
}

std::vector<std::string> RequiredErrors(const char* result) {
  const ResultCheck check = CheckAnnotationResult(RequiredConfig(), bj::parse(result));
  std::vector<std::string> fields;
  for (const FieldError& error : check.errors) fields.push_back(error.field + " " + error.message);
  return fields;
}

TEST(ResultValidatorRequired, MissingWholeTaskAnswer) {
  const std::vector<std::string> errors = RequiredErrors("[]");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "result required <Choices name=\"quality\"> has no answer");
}

TEST(ResultValidatorRequired, ConditionalControlOnlyWhenShown) {
  EXPECT_TRUE(RequiredErrors(R"([{"from_name": "quality", "to_name": "audio", "type": "choices",
                                   "value": {"choices": ["Good"]}}])").empty());

  const std::vector<std::string> errors = RequiredErrors(R"([{"from_name": "quality", "to_name": "audio",
                                                             "type": "choices", "value": {"choices": ["Bad"]}}])");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "result required <TextArea name=\"why\"> has no answer");
}

TEST(ResultValidatorRequired, PerRegionAnswerForMatchingRegionsOnly) {
  const std::vector<std::string> errors = RequiredErrors(R"([
    {"from_name": "quality", "to_name": "audio", "type": "choices", "value": {"choices": ["Good"]}},
    {"id": "s1", "from_name": "label", "to_name": "audio", "type": "labels", "value": {"start": 0, "end": 1, "labels": ["Speech"]}},
    {"id": "n1", "from_name": "label", "to_name": "audio", "type": "labels", "value": {"start": 2, "end": 3, "labels": ["Noise"]}},
    {"id": "s2", "from_name": "label", "to_name": "audio", "type": "labels", "value": {"start": 4, "end": 5, "labels": ["Speech"]}},
    {"id": "s2", "from_name": "transcript", "to_name": "audio", "type": "textarea",
     "value": {"start": 4, "end": 5, "text": ["hello"]}}])");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "result.1 region \"s1\" has no answer from required per-region <TextArea name=\"transcript\">");
}

TEST(ResultValidatorRequired, OffForDrafts) {
  ResultCheckOptions options;
  options.require_answers = false;
  EXPECT_TRUE(CheckAnnotationResult(RequiredConfig(), bj::parse("[]"), options).ok());
}

// ---- Repeater templates -------------------------------------------------

TEST(ResultValidator, RepeaterNamesMatchTheirExpansions) {
  const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Repeater on="$document" indexFlag="{{idx}}">
    <Image name="page_{{idx}}" value="$document[{{idx}}].page"/>
    <RectangleLabels name="labels_{{idx}}" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels>
  </Repeater>
</View>)");
  const ResultCheck good = CheckAnnotationResult(config, bj::parse(R"([
    {"id": "a", "from_name": "labels_0", "to_name": "page_0", "type": "rectanglelabels",
     "value": {"x": 1, "y": 1, "width": 2, "height": 2, "rectanglelabels": ["Title"]}},
    {"id": "b", "from_name": "labels_1", "to_name": "page_1", "type": "rectanglelabels",
     "value": {"x": 1, "y": 1, "width": 2, "height": 2, "rectanglelabels": ["Title"]}}])"));
  EXPECT_TRUE(good.ok()) << Dump(good);

  const ResultCheck bad = CheckAnnotationResult(config, bj::parse(R"([
    {"id": "a", "from_name": "labels_0", "to_name": "image_0", "type": "rectanglelabels",
     "value": {"x": 1, "y": 1, "width": 2, "height": 2, "rectanglelabels": ["Title"]}}])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errors[0].field, "result.0.to_name");
}

TEST(ResultValidator, PerRegionAnswerOnItsRegionsObject) {
  const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Text name="text" value="$text"/>
  <Audio name="audio" value="$audio"/>
  <Labels name="spans" toName="text"><Label value="Name"/></Labels>
  <Labels name="segments" toName="audio"><Label value="Speech"/></Labels>
  <Choices name="quality" toName="text,audio" perRegion="true"><Choice value="Clear"/></Choices>
</View>)");
  const std::string span = R"({"id": "s1", "from_name": "spans", "to_name": "text", "type": "labels",
                               "value": {"start": 0, "end": 3, "labels": ["Name"]}})";
  auto answer = [](const char* to_name) {
    return std::string(R"({"id": "s1", "from_name": "quality", "to_name": ")") + to_name +
           R"(", "type": "choices", "value": {"start": 0, "end": 3, "choices": ["Clear"]}})";
  };

  const ResultCheck same = CheckAnnotationResult(config, bj::parse("[" + span + "," + answer("text") + "]"));
  EXPECT_TRUE(same.ok()) << Dump(same);
  // A multi-target control may write its whole toName.
  const ResultCheck joined = CheckAnnotationResult(config, bj::parse("[" + span + "," + answer("text,audio") + "]"));
  EXPECT_TRUE(joined.ok()) << Dump(joined);

  const ResultCheck other = CheckAnnotationResult(config, bj::parse("[" + span + "," + answer("audio") + "]"));
  ASSERT_EQ(other.errors.size(), 1u) << Dump(other);
  EXPECT_EQ(other.errors[0].field, "result.1.to_name");
  EXPECT_EQ(other.errors[0].message,
            "is \"audio\", but region \"s1\" is on \"text\"; a per-region answer goes to its region's object");
}

TEST(ResultValidator, ChatPerRegionAnswersAttachToMessages) {
  const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Chat name="chat" value="$chat"/>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Rating name="accuracy" toName="chat" perRegion="true" required="true"/>
  </View>
</View>)");
  const ResultCheck check = CheckAnnotationResult(config, bj::parse(R"([
    {"id": "m1", "from_name": "chat", "to_name": "chat", "type": "chatmessage",
     "value": {"chatmessage": {"role": "user", "content": "hi"}}},
    {"id": "m2", "from_name": "chat", "to_name": "chat", "type": "chatmessage",
     "value": {"chatmessage": {"role": "assistant", "content": "hello"}}},
    {"id": "m3", "from_name": "chat", "to_name": "chat", "type": "chatmessage",
     "value": {"chatmessage": {"role": "assistant", "content": "bye"}}},
    {"id": "m2", "from_name": "accuracy", "to_name": "chat", "type": "rating", "value": {"rating": 4}}])"));
  ASSERT_EQ(check.errors.size(), 1u) << Dump(check);
  EXPECT_EQ(check.errors[0].field, "result.2");
}

TEST(ResultValidator, ChatRolesFollowMessageRoles) {
  const LabelConfig config = *LoadLabelConfig(R"(<View>
  <Chat name="chat" value="$chat" llm="openai/gpt-4.1-nano" messageRoles="user"/>
</View>)");
  auto check = [&](const char* id, const char* role) {
    return CheckAnnotationResult(config, bj::parse(std::string(R"([{"id": ")") + id +
                                                   R"(", "from_name": "chat", "to_name": "chat", "type": "chatmessage",
       "value": {"chatmessage": {"role": ")" + role + R"(", "content": "hi"}}}])"));
  };

  EXPECT_TRUE(check("m1", "user").errors.empty());
  EXPECT_TRUE(check("m1", "assistant").errors.empty()) << "the model's replies are stored as assistant messages";
  EXPECT_TRUE(check("chat-task-0", "system").errors.empty()) << "a copy of the task's own message";

  const ResultCheck system = check("m1", "system");
  ASSERT_EQ(system.errors.size(), 1u) << Dump(system);
  EXPECT_EQ(system.errors[0].field, "result.0.value.chatmessage.role");
  EXPECT_NE(system.errors[0].message.find("\"user\", \"assistant\""), std::string::npos) << system.errors[0].message;

  EXPECT_EQ(check("chat-task-x", "system").errors.size(), 1u) << "only a numeric index marks a task message";
}

TEST(ResultValidator, ChatDefaultRolesWithoutLlm) {
  const std::vector<std::string> roles = ChatMessageRoles(
      LoadLabelConfig(R"(<View><Chat name="chat" value="$chat"/></View>)")->Element(1));
  EXPECT_EQ(roles, (std::vector<std::string>{"user", "assistant"}));

  const std::vector<std::string> listed = ChatMessageRoles(
      LoadLabelConfig(R"(<View><Chat name="chat" value="$chat" messageroles="user | system,tool"/></View>)")->Element(1));
  EXPECT_EQ(listed, (std::vector<std::string>{"user", "system", "tool"}));
}

}  // namespace
}  // namespace tally::labeling
