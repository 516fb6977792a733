// Error values: what failed, in which category, with the context added on the way up.
#pragma once

#include <string>
#include <string_view>

namespace rdr {

// The categories decide what a caller does with an error (see docs/architecture.md, "Errors"):
// retry now, back off, report and wait for a spec change, or give up.
enum class ErrorCode {
  Transient,     // a timeout, a lost connection, a 5xx: retry with backoff
  Conflict,      // an optimistic-lock conflict (409): re-read and retry at once
  NotFound,      // the object or endpoint does not exist (404)
  AlreadyExists, // create of something that is there already (409 AlreadyExists)
  Invalid,       // the input is wrong (422, a bad spec): no retry until the input changes
  Expired,       // a resource version too old to serve (410): re-list
  Unauthorized,  // missing or rejected credentials (401)
  Forbidden,     // authenticated but not allowed (403)
  Unsupported,   // a feature that does not exist (yet): fail loudly, never pretend
  Terminal,      // anything else that retrying cannot fix
  Internal,      // a bug: an invariant did not hold
};

// Returns the stable lower-case name of a code, e.g. "not-found", for logs and messages.
std::string_view errorCodeName(ErrorCode code);

class Error {
public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed by the context: "while promoting pod x: <message>".
  Error wrap(std::string_view context) const;

  // "<message> (<code name>)": the form used in logs.
  std::string toString() const;

  bool is(ErrorCode code) const { return code_ == code; }

private:
  ErrorCode code_;
  std::string message_;
};

} // namespace rdr
