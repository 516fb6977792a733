// Small text helpers shared by the pure INFO and ROLE parsers (private to rdr_redis).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rdr::redis::detail {

// A whole decimal integer (optional leading '-'), or nothing when the text is anything else.
inline std::optional<std::int64_t> parseInt(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

// Drops one trailing '\r', so that "\r\n" and "\n" line ends read alike.
inline std::string_view chompCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

} // namespace rdr::redis::detail
