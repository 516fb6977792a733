// The operator's HTTP endpoints as plain handlers: /metrics, and /healthz /livez /readyz.
#pragma once

#include <string>

#include "rdr/common/result.h"
#include "rdr/http/server.h"
#include "rdr/observability/health.h"
#include "rdr/observability/metrics.h"

namespace rdr::observability {

// Builds the responses of the metrics address and of the health-probe address. Handlers are
// thread-safe; the registry must outlive the Endpoints, and the Endpoints the servers using them.
//   metrics address: GET /metrics      the registry, Content-Type kTextContentType
//   probe address:   GET /healthz[/name], /livez[/name]  liveness checks (one set, two paths)
//                    GET /readyz[/name]                  readiness checks
// Other paths answer 404, other methods than GET and HEAD 405.
class Endpoints {
public:
  explicit Endpoints(const Registry& registry);

  // Adds a liveness check (/healthz, /livez): failing makes the kubelet restart the container.
  Status addHealthzCheck(std::string name, Checker checker);
  // Adds a readiness check (/readyz).
  Status addReadyzCheck(std::string name, Checker checker);

  http::Response handleMetrics(const http::Request& request) const;
  http::Response handleProbes(const http::Request& request) const;
  // Both sets, for when the metrics and probe addresses are the same.
  http::Response handleAll(const http::Request& request) const;

  http::Handler metricsHandler() const;
  http::Handler probesHandler() const;
  http::Handler allHandler() const;

private:
  const Registry& registry_;
  HealthChecks healthz_;
  HealthChecks readyz_;
};

} // namespace rdr::observability
