// Error names and context wrapping.
#include "rdr/common/error.h"

namespace rdr {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
  case ErrorCode::Transient:
    return "transient";
  case ErrorCode::Conflict:
    return "conflict";
  case ErrorCode::NotFound:
    return "not-found";
  case ErrorCode::AlreadyExists:
    return "already-exists";
  case ErrorCode::Invalid:
    return "invalid";
  case ErrorCode::Expired:
    return "expired";
  case ErrorCode::Unauthorized:
    return "unauthorized";
  case ErrorCode::Forbidden:
    return "forbidden";
  case ErrorCode::Unsupported:
    return "unsupported";
  case ErrorCode::Terminal:
    return "terminal";
  case ErrorCode::Internal:
    return "internal";
  }
  return "unknown";
}

Error Error::wrap(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

std::string Error::toString() const {
  std::string out = message_;
  out += " (";
  out += errorCodeName(code_);
  out += ")";
  return out;
}

} // namespace rdr
