// Logging setup: one spdlog logger for the process, as text for people or JSON for collectors.
#pragma once

#include <string_view>

#include "rdr/common/result.h"

namespace rdr {

enum class LogFormat { Text, Json };

enum class LogLevel { Trace, Debug, Info, Warn, Error };

// Parses "text"/"json"; Invalid with the accepted values otherwise.
Result<LogFormat> parseLogFormat(std::string_view text);

// Parses "trace", "debug", "info", "warn", "error"; Invalid with the accepted values otherwise.
Result<LogLevel> parseLogLevel(std::string_view text);

// Replaces spdlog's default logger with one writing to stderr in the given format and level.
// JSON lines look like {"ts":"2026-11-22T15:36:43.123Z","level":"info","logger":"rdr","msg":"..."}
// with the message escaped, so a collector can parse every line.
void setupLogging(LogFormat format, LogLevel level);

} // namespace rdr
