// The LoadBalancer ingress IP allocator: lowest free address, requests honoured when possible.
#include "sandbox/nodeagent/proxy/cidr.h"

namespace rdr::sandbox::proxy {

bool IpAllocator::usable(std::uint32_t address) const {
  if (!range_.contains(address)) {
    return false;
  }
  if (range_.prefix >= 31) {
    return true;
  }
  return address != range_.network && address != range_.broadcast();
}

Result<std::string> IpAllocator::allocate(const std::string &owner, const std::string &requested) {
  const auto held = by_owner_.find(owner);
  const auto wanted = parseIpv4(requested); // Invalid for "" or garbage: no request
  const bool wanted_free = wanted && usable(*wanted) && !used_.contains(*wanted);
  // 1) Keep what the owner holds unless it asks for another usable, free address.
  if (held != by_owner_.end() && !wanted_free) {
    return formatIpv4(held->second);
  }
  // 2) The requested address.
  if (wanted_free) {
    release(owner);
    used_.insert(*wanted);
    by_owner_[owner] = *wanted;
    return formatIpv4(*wanted);
  }
  // 3) The lowest free usable address.
  for (std::uint64_t candidate = range_.network; candidate <= range_.broadcast(); ++candidate) {
    const auto address = static_cast<std::uint32_t>(candidate);
    if (usable(address) && !used_.contains(address)) {
      used_.insert(address);
      by_owner_[owner] = address;
      return formatIpv4(address);
    }
  }
  // 4) Exhausted.
  return Error(ErrorCode::NotFound, "no free address left in " + range_.toString());
}

void IpAllocator::release(const std::string &owner) {
  const auto held = by_owner_.find(owner);
  if (held == by_owner_.end()) {
    return;
  }
  used_.erase(held->second);
  by_owner_.erase(held);
}

std::optional<std::string> IpAllocator::addressOf(const std::string &owner) const {
  const auto held = by_owner_.find(owner);
  if (held == by_owner_.end()) {
    return std::nullopt;
  }
  return formatIpv4(held->second);
}

std::vector<std::string> IpAllocator::owners() const {
  std::vector<std::string> out;
  for (const auto &[owner, address] : by_owner_) {
    out.push_back(owner);
  }
  return out;
}

} // namespace rdr::sandbox::proxy
