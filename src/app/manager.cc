// Wiring of the controller manager: what exists today (metrics, probes) and where the rest goes.
#include "manager.h"

#include <cstdio>
#include <utility>

#include <spdlog/spdlog.h>

namespace rdr::app {

http::ServerOptions serverOptions(const BindAddress& address) {
  http::ServerOptions options;
  if (address.host.empty()) {
    options.address = "0.0.0.0";
  } else if (address.host == "localhost") {
    options.address = "127.0.0.1";
  } else {
    options.address = address.host;
  }
  options.port = address.port;
  return options;
}

Manager::Manager(Options options, std::string_view version)
    : options_(std::move(options)), version_(version) {}

Status Manager::start() {
  RDR_ASSIGN_OR_RETURN(metrics_, observability::OperatorMetrics::create(registry_, version_));
  RDR_RETURN_IF_ERROR(endpoints_.addHealthzCheck("ping", observability::ping));
  RDR_RETURN_IF_ERROR(endpoints_.addReadyzCheck("ping", observability::ping));

  std::optional<http::ServerOptions> metrics;
  if (options_.metricsAddress) {
    metrics = serverOptions(*options_.metricsAddress);
  }
  std::optional<http::ServerOptions> probes;
  if (options_.healthProbeAddress) {
    probes = serverOptions(*options_.healthProbeAddress);
  }
  RDR_ASSIGN_OR_RETURN(servers_, observability::serve(endpoints_, metrics, probes));
  if (servers_.metrics) {
    spdlog::info("Serving metrics on {}:{}/metrics.", metrics->address, servers_.metrics->port());
  }
  if (servers_.probes) {
    spdlog::info("Serving health probes on {}:{} (/healthz, /livez, /readyz).", probes->address,
                 servers_.probes->port());
  }
  return okStatus();
}

Status Manager::run() {
  // The Kubernetes client (src/kube/) and the controllers (src/runtime/) arrive next: leader
  // election first when options_.leaderElection.enabled, then the controllers. Until then the
  // manager refuses to run rather than pretend to manage anything.
  return Error(ErrorCode::Unsupported,
               "the controller manager cannot run yet: the Kubernetes client and the controllers "
               "are not wired into this build (only --version and --help work; see README.md, "
               "\"What works today\")");
}

void Manager::stop() { servers_.stop(); }

int runManager(const Options& options, std::string_view version) {
  spdlog::info("redis-dr-operator {} starting (namespace={}, leader election={}).", version,
               options.watchNamespace.empty() ? "<all>" : options.watchNamespace,
               options.leaderElection.enabled ? "on" : "off");
  Manager manager(options, version);
  if (const Status started = manager.start(); !started) {
    spdlog::error("Cannot start the controller manager: {}.", started.error().message());
    std::fprintf(stderr, "%s: %s\n", kProgramName.data(), started.error().message().c_str());
    return 1;
  }
  const Status ran = manager.run();
  manager.stop();
  if (!ran) {
    spdlog::error("{}.", ran.error().message());
    std::fprintf(stderr, "%s: %s\n", kProgramName.data(), ran.error().message().c_str());
    return 2;
  }
  return 0;
}

} // namespace rdr::app
