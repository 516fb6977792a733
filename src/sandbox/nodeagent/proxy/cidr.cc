// IPv4 parsing and formatting, CIDR ranges, and the ingress IP allocator.
#include "sandbox/nodeagent/proxy/cidr.h"

#include <charconv>

namespace rdr::sandbox::proxy {

std::optional<std::uint32_t> parseIpv4(std::string_view text) {
  std::uint32_t address = 0;
  const char *cursor = text.data();
  const char *end = text.data() + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (cursor == end || *cursor != '.') {
        return std::nullopt;
      }
      ++cursor;
    }
    unsigned value = 0;
    auto [next, ec] = std::from_chars(cursor, end, value);
    if (ec != std::errc() || next == cursor || next - cursor > 3 || value > 255) {
      return std::nullopt;
    }
    cursor = next;
    address = (address << 8) | value;
  }
  if (cursor != end) {
    return std::nullopt;
  }
  return address;
}

std::string formatIpv4(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

namespace {
std::uint32_t maskOf(int prefix) { return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix); }
} // namespace

Result<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error(ErrorCode::Invalid, "CIDR \"" + std::string(text) + "\" has no /prefix");
  }
  const auto address = parseIpv4(text.substr(0, slash));
  int prefix = -1;
  const auto digits = text.substr(slash + 1);
  auto [next, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (!address || ec != std::errc() || next != digits.data() + digits.size() || prefix < 0 ||
      prefix > 32) {
    return Error(ErrorCode::Invalid, "CIDR \"" + std::string(text) + "\" is not a.b.c.d/0-32");
  }
  if ((*address & ~maskOf(prefix)) != 0) {
    return Error(ErrorCode::Invalid,
                 "CIDR \"" + std::string(text) + "\" has host bits set after the prefix");
  }
  return Cidr{*address, prefix};
}

bool Cidr::contains(std::uint32_t address) const { return (address & maskOf(prefix)) == network; }

std::uint32_t Cidr::broadcast() const { return network | ~maskOf(prefix); }

std::string Cidr::toString() const { return formatIpv4(network) + "/" + std::to_string(prefix); }

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
  const auto wanted = requested.empty() ? std::nullopt : parseIpv4(requested);
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
