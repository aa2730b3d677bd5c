// ExportRun over a real task file with media, checking how much output a
// single Next call returns.
#include "labeling/export/export_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "labeling/config/validator.h"
#include "labeling/export/export_options.h"
#include "labeling/export/schema.h"

namespace tally::labeling::exporting {
namespace {

constexpr size_t kMediaBytes = 1024 * 1024;

// Bytes that deflate cannot shrink, so the archive grows by each file's size.
std::string IncompressibleBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) {
    seed = seed * 1664525u + 1013904223u;
    byte = static_cast<char>(seed >> 24);
  }
  return bytes;
}

TEST(ExportRun, MediaArchiveReturnsSmallChunks) {
  const std::filesystem::path tasks = std::filesystem::temp_directory_path() /
                                      ("export-run-test-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(tasks);
    out << "[\n";
    for (int i = 1; i <= 12; ++i) {
      out << R"({"id":)" << i << R"(,"data":{"image":"/data/upload/1/img)" << i << R"(.png"},"annotations":[]},)"
          << "\n";
    }
    out << "]\n";
  }
  auto config = LoadLabelConfig(
      R"(<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Cat"/></RectangleLabels></View>)");
  ASSERT_TRUE(config);

  WriterOptions options;
  options.read_media = [](const std::string& reference) -> std::optional<std::string> {
    return IncompressibleBytes(kMediaBytes, static_cast<uint32_t>(reference.size() + reference.back()));
  };
  auto run = ExportRun::Create(JsonFileTaskSource(tasks), SchemaFromLabelConfig(*config), "YOLO", options);
  ASSERT_TRUE(run) << run.error().message;

  size_t largest_chunk = 0;
  size_t total = 0;
  for (int calls = 0; calls < 100; ++calls) {
    std::string chunk;
    auto more = (*run)->Next(chunk);
    ASSERT_TRUE(more) << more.error().message;
    largest_chunk = std::max(largest_chunk, chunk.size());
    total += chunk.size();
    if (!*more) break;
  }
  std::filesystem::remove(tasks);

  EXPECT_GT(total, 12 * kMediaBytes) << "every task's image is in the archive";
  EXPECT_LE(largest_chunk, (kExportMediaBatchTasks + 1) * kMediaBytes);
}

}  // namespace
}  // namespace tally::labeling::exporting
