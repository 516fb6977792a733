// Splitting and formatting "host:port" endpoints, IPv6 in brackets.
#include "rdr/api/host_port.h"

#include <charconv>

namespace rdr::api {
namespace {

Error formatError(std::string_view text) {
  return Error(ErrorCode::Invalid,
               "must be host:port (IPv6 as [addr]:port), got \"" + std::string(text) + "\"");
}

} // namespace

Result<HostPort> parseHostPort(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    // "[addr]:port": the brackets are what allow the colons inside an IPv6 address.
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return formatError(text);
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.find(':');
    // A second colon is an unbracketed IPv6 address: "fd00::1:6379" is ambiguous.
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return formatError(text);
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.empty() || port_text.empty()) {
    return formatError(text);
  }
  int port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    return Error(ErrorCode::Invalid,
                 "port must be between 1 and 65535, got \"" + std::string(text) + "\"");
  }
  return HostPort{std::string(host), port};
}

std::string formatHostPort(std::string_view host, int port) {
  if (host.find(':') != std::string_view::npos) {
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

} // namespace rdr::api
