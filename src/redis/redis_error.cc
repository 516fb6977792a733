// Error codes and message texts for Redis replies and hiredis transport failures.
#include "redis/redis_error.h"

#include <hiredis/read.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace rdr::redis {

namespace {

std::string_view firstWord(std::string_view text) {
  return text.substr(0, text.find(' '));
}

bool isTransientReply(std::string_view text) {
  constexpr std::array<std::string_view, 6> kTransient = {
      "LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"};
  const std::string_view word = firstWord(text);
  if (std::find(kTransient.begin(), kTransient.end(), word) != kTransient.end()) {
    return true;
  }
  // Sent when maxclients is reached, before any command runs: the next connection may get in.
  return text.starts_with("ERR max number of clients reached");
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string lowerFirst(std::string_view text) {
  std::string out(text);
  if (!out.empty()) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

} // namespace

ErrorCode classifyRedisError(std::string_view text) {
  if (isTransientReply(text)) {
    return ErrorCode::Transient;
  }
  const std::string_view word = firstWord(text);
  if (word == "NOAUTH" || word == "WRONGPASS") {
    return ErrorCode::Unauthorized;
  }
  if (word == "NOPERM") {
    return ErrorCode::Forbidden;
  }
  return ErrorCode::Invalid;
}

ErrorCode classifyAuthError(std::string_view text) {
  return isTransientReply(text) ? ErrorCode::Transient : ErrorCode::Unauthorized;
}

bool isAuthWithoutPasswordConfigured(std::string_view text) {
  // Redis 6+: "ERR AUTH <password> called without any password configured for the default
  // user. Are you sure your configuration is correct?"; Redis 5: "ERR Client sent AUTH, but no
  // password is set".
  return text.find("without any password configured") != std::string_view::npos ||
         text.find("but no password is set") != std::string_view::npos;
}

std::string describeCommand(const std::vector<std::string>& arguments) {
  if (arguments.empty()) {
    return "(empty command)";
  }
  constexpr std::array<std::string_view, 14> kContainers = {
      "CONFIG", "CLIENT", "INFO",   "ACL",    "CLUSTER", "DEBUG",   "MEMORY",
      "OBJECT", "SCRIPT", "XINFO",  "MODULE", "COMMAND", "FUNCTION", "SENTINEL"};
  std::string out = upper(arguments[0]);
  const bool container =
      std::find(kContainers.begin(), kContainers.end(), out) != kContainers.end();
  if (container && arguments.size() > 1) {
    const bool info = out == "INFO";
    out += ' ';
    out += info ? arguments[1] : upper(arguments[1]);
  }
  if (out == "CONFIG SET" && arguments.size() > 2) {
    out += ' ';
    out += arguments[2]; // the parameter name; the value stays out
  }
  if (out == "CONFIG GET" && arguments.size() > 2) {
    out += ' ';
    out += arguments[2];
  }
  return out;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    std::size_t at = 0;
    while ((at = text.find(secret, at)) != std::string::npos) {
      text.replace(at, secret.size(), "***");
      at += 3;
    }
  }
  return text;
}

std::string describeTransportError(int hiredis_err, std::string_view errstr,
                                   std::chrono::milliseconds timeout) {
  const std::string ms = std::to_string(timeout.count()) + " ms";
  if (hiredis_err == REDIS_ERR_EOF) {
    return "connection lost (the server closed it)";
  }
  if (errstr.find("Resource temporarily unavailable") != std::string_view::npos ||
      errstr.find("timed out") != std::string_view::npos) {
    return "timed out after " + ms;
  }
  if (errstr.find("Connection refused") != std::string_view::npos) {
    return "connection refused";
  }
  if (errstr.find("Connection reset") != std::string_view::npos ||
      errstr.find("Broken pipe") != std::string_view::npos) {
    return "connection lost (" + lowerFirst(errstr) + ")";
  }
  if (hiredis_err == REDIS_ERR_PROTOCOL) {
    return "protocol error: " + std::string(errstr);
  }
  return errstr.empty() ? std::string("I/O error") : lowerFirst(errstr);
}

} // namespace rdr::redis
