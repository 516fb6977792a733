// The controller manager: API connection, leader election, controllers, probes and shutdown.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect.h"
#include "rdr/app/options.h"
#include "rdr/app/runnable.h"
#include "rdr/http/server.h"
#include "rdr/kube/rest_client.h"
#include "rdr/observability/endpoints.h"
#include "rdr/observability/metrics.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/observability/serve.h"
#include "rdr/runtime/leader_elector.h"
#include "signals.h"

namespace rdr::app {

// Converts a flag's bind address to server options: "" listens on every IPv4 interface
// (0.0.0.0), "localhost" on 127.0.0.1.
http::ServerOptions serverOptions(const BindAddress& address);

// The log line of a build without controllers.
inline constexpr std::string_view kNoControllersMessage =
    "No controllers are registered in this build: the manager connects, elects a leader and "
    "serves probes, but reconciles nothing yet.";

// Owns what the manager runs. Use: construct, addController() for each controller, start(),
// connect(), run(), stop().
//   start()    metrics and probe servers; /healthz answers at once, /readyz fails until connected
//   connect()  resolves the connection (see resolveConnection) and checks /version
//   run()      with --leader-elect: a LeaderElector on the configured Lease; the controllers start
//              when this replica leads, and losing the lease ends the process at once (exit 1,
//              no graceful shutdown: nothing may reconcile without the lease). A standby is
//              ready (/readyz): it is a healthy replica. Without --leader-elect the controllers
//              start at once. Then waits for SIGTERM/SIGINT and shuts down: controllers stop
//              (in-flight reconciles finish), leader election stops and releases the lease so a
//              standby takes over at once.
class Manager {
public:
  Manager(Options options, std::string_view version,
          ConnectEnvironment environment = ConnectEnvironment::fromProcess());
  ~Manager();

  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Registers a controller; only before run().
  void addController(std::unique_ptr<Runnable> controller);

  // Registers the operator's metrics and the checks, then starts the metrics and probe servers.
  // @return the error of an address that cannot be bound.
  Status start();

  // Connects to the API server. @return what resolveConnection or connectToApiServer returned
  // (main exits 2 on it: a wrong kubeconfig or an unreachable server is a start-up error).
  Status connect();

  // Runs until `wait_for_shutdown` returns (the real one waits for SIGTERM/SIGINT, which main
  // blocked in every thread), then shuts down as described above; a controller that fails to
  // start sends the process SIGTERM to end that wait. Connects first if connect() was not called. @return an error when leader election cannot be set up, a controller failed
  // to start, or the connection failed.
  Status run(const std::function<int()>& wait_for_shutdown = waitForShutdownSignal);

  // Stops the controllers, leader election and the servers. Idempotent.
  void stop();

  bool connected() const { return connected_.load(); }
  // The API client, after connect().
  kube::Client& client() { return *client_; }
  // The operator's metric families, after start().
  observability::OperatorMetrics* metrics() { return metrics_ ? &*metrics_ : nullptr; }
  observability::Registry& registry() { return registry_; }
  observability::Endpoints& endpoints() { return endpoints_; }

private:
  void startControllers(std::string_view reason);
  void stopControllers();
  void onStoppedLeading();

  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  Options options_;
  std::string version_;
  ConnectEnvironment environment_;
  observability::Registry registry_;
  observability::Endpoints endpoints_{registry_};
  std::optional<observability::OperatorMetrics> metrics_;
  std::unique_ptr<kube::RestClient> client_;
  std::unique_ptr<runtime::LeaderElector> elector_; // uses client_: declared after it

  std::mutex controllers_mutex_; // start (elector thread) against stop (the manager's thread)
  std::vector<std::unique_ptr<Runnable>> controllers_;
  bool controllers_started_ = false;
  std::optional<Error> start_error_;

  observability::EndpointServers servers_; // call the checks above: declared last, stopped first
};

// Runs the manager for parsed options (command Run) and @return the process's exit code: 0 after
// a signal, 1 when the servers or a controller cannot start, 2 when the API server cannot be
// found or reached.
int runManager(const Options& options, std::string_view version);

} // namespace rdr::app
