// The controller manager's wiring: metrics, health endpoints, and (later) client and controllers.
#pragma once

#include <string_view>

#include "rdr/app/options.h"
#include "rdr/http/server.h"
#include "rdr/observability/endpoints.h"
#include "rdr/observability/metrics.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/observability/serve.h"

namespace rdr::app {

// Converts a flag's bind address to server options: "" listens on every IPv4 interface
// (0.0.0.0), "localhost" on 127.0.0.1.
http::ServerOptions serverOptions(const BindAddress& address);

// Owns what the manager runs. Construct, start(), then run(); the lead wires the Kubernetes
// client, leader election and the controllers into run().
class Manager {
public:
  Manager(Options options, std::string_view version);

  // Registers the operator's metrics and the default checks, then starts the metrics and probe
  // servers. @return the error of an address that cannot be bound.
  Status start();

  // Runs the controllers until shutdown. Today: Unsupported, because the Kubernetes client and
  // the controllers are not wired in yet.
  Status run();

  // Stops the servers. Idempotent.
  void stop();

  observability::Registry& registry() { return registry_; }
  observability::Endpoints& endpoints() { return endpoints_; }

private:
  Options options_;
  std::string version_;
  observability::Registry registry_;
  observability::Endpoints endpoints_{registry_};
  std::optional<observability::OperatorMetrics> metrics_;
  observability::EndpointServers servers_;
};

// Runs the manager for parsed options (command Run) and @return the process's exit code.
int runManager(const Options& options, std::string_view version);

} // namespace rdr::app
