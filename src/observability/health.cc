// Health check aggregation: the controller-runtime healthz text format, with failure reasons.
#include "rdr/observability/health.h"

#include <exception>
#include <set>
#include <utility>
#include <vector>

namespace rdr::observability {
namespace {

// Runs a check; exceptions become failures so that one broken checker cannot take the
// endpoint down.
Status runCheck(const Checker& checker) {
  try {
    return checker();
  } catch (const std::exception& e) {
    return Error(ErrorCode::Internal, std::string("the check threw: ") + e.what());
  } catch (...) {
    return Error(ErrorCode::Internal, "the check threw a non-standard exception");
  }
}

} // namespace

Status ping() { return okStatus(); }

http::Response textResponse(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.headers["Content-Type"] = "text/plain; charset=utf-8";
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.body = std::move(body);
  return response;
}

HealthChecks::HealthChecks(std::string endpoint) : endpoint_(std::move(endpoint)) {}

Status HealthChecks::add(std::string name, Checker checker) {
  if (name.empty() || name.find('/') != std::string::npos) {
    return Error(ErrorCode::Invalid, "invalid " + endpoint_ + " check name \"" + name +
                                         "\" (must be non-empty, without '/')");
  }
  if (!checker) {
    return Error(ErrorCode::Invalid, endpoint_ + " check " + name + " has no function");
  }
  std::lock_guard lock(mutex_);
  if (!checks_.emplace(name, std::move(checker)).second) {
    return Error(ErrorCode::AlreadyExists, endpoint_ + " check " + name + " is already added");
  }
  return okStatus();
}

http::Response HealthChecks::serve(const http::Request& request, std::string_view subpath) const {
  std::map<std::string, Checker> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_; // run the checks without holding the lock
  }
  if (checks.empty()) {
    checks.emplace("ping", ping);
  }

  // A single check: /readyz/<name>.
  if (subpath.size() > 1) {
    const auto it = checks.find(std::string(subpath.substr(1)));
    if (it == checks.end()) {
      return textResponse(404, "404 page not found\n");
    }
    const Status status = runCheck(it->second);
    if (!status) {
      return textResponse(500, "internal server error: " + status.error().message() + "\n");
    }
    return textResponse(200, "ok");
  }

  std::set<std::string> excluded;
  const auto range = request.query.equal_range("exclude");
  for (auto it = range.first; it != range.second; ++it) {
    excluded.insert(it->second);
  }
  const bool verbose = request.query.count("verbose") > 0;

  bool failed = false;
  std::string details;
  for (const auto& [name, checker] : checks) { // std::map: sorted by name, as controller-runtime
    if (excluded.erase(name) > 0) {
      details += "[+]" + name + " excluded: ok\n";
      continue;
    }
    const Status status = runCheck(checker);
    if (status) {
      details += "[+]" + name + " ok\n";
    } else {
      failed = true;
      details += "[-]" + name + " failed: " + status.error().message() + "\n";
    }
  }
  if (!failed && !verbose) {
    return textResponse(200, "ok");
  }
  if (!excluded.empty()) {
    std::string names;
    for (const auto& name : excluded) {
      names += (names.empty() ? "\"" : ", \"") + name + "\"";
    }
    details += "warn: some health checks cannot be excluded: no matches for " + names + "\n";
  }
  details += endpoint_ + (failed ? " check failed\n" : " check passed\n");
  return textResponse(failed ? 500 : 200, std::move(details));
}

} // namespace rdr::observability
