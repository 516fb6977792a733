// Go-style durations for flags ("15s", "500ms", "1m30s"): a pure parser and formatter.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "rdr/common/result.h"

namespace rdr::app {

// Parses a duration as Go's time.ParseDuration does: an optional sign, then one or more decimal
// numbers (with an optional fraction) each followed by a unit: ns, us (or µs), ms, s, m, h.
// "0" alone needs no unit. @return Invalid with a message naming the problem, e.g.
// `missing unit in duration "15"`.
Result<std::chrono::nanoseconds> parseDuration(std::string_view text);

// Formats as Go's Duration.String: "0s", "500ms", "2.4s", "1m0s", "1h30m0s"; "us" for microseconds.
std::string formatDuration(std::chrono::nanoseconds duration);

} // namespace rdr::app
