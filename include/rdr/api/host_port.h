// "host:port" endpoints as the API spells them (ActiveRedisConnection addresses,
// status.replication).
#pragma once

#include <string>
#include <string_view>

#include "rdr/common/result.h"

namespace rdr::api {

struct HostPort {
  std::string host; // a DNS name, an IPv4 address, or an IPv6 address without brackets
  int port = 0;

  bool operator==(const HostPort&) const = default;
};

// Splits "host:port" or "[ipv6]:port". Invalid when the host is empty, when an IPv6 address is
// not bracketed, or when the port is not a decimal number in 1..65535; the message quotes the text:
//   must be host:port (IPv6 as [addr]:port), got "x"
//   port must be between 1 and 65535, got "x:0"
Result<HostPort> parseHostPort(std::string_view text);

// "host:port", bracketing an IPv6 host: "[fd00::1]:6379".
std::string formatHostPort(std::string_view host, int port);

} // namespace rdr::api
