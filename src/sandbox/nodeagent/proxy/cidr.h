// The allocator of LoadBalancer ingress IPs from a range (the range itself: rdr/common/ipv4.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rdr/common/ipv4.h"
#include "rdr/common/result.h"

namespace rdr::sandbox::proxy {

// Hands out addresses of a range to owners (Service keys "ns/name"), never the network or the
// broadcast address (a /31 or /32 has no such addresses to skip). Not thread-safe.
class IpAllocator {
public:
  explicit IpAllocator(Ipv4Cidr range) : range_(range) {}

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
  const Ipv4Cidr &range() const { return range_; }

private:
  Ipv4Cidr range_;
  std::map<std::string, std::uint32_t> by_owner_;
  std::set<std::uint32_t> used_;
};

} // namespace rdr::sandbox::proxy
