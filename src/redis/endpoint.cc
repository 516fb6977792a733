// Endpoint formatting: "host:port", with IPv6 literals in brackets ("[fd00::1]:6379").
#include "rdr/redis/admin.h"

namespace rdr::redis {

std::string Endpoint::toString() const {
  const bool ipv6 = host.find(':') != std::string::npos && !host.starts_with('[');
  std::string out = ipv6 ? "[" + host + "]" : host;
  out += ':';
  out += std::to_string(port);
  return out;
}

} // namespace rdr::redis
