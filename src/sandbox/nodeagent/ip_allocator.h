// Pod IPs: a fresh loopback address per pod UID from the node's pod CIDR, handed out round-robin.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "rdr/common/result.h"

namespace rdr::sandbox {

// An IPv4 network such as 127.10.0.0/17.
struct Cidr {
  std::uint32_t network = 0; // host byte order, host bits zero
  int prefix = 32;

  // Invalid unless "a.b.c.d/n" with n in 8..30 (a node needs a few addresses at least).
  static Result<Cidr> parse(const std::string& text);
  std::uint32_t size() const { return std::uint32_t{1} << (32 - prefix); }
  bool contains(std::uint32_t ip) const;
  std::string toString() const;
};

Result<std::uint32_t> parseIpv4(const std::string& text);
std::string formatIpv4(std::uint32_t ip);

// Not thread-safe: the node agent calls it from its sync thread only.
class IpAllocator {
public:
  explicit IpAllocator(Cidr cidr) : cidr_(cidr) {}

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

  Cidr cidr_;
  std::uint32_t last_offset_ = 0;
  std::map<std::string, std::uint32_t> by_uid_; // uid -> offset in the CIDR
  std::set<std::uint32_t> taken_;
};

} // namespace rdr::sandbox
