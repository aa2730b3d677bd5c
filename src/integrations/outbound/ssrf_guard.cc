#include "integrations/outbound/ssrf_guard.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace tally::integrations {

namespace {

constexpr uint32_t V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d};
}

struct V4Range {
  uint32_t base;
  int prefix_length;
  std::string_view name;

  bool Contains(uint32_t address) const {
    if (prefix_length == 0) return true;
    const uint32_t mask = prefix_length == 32 ? 0xffffffffu : ~((1u << (32 - prefix_length)) - 1);
    return (address & mask) == (base & mask);
  }
};

constexpr uint32_t kAwsMetadataV4 = V4(169, 254, 169, 254);
constexpr uint32_t kAlibabaMetadataV4 = V4(100, 100, 100, 200);

// Ranges no setting but the allowlist opens.
constexpr V4Range kAlwaysBlockedV4[] = {
    {V4(0, 0, 0, 0), 8, "\"this network\" (0.0.0.0/8)"},
    {V4(169, 254, 0, 0), 16, "link-local (169.254.0.0/16)"},
    {V4(224, 0, 0, 0), 4, "multicast (224.0.0.0/4)"},
    {V4(240, 0, 0, 0), 4, "reserved (240.0.0.0/4, including broadcast)"},
};

// Ranges rejected in strict mode only.
constexpr V4Range kPrivateV4[] = {
    {V4(127, 0, 0, 0), 8, "loopback (127.0.0.0/8)"},
    {V4(10, 0, 0, 0), 8, "private (10.0.0.0/8)"},
    {V4(172, 16, 0, 0), 12, "private (172.16.0.0/12)"},
    {V4(192, 168, 0, 0), 16, "private (192.168.0.0/16)"},
    {V4(100, 64, 0, 0), 10, "carrier-grade NAT (100.64.0.0/10)"},
    {V4(198, 18, 0, 0), 15, "benchmarking (198.18.0.0/15)"},
};

struct V6Range {
  std::string_view cidr;
  std::string_view name;
};

constexpr V6Range kAlwaysBlockedV6[] = {
    {"::/128", "unspecified (::)"},
    {"fe80::/10", "link-local (fe80::/10)"},
    {"ff00::/8", "multicast (ff00::/8)"},
};

constexpr V6Range kPrivateV6[] = {
    {"::1/128", "loopback (::1)"},
    {"fc00::/7", "unique local (fc00::/7)"},
};

const IpAddress& AwsMetadataV6() {
  static const IpAddress address = *IpAddress::Parse("fd00:ec2::254");
  return address;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

uint32_t ReadV4(const std::array<uint8_t, 16>& bytes, size_t offset) {
  return V4(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  const std::string terminated(text);
  in_addr v4{};
  if (inet_pton(AF_INET, terminated.c_str(), &v4) == 1) return FromV4(ntohl(v4.s_addr));
  IpAddress address;
  if (inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

IpAddress IpAddress::FromV4(uint32_t v4) {
  IpAddress address;
  address.bytes[10] = 0xff;
  address.bytes[11] = 0xff;
  address.bytes[12] = static_cast<uint8_t>(v4 >> 24);
  address.bytes[13] = static_cast<uint8_t>(v4 >> 16);
  address.bytes[14] = static_cast<uint8_t>(v4 >> 8);
  address.bytes[15] = static_cast<uint8_t>(v4);
  return address;
}

bool IpAddress::is_v4() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](uint8_t b) { return b == 0; }) && bytes[10] == 0xff &&
         bytes[11] == 0xff;
}

std::optional<uint32_t> IpAddress::EmbeddedV4() const {
  if (is_v4()) return ReadV4(bytes, 12);

  // v4-compatible ::a.b.c.d (deprecated, but some stacks still route it);
  // :: and ::1 are IPv6's own addresses, not embedded IPv4.
  const bool first_twelve_zero = std::all_of(bytes.begin(), bytes.begin() + 12, [](uint8_t b) { return b == 0; });
  if (first_twelve_zero) {
    const uint32_t v4 = ReadV4(bytes, 12);
    if (v4 > 1) return v4;
    return std::nullopt;
  }

  // NAT64 well-known prefix 64:ff9b::/96.
  static const std::array<uint8_t, 12> kNat64 = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(kNat64.begin(), kNat64.end(), bytes.begin())) return ReadV4(bytes, 12);

  // 6to4 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
  if (bytes[0] == 0x20 && bytes[1] == 0x02) return ReadV4(bytes, 2);
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    in_addr v4{};
    v4.s_addr = htonl(ReadV4(bytes, 12));
    inet_ntop(AF_INET, &v4, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  }
  return text;
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  auto base = IpAddress::Parse(text.substr(0, slash));
  if (!base) return std::nullopt;

  const int max_length = base->is_v4() ? 32 : 128;
  int length = max_length;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
      return std::nullopt;
    }
    length = std::stoi(std::string(digits));
    if (length > max_length) return std::nullopt;
  }
  return IpNetwork{*base, base->is_v4() ? length + 96 : length};
}

bool IpNetwork::Contains(const IpAddress& address) const {
  int remaining = prefix_length;
  for (size_t i = 0; i < 16 && remaining > 0; ++i, remaining -= 8) {
    const uint8_t mask = remaining >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - remaining));
    if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

Result<SsrfPolicy> SsrfPolicy::Parse(std::string_view mode, std::string_view allowlist) {
  SsrfPolicy policy;
  const std::string mode_name = Lower(Trim(mode));
  if (mode_name == "strict") {
    policy.mode_ = SsrfMode::kStrict;
  } else if (!mode_name.empty() && mode_name != "default") {
    return Error::Invalid(fmt::format(
        "TALLY_SSRF_PROTECTION must be \"default\" or \"strict\", not \"{}\"", std::string(Trim(mode))));
  }

  size_t start = 0;
  while (start <= allowlist.size()) {
    size_t comma = allowlist.find(',', start);
    if (comma == std::string_view::npos) comma = allowlist.size();
    const std::string_view entry = Trim(allowlist.substr(start, comma - start));
    start = comma + 1;
    if (entry.empty()) continue;

    const bool looks_numeric = entry.find('/') != std::string_view::npos || IpAddress::Parse(entry).has_value();
    if (looks_numeric) {
      auto network = IpNetwork::Parse(entry);
      if (!network) {
        return Error::Invalid(fmt::format(
            "TALLY_SSRF_ALLOWLIST entry \"{}\" is not a valid CIDR such as 10.0.0.0/8 or fd00::/8", std::string(entry)));
      }
      policy.allowed_networks_.push_back(*network);
    } else {
      policy.allowed_hosts_.push_back(Lower(entry));
    }
  }
  return policy;
}

Result<void> SsrfPolicy::Check(std::string_view host, const IpAddress& address) const {
  const auto v4 = address.EmbeddedV4();
  auto reject = [&](std::string_view range) -> Error {
    return Error::Forbidden(fmt::format("Outbound requests to {} ({}) are blocked: the address is {}", std::string(host),
                                        address.ToString(), range));
  };

  // Metadata endpoints hand out cloud credentials: no allowlist entry opens them.
  if ((v4 && (*v4 == kAwsMetadataV4 || *v4 == kAlibabaMetadataV4)) || address.bytes == AwsMetadataV6().bytes) {
    return reject("a cloud metadata endpoint");
  }

  const std::string host_name = Lower(host);
  if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), host_name) != allowed_hosts_.end()) return Ok();
  for (const IpNetwork& network : allowed_networks_) {
    if (network.Contains(address)) return Ok();
    if (v4 && network.Contains(IpAddress::FromV4(*v4))) return Ok();
  }

  if (v4) {
    for (const V4Range& range : kAlwaysBlockedV4) {
      if (range.Contains(*v4)) return reject(range.name);
    }
    if (mode_ == SsrfMode::kStrict) {
      for (const V4Range& range : kPrivateV4) {
        if (range.Contains(*v4)) return reject(std::string(range.name) + " and TALLY_SSRF_PROTECTION is strict");
      }
    }
    return Ok();
  }

  for (const V6Range& range : kAlwaysBlockedV6) {
    if (IpNetwork::Parse(range.cidr)->Contains(address)) return reject(range.name);
  }
  if (mode_ == SsrfMode::kStrict) {
    for (const V6Range& range : kPrivateV6) {
      if (IpNetwork::Parse(range.cidr)->Contains(address)) {
        return reject(std::string(range.name) + " and TALLY_SSRF_PROTECTION is strict");
      }
    }
  }
  return Ok();
}

Result<void> SsrfPolicy::CheckAll(std::string_view host, const std::vector<IpAddress>& addresses) const {
  if (addresses.empty()) {
    return Error::Invalid(fmt::format("Host {} resolved to no address", std::string(host)));
  }
  for (const IpAddress& address : addresses) TALLY_TRY(Check(host, address));
  return Ok();
}

}  // namespace tally::integrations
