// Pod IPs: CIDR parsing and the round-robin allocator.
#include "sandbox/nodeagent/ip_allocator.h"

#include <arpa/inet.h>

namespace rdr::sandbox {

Result<std::uint32_t> parseIpv4(const std::string& text) {
  in_addr address{};
  if (::inet_pton(AF_INET, text.c_str(), &address) != 1) {
    return Error(ErrorCode::Invalid, "\"" + text + "\" is not an IPv4 address");
  }
  return ntohl(address.s_addr);
}

std::string formatIpv4(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
         std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

Result<Cidr> Cidr::parse(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) {
    return Error(ErrorCode::Invalid, "\"" + text + "\" is not a CIDR (a.b.c.d/n)");
  }
  RDR_ASSIGN_OR_RETURN(const std::uint32_t ip, parseIpv4(text.substr(0, slash)));
  int prefix = -1;
  try {
    std::size_t used = 0;
    prefix = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) {
      prefix = -1;
    }
  } catch (const std::exception&) {
    prefix = -1;
  }
  if (prefix < 8 || prefix > 30) {
    return Error(ErrorCode::Invalid,
                 "the CIDR \"" + text + "\" needs a prefix length between 8 and 30");
  }
  const std::uint32_t mask = ~std::uint32_t{0} << (32 - prefix);
  return Cidr{ip & mask, prefix};
}

bool Cidr::contains(std::uint32_t ip) const {
  const std::uint32_t mask = ~std::uint32_t{0} << (32 - prefix);
  return (ip & mask) == network;
}

std::string Cidr::toString() const { return formatIpv4(network) + "/" + std::to_string(prefix); }

bool IpAllocator::usable(std::uint32_t offset) const {
  const std::uint32_t last_octet = (cidr_.network + offset) & 0xff;
  return offset != 0 && offset != cidr_.size() - 1 && last_octet != 0 && last_octet != 255 &&
         !taken_.contains(offset);
}

Result<std::string> IpAllocator::allocate(const std::string& uid) {
  if (const auto it = by_uid_.find(uid); it != by_uid_.end()) {
    return formatIpv4(cidr_.network + it->second);
  }
  const std::uint32_t size = cidr_.size();
  for (std::uint32_t step = 1; step <= size; ++step) {
    const std::uint32_t offset = (last_offset_ + step) % size;
    if (usable(offset)) {
      last_offset_ = offset;
      taken_.insert(offset);
      by_uid_[uid] = offset;
      return formatIpv4(cidr_.network + offset);
    }
  }
  return Error(ErrorCode::Transient,
               "every address of the pod CIDR " + cidr_.toString() + " is in use");
}

void IpAllocator::release(const std::string& uid) {
  const auto it = by_uid_.find(uid);
  if (it == by_uid_.end()) {
    return;
  }
  taken_.erase(it->second);
  by_uid_.erase(it);
}

std::optional<std::string> IpAllocator::find(const std::string& uid) const {
  const auto it = by_uid_.find(uid);
  if (it == by_uid_.end()) {
    return std::nullopt;
  }
  return formatIpv4(cidr_.network + it->second);
}

} // namespace rdr::sandbox
