// Serving the Endpoints over HTTP with rdr::http::startServer.
#pragma once

#include <memory>
#include <optional>

#include "rdr/common/result.h"
#include "rdr/http/server.h"
#include "rdr/observability/endpoints.h"

namespace rdr::observability {

// The running servers; a disabled address has none. Destroying it stops them.
struct EndpointServers {
  std::unique_ptr<http::Server> metrics;
  std::unique_ptr<http::Server> probes; // null too when sharing the metrics server's address

  EndpointServers() = default;
  EndpointServers(EndpointServers&&) = default;
  EndpointServers& operator=(EndpointServers&&) = default;
  ~EndpointServers();

  void stop();
};

// Starts the metrics and probe servers; nullopt disables one. When both name the same address
// and a fixed port, one server answers both sets of paths. `endpoints` must outlive the servers.
// @return the error of the first address that cannot be bound (nothing is left running then).
Result<EndpointServers> serve(const Endpoints& endpoints,
                              const std::optional<http::ServerOptions>& metrics,
                              const std::optional<http::ServerOptions>& probes);

} // namespace rdr::observability
