// Named health checks served like controller-runtime's healthz handler (/healthz, /readyz).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "rdr/common/result.h"
#include "rdr/http/server.h"

namespace rdr::observability {

// One check: ok, or an error whose message says why it failed. Called from HTTP threads, so it
// must be thread-safe and quick (a probe has a 2 s timeout). An exception counts as a failure.
using Checker = std::function<Status()>;

// The check that always passes (controller-runtime's healthz.Ping).
Status ping();

// A set of named checks behind one endpoint, e.g. "readyz":
//   GET /readyz           200 "ok" when every check passes; otherwise 500 listing every check,
//                         "[+]name ok" or "[-]name failed: <reason>", then "readyz check failed"
//   GET /readyz?verbose   the list also on success, ending with "readyz check passed"
//   GET /readyz?exclude=a skips check a ("[+]a excluded: ok")
//   GET /readyz/name      that check alone: 200 "ok", 500 "internal server error: <reason>", 404
// With no checks registered, a "ping" check stands in, as in controller-runtime.
// Unlike controller-runtime the failure reason is shown: the probe port is cluster-internal and
// the reason is what an operator needs to see in `kubectl describe pod`.
class HealthChecks {
public:
  explicit HealthChecks(std::string endpoint);

  // Adds a check. @return Invalid for an empty name or one containing '/', AlreadyExists for a
  // name in use.
  Status add(std::string name, Checker checker);

  // Answers a request; `subpath` is what follows "/<endpoint>" in the path ("" or "/name").
  http::Response serve(const http::Request& request, std::string_view subpath) const;

  const std::string& endpoint() const { return endpoint_; }

private:
  std::string endpoint_;
  mutable std::mutex mutex_;
  std::map<std::string, Checker> checks_;
};

// A plain-text response with the headers every endpoint sets.
http::Response textResponse(int status, std::string body);

} // namespace rdr::observability
