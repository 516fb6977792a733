// Prometheus text exposition 0.0.4: value formatting and escaping, byte for byte as client_golang.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "rdr/observability/metrics.h"

namespace rdr::observability {

// Go's strconv.FormatFloat(v, 'g', -1, 64), which client_golang uses: the shortest digits that
// round-trip; scientific notation ("1.5e+06", "1e-05") when the decimal exponent is below -4 or at
// least 6 (Go's threshold for the shortest precision), plain decimals otherwise.
std::string formatValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (value == 0) {
    return "0"; // also for -0, as Go's writeFloat does
  }
  char buffer[64];
  const auto scientific =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  const std::string text(buffer, scientific.ptr);
  const auto e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  if (exponent < -4 || exponent >= 6) {
    return text;
  }
  const auto fixed =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  return std::string(buffer, fixed.ptr);
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace rdr::observability
