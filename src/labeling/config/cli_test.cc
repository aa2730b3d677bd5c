#include "labeling/config/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace tally::labeling {
namespace {

class ConfigValidateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tally_config_cli_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigValidateCommand, ValidFileExitsZero) {
  const std::string file = Write("ok.xml", R"(<View><Text name="t" value="$text"/></View>)");
  std::ostringstream out, err;
  EXPECT_EQ(RunConfigValidate({file}, false, out, err), 0);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "checked 1 file: 0 errors, 0 warnings\n");
}

TEST_F(ConfigValidateCommand, PrintsErrorsAndWarningsWithPositions) {
  const std::string file = Write("bad.xml",
                                 "<View>\n"
                                 "  <Text name=\"t\" value=\"$text\" sparkle=\"1\"/>\n"
                                 "  <Choices name=\"c\" toName=\"x\"><Choice value=\"a\"/></Choices>\n"
                                 "</View>\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunConfigValidate({file}, false, out, err), 1);
  const std::string text = err.str();
  EXPECT_NE(text.find(file + ":2:32: warning: Attribute sparkle is not known on <Text>"), std::string::npos) << text;
  EXPECT_NE(text.find(file + ":3:21: error: toName=\"x\" on <Choices name=\"c\"> names no tag in this config"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("checked 1 file: 1 error, 1 warning\n"), std::string::npos) << text;
}

TEST_F(ConfigValidateCommand, SyntaxErrorAndMissingFile) {
  const std::string broken = Write("broken.xml", "<View>\n<Text>\n</View>");
  const std::string missing = (dir_ / "missing.xml").string();
  std::ostringstream out, err;
  EXPECT_EQ(RunConfigValidate({broken, missing}, false, out, err), 1);
  EXPECT_NE(err.str().find(broken + ":3:3: error: Label config is not valid XML"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find(missing + ": error: cannot read the file"), std::string::npos) << err.str();
}

TEST_F(ConfigValidateCommand, JsonPrintsOneModelPerFile) {
  const std::string a = Write("a.xml", R"(<View><Text name="t" value="$text"/></View>)");
  const std::string b = Write("b.xml", R"(<View><Image name="i" value="$image"/></View>)");
  std::ostringstream out, err;
  EXPECT_EQ(RunConfigValidate({a, b}, true, out, err), 0);

  std::istringstream lines(out.str());
  std::string line;
  std::vector<boost::json::value> models;
  while (std::getline(lines, line)) models.push_back(boost::json::parse(line));
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].at("file").as_string(), a);
  EXPECT_EQ(models[1].at("objects").at(0).at("type"), "Image");
  EXPECT_EQ(models[1].at("valid"), true);
}

TEST_F(ConfigValidateCommand, NoFilesIsUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunConfigValidate({}, false, out, err), 2);
  EXPECT_NE(err.str().find("usage:"), std::string::npos);
}

}  // namespace
}  // namespace tally::labeling
