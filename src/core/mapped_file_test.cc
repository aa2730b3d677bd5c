#include "core/mapped_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"

namespace tally {
namespace {

class MappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = std::filesystem::temp_directory_path() / ("tally-map-" + RandomHex(6)); }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  std::filesystem::path path_;
};

TEST_F(MappedFileTest, ViewsTheWholeFile) {
  std::string content(3 * 4096 + 17, 'x');
  content[0] = 'a';
  content.back() = 'z';
  Write(content);
  auto mapped = MappedFile::Open(path_.string());
  ASSERT_TRUE(mapped) << mapped.error().message;
  EXPECT_EQ(mapped->view(), content);
}

TEST_F(MappedFileTest, ReleasedPagesReadBackFromTheFile) {
  std::string content;
  for (int i = 0; i < 5000; ++i) content += std::to_string(i) + ",";
  Write(content);
  auto mapped = MappedFile::Open(path_.string());
  ASSERT_TRUE(mapped);
  mapped->Release(content.size() / 2);
  mapped->Release(100);  // behind what is released: nothing happens
  EXPECT_EQ(mapped->view(), content);
  mapped->Release(content.size() + 4096);
  EXPECT_EQ(mapped->view(), content);
}

TEST_F(MappedFileTest, EmptyAndMissingFiles) {
  Write("");
  auto empty = MappedFile::Open(path_.string());
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->view().empty());
  empty->Release(10);

  auto missing = MappedFile::Open(path_.string() + ".missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
}

TEST_F(MappedFileTest, MovedMapStaysValid) {
  Write("moved content");
  auto mapped = MappedFile::Open(path_.string());
  ASSERT_TRUE(mapped);
  MappedFile moved = std::move(*mapped);
  EXPECT_EQ(moved.view(), "moved content");
  EXPECT_TRUE(mapped->view().empty());
}

}  // namespace
}  // namespace tally
