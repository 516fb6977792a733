// Go's time.ParseDuration and Duration.String, ported for flag values and their messages.
#include "rdr/app/duration.h"

#include <cstdint>
#include <limits>

namespace rdr::app {
namespace {

constexpr std::uint64_t kMaxNanos =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

struct Unit {
  std::string_view name;
  std::uint64_t nanos;
};

constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000}, // U+00B5 micro sign
    {"\xCE\xBCs", 1000}, // U+03BC Greek letter mu
    {"ms", 1000 * 1000},
    {"s", 1000 * 1000 * 1000},
    {"m", 60ULL * 1000 * 1000 * 1000},
    {"h", 3600ULL * 1000 * 1000 * 1000},
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

Error invalidDuration(std::string_view text) {
  return Error(ErrorCode::Invalid, "invalid duration \"" + std::string(text) + "\"");
}

// "<integer>[.<fraction, trailing zeros trimmed>]" of value / unit.
std::string fraction(std::uint64_t value, std::uint64_t unit) {
  std::string out = std::to_string(value / unit);
  std::uint64_t rest = value % unit;
  if (rest == 0) {
    return out;
  }
  std::string digits;
  for (std::uint64_t scale = unit / 10; scale > 0; scale /= 10) {
    digits += static_cast<char>('0' + rest / scale);
    rest %= scale;
  }
  digits.erase(digits.find_last_not_of('0') + 1);
  return out + "." + digits;
}

} // namespace

Result<std::chrono::nanoseconds> parseDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return std::chrono::nanoseconds(0);
  }
  if (s.empty()) {
    return invalidDuration(text);
  }
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s.front() == '.' || isDigit(s.front()))) {
      return invalidDuration(text);
    }
    // The integer part.
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && isDigit(s[i]); ++i) {
      if (whole > (kMaxNanos - (s[i] - '0')) / 10) {
        return invalidDuration(text);
      }
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
    }
    const bool hasWhole = i > 0;
    s.remove_prefix(i);
    // The fraction: digits beyond nanosecond precision of the unit are dropped, as in Go.
    std::uint64_t frac = 0;
    std::uint64_t scale = 1;
    bool hasFraction = false;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      std::size_t j = 0;
      for (; j < s.size() && isDigit(s[j]); ++j) {
        if (scale <= kMaxNanos / 10) {
          frac = frac * 10 + static_cast<std::uint64_t>(s[j] - '0');
          scale *= 10;
        }
      }
      hasFraction = j > 0;
      s.remove_prefix(j);
    }
    if (!hasWhole && !hasFraction) {
      return invalidDuration(text); // "." or ".s"
    }
    // The unit runs up to the next number.
    std::size_t k = 0;
    while (k < s.size() && s[k] != '.' && !isDigit(s[k])) {
      ++k;
    }
    if (k == 0) {
      return Error(ErrorCode::Invalid,
                   "missing unit in duration \"" + std::string(text) + "\" (e.g. 15s, 500ms, 1m)");
    }
    const std::string_view unitName = s.substr(0, k);
    s.remove_prefix(k);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == unitName) {
        unit = &candidate;
      }
    }
    if (unit == nullptr) {
      return Error(ErrorCode::Invalid, "unknown unit \"" + std::string(unitName) +
                                           "\" in duration \"" + std::string(text) +
                                           "\" (valid units: ns, us, ms, s, m, h)");
    }
    if (whole > kMaxNanos / unit->nanos) {
      return invalidDuration(text);
    }
    std::uint64_t value = whole * unit->nanos;
    if (frac > 0) {
      // frac/scale of a unit, computed in long double to keep it exact enough for any unit.
      value += static_cast<std::uint64_t>(static_cast<long double>(frac) *
                                          static_cast<long double>(unit->nanos) /
                                          static_cast<long double>(scale));
    }
    if (value > kMaxNanos || total > kMaxNanos - value) {
      return invalidDuration(text);
    }
    total += value;
  }
  const auto signedTotal = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(negative ? -signedTotal : signedTotal);
}

std::string formatDuration(std::chrono::nanoseconds duration) {
  const std::int64_t count = duration.count();
  if (count == 0) {
    return "0s";
  }
  const bool negative = count < 0;
  const std::uint64_t u =
      negative ? static_cast<std::uint64_t>(-(count + 1)) + 1 : static_cast<std::uint64_t>(count);
  std::string out;
  if (u < 1000) {
    out = std::to_string(u) + "ns";
  } else if (u < 1000 * 1000) {
    out = fraction(u, 1000) + "us";
  } else if (u < 1000 * 1000 * 1000) {
    out = fraction(u, 1000 * 1000) + "ms";
  } else {
    constexpr std::uint64_t kSecond = 1000 * 1000 * 1000;
    const std::uint64_t seconds = u / kSecond;
    const std::string secondsText = fraction(seconds % 60 * kSecond + u % kSecond, kSecond) + "s";
    const std::uint64_t hours = seconds / 3600;
    const std::uint64_t minutes = seconds / 60 % 60;
    if (hours > 0) {
      out = std::to_string(hours) + "h" + std::to_string(minutes) + "m" + secondsText;
    } else if (minutes > 0) {
      out = std::to_string(minutes) + "m" + secondsText;
    } else {
      out = secondsText;
    }
  }
  return negative ? "-" + out : out;
}

} // namespace rdr::app
