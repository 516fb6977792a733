// spdlog setup: a text or JSON-lines logger on stderr.
#include "rdr/common/log.h"

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "rdr/common/time_format.h"

namespace rdr {
namespace {

// Formats every record as one JSON object per line; the message is escaped by nlohmann::json so
// that quotes or newlines inside a message never break the line.
class JsonFormatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line;
    const auto millis = std::chrono::floor<std::chrono::milliseconds>(msg.time);
    std::string ts = formatRfc3339Micro(millis);
    ts.erase(ts.size() - 4, 3); // microseconds -> milliseconds: "...16.123456Z" -> "...16.123Z"
    line["ts"] = ts;
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

spdlog::level::level_enum toSpdlog(LogLevel level) {
  switch (level) {
  case LogLevel::Trace:
    return spdlog::level::trace;
  case LogLevel::Debug:
    return spdlog::level::debug;
  case LogLevel::Info:
    return spdlog::level::info;
  case LogLevel::Warn:
    return spdlog::level::warn;
  case LogLevel::Error:
    return spdlog::level::err;
  }
  return spdlog::level::info;
}

} // namespace

Result<LogFormat> parseLogFormat(std::string_view text) {
  if (text == "text") {
    return LogFormat::Text;
  }
  if (text == "json") {
    return LogFormat::Json;
  }
  return Error(ErrorCode::Invalid,
               "unknown log format \"" + std::string(text) + "\" (accepted: text, json)");
}

Result<LogLevel> parseLogLevel(std::string_view text) {
  if (text == "trace") {
    return LogLevel::Trace;
  }
  if (text == "debug") {
    return LogLevel::Debug;
  }
  if (text == "info") {
    return LogLevel::Info;
  }
  if (text == "warn" || text == "warning") {
    return LogLevel::Warn;
  }
  if (text == "error") {
    return LogLevel::Error;
  }
  return Error(ErrorCode::Invalid, "unknown log level \"" + std::string(text) +
                                       "\" (accepted: trace, debug, info, warn, error)");
}

void setupLogging(LogFormat format, LogLevel level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("rdr", sink);
  if (format == LogFormat::Json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(toSpdlog(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

} // namespace rdr
