// Watch stream lines to events.
#include "kube/watch_event.h"

#include <string>

namespace rdr::kube {
namespace {

constexpr std::size_t kMaxQuotedLine = 200;

Error malformed(std::string_view line, std::string_view why) {
  std::string message = "malformed watch event (";
  message += why;
  message += "): ";
  message += line.substr(0, kMaxQuotedLine);
  return Error(ErrorCode::Transient, std::move(message));
}

} // namespace

std::string_view watchEventTypeName(WatchEventType type) {
  switch (type) {
  case WatchEventType::Added:
    return "ADDED";
  case WatchEventType::Modified:
    return "MODIFIED";
  case WatchEventType::Deleted:
    return "DELETED";
  case WatchEventType::Bookmark:
    return "BOOKMARK";
  case WatchEventType::Error:
    return "ERROR";
  }
  return "UNKNOWN";
}

Result<WatchEvent> decodeWatchEvent(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (parsed.is_discarded()) {
    return malformed(line, "not JSON");
  }
  if (!parsed.is_object()) {
    return malformed(line, "not an object");
  }
  const auto type_it = parsed.find("type");
  const auto object_it = parsed.find("object");
  if (type_it == parsed.end() || !type_it->is_string()) {
    return malformed(line, "no type");
  }
  if (object_it == parsed.end() || !object_it->is_object()) {
    return malformed(line, "no object");
  }
  const std::string type = type_it->get<std::string>();
  for (const auto candidate :
       {WatchEventType::Added, WatchEventType::Modified, WatchEventType::Deleted,
        WatchEventType::Bookmark, WatchEventType::Error}) {
    if (watchEventTypeName(candidate) == type) {
      return WatchEvent{candidate, std::move(*object_it)};
    }
  }
  return malformed(line, "unknown type \"" + type + "\"");
}

} // namespace rdr::kube
