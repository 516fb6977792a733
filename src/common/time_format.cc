// RFC 3339 formatting and parsing without locale or time-zone database dependencies.
#include "rdr/common/time_format.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace rdr {
namespace {

std::tm toUtc(SystemTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), valid for all years >= 0.
long daysFromCivil(int year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const long era = year / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

bool readDigits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && (text[pos] == c || std::tolower(text[pos]) == std::tolower(c))) {
    ++pos;
    return true;
  }
  return false;
}

Error invalidTimestamp(std::string_view text) {
  std::string message = "\"";
  message.append(text);
  message.append("\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SSZ)");
  return Error(ErrorCode::Invalid, std::move(message));
}

} // namespace

std::string formatRfc3339(SystemTime t) {
  const std::tm utc = toUtc(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

std::string formatRfc3339Micro(SystemTime t) {
  const std::tm utc = toUtc(t);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          t - std::chrono::floor<std::chrono::seconds>(t))
                          .count();
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long>(micros));
  return buf;
}

Result<SystemTime> parseRfc3339(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!readDigits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !readDigits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !readDigits(text, pos, 2, day) || !expect(text, pos, 'T') ||
      !readDigits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !readDigits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !readDigits(text, pos, 2, second)) {
    return invalidTimestamp(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return invalidTimestamp(text);
  }
  long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long scale = 100000;
    bool any = false;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      any = true;
    }
    if (!any) {
      return invalidTimestamp(text);
    }
  }
  long offset_seconds = 0;
  if (expect(text, pos, 'Z')) {
    offset_seconds = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!readDigits(text, pos, 2, oh) || !expect(text, pos, ':') || !readDigits(text, pos, 2, om)) {
      return invalidTimestamp(text);
    }
    offset_seconds = sign * (oh * 3600L + om * 60L);
  } else {
    return invalidTimestamp(text);
  }
  if (pos != text.size()) {
    return invalidTimestamp(text);
  }
  const long days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const long seconds = days * 86400L + hour * 3600L + minute * 60L + second - offset_seconds;
  return SystemTime(std::chrono::seconds(seconds)) + std::chrono::microseconds(micros);
}

} // namespace rdr
