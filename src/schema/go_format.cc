// Go's fmt renderings that kube-apiserver's messages contain (%q, %v of float64, %#v).
#include "schema/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rdr::schema {

std::string goQuote(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\a': out += "\\a"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\v': out += "\\v"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\x%02x", c);
        out += buf;
      } else {
        out += ch; // printable ASCII, and UTF-8 passed through as printable runes
      }
    }
  }
  out += '"';
  return out;
}

// strconv.FormatFloat(v, 'g', -1, 64): the shortest digits that round-trip; %e notation when
// the decimal exponent is < -4 or >= 6 (Go uses precision 6 for that decision when shortest),
// with at least two exponent digits.
std::string goFloat(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto ePos = sci.find('e');
  std::string mantissa = sci.substr(0, ePos);
  const int exponent = std::atoi(sci.c_str() + ePos + 1);
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') {
      digits += c;
    }
  }
  if (exponent < -4 || exponent >= 6) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) {
      out += "." + digits.substr(1);
    }
    char expBuf[16];
    std::snprintf(expBuf, sizeof(expBuf), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + expBuf;
  }
  if (exponent < 0) {
    return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  }
  const auto intLen = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= intLen) {
    return sign + digits + std::string(intLen - digits.size(), '0');
  }
  return sign + digits.substr(0, intLen) + "." + digits.substr(intLen);
}

std::string goScalar(const nlohmann::json& value) {
  switch (value.type()) {
  case nlohmann::json::value_t::number_integer:
    return std::to_string(value.get<std::int64_t>());
  case nlohmann::json::value_t::number_unsigned:
    return std::to_string(value.get<std::uint64_t>());
  case nlohmann::json::value_t::number_float:
    return goFloat(value.get<double>());
  case nlohmann::json::value_t::boolean:
    return value.get<bool>() ? "true" : "false";
  case nlohmann::json::value_t::string:
    return value.get<std::string>();
  case nlohmann::json::value_t::null:
    return "<nil>";
  default:
    return goSharpV(value);
  }
}

std::string goSharpV(const nlohmann::json& value) {
  switch (value.type()) {
  case nlohmann::json::value_t::string:
    return goQuote(value.get<std::string>());
  case nlohmann::json::value_t::null:
    return "interface {}(nil)";
  case nlohmann::json::value_t::array: {
    std::string out = "[]interface {}{";
    bool first = true;
    for (const auto& item : value) {
      out += first ? "" : ", ";
      out += goSharpV(item);
      first = false;
    }
    return out + "}";
  }
  case nlohmann::json::value_t::object: {
    std::string out = "map[string]interface {}{"; // fmt prints map keys sorted, as json does
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      out += first ? "" : ", ";
      out += goQuote(key) + ":" + goSharpV(item);
      first = false;
    }
    return out + "}";
  }
  default:
    return goScalar(value);
  }
}

std::string goJson(const nlohmann::json& value) {
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 1e21) {
      return std::to_string(static_cast<long long>(d));
    }
  }
  return value.dump();
}

} // namespace rdr::schema
