// Export formats against Label Studio converter fixtures (inputs and
// expected outputs of its own tests, read from the shared reference folder
// at run time) and against hand-made tasks with known geometry.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "labeling/config/parser.h"
#include "labeling/export/brush_mask.h"
#include "labeling/export/conll.h"
#include "labeling/export/python_text.h"
#include "labeling/export/records.h"
#include "labeling/export/schema.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

// Files by name, in the order they were written; a name written twice
// keeps both versions in `order` and the last one in `files`.
class FilesSink : public ExportSink {
 public:
  Result<void> BeginFile(std::string_view name) override {
    current_ = std::string(name);
    order.push_back(current_);
    files[current_].clear();
    return Ok();
  }
  Result<void> Write(std::string_view bytes) override {
    files[current_].append(bytes);
    return Ok();
  }
  Result<void> EndFile() override { return Ok(); }

  std::map<std::string, std::string> files;
  std::vector<std::string> order;

 private:
  std::string current_;
};

// The fixture folder, or empty after skipping (failing under CI=true, where
// the fixtures must be present).
fs::path FixtureDir() {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  const fs::path dir = fs::path(shared ? shared : "../shared") / "reference" / "label-studio-converter-fixtures";
  return fs::is_directory(dir) ? dir : fs::path();
}

#define REQUIRE_FIXTURES(dir)                                                                        \
  const fs::path dir = FixtureDir();                                                                 \
  if (dir.empty()) {                                                                                 \
    const char* ci = std::getenv("CI");                                                              \
    if (ci && std::string(ci) == "true") FAIL() << "converter fixtures missing: set TALLY_SHARED_DIR"; \
    GTEST_SKIP() << "converter fixtures not found under $TALLY_SHARED_DIR/reference/"                \
                    "label-studio-converter-fixtures";                                               \
  }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const fs::path kSdk = "sdk/tests/custom/converter/data";

bj::array ReadTasks(const fs::path& path) {
  bj::value value = bj::parse(ReadFile(path));
  return value.is_array() ? value.get_array() : bj::array{value};
}

ExportSchema SchemaFromXml(const std::string& xml) { return SchemaFromLabelConfig(ParseLabelConfig(xml)); }

FilesSink Export(const std::string& format, const ExportSchema& schema, const bj::array& tasks,
                 WriterOptions options = {}) {
  FilesSink sink;
  auto writer = MakeFormatWriter(format, schema, options);
  EXPECT_TRUE(writer) << format;
  if (!writer) return sink;
  for (int pass = 0; pass < (*writer)->passes(); ++pass) {
    EXPECT_TRUE((*writer)->BeginPass(pass, sink));
    for (const bj::value& task : tasks) EXPECT_TRUE((*writer)->AddTask(pass, task.get_object(), sink));
  }
  for (;;) {
    auto complete = (*writer)->Finish(sink);
    EXPECT_TRUE(complete);
    if (!complete || *complete) break;
  }
  return sink;
}

std::string Only(const FilesSink& sink) {
  EXPECT_EQ(sink.files.size(), 1u);
  return sink.files.empty() ? std::string() : sink.files.begin()->second;
}

// Splits on "\r\n" rows and the separator, honouring quotes (enough for the
// converter's CSV: quoted cells may hold separators, quotes and newlines).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text, char separator) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == separator) {
      rows.back().push_back(cell);
      cell.clear();
      quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      cell.push_back(c);
    }
  }
  (void)quoted;
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

size_t CountLines(const std::string& text) {
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (in >> field) fields.push_back(field);
  return fields;
}

// ---------------------------------------------------------------- CSV / TSV

// Python's text-mode read, as the upstream test compares: "\r\n" → "\n".
std::string UniversalNewlines(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

TEST(ExportFixtures, TsvMatchesConverterByteForByte) {
  REQUIRE_FIXTURES(dir);
  // The standalone converter's copy keeps the CRLF rows Python's csv module
  // writes, so it compares byte for byte.
  const bj::array tasks = ReadTasks(dir / "tests/data/test_export_csv/csv_test2.json");
  const std::string tsv = Only(Export("TSV", ExportSchema{}, tasks));
  EXPECT_EQ(tsv, ReadFile(dir / "tests/data/test_export_csv/csv_test2_result.csv"));

  const auto rows = ParseCsv(tsv, '\t');
  ASSERT_EQ(rows.size(), 2u);
  size_t empty = 0;
  for (const auto& cell : rows[1]) empty += cell.empty();
  EXPECT_EQ(empty, 2u);
  EXPECT_NO_THROW(bj::parse(rows[1][Column(rows[0], "writers")]));
  EXPECT_NO_THROW(bj::parse(rows[1][Column(rows[0], "iswcs_1")]));
}

TEST(ExportFixtures, TsvMatchesSdkCopyAsText) {
  REQUIRE_FIXTURES(dir);
  // The SDK stores the expected file with LF rows and its test reads both
  // files in text mode, which turns CRLF into LF.
  const bj::array tasks = ReadTasks(dir / kSdk / "test_export_csv/csv_test2.json");
  const std::string tsv = Only(Export("TSV", ExportSchema{}, tasks));
  EXPECT_EQ(UniversalNewlines(tsv), ReadFile(dir / kSdk / "test_export_csv/csv_test2_result.csv"));
}

TEST(ExportFixtures, SimpleCsvHasNoEmptyCells) {
  REQUIRE_FIXTURES(dir);
  const std::string csv = Only(Export("CSV", ExportSchema{}, ReadTasks(dir / kSdk / "test_export_csv/csv_test.json")));
  const auto rows = ParseCsv(csv, ',');
  ASSERT_EQ(rows.size(), 3u);
  for (size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), rows[0].size());
    for (size_t c = 0; c < rows[r].size(); ++c) EXPECT_FALSE(rows[r][c].empty()) << rows[0][c] << " row " << r;
  }
}

TEST(ExportFixtures, TsvKeepsHistoryColumn) {
  REQUIRE_FIXTURES(dir);
  const std::string tsv =
      Only(Export("TSV", ExportSchema{}, ReadTasks(dir / kSdk / "test_export_csv/csv_test_history.json")));
  const auto rows = ParseCsv(tsv, '\t');
  ASSERT_GE(rows.size(), 2u);
  const size_t history = Column(rows[0], "history");
  EXPECT_TRUE(bj::parse(rows[1][history]).is_array());
}

TEST(ExportFixtures, CollidingDataKeyMovesToDataColumn) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Text name="text" value="$text"/><Choices name="text_choice" toName="text"><Choice value="positive"/></Choices>
         <Choices name="text" toName="text"><Choice value="positive"/></Choices></View>)");
  for (const char* file : {"csv_test_colliding_keys.json", "csv_test_colliding_keys_mixed.json"}) {
    const bj::array tasks = ReadTasks(dir / kSdk / "test_export_csv" / file);
    const auto rows = ParseCsv(Only(Export("CSV", schema, tasks)), ',');
    ASSERT_EQ(rows.size(), tasks.size() + 1) << file;  // a task without annotations still has a row
    const size_t data = Column(rows[0], "_data_text");
    const size_t control = Column(rows[0], "text");
    EXPECT_EQ(rows[1][data], tasks[0].at("data").at("text").as_string().c_str()) << file;
    EXPECT_EQ(rows[1][control], "positive") << file;
  }
}

// ---------------------------------------------------------------- JSON_MIN

TEST(ExportFixtures, JsonMinHasOneRecordWithLabel) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_json_min/label_config.xml"));
  const std::string text = Only(Export("JSON_MIN", schema, ReadTasks(dir / kSdk / "test_export_json_min/data.json")));
  const bj::value records = bj::parse(text);
  ASSERT_EQ(records.as_array().size(), 1u);
  EXPECT_TRUE(records.as_array()[0].as_object().contains("label"));
  EXPECT_EQ(text.substr(0, 4), "[\n{\n");
  EXPECT_EQ(text.substr(text.size() - 3), "}\n]");
}

TEST(ExportFixtures, JsonMinMatchesRepeaterNames) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromParsedJson(
      bj::parse(ReadFile(dir / kSdk / "test_export_json_min/label_config_repeater.json")).as_object());
  const bj::value records =
      bj::parse(Only(Export("JSON_MIN", schema, ReadTasks(dir / kSdk / "test_export_json_min/data_repeater.json"))));
  ASSERT_EQ(records.as_array().size(), 1u);
  EXPECT_TRUE(records.as_array()[0].as_object().contains("labels_0"));
  EXPECT_TRUE(records.as_array()[0].as_object().contains("categories_0"));
}

// ---------------------------------------------------------------- YOLO

TEST(ExportFixtures, YoloSplitLabelersWritesOneFolderPerAnnotator) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_yolo/label_config.xml"));
  WriterOptions options;
  options.split_labelers = true;
  const FilesSink sink = Export("YOLO", schema, ReadTasks(dir / kSdk / "test_export_yolo/data.json"), options);
  std::vector<std::string> labels;
  for (const auto& [name, content] : sink.files) {
    if (name.rfind("labels/", 0) != 0) continue;
    labels.push_back(name);
    EXPECT_EQ(CountLines(content), 2u) << name;
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"labels/1/image1.txt", "labels/1/image2.txt", "labels/2/image1.txt"}));
  EXPECT_EQ(sink.files.at("classes.txt"), "parasites\nwhite\n");
}

TEST(ExportFixtures, YoloObbWritesNineFieldsPerBox) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_yolo/label_config_obb.xml"));
  const FilesSink sink = Export("YOLO_OBB", schema, ReadTasks(dir / kSdk / "test_export_yolo/data_obb.json"));
  const std::map<std::string, size_t> expected = {
      {"labels/image1.txt", 23}, {"labels/image2.txt", 1}, {"labels/image3.txt", 1}};
  for (const auto& [name, lines] : expected) {
    ASSERT_TRUE(sink.files.count(name)) << name;
    const std::string& content = sink.files.at(name);
    EXPECT_EQ(CountLines(content), lines) << name;
    std::istringstream in(content);
    std::string line;
    while (std::getline(in, line)) EXPECT_EQ(Fields(line).size(), 9u) << line;
  }
}

TEST(ExportFixtures, YoloPolygonsWriteOneFile) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_yolo/label_config_polygons.xml"));
  const FilesSink sink = Export("YOLO", schema, ReadTasks(dir / kSdk / "test_export_yolo/data_polygons.json"));
  std::vector<std::string> labels;
  for (const auto& [name, content] : sink.files) {
    if (name.rfind("labels/", 0) == 0) labels.push_back(name);
  }
  ASSERT_EQ(labels, std::vector<std::string>{"labels/image2.txt"});
  EXPECT_EQ(CountLines(sink.files.at("labels/image2.txt")), 1u);
}

TEST(ExportFixtures, YoloKeypointsFollowTheirBox) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_yolo/label_config_keypoints.xml"));
  const FilesSink sink = Export("YOLO", schema, ReadTasks(dir / kSdk / "test_export_yolo/data_keypoints.json"));
  size_t lines = 0;
  for (const auto& [name, content] : sink.files) {
    if (name.rfind("labels/", 0) != 0) continue;
    std::istringstream in(content);
    std::string line;
    while (std::getline(in, line)) {
      ++lines;
      const auto fields = Fields(line);
      EXPECT_EQ(fields.size(), 5u + 17 * 3) << line;
      for (size_t i = 1; i < fields.size(); ++i) {
        const double value = std::stod(fields[i]);
        EXPECT_GE(value, 0.0) << line;
        if ((i - 5) % 3 != 2 || i < 5) EXPECT_LE(value, 1.0) << line;
      }
    }
  }
  EXPECT_GE(lines, 1u);
}

// The converter's own unit vectors for one box: x_c, y_c, w, h.
TEST(ExportYolo, BoxMatchesConverterVectors) {
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="A"/></RectangleLabels></View>)");
  bj::array tasks = {bj::object{
      {"id", 1},
      {"data", bj::object{{"image", "/data/upload/1/a.png"}}},
      {"annotations", bj::array{bj::object{
                          {"id", 1},
                          {"completed_by", 1},
                          {"created_at", "2024-01-01T00:00:00Z"},
                          {"result", bj::array{bj::object{{"from_name", "label"},
                                                          {"to_name", "image"},
                                                          {"type", "rectanglelabels"},
                                                          {"original_width", 597},
                                                          {"original_height", 768},
                                                          {"value", bj::object{{"x", 37.15846994535519},
                                                                               {"y", 70.67395264116576},
                                                                               {"width", 4.189435336976321},
                                                                               {"height", 4.735883424408015},
                                                                               {"rotation", 0},
                                                                               {"rectanglelabels", {"A"}}}}}}}}}}}};
  const FilesSink sink = Export("YOLO", schema, tasks);
  EXPECT_EQ(sink.files.at("labels/a.txt"),
            "0 0.39253187613843354 0.7304189435336975 0.04189435336976321 0.04735883424408015\n");
}

// The converter's unit vector for an oriented box on a 597×768 image.
TEST(ExportYolo, ObbMatchesConverterVector) {
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="A"/></RectangleLabels></View>)");
  bj::array tasks = {bj::object{
      {"id", 1},
      {"data", bj::object{{"image", "s3://bucket/dir/b.jpg"}}},
      {"annotations", bj::array{bj::object{
                          {"id", 1},
                          {"completed_by", 1},
                          {"result", bj::array{bj::object{{"from_name", "label"},
                                                          {"to_name", "image"},
                                                          {"type", "rectanglelabels"},
                                                          {"original_width", 597},
                                                          {"original_height", 768},
                                                          {"value", bj::object{{"x", 11.552474514692952},
                                                                               {"y", 80.83731446979957},
                                                                               {"width", 19.0454700246567},
                                                                               {"height", 6.629026203797071},
                                                                               {"rotation", 328.33240366032836},
                                                                               {"rectanglelabels", {"A"}}}}}}}}}}}};
  const FilesSink sink = Export("YOLO_OBB", schema, tasks);
  const auto fields = Fields(sink.files.at("labels/b.txt"));
  ASSERT_EQ(fields.size(), 9u);
  const double expected[8] = {0.11552474514692952, 0.8083731446979957, 0.27762229351938456, 0.7306489626734597,
                              0.3223923846720476,  0.7870691452334665, 0.16029483629959254, 0.8647933272580025};
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(std::stod(fields[i + 1]), expected[i], 1e-12) << i;
}

// ---------------------------------------------------------------- COCO

TEST(ExportFixtures, CocoHasBoxPolygonAndKeypoints) {
  REQUIRE_FIXTURES(dir);
  const ExportSchema schema = SchemaFromXml(ReadFile(dir / kSdk / "test_export_coco/label_config.xml"));
  const bj::array tasks = ReadTasks(dir / kSdk / "test_export_coco/data.json");
  const bj::object coco = bj::parse(Only(Export("COCO", schema, tasks))).as_object();
  const bj::array& annotations = coco.at("annotations").as_array();
  ASSERT_EQ(annotations.size(), 3u);

  const bj::object& region = tasks[0].at("annotations").at(0).at("result").at(0).at("value").as_object();
  const bj::array& bbox = annotations[0].at("bbox").as_array();
  EXPECT_DOUBLE_EQ(bbox[0].as_double(), region.at("x").as_double() / 100 * 500);
  EXPECT_DOUBLE_EQ(bbox[1].as_double(), region.at("y").as_double() / 100 * 320);
  EXPECT_DOUBLE_EQ(bbox[2].as_double(), region.at("width").as_double() / 100 * 500);
  EXPECT_DOUBLE_EQ(bbox[3].as_double(), region.at("height").as_double() / 100 * 320);

  const bj::array& segmentation = annotations[1].at("segmentation").as_array();
  ASSERT_EQ(segmentation.size(), 1u);
  EXPECT_EQ(segmentation[0].as_array().size(), 6u);
  EXPECT_GT(annotations[1].at("area").to_number<double>(), 0.0);

  const bj::object& keypoints = annotations[2].as_object();
  const int64_t count = keypoints.at("num_keypoints").as_int64();
  EXPECT_EQ(keypoints.at("keypoints").as_array().size(), 3u * 2);
  EXPECT_EQ(count, 2);
  for (size_t i = 2; i < keypoints.at("keypoints").as_array().size(); i += 3) {
    const int64_t visibility = keypoints.at("keypoints").as_array()[i].as_int64();
    EXPECT_TRUE(visibility == 0 || visibility == 1 || visibility == 2);
  }
  std::string category_name;
  for (const bj::value& category : coco.at("categories").as_array()) {
    if (category.at("id") == keypoints.at("category_id")) category_name = category.at("name").as_string().c_str();
  }
  EXPECT_EQ(category_name, "default");
}


// ------------------------------------------------------------ brush masks

constexpr const char* kBrushConfig =
    R"(<View><Image name="image" value="$image"/>)"
    R"(<BrushLabels name="tag" toName="image"><Label value="Cat"/><Label value="a/b"/></BrushLabels></View>)";

// A 3 × 2 mask with alpha 255 on the top row, as RLE bytes.
bj::array TopRowRle() {
  // Values: 3 pixels of (255, 0, 0, 255), then 3 pixels of 0, written as
  // literal records of one value each (flag 0, width 3, length 1).
  std::string bits;
  const auto put = [&bits](uint32_t value, int width) {
    for (int bit = width - 1; bit >= 0; --bit) bits.push_back(((value >> bit) & 1) ? '1' : '0');
  };
  put(24, 32);
  put(7, 5);
  for (int width : {3, 4, 8, 16}) put(width - 1, 4);
  for (int i = 0; i < 24; ++i) {
    const uint8_t value = i < 12 && (i % 4 == 0 || i % 4 == 3) ? 255 : 0;
    put(0, 1);
    put(0, 2);
    put(0, 3);
    put(value, 8);
  }
  while (bits.size() % 8 != 0) bits.push_back('0');
  bj::array bytes;
  for (size_t i = 0; i < bits.size(); i += 8) bytes.push_back(std::stoi(bits.substr(i, 8), nullptr, 2));
  return bytes;
}

bj::object BrushRegion(const bj::array& labels, bj::value rle) {
  bj::object value{{"format", "rle"}, {"brushlabels", labels}};
  if (!rle.is_null()) value["rle"] = std::move(rle);
  return bj::object{{"from_name", "tag"}, {"to_name", "image"},        {"type", "brushlabels"},
                    {"original_width", 3}, {"original_height", 2}, {"value", std::move(value)}};
}

bj::array BrushTasks() {
  const bj::array rle = TopRowRle();
  bj::object annotation{{"id", 41},
                        {"completed_by", bj::object{{"id", 5}, {"email", "ann+1 x@example.com"}}},
                        {"created_at", "2024-03-01T10:00:00Z"},
                        {"result", bj::array{BrushRegion({"Cat"}, rle), BrushRegion({"Cat"}, rle),
                                             BrushRegion({"a/b"}, rle), BrushRegion({"Cat"}, nullptr),
                                             BrushRegion({"Cat"}, bj::array{0, 0, 0, 99})}}};
  bj::object cancelled{{"id", 42}, {"completed_by", 7}, {"was_cancelled", true},
                       {"result", bj::array{BrushRegion({"Cat"}, rle)}}};
  return bj::array{bj::object{{"id", 9},
                              {"data", bj::object{{"image", "/data/upload/1/photo.png"}}},
                              {"annotations", bj::array{annotation, cancelled}}}};
}

TEST(ExportBrush, NamesOneFilePerRegion) {
  const ExportSchema schema = SchemaFromXml(kBrushConfig);
  FilesSink sink = Export("BRUSH_TO_NUMPY", schema, BrushTasks());
  // The email loses '+' and ' ', and '/' in a label becomes '-'. Regions
  // without an rle and the damaged one are skipped, and the cancelled
  // annotation makes no file.
  EXPECT_EQ(sink.order, (std::vector<std::string>{"task-9-annotation-41-by-ann1x@example.com-tag-Cat-0.npy",
                                                  "task-9-annotation-41-by-ann1x@example.com-tag-Cat-1.npy",
                                                  "task-9-annotation-41-by-ann1x@example.com-tag-a-b-0.npy"}));
  const std::string& npy = sink.files.begin()->second;
  EXPECT_NE(npy.find("'shape': (2, 3), }"), std::string::npos);
  EXPECT_EQ(npy.substr(npy.size() - 6), std::string("\xFF\xFF\xFF\x00\x00\x00", 6));
}

TEST(ExportBrush, PngFilesHoldTheMask) {
  const ExportSchema schema = SchemaFromXml(kBrushConfig);
  FilesSink sink = Export("BRUSH_TO_PNG", schema, BrushTasks());
  ASSERT_EQ(sink.files.size(), 3u);
  const std::string& png = sink.files.at("task-9-annotation-41-by-ann1x@example.com-tag-Cat-0.png");
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // Width 3, height 2, 8-bit grayscale in IHDR.
  EXPECT_EQ(png.substr(16, 10), std::string("\0\0\0\x03\0\0\0\x02\x08\x00", 10));
}

TEST(ExportBrush, AvailableForBrushConfigsOnly) {
  const FormatInfo* numpy = FindFormat("BRUSH_TO_NUMPY");
  ASSERT_NE(numpy, nullptr);
  EXPECT_TRUE(FormatAvailable(*numpy, SchemaFromXml(kBrushConfig)));
  EXPECT_TRUE(FormatAvailable(*numpy, SchemaFromXml(R"(<View><Image name="i" value="$i"/>)"
                                                    R"(<Brush name="b" toName="i"/><Labels name="l" toName="i">)"
                                                    R"(<Label value="A"/></Labels></View>)")));
  EXPECT_FALSE(FormatAvailable(*numpy, SchemaFromXml(R"(<View><Image name="i" value="$i"/>)"
                                                     R"(<RectangleLabels name="l" toName="i"><Label value="A"/>)"
                                                     R"(</RectangleLabels></View>)")));
}

// ----------------------------------------------------------- ASR manifest

constexpr const char* kAsrConfig =
    R"(<View><Audio name="audio" value="$audio"/><TextArea name="transcription" toName="audio"/></View>)";

TEST(ExportAsr, WritesOneLinePerRecord) {
  const ExportSchema schema = SchemaFromXml(kAsrConfig);
  const auto transcript = [](const std::string& text) {
    return bj::object{{"from_name", "transcription"}, {"to_name", "audio"}, {"type", "textarea"},
                      {"value", bj::object{{"text", bj::array{bj::string(text)}}}}};
  };
  const bj::array tasks{
      bj::object{{"id", 1},
                 {"data", bj::object{{"audio", "/data/upload/1/hello.wav"}}},
                 {"annotations", bj::array{bj::object{{"completed_by", bj::object{{"email", "a@example.com"}}},
                                                      {"created_at", "2024-01-02"},
                                                      {"result", bj::array{transcript("Привет 😀 \"hi\"")}}},
                                           bj::object{{"completed_by", 3},
                                                      {"created_at", "2024-01-01"},
                                                      {"result", bj::array{transcript("older")}}}}}},
      bj::object{{"id", 2},
                 {"data", bj::object{{"audio", "https://example.com/a/remote.mp3"}}},
                 {"annotations", bj::array{bj::object{{"result", bj::array{transcript("far")}}}}}},
      bj::object{{"id", 3},
                 {"data", bj::object{{"audio", "/data/upload/1/silent.wav"}}},
                 {"annotations", bj::array{bj::object{{"result", bj::array()}}}}},
  };

  // 16 kHz mono 16-bit: 8,000 bytes of samples are 0.25 s.
  std::string wav = "RIFF____WAVEfmt ";
  wav += std::string("\x10\0\0\0\x01\0\x01\0\x80\x3e\0\0\0\x7d\0\0\x02\0\x10\0data\x40\x1f\0\0", 28);
  wav += std::string(8000, '\0');
  WriterOptions options;
  options.read_media = [&wav](const std::string& reference) -> std::optional<std::string> {
    if (reference == "/data/upload/1/hello.wav") return wav;
    return std::nullopt;
  };

  FilesSink sink = Export("ASR_MANIFEST", schema, tasks, options);
  EXPECT_EQ(sink.order, (std::vector<std::string>{"audio/hello.wav", "manifest.json"}));
  EXPECT_EQ(sink.files["audio/hello.wav"], wav);
  EXPECT_EQ(sink.files["manifest.json"],
            "{\"audio_filepath\": \"audio/hello.wav\", \"duration\": 0.25, \"text\": "
            "\"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\ud83d\\ude00 \\\"hi\\\"\", \"annotator\": "
            "\"a@example.com\"}\n"
            "{\"audio_filepath\": \"audio/hello.wav\", \"duration\": 0.25, \"text\": \"older\", "
            "\"annotator\": \"3\"}\n"
            "{\"audio_filepath\": \"https://example.com/a/remote.mp3\", \"duration\": null, \"text\": \"far\", "
            "\"annotator\": \"\"}\n");
}

TEST(ExportAsr, AvailableForAudioWithTextArea) {
  const FormatInfo* asr = FindFormat("ASR_MANIFEST");
  ASSERT_NE(asr, nullptr);
  EXPECT_TRUE(FormatAvailable(*asr, SchemaFromXml(kAsrConfig)));
  EXPECT_FALSE(FormatAvailable(*asr, SchemaFromXml(R"(<View><Audio name="audio" value="$audio"/>)"
                                                   R"(<Choices name="c" toName="audio"><Choice value="A"/>)"
                                                   R"(</Choices></View>)")));
}

// ------------------------------------------------------------ COCO media

TEST(ExportCoco, ArchivesImagesWithTheirSizes) {
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image">)"
      R"(<Label value="Cat"/></RectangleLabels></View>)");
  const bj::object box{{"from_name", "box"},
                       {"to_name", "image"},
                       {"type", "rectanglelabels"},
                       {"original_width", 800},
                       {"original_height", 600},
                       {"value", bj::object{{"x", 10}, {"y", 20}, {"width", 30}, {"height", 40},
                                            {"rectanglelabels", bj::array{"Cat"}}}}};
  const bj::array tasks{
      bj::object{{"id", 1},
                 {"data", bj::object{{"image", "/data/upload/1/a1b2-cat.png"}}},
                 {"annotations", bj::array{bj::object{{"result", bj::array{box}}}}}},
      bj::object{{"id", 2},
                 {"data", bj::object{{"image", "/data/upload/1/empty.png"}}},
                 {"annotations", bj::array{bj::object{{"result", bj::array()}}}}},
      bj::object{{"id", 3},
                 {"data", bj::object{{"image", "https://example.com/remote.jpg"}}},
                 {"annotations", bj::array{bj::object{{"result", bj::array()}}}}},
  };

  auto cat = PngFile(BrushMask{800, 600, std::vector<uint8_t>(800 * 600, 0)});
  auto empty = PngFile(BrushMask{64, 48, std::vector<uint8_t>(64 * 48, 0)});
  ASSERT_TRUE(cat);
  ASSERT_TRUE(empty);
  WriterOptions options;
  options.read_media = [&](const std::string& reference) -> std::optional<std::string> {
    if (reference == "/data/upload/1/a1b2-cat.png") return *cat;
    if (reference == "/data/upload/1/empty.png") return *empty;
    return std::nullopt;
  };

  FilesSink sink = Export("COCO", schema, tasks, options);
  EXPECT_EQ(sink.order, (std::vector<std::string>{"images/a1b2-cat.png", "images/empty.png", "result.json"}));
  EXPECT_EQ(sink.files["images/empty.png"], *empty);
  const bj::value coco = bj::parse(sink.files["result.json"]);
  const bj::array& images = coco.at("images").as_array();
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[0], (bj::object{{"width", 800}, {"height", 600}, {"id", 0}, {"file_name", "images/a1b2-cat.png"}}));
  EXPECT_EQ(images[1], (bj::object{{"width", 64}, {"height", 48}, {"id", 1}, {"file_name", "images/empty.png"}}))
      << "a negative image takes its size from the file";
  EXPECT_EQ(images[2].at("file_name"), "https://example.com/remote.jpg") << "remote images stay references";
  EXPECT_TRUE(images[2].at("width").is_null());
  ASSERT_EQ(coco.at("annotations").as_array().size(), 1u);
  EXPECT_EQ(coco.at("annotations").at(0).at("bbox"), (bj::array{80.0, 120.0, 240.0, 240.0}));
}

TEST(ExportCoco, BytesMatchUjsonLayout) {
  // Boxes are written without building a JSON object; the whole file must
  // still read as ujson's indent=2, ensure_ascii layout of its own content.
  // The numbers are chosen to survive Boost.JSON 1.81's parser, which can
  // round a 17-digit double to a neighbour.
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image">)"
      R"(<Label value="Кот"/></RectangleLabels><PolygonLabels name="shape" toName="image">)"
      R"(<Label value="Dog"/></PolygonLabels></View>)");
  const auto region = [](const char* from_name, bj::object value) {
    return bj::object{{"from_name", from_name}, {"to_name", "image"}, {"original_width", 1280},
                      {"original_height", 720}, {"value", std::move(value)}};
  };
  const bj::array tasks{bj::object{
      {"id", 1},
      {"data", bj::object{{"image", "/data/upload/1/a.png"}}},
      {"annotations",
       bj::array{bj::object{
           {"result",
            bj::array{region("box", {{"x", 0.000001}, {"y", 12.5}, {"width", 20.25}, {"height", 30},
                                     {"rectanglelabels", bj::array{"Кот"}}}),
                      region("box", {{"x", 50}, {"y", 25}, {"width", 5}, {"height", 1e-3},
                                     {"rectanglelabels", bj::array{"Кот"}}}),
                      region("shape", {{"points", bj::array{bj::array{10, 20}, bj::array{50, 40}, bj::array{50, 90}}},
                                       {"polygonlabels", bj::array{"Dog"}}})}}}}}}};
  WriterOptions options;
  options.date_created = "2024-03-01 10:05:00.123456";
  options.year = 2024;
  const std::string coco = Only(Export("COCO", schema, tasks, options));

  EXPECT_EQ(Ujson(bj::parse(coco), UjsonStyle{2, true}), coco);
  EXPECT_NE(coco.find("\"bbox\": [\n        1.28e-5,"), std::string::npos) << coco;
  EXPECT_NE(coco.find("\"segmentation\": [],"), std::string::npos);
  EXPECT_EQ(bj::parse(coco).at("annotations").as_array().size(), 3u);
}

// ---------------------------------------------------------------- CONLL2003

struct ConllCase {
  std::string name;
  std::string text;
  std::string spans;  // JSON array
  std::vector<std::string> tokens;
  std::vector<std::string> tags;
};

// The converter's own tokenisation and tagging cases.
TEST(ExportConll, TokensAndTagsMatchConverter) {
  const std::vector<ConllCase> cases = {
      {"newline separator", "I need a break\nplease", R"([{"end":14,"labels":["Person"],"start":9}])",
       {"I", "need", "a", "break", "please"}, {"O", "O", "O", "B-Person", "O"}},
      {"tab separator", "I need a tab\tplease", R"([{"end":12,"labels":["Person"],"start":9}])",
       {"I", "need", "a", "tab", "please"}, {"O", "O", "O", "B-Person", "O"}},
      {"partial token", "We gave Jane Smith the ball.", R"([{"end":12,"labels":["Person"],"start":9}])",
       {"We", "gave", "Jane", "Smith", "the", "ball", "."}, {"O", "O", "B-Person", "O", "O", "O", "O"}},
      {"leading space", "We gave Jane Smith the ball.", R"([{"end":18,"labels":["Person"],"start":7}])",
       {"We", "gave", "Jane", "Smith", "the", "ball", "."}, {"O", "O", "B-Person", "I-Person", "O", "O", "O"}},
      {"trailing space", "We gave Jane Smith the ball.", R"([{"end":19,"labels":["Person"],"start":8}])",
       {"We", "gave", "Jane", "Smith", "the", "ball", "."}, {"O", "O", "B-Person", "I-Person", "O", "O", "O"}},
      {"dollar sign", "A meal with $3.99 bill", R"([{"end":16,"labels":["Person"],"start":12}])",
       {"A", "meal", "with", "$", "3.99", "bill"}, {"O", "O", "O", "B-Person", "I-Person", "O"}},
      {"slash", "A meal from Google/Facebook",
       R"([{"end":17,"labels":["ORG"],"start":12},{"end":22,"labels":["ORG"],"start":19}])",
       {"A", "meal", "from", "Google", "/", "Facebook"}, {"O", "O", "O", "B-ORG", "O", "B-ORG"}},
      {"hash and semicolon", "Mut;ant Ninja Turtles. Teen#age Mutant Ninja Turtles.",
       R"([{"start":0,"end":3,"labels":["PER"]},{"start":5,"end":7,"labels":["ORG"]},
           {"start":24,"end":27,"labels":["PER"]},{"start":29,"end":30,"labels":["ORG"]}])",
       {"Mut", ";", "ant", "Ninja", "Turtles.", "Teen", "#", "age", "Mutant", "Ninja", "Turtles", "."},
       {"B-PER", "O", "B-ORG", "O", "O", "B-PER", "O", "B-ORG", "O", "O", "O", "O"}},
      {"contractions and quotes", "They don't say \"hi\"", "[]",
       {"They", "do", "n't", "say", "\"", "hi", "\""}, {"O", "O", "O", "O", "O", "O", "O"}},
  };
  for (const ConllCase& test : cases) {
    const bj::value spans = bj::parse(test.spans);
    const auto [tokens, tags] = TokensAndTags(test.text, &spans.as_array());
    EXPECT_EQ(tokens, test.tokens) << test.name;
    EXPECT_EQ(tags, test.tags) << test.name;
  }
}

TEST(ExportConll, LongTextTagsOneToken) {
  const std::string text =
      "They're the world's most fear;some fighting team,Teenage Mut;ant Ninja Turtles (We're really hip!).They're "
      "heroes in the half-shell and they're green,Teenage Mutant Ninja Turtles (Hey, get a grip!),When the evil "
      "Shre&dder attacks These Turtle boys don't cut him no slack! Spli\\/nter taught them to be ninja teens.. "
      "Teen#age Mutant Ninja Turtles (He's a radi@cal rat!), Leonardo leads, Donat#ello does machines, Teenage "
      "Mutant Ninja Turt;les (That's a fact, Jack!),Raphael is cool but rude (Gimme a break!), Michel;angelo is a "
      "party dude (Party!)";
  const bj::value spans = bj::parse(R"([{"start":0,"end":4,"labels":["PER"]},{"start":12,"end":17,"labels":["PER"]},
    {"start":57,"end":60,"labels":["PER"]},{"start":212,"end":216,"labels":["PER"]},
    {"start":314,"end":318,"labels":["PER"]},{"start":272,"end":276,"labels":["PER"]}])");
  const auto [tokens, tags] = TokensAndTags(text, &spans.as_array());
  ASSERT_GT(tokens.size(), 53u);
  EXPECT_EQ(tokens[52], "Shre");
  EXPECT_EQ(tags[52], "B-PER");
  EXPECT_EQ(tags[51], "O");
  EXPECT_EQ(tags[53], "O");
}

TEST(ExportConll, WritesBlocksPerRecord) {
  const ExportSchema schema = SchemaFromXml(
      R"(<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="Person"/><Label value="Место"/></Labels></View>)");
  bj::array tasks = {
      bj::object{{"id", 1},
                 {"data", bj::object{{"text", "Jane lives in Paris."}}},
                 {"annotations",
                  bj::array{bj::object{{"id", 1},
                                       {"result", bj::array{bj::object{{"from_name", "ner"},
                                                                       {"to_name", "text"},
                                                                       {"type", "labels"},
                                                                       {"value", bj::object{{"start", 0},
                                                                                            {"end", 4},
                                                                                            {"labels", {"Person"}}}}},
                                                            bj::object{{"from_name", "ner"},
                                                                       {"to_name", "text"},
                                                                       {"type", "labels"},
                                                                       {"value", bj::object{{"start", 14},
                                                                                            {"end", 19},
                                                                                            {"labels", {"Место"}}}}}}}}}}},
      bj::object{{"id", 2}, {"data", bj::object{{"text", "😀 Ünïcode"}}}, {"annotations", bj::array()}},
      bj::object{{"id", 3},
                 {"data", bj::object{{"text", "skipped"}}},
                 {"annotations", bj::array{bj::object{{"id", 3}, {"was_cancelled", true}, {"result", bj::array()}}}}}};
  EXPECT_EQ(Only(Export("CONLL2003", schema, tasks)),
            "-DOCSTART- -X- O\n"
            "Jane -X- _ B-Person\nlives -X- _ O\nin -X- _ O\nParis -X- _ B-Место\n. -X- _ O\n\n"
            "😀 -X- _ O\nÜnïcode -X- _ O\n\n");
}

// ---------------------------------------------------------------- text forms

TEST(PythonText, FloatReprMatchesPython) {
  EXPECT_EQ(PythonFloat(100.0), "100.0");
  EXPECT_EQ(PythonFloat(0.1), "0.1");
  EXPECT_EQ(PythonFloat(12.4), "12.4");
  EXPECT_EQ(PythonFloat(1e-05), "1e-05");
  EXPECT_EQ(PythonFloat(0.0001), "0.0001");
  EXPECT_EQ(PythonFloat(1e16), "1e+16");
  EXPECT_EQ(PythonFloat(123456789012345.6), "123456789012345.6");
  EXPECT_EQ(PythonFloat(-2.5), "-2.5");
}

TEST(PythonText, UjsonEscapesSlashesAndKeepsUnicode) {
  const bj::value value = bj::parse(R"({"url":"a/b","t":"ünï 😀\r\n","n":[1,2.5]})");
  EXPECT_EQ(Ujson(value), "{\"url\":\"a\\/b\",\"t\":\"ünï 😀\\r\\n\",\"n\":[1,2.5]}");
  EXPECT_EQ(Ujson(bj::string("😀"), UjsonStyle{0, true}), "\"\\ud83d\\ude00\"");
  EXPECT_EQ(Ujson(bj::parse(R"({"a":[]})"), UjsonStyle{2, false}), "{\n  \"a\": []\n}");
}

TEST(PythonText, CsvCellsQuoteLikePython) {
  std::string out;
  AppendCsvCell(out, bj::string("say \"hi\""));
  out += ',';
  AppendCsvCell(out, 3);
  out += ',';
  AppendCsvCell(out, 2.0);
  out += ',';
  AppendCsvCell(out, true);
  out += ',';
  AppendCsvCell(out, nullptr);
  EXPECT_EQ(out, "\"say \"\"hi\"\"\",3,2.0,True,\"\"");
}

}  // namespace
}  // namespace tally::labeling::exporting
