// Percent-decoding of request paths and query strings.
#include "rdr/http/url.h"

#include <optional>

namespace rdr::http {
namespace {

std::optional<int> hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return std::nullopt;
}

} // namespace

Result<std::string> percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) {
      return Error(ErrorCode::Invalid, "truncated percent escape at offset " + std::to_string(i) +
                                           " in \"" + std::string(text) + "\"");
    }
    const auto high = hexValue(text[i + 1]);
    const auto low = hexValue(text[i + 2]);
    if (!high || !low) {
      return Error(ErrorCode::Invalid, "invalid percent escape at offset " + std::to_string(i) +
                                           " in \"" + std::string(text) + "\"");
    }
    out.push_back(static_cast<char>(*high * 16 + *low));
    i += 2;
  }
  return out;
}

Result<std::multimap<std::string, std::string>> parseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    RDR_ASSIGN_OR_RETURN(std::string key, percentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      RDR_ASSIGN_OR_RETURN(value, percentDecode(pair.substr(eq + 1), true));
    }
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

Result<Target> parseTarget(std::string_view target) {
  const auto question = target.find('?');
  Target out;
  RDR_ASSIGN_OR_RETURN(out.path, percentDecode(target.substr(0, question), false));
  if (question != std::string_view::npos) {
    RDR_ASSIGN_OR_RETURN(out.query, parseQuery(target.substr(question + 1)));
  }
  return out;
}

} // namespace rdr::http
