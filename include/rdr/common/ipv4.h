// IPv4 addresses and CIDR ranges: strict dotted-quad parsing, formatting and network arithmetic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rdr/common/result.h"

namespace rdr {

// Parses exactly a dotted quad such as "127.10.0.7" into host byte order: four decimal octets
// 0..255 separated by dots, without signs, spaces or leading zeros (as inet_pton, so "010" is
// never read as octal or decimal by accident). Invalid otherwise.
Result<std::uint32_t> parseIpv4(std::string_view text);

// "127.10.0.7" for 0x7f0a0007 (host byte order).
std::string formatIpv4(std::uint32_t address);

// An IPv4 network such as 127.10.192.0/18. Policies on top (a minimum size, which addresses an
// allocator may hand out) belong to the callers.
struct Ipv4Cidr {
  std::uint32_t network = 0; // host byte order, host bits zero
  int prefix = 32;           // 0..32

  // Parses "a.b.c.d/n" with n in 0..32. Invalid when malformed or when host bits are set after
  // the prefix ("127.10.192.1/18"), so that a typo is reported rather than silently widened.
  static Result<Ipv4Cidr> parse(std::string_view text);

  // The number of addresses, network and broadcast included (2^32 for a /0).
  std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
  bool contains(std::uint32_t address) const;
  // The last address of the range (the network itself for a /32).
  std::uint32_t broadcast() const;
  // "127.10.192.0/18".
  std::string toString() const;

  bool operator==(const Ipv4Cidr&) const = default;
};

} // namespace rdr
