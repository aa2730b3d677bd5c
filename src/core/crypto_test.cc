#include "core/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace tally {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { InitCrypto(); }
};

TEST_F(CryptoTest, UuidV7SortsByCreation) {
  std::string previous = NewUuidV7();
  for (int i = 0; i < 50; ++i) {
    std::string next = NewUuidV7();
    EXPECT_EQ(next.size(), 36u);
    EXPECT_EQ(next[14], '7');
    // Same millisecond may reorder; compare only the time prefix.
    EXPECT_LE(previous.substr(0, 13), next.substr(0, 13));
    previous = next;
  }
}

TEST_F(CryptoTest, UuidV4IsUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewUuidV4());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(CryptoTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(CryptoTest, Base64RoundTrips) {
  EXPECT_EQ(Base64Encode("pk-lf-1:sk-lf-2"), "cGstbGYtMTpzay1sZi0y");
  EXPECT_EQ(Base64Decode("cGstbGYtMTpzay1sZi0y").value(), "pk-lf-1:sk-lf-2");
  EXPECT_FALSE(Base64Decode("not base64!").has_value());
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode("\xff\xfe")).value(), "\xff\xfe");
}

TEST_F(CryptoTest, PasswordHashVerifies) {
  const std::string hash = HashPassword("correct horse");
  EXPECT_TRUE(VerifyPassword("correct horse", hash));
  EXPECT_FALSE(VerifyPassword("wrong horse", hash));
  EXPECT_FALSE(VerifyPassword("x", ""));
}

TEST_F(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace tally
