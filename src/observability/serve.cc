// Binds the metrics and probe addresses and hands their requests to the Endpoints.
#include "rdr/observability/serve.h"

#include <utility>

namespace rdr::observability {

EndpointServers::~EndpointServers() { stop(); }

void EndpointServers::stop() {
  if (metrics) {
    metrics->stop();
  }
  if (probes) {
    probes->stop();
  }
}

Result<EndpointServers> serve(const Endpoints& endpoints,
                              const std::optional<http::ServerOptions>& metrics,
                              const std::optional<http::ServerOptions>& probes) {
  EndpointServers servers;
  const bool shared = metrics && probes && metrics->port != 0 &&
                      metrics->address == probes->address && metrics->port == probes->port;
  if (metrics) {
    auto server =
        http::startServer(*metrics, shared ? endpoints.allHandler() : endpoints.metricsHandler());
    if (!server) {
      return server.error().wrap("while starting the metrics server");
    }
    servers.metrics = std::move(*server);
  }
  if (probes && !shared) {
    auto server = http::startServer(*probes, endpoints.probesHandler());
    if (!server) {
      return server.error().wrap("while starting the health probe server");
    }
    servers.probes = std::move(*server);
  }
  return servers;
}

} // namespace rdr::observability
