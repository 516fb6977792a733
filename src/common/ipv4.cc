// Dotted-quad parsing and formatting, CIDR parsing and the mask arithmetic behind it.
#include "rdr/common/ipv4.h"

#include <charconv>
#include <optional>

namespace rdr {
namespace {

// The netmask of a prefix length in 0..32 (a shift by 32 would be undefined, hence the /0 case).
std::uint32_t maskOf(int prefix) { return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number at the front of a text, and how many characters it took.
struct Decimal {
  unsigned value = 0;
  std::size_t length = 0;
};

// Reads 1 to `max_digits` decimal digits at the front of `text`; nothing when there are none, too
// many, or a leading zero (only "0" itself may start with one).
std::optional<Decimal> readDecimal(std::string_view text, std::size_t max_digits) {
  std::size_t digits = 0;
  while (digits < text.size() && isDigit(text[digits])) {
    ++digits;
  }
  if (digits == 0 || digits > max_digits || (digits > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  Decimal out;
  std::from_chars(text.data(), text.data() + digits, out.value); // at most 3 digits: no overflow
  out.length = digits;
  return out;
}

Error notAnAddress(std::string_view text) {
  return Error(ErrorCode::Invalid, "\"" + std::string(text) + "\" is not an IPv4 address");
}

} // namespace

Result<std::uint32_t> parseIpv4(std::string_view text) {
  std::uint32_t address = 0;
  std::size_t cursor = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (cursor == text.size() || text[cursor] != '.') {
        return notAnAddress(text);
      }
      ++cursor;
    }
    const auto octet_value = readDecimal(text.substr(cursor), 3);
    if (!octet_value || octet_value->value > 255) {
      return notAnAddress(text);
    }
    cursor += octet_value->length;
    address = (address << 8) | octet_value->value;
  }
  if (cursor != text.size()) {
    return notAnAddress(text);
  }
  return address;
}

std::string formatIpv4(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

Result<Ipv4Cidr> Ipv4Cidr::parse(std::string_view text) {
  const auto malformed = [&] {
    return Error(ErrorCode::Invalid,
                 "\"" + std::string(text) + "\" is not an IPv4 CIDR (a.b.c.d/n with n in 0..32)");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return malformed();
  }
  const auto address = parseIpv4(text.substr(0, slash));
  const std::string_view digits = text.substr(slash + 1);
  const auto prefix = readDecimal(digits, 2);
  if (!address || !prefix || prefix->length != digits.size() || prefix->value > 32) {
    return malformed();
  }
  const int length = static_cast<int>(prefix->value);
  const Ipv4Cidr cidr{*address & maskOf(length), length};
  if (cidr.network != *address) {
    return Error(ErrorCode::Invalid, "the CIDR \"" + std::string(text) +
                                         "\" has host bits set after the prefix (the network is " +
                                         cidr.toString() + ")");
  }
  return cidr;
}

bool Ipv4Cidr::contains(std::uint32_t address) const {
  return (address & maskOf(prefix)) == network;
}

std::uint32_t Ipv4Cidr::broadcast() const { return network | ~maskOf(prefix); }

std::string Ipv4Cidr::toString() const {
  return formatIpv4(network) + "/" + std::to_string(prefix);
}

} // namespace rdr
