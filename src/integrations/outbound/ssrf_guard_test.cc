#include "integrations/outbound/ssrf_guard.h"

#include <gtest/gtest.h>

namespace tally::integrations {
namespace {

IpAddress Address(std::string_view text) {
  auto parsed = IpAddress::Parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(IpAddress{});
}

SsrfPolicy Policy(std::string_view mode, std::string_view allowlist = "") {
  auto policy = SsrfPolicy::Parse(mode, allowlist);
  EXPECT_TRUE(policy) << (policy ? "" : policy.error().message);
  return *policy;
}

struct Case {
  std::string_view address;
  bool allowed_by_default;
  bool allowed_when_strict;
};

// Addresses as a resolver may return them; none of them is ever contacted.
constexpr Case kCases[] = {
    // public
    {"93.184.216.34", true, true},
    {"2606:2800:220:1:248:1893:25c8:1946", true, true},
    {"8.8.8.8", true, true},
    // loopback and private: strict only
    {"127.0.0.1", true, false},
    {"127.255.255.254", true, false},
    {"::1", true, false},
    {"10.1.2.3", true, false},
    {"172.16.0.1", true, false},
    {"172.31.255.255", true, false},
    {"172.32.0.1", true, true},
    {"192.168.1.1", true, false},
    {"100.64.0.1", true, false},
    {"fd12:3456::1", true, false},
    {"fc00::1", true, false},
    // link-local, metadata, reserved: always
    {"169.254.169.254", false, false},
    {"169.254.1.1", false, false},
    {"100.100.100.200", false, false},
    {"fd00:ec2::254", false, false},
    {"fe80::1", false, false},
    {"febf::1", false, false},
    {"0.0.0.0", false, false},
    {"::", false, false},
    {"224.0.0.1", false, false},
    {"ff02::1", false, false},
    {"255.255.255.255", false, false},
    // IPv4 inside IPv6 spellings are judged as the IPv4 address
    {"::ffff:169.254.169.254", false, false},
    {"::ffff:127.0.0.1", true, false},
    {"::ffff:8.8.8.8", true, true},
    {"::169.254.169.254", false, false},
    {"64:ff9b::a9fe:a9fe", false, false},
    {"64:ff9b::7f00:1", true, false},
    {"2002:a9fe:a9fe::1", false, false},
    {"2002:0a00:0001::1", true, false},
};

TEST(SsrfGuardTest, DefaultAndStrictTable) {
  const SsrfPolicy by_default = Policy("");
  const SsrfPolicy strict = Policy("strict");
  for (const Case& item : kCases) {
    const IpAddress address = Address(item.address);
    EXPECT_EQ(static_cast<bool>(by_default.Check("example.test", address)), item.allowed_by_default)
        << item.address << " in default mode";
    EXPECT_EQ(static_cast<bool>(strict.Check("example.test", address)), item.allowed_when_strict)
        << item.address << " in strict mode";
  }
}

TEST(SsrfGuardTest, RejectionNamesHostAndRange) {
  auto checked = Policy("").Check("metadata.internal", Address("169.254.169.254"));
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::kForbidden);
  EXPECT_NE(checked.error().message.find("metadata.internal"), std::string::npos);
  EXPECT_NE(checked.error().message.find("169.254.169.254"), std::string::npos);
  EXPECT_NE(checked.error().message.find("metadata"), std::string::npos);

  auto strict = Policy("strict").Check("db.local", Address("10.0.0.5"));
  ASSERT_FALSE(strict);
  EXPECT_NE(strict.error().message.find("strict"), std::string::npos);
}

TEST(SsrfGuardTest, AllowlistCidrOpensStrictRanges) {
  const SsrfPolicy policy = Policy("strict", "10.0.0.0/8, fd00::/8 ,127.0.0.1");
  EXPECT_TRUE(policy.Check("a", Address("10.9.8.7")));
  EXPECT_TRUE(policy.Check("a", Address("::ffff:10.9.8.7")));
  EXPECT_TRUE(policy.Check("a", Address("fd12::1")));
  EXPECT_TRUE(policy.Check("a", Address("127.0.0.1")));
  EXPECT_FALSE(policy.Check("a", Address("127.0.0.2")));
  EXPECT_FALSE(policy.Check("a", Address("192.168.0.1")));
}

TEST(SsrfGuardTest, AllowlistHostOpensAnyAddress) {
  const SsrfPolicy policy = Policy("strict", "ML-Backend.internal");
  EXPECT_TRUE(policy.Check("ml-backend.internal", Address("10.0.0.2")));
  EXPECT_TRUE(policy.Check("ml-backend.internal", Address("169.254.10.10")));
  EXPECT_FALSE(policy.Check("other.internal", Address("10.0.0.2")));
}

TEST(SsrfGuardTest, AllowlistNeverOpensMetadata) {
  const SsrfPolicy policy = Policy("", "169.254.0.0/16,metadata.google.internal,::/0,0.0.0.0/0");
  EXPECT_TRUE(policy.Check("x", Address("169.254.1.1")));
  EXPECT_FALSE(policy.Check("x", Address("169.254.169.254")));
  EXPECT_FALSE(policy.Check("metadata.google.internal", Address("169.254.169.254")));
  EXPECT_FALSE(policy.Check("x", Address("::ffff:169.254.169.254")));
  EXPECT_FALSE(policy.Check("x", Address("fd00:ec2::254")));
  EXPECT_FALSE(policy.Check("x", Address("100.100.100.200")));
}

TEST(SsrfGuardTest, CheckAllRejectsMixedAnswers) {
  const SsrfPolicy policy = Policy("");
  EXPECT_TRUE(policy.CheckAll("a", {Address("8.8.8.8"), Address("2001:4860::8888")}));
  EXPECT_FALSE(policy.CheckAll("a", {Address("8.8.8.8"), Address("169.254.169.254")}));
  EXPECT_FALSE(policy.CheckAll("a", {}));
}

TEST(SsrfGuardTest, ParseRejectsBadSettings) {
  EXPECT_FALSE(SsrfPolicy::Parse("paranoid", ""));
  EXPECT_FALSE(SsrfPolicy::Parse("", "10.0.0.0/33"));
  EXPECT_FALSE(SsrfPolicy::Parse("", "10.0.0/8"));
  EXPECT_FALSE(SsrfPolicy::Parse("", "::/129"));
  EXPECT_FALSE(SsrfPolicy::Parse("", "10.0.0.0/"));
  EXPECT_TRUE(SsrfPolicy::Parse("STRICT", " , "));
}

TEST(SsrfGuardTest, AddressFormsRoundTrip) {
  EXPECT_EQ(Address("10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_TRUE(Address("10.0.0.1").is_v4());
  EXPECT_EQ(Address("::ffff:10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_EQ(Address("FE80::1").ToString(), "fe80::1");
  EXPECT_FALSE(IpAddress::Parse("[::1]"));
  EXPECT_FALSE(IpAddress::Parse("localhost"));
  EXPECT_FALSE(IpAddress::Parse("1.2.3"));
}

}  // namespace
}  // namespace tally::integrations
