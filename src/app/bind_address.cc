// Listen addresses from flags (":8080", "127.0.0.1:8080", "[::1]:8080") parsed into host and port.
#include <arpa/inet.h>

#include <string>

#include "rdr/app/options.h"

namespace rdr::app {
namespace {

constexpr std::string_view kExamples = " (e.g. :8080, 127.0.0.1:8080, [::1]:8080; 0 disables)";

Error invalid(std::string message) { return Error(ErrorCode::Invalid, std::move(message)); }

Result<std::uint16_t> parsePort(std::string_view port, std::string_view address) {
  if (port.empty()) {
    return invalid("missing port in address \"" + std::string(address) + "\"" +
                   std::string(kExamples));
  }
  unsigned long value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9' || value > 65535) {
      return invalid("invalid port \"" + std::string(port) + "\" in address \"" +
                     std::string(address) + "\" (0-65535)");
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) {
    return invalid("invalid port \"" + std::string(port) + "\" in address \"" +
                   std::string(address) + "\" (0-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

bool isIp(int family, const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(family, host.c_str(), buffer) == 1;
}

} // namespace

Result<std::optional<BindAddress>> parseBindAddress(std::string_view text) {
  if (text == "0") {
    return std::optional<BindAddress>();
  }
  if (text.empty()) {
    return invalid("empty address" + std::string(kExamples));
  }
  BindAddress address;
  std::string_view port;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return invalid("missing ']' in address \"" + std::string(text) + "\"");
    }
    address.host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') {
      return invalid("missing port in address \"" + std::string(text) + "\"" +
                     std::string(kExamples));
    }
    port = rest.substr(1);
    if (!isIp(AF_INET6, address.host)) {
      return invalid("invalid IPv6 address \"" + address.host + "\" in address \"" +
                     std::string(text) + "\"");
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return invalid("missing port in address \"" + std::string(text) + "\"" +
                     std::string(kExamples));
    }
    address.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (address.host.find(':') != std::string::npos) {
      return invalid("too many colons in address \"" + std::string(text) +
                     "\" (write IPv6 addresses in brackets: [::1]:8080)");
    }
    if (!address.host.empty() && address.host != "localhost" && !isIp(AF_INET, address.host)) {
      return invalid("host \"" + address.host + "\" in address \"" + std::string(text) +
                     "\" is not an IP address (use an IPv4 address, [IPv6] or localhost)");
    }
  }
  RDR_ASSIGN_OR_RETURN(address.port, parsePort(port, text));
  return std::optional<BindAddress>(std::move(address));
}

} // namespace rdr::app
