// Pod IPs: a fresh loopback address per pod UID from the node's pod CIDR, handed out round-robin.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "rdr/common/ipv4.h"
#include "rdr/common/result.h"

namespace rdr::sandbox {

// Parses the node's pod CIDR: an IPv4 CIDR (rdr::Ipv4Cidr::parse) whose prefix length is between 8
// and 30, since a node needs a few addresses at least; Invalid otherwise.
Result<Ipv4Cidr> parsePodCidr(std::string_view text);

// Not thread-safe: the node agent calls it from its sync thread only.
class IpAllocator {
public:
  // @param cidr supplies the pod CIDR, from parsePodCidr (a prefix of 8 to 30).
  explicit IpAllocator(Ipv4Cidr cidr) : cidr_(cidr) {}

  // The IP of a pod UID, allocated on first use:
  // 1. a UID that holds an IP keeps it (a restarted container keeps its pod's IP);
  // 2. otherwise the next address after the last one handed out, wrapping around, so that a
  //    re-created pod usually gets a new IP as in Kubernetes;
  // 3. addresses ending in .0 or .255 and the network's first and last are never handed out;
  // 4. Transient when every address is taken.
  Result<std::string> allocate(const std::string& uid);
  // Frees the UID's IP (nothing when it has none).
  void release(const std::string& uid);
  std::optional<std::string> find(const std::string& uid) const;
  std::size_t inUse() const { return by_uid_.size(); }

private:
  bool usable(std::uint32_t offset) const;

  Ipv4Cidr cidr_;
  std::uint32_t last_offset_ = 0;
  std::map<std::string, std::uint32_t> by_uid_; // uid -> offset in the CIDR
  std::set<std::uint32_t> taken_;
};

} // namespace rdr::sandbox
