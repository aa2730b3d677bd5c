#include "accounts/jwt.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/crypto.h"

namespace tally::accounts {
namespace {

TEST(Jwt, SignsAndVerifies) {
  InitCrypto();
  const std::string token = SignJwt({{"user_id", 7}, {"exp", 2000}}, "key");
  auto claims = VerifyJwt(token, "key", 1000);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->at("user_id"), 7);
}

TEST(Jwt, RejectsExpiredWrongKeyAndTampering) {
  InitCrypto();
  const std::string token = SignJwt({{"user_id", 7}, {"exp", 2000}}, "key");
  EXPECT_FALSE(VerifyJwt(token, "key", 2000));
  EXPECT_FALSE(VerifyJwt(token, "other", 1000));

  std::string tampered = token;
  const size_t dot = tampered.find('.');
  tampered[dot + 2] = tampered[dot + 2] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(VerifyJwt(tampered, "key", 1000));
  EXPECT_FALSE(VerifyJwt("not.a.jwt", "key", 1000));
  EXPECT_FALSE(VerifyJwt("", "key", 1000));
}

TEST(Jwt, RejectsAlgNone) {
  InitCrypto();
  // A token that claims "alg":"none" with an empty signature must not pass.
  const std::string header = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = Base64UrlEncode(R"({"user_id":1})");
  EXPECT_FALSE(VerifyJwt(header + "." + payload + ".", "key", 0));
}

}  // namespace
}  // namespace tally::accounts
