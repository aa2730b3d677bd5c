// Label config engine throughput.
//
//   ParseAndValidateCorpus   parse + validate every template of Label Studio's
//                            template corpus; reports configs per second
//   ReferencePugixmlCorpus   the reference: pugixml alone loading the same
//                            texts, so the engine's cost reads as a ratio
//   CheckResult              check and normalise a 240-item annotation result;
//                            reports result items per second
//   ReferenceJsonParseResult the reference: Boost.JSON parsing the same
//                            result text
//
// The corpus is read from $TALLY_SHARED_DIR/reference/label-studio-templates,
// else from ../shared next to the source tree.
#include <benchmark/benchmark.h>
#include <boost/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "labeling/config/result_validator.h"
#include "labeling/config/validator.h"

namespace {

namespace fs = std::filesystem;
using tally::labeling::CheckAnnotationResult;
using tally::labeling::CheckLabelConfig;
using tally::labeling::LabelConfig;

fs::path CorpusDir() {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  const fs::path base = shared && *shared ? fs::path(shared) : fs::path(TALLY_SOURCE_DIR) / ".." / "shared";
  return base / "reference" / "label-studio-templates";
}

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = [] {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(CorpusDir(), ec)) {
      if (entry.path().extension() == ".xml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> texts;
    for (const fs::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      texts.push_back(text.str());
    }
    return texts;
  }();
  return corpus;
}

int64_t CorpusBytes() {
  int64_t bytes = 0;
  for (const std::string& text : Corpus()) bytes += static_cast<int64_t>(text.size());
  return bytes;
}

void ParseAndValidateCorpus(benchmark::State& state) {
  if (Corpus().empty()) {
    state.SkipWithError(("template corpus not found at " + CorpusDir().string()).c_str());
    return;
  }
  for (auto _ : state) {
    for (const std::string& text : Corpus()) {
      LabelConfig config = CheckLabelConfig(text);
      benchmark::DoNotOptimize(config);
    }
  }
  const auto configs = static_cast<double>(Corpus().size());
  state.counters["configs_per_second"] = benchmark::Counter(configs, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(ParseAndValidateCorpus)->Unit(benchmark::kMillisecond);

void ReferencePugixmlCorpus(benchmark::State& state) {
  if (Corpus().empty()) {
    state.SkipWithError(("template corpus not found at " + CorpusDir().string()).c_str());
    return;
  }
  for (auto _ : state) {
    for (const std::string& text : Corpus()) {
      pugi::xml_document document;
      benchmark::DoNotOptimize(document.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments));
    }
  }
  const auto configs = static_cast<double>(Corpus().size());
  state.counters["configs_per_second"] = benchmark::Counter(configs, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(ReferencePugixmlCorpus)->Unit(benchmark::kMillisecond);

constexpr const char* kResultConfig = R"(<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/><Label value="Person"/><Label value="Bike"/></RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Road"/></PolygonLabels>
  <TextArea name="note" toName="image" perRegion="true"/>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text" choice="multiple"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels>
  <Relations><Relation value="works_for"/></Relations>
  <Choices name="sentiment" toName="text" required="true"><Choice value="Positive"/><Choice value="Negative"/></Choices>
  <Rating name="stars" toName="text" required="true"/>
</View>)";

// 40 image regions (box, note), 40 polygons, 80 text spans, 78 relations
// and two classifications: 240 items, the size of a busy annotation.
std::string MakeResult() {
  boost::json::array items;
  for (int i = 0; i < 40; ++i) {
    const double x = (i % 10) * 9.0;
    const std::string id = "box" + std::to_string(i);
    boost::json::object geometry{{"x", x}, {"y", x / 2}, {"width", 8.5}, {"height", 6.25}, {"rotation", 0}};
    boost::json::object box_value = geometry;
    box_value["rectanglelabels"] = boost::json::array{i % 2 ? "Car" : "Person"};
    items.push_back({{"id", id}, {"from_name", "box"}, {"to_name", "image"}, {"type", "rectanglelabels"},
                     {"original_width", 1920}, {"original_height", 1080}, {"value", box_value}});
    boost::json::object note_value = geometry;
    note_value["text"] = boost::json::array{"plate " + std::to_string(i)};
    items.push_back({{"id", id}, {"from_name", "note"}, {"to_name", "image"}, {"type", "textarea"}, {"value", note_value}});
    boost::json::array points;
    for (int p = 0; p < 6; ++p) points.push_back(boost::json::array{x + p, 50.0 + p * (p % 2 ? 1 : -1)});
    items.push_back({{"id", "poly" + std::to_string(i)}, {"from_name", "poly"}, {"to_name", "image"},
                     {"type", "polygonlabels"},
                     {"value", {{"points", points}, {"closed", true}, {"polygonlabels", {"Road"}}}}});
  }
  for (int i = 0; i < 80; ++i) {
    items.push_back({{"id", "span" + std::to_string(i)}, {"from_name", "ner"}, {"to_name", "text"}, {"type", "labels"},
                     {"value", {{"start", i * 10}, {"end", i * 10 + 6}, {"text", "Person"}, {"labels", {"PER"}}}}});
  }
  for (int i = 0; i + 1 < 79; ++i) {
    items.push_back({{"type", "relation"}, {"from_id", "span" + std::to_string(i)},
                     {"to_id", "span" + std::to_string(i + 1)}, {"direction", "right"}, {"labels", {"works_for"}}});
  }
  items.push_back({{"from_name", "sentiment"}, {"to_name", "text"}, {"type", "choices"}, {"value", {{"choices", {"Positive"}}}}});
  items.push_back({{"from_name", "stars"}, {"to_name", "text"}, {"type", "rating"}, {"value", {{"rating", 4}}}});
  return boost::json::serialize(items);
}

void CheckResult(benchmark::State& state) {
  const LabelConfig config = CheckLabelConfig(kResultConfig);
  const boost::json::value result = boost::json::parse(MakeResult());
  const auto items = static_cast<double>(result.as_array().size());
  for (auto _ : state) {
    auto check = CheckAnnotationResult(config, result);
    if (!check.ok()) state.SkipWithError(("result is invalid: " + check.errors[0].field).c_str());
    benchmark::DoNotOptimize(check);
  }
  state.counters["items_per_second"] = benchmark::Counter(items, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(CheckResult)->Unit(benchmark::kMicrosecond);

void ReferenceJsonParseResult(benchmark::State& state) {
  const std::string text = MakeResult();
  const auto items = static_cast<double>(boost::json::parse(text).as_array().size());
  for (auto _ : state) benchmark::DoNotOptimize(boost::json::parse(text));
  state.counters["items_per_second"] = benchmark::Counter(items, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(ReferenceJsonParseResult)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
