// IPv4 addresses and CIDR ranges, and the allocator of LoadBalancer ingress IPs from a range.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/result.h"

namespace rdr::sandbox::proxy {

// Parses dotted-quad text ("127.10.0.7"); nothing when it is not exactly an IPv4 address.
std::optional<std::uint32_t> parseIpv4(std::string_view text);
std::string formatIpv4(std::uint32_t address);

struct Cidr {
  std::uint32_t network = 0; // host bits cleared
  int prefix = 32;

  // Parses "127.10.192.0/18"; Invalid when malformed or when host bits are set.
  static Result<Cidr> parse(std::string_view text);
  bool contains(std::uint32_t address) const;
  std::uint32_t broadcast() const;
  std::string toString() const;
};

// Hands out addresses of a range to owners (Service keys "ns/name"), never the network or the
// broadcast address (a /31 or /32 has no such addresses to skip). Not thread-safe.
class IpAllocator {
public:
  explicit IpAllocator(Cidr range) : range_(range) {}

  // Rules, in order:
  // 1) an owner keeps the address it holds, unless it asks for another usable, free one;
  // 2) a requested address is used when it is usable (in range, not network or broadcast) and
  //    free;
  // 3) otherwise the lowest free usable address;
  // 4) NotFound (with the range) when the range is exhausted.
  // @param requested spec.loadBalancerIP or an IP already in status; empty for none.
  Result<std::string> allocate(const std::string &owner, const std::string &requested = "");
  // Frees the owner's address (a no-op when it holds none).
  void release(const std::string &owner);
  std::optional<std::string> addressOf(const std::string &owner) const;
  std::vector<std::string> owners() const;
  bool usable(std::uint32_t address) const;
  const Cidr &range() const { return range_; }

private:
  Cidr range_;
  std::map<std::string, std::uint32_t> by_owner_;
  std::set<std::uint32_t> used_;
};

} // namespace rdr::sandbox::proxy
