// RFC 3339 timestamps as the Kubernetes API writes them ("2025-08-27T08:42:16Z").
#pragma once

#include <string>
#include <string_view>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"

namespace rdr {

// Formats with second precision in UTC, like metav1.Time: "2025-08-27T08:42:16Z".
std::string formatRfc3339(SystemTime t);

// Formats with microsecond precision in UTC, like metav1.MicroTime: "2025-08-27T08:42:16.123456Z".
std::string formatRfc3339Micro(SystemTime t);

// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)"; returns Invalid with the offending text otherwise.
Result<SystemTime> parseRfc3339(std::string_view text);

} // namespace rdr
