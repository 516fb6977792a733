// Pod IPs: the pod CIDR rule and the round-robin allocator.
#include "sandbox/nodeagent/ip_allocator.h"

namespace rdr::sandbox {

Result<Ipv4Cidr> parsePodCidr(std::string_view text) {
  RDR_ASSIGN_OR_RETURN(const Ipv4Cidr cidr, Ipv4Cidr::parse(text));
  if (cidr.prefix < 8 || cidr.prefix > 30) {
    return Error(ErrorCode::Invalid,
                 "the CIDR \"" + std::string(text) + "\" needs a prefix length between 8 and 30");
  }
  return cidr;
}

bool IpAllocator::usable(std::uint32_t offset) const {
  const std::uint32_t last_octet = (cidr_.network + offset) & 0xff;
  return offset != 0 && offset != cidr_.size() - 1 && last_octet != 0 && last_octet != 255 &&
         !taken_.contains(offset);
}

Result<std::string> IpAllocator::allocate(const std::string& uid) {
  if (const auto it = by_uid_.find(uid); it != by_uid_.end()) {
    return formatIpv4(cidr_.network + it->second);
  }
  // parsePodCidr allows a /8 at most, so the size fits.
  const auto size = static_cast<std::uint32_t>(cidr_.size());
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
