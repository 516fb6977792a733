// Status objects and transport failures to typed errors.
#include "kube/api_error.h"

#include <string>

namespace rdr::kube {
namespace {

constexpr std::size_t kMaxQuotedBody = 256;

std::string stringField(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A Status without a code (seen in hand-written servers): its reason alone decides.
ErrorCode errorCodeForReason(std::string_view reason) {
  if (reason == "NotFound") {
    return ErrorCode::NotFound;
  }
  if (reason == "AlreadyExists") {
    return ErrorCode::AlreadyExists;
  }
  if (reason == "Conflict") {
    return ErrorCode::Conflict;
  }
  if (reason == "Expired" || reason == "Gone") {
    return ErrorCode::Expired;
  }
  if (reason == "Invalid" || reason == "BadRequest") {
    return ErrorCode::Invalid;
  }
  if (reason == "Unauthorized") {
    return ErrorCode::Unauthorized;
  }
  if (reason == "Forbidden") {
    return ErrorCode::Forbidden;
  }
  if (reason == "UnsupportedMediaType") {
    return ErrorCode::Unsupported;
  }
  if (reason == "TooManyRequests" || reason == "InternalError" || reason == "ServerTimeout" ||
      reason == "Timeout" || reason == "ServiceUnavailable") {
    return ErrorCode::Transient;
  }
  return ErrorCode::Terminal;
}

} // namespace

ErrorCode errorCodeFor(int http_status, std::string_view reason) {
  // 1. 404 NotFound; 409 splits on the reason: AlreadyExists (create) or Conflict (stale RV).
  // 2. 410 Expired; 400 and 422 Invalid; 401/403/415 as named.
  // 3. 408, 429 and every 5xx are Transient: retrying later can succeed.
  // 4. Any other status is Terminal; a Status without code falls back to its reason.
  switch (http_status) {
  case 0:
    return errorCodeForReason(reason);
  case 404:
    return ErrorCode::NotFound;
  case 409:
    return reason == "AlreadyExists" ? ErrorCode::AlreadyExists : ErrorCode::Conflict;
  case 410:
    return ErrorCode::Expired;
  case 400:
  case 422:
    return ErrorCode::Invalid;
  case 401:
    return ErrorCode::Unauthorized;
  case 403:
    return ErrorCode::Forbidden;
  case 415:
    return ErrorCode::Unsupported;
  case 408:
  case 429:
    return ErrorCode::Transient;
  default:
    return http_status >= 500 && http_status <= 599 ? ErrorCode::Transient : ErrorCode::Terminal;
  }
}

Error errorFromStatus(const nlohmann::json& status) {
  if (!status.is_object()) {
    return Error(ErrorCode::Transient, "the server sent an error that is not a Status object: " +
                                           status.dump().substr(0, kMaxQuotedBody));
  }
  const std::string reason = stringField(status, "reason");
  const auto code_it = status.find("code");
  const int code =
      code_it != status.end() && code_it->is_number_integer() ? code_it->get<int>() : 0;
  std::string message = stringField(status, "message");
  if (message.empty()) {
    message = "the server answered HTTP " + std::to_string(code) + " (" +
              (reason.empty() ? std::string("no reason") : reason) + ")";
  }
  return Error(errorCodeFor(code, reason), std::move(message));
}

Error errorFromResponse(int http_status, std::string_view body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && stringField(parsed, "kind") == "Status") {
    // The HTTP status is authoritative; the Status's own code normally equals it.
    nlohmann::json status = parsed;
    status["code"] = http_status;
    return errorFromStatus(status);
  }
  std::string message = "the server answered HTTP " + std::to_string(http_status);
  if (body.empty()) {
    message += " with an empty body";
  } else {
    message += ": " + std::string(body.substr(0, kMaxQuotedBody));
    if (body.size() > kMaxQuotedBody) {
      message += "...";
    }
  }
  return Error(errorCodeFor(http_status, ""), std::move(message));
}

Error transportError(std::string_view method, std::string_view url, std::string_view what) {
  std::string message = "while ";
  message += method;
  message += " ";
  message += url;
  message += ": ";
  message += what;
  return Error(ErrorCode::Transient, std::move(message));
}

} // namespace rdr::kube
