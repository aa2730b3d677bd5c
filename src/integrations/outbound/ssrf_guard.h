// The server-side request forgery guard: decides, from resolved IP addresses
// alone, whether Tally may connect to a host a user configured (webhook URL,
// ML backend URL, LLM base URL).
//
// Policy:
//   - Always rejected: link-local (169.254.0.0/16, fe80::/10), cloud metadata
//     endpoints (169.254.169.254, 100.100.100.200, fd00:ec2::254), the
//     unspecified and "this network" ranges, multicast, broadcast and the
//     reserved 240.0.0.0/4.
//   - Rejected only in strict mode (TALLY_SSRF_PROTECTION=strict): loopback,
//     RFC 1918 private ranges, carrier-grade NAT (100.64.0.0/10) and IPv6
//     unique local addresses (fc00::/7).
//   - TALLY_SSRF_ALLOWLIST, a comma-separated list of host names and CIDRs,
//     lets a chosen host or network through either rule, except the cloud
//     metadata addresses, which no setting opens.
// IPv4 addresses embedded in IPv6 (v4-mapped ::ffff:a.b.c.d, v4-compatible
// ::a.b.c.d, NAT64 64:ff9b::/96 and 6to4 2002::/16) are judged as the IPv4
// address they carry, so an IPv6 spelling cannot reach a rejected IPv4 range.
//
// Everything here is a pure function of its arguments: no DNS, no sockets.
// Thread-safety: SsrfPolicy is immutable after Parse; share it freely.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally::integrations {

// An IPv4 or IPv6 address. IPv4 is stored v4-mapped (::ffff:a.b.c.d).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};

  // Parses dotted IPv4 or textual IPv6 (no brackets, no zone). Returns
  // nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress FromV4(uint32_t address);

  bool is_v4() const;
  // The IPv4 address this one is or carries (mapped, compatible, NAT64,
  // 6to4), if any.
  std::optional<uint32_t> EmbeddedV4() const;
  std::string ToString() const;
};

// A network in CIDR form, such as 10.0.0.0/8 or fd00::/8.
struct IpNetwork {
  IpAddress base;
  int prefix_length = 0;  // counted over the 128-bit form; IPv4 /8 is stored as /104

  // Parses "address/prefix" or a bare address (a /32 or /128). Returns nullopt
  // for anything else.
  static std::optional<IpNetwork> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

enum class SsrfMode {
  kDefault,  // rejects link-local, metadata and reserved addresses
  kStrict,   // also rejects loopback and private ranges
};

class SsrfPolicy {
 public:
  // Builds the policy from TALLY_SSRF_PROTECTION ("" or "default", or
  // "strict") and TALLY_SSRF_ALLOWLIST. Fails with kInvalidArgument naming the
  // bad mode or list entry.
  [[nodiscard]] static Result<SsrfPolicy> Parse(std::string_view mode, std::string_view allowlist);

  SsrfMode mode() const { return mode_; }

  // Checks one resolved address of `host` (the name in the URL, compared
  // case-insensitively with the allowlist's host names). Returns Ok, or
  // kForbidden with a message naming the host, the address and the range.
  [[nodiscard]] Result<void> Check(std::string_view host, const IpAddress& address) const;

  // Checks every resolved address of `host`. Fails on the first rejected
  // address, so a name that resolves to both a public and a blocked address
  // is rejected whichever one a connection would pick. Fails with
  // kInvalidArgument when `addresses` is empty.
  [[nodiscard]] Result<void> CheckAll(std::string_view host, const std::vector<IpAddress>& addresses) const;

 private:
  SsrfMode mode_ = SsrfMode::kDefault;
  std::vector<std::string> allowed_hosts_;  // lower-cased
  std::vector<IpNetwork> allowed_networks_;
};

}  // namespace tally::integrations
