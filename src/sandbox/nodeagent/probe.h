// The readiness probe of the sandbox: one RESP exchange (AUTH, PING) with a pod's IP and port.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "rdr/common/result.h"

namespace rdr::sandbox {

// Connects to ip:port, sends AUTH <password> when one is given, then PING, and expects +PONG,
// all within `timeout`. @return ok, or Transient with what went wrong (never the password).
Status probeRedis(const std::string& ip, int port, const std::optional<std::string>& password,
                  std::chrono::milliseconds timeout);

} // namespace rdr::sandbox
