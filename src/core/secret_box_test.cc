#include "core/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"

namespace tally::core {
namespace {

constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef";

class SecretBoxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { InitCrypto(); }
};

TEST_F(SecretBoxTest, SealThenOpenRoundTrips) {
  auto box = SecretBox::FromKey(kKey);
  ASSERT_TRUE(box);
  for (std::string plaintext : {std::string(), std::string("hunter2"), std::string(5000, 'x'), std::string("a\0b", 3)}) {
    auto sealed = box->Seal(plaintext);
    ASSERT_TRUE(sealed);
    EXPECT_TRUE(sealed->starts_with("v1:"));
    if (!plaintext.empty()) {
      EXPECT_EQ(sealed->find(plaintext), std::string::npos);
    }
    auto opened = box->Open(*sealed);
    ASSERT_TRUE(opened) << opened.error().detail;
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST_F(SecretBoxTest, SealUsesFreshNonce) {
  auto box = SecretBox::FromKey(kKey);
  ASSERT_TRUE(box);
  EXPECT_NE(*box->Seal("same"), *box->Seal("same"));
}

TEST_F(SecretBoxTest, OpenRejectsOtherKey) {
  auto sealer = SecretBox::FromKey(kKey);
  auto other = SecretBox::FromKey("another key that is long enough!!");
  ASSERT_TRUE(sealer);
  ASSERT_TRUE(other);
  auto opened = other->Open(*sealer->Seal("token"));
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("TALLY_SECRET_KEY"), std::string::npos);
}

TEST_F(SecretBoxTest, OpenRejectsDamagedValues) {
  auto box = SecretBox::FromKey(kKey);
  ASSERT_TRUE(box);
  std::string sealed = *box->Seal("token");
  std::string flipped = sealed;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  for (const std::string& damaged : {std::string("token"), std::string("v1:"), std::string("v1:!!!"),
                                     std::string("v2:") + sealed.substr(3), sealed.substr(0, 20), flipped}) {
    auto opened = box->Open(damaged);
    EXPECT_FALSE(opened) << damaged;
  }
}

TEST_F(SecretBoxTest, ShortKeyIsRejected) {
  auto box = SecretBox::FromKey("short");
  ASSERT_FALSE(box);
  EXPECT_EQ(box.error().code, Errc::kInvalidArgument);
}

TEST_F(SecretBoxTest, BoxWithoutKeyRejectsSeal) {
  SecretBox box = SecretBox::WithoutKey("set TALLY_SECRET_KEY");
  EXPECT_FALSE(box.has_key());
  auto sealed = box.Seal("token");
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, Errc::kUnavailable);
  EXPECT_EQ(sealed.error().message, "set TALLY_SECRET_KEY");
  EXPECT_FALSE(box.Open("v1:AAAA"));
}

TEST_F(SecretBoxTest, LoadGeneratesKeyFileOnce) {
  const auto dir = std::filesystem::temp_directory_path() / ("tally-secret-box-" + RandomHex(6));
  auto first = LoadSecretBox("", dir);
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_TRUE(first->has_key());

  const auto path = dir / kGeneratedSecretKeyFile;
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  auto second = LoadSecretBox("", dir);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second->Open(*first->Seal("token")), "token");
  std::filesystem::remove_all(dir);
}

TEST_F(SecretBoxTest, LoadPrefersConfiguredKey) {
  auto configured = LoadSecretBox(kKey, "");
  auto direct = SecretBox::FromKey(kKey);
  ASSERT_TRUE(configured);
  ASSERT_TRUE(direct);
  EXPECT_EQ(*direct->Open(*configured->Seal("token")), "token");
}

TEST_F(SecretBoxTest, LoadWithoutKeyOrDirHasNoKey) {
  auto box = LoadSecretBox("", "");
  ASSERT_TRUE(box);
  EXPECT_FALSE(box->has_key());
  EXPECT_NE(box->Seal("x").error().message.find("TALLY_SECRET_KEY"), std::string::npos);
}

TEST_F(SecretBoxTest, LoadRejectsTruncatedKeyFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("tally-secret-box-" + RandomHex(6));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / kGeneratedSecretKeyFile) << "short";
  EXPECT_FALSE(LoadSecretBox("", dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tally::core
