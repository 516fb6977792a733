// The controller manager: servers, API connection, leader election, controllers, shutdown.
#include "manager.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include <spdlog/spdlog.h>

#include "election.h"
#include "rdr/controller/activeredisconnection_controller.h"
#include "rdr/controller/rediscluster_controller.h"
#include "rdr/redis/admin.h"
#include "rdr/common/clock.h"
#include "rdr/runtime/sleeper.h"

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

Manager::Manager(Options options, std::string_view version, ConnectEnvironment environment)
    : options_(std::move(options)), version_(version), environment_(std::move(environment)) {}

Manager::~Manager() { stop(); }

void Manager::addController(std::unique_ptr<Runnable> controller) {
  std::lock_guard lock(controllers_mutex_);
  controllers_.push_back(std::move(controller));
}

Status Manager::start() {
  RDR_ASSIGN_OR_RETURN(metrics_, observability::OperatorMetrics::create(registry_, version_));
  RDR_RETURN_IF_ERROR(endpoints_.addHealthzCheck("ping", observability::ping));
  RDR_RETURN_IF_ERROR(endpoints_.addReadyzCheck("ping", observability::ping));
  // Ready once connected, whether this replica leads or stands by: both are healthy replicas.
  RDR_RETURN_IF_ERROR(endpoints_.addReadyzCheck("kubernetes-api", [this]() -> Status {
    if (connected_.load()) {
      return okStatus();
    }
    return Error(ErrorCode::Transient, "not connected to the Kubernetes API server yet");
  }));

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

Status Manager::connect() {
  if (connected_.load()) {
    return okStatus();
  }
  RDR_ASSIGN_OR_RETURN(const kube::ConnectionConfig config,
                       resolveConnection(options_.kubeconfig, environment_));
  spdlog::info("Connecting to the Kubernetes API server at {} ({}).", config.server,
               config.description);
  RDR_ASSIGN_OR_RETURN(ApiConnection connection,
                       connectToApiServer(config, SystemClock::instance()));
  client_ = std::move(connection.client);
  spdlog::info("Connected to the Kubernetes API server at {}, version {}.", config.server,
               describeServerVersion(connection.version));
  connected_.store(true);
  return okStatus();
}

void Manager::startControllers(std::string_view reason) {
  std::lock_guard lock(controllers_mutex_);
  if (stopping_.load() || controllers_started_) {
    return;
  }
  controllers_started_ = true;
  if (controllers_.empty()) {
    spdlog::info("{}", kNoControllersMessage);
    return;
  }
  spdlog::info("Starting {} controller(s): {}.", controllers_.size(), reason);
  for (const auto& controller : controllers_) {
    if (Status started = controller->start(); !started) {
      spdlog::error("The controller {} cannot start: {}. Shutting down.", controller->name(),
                    started.error().toString());
      start_error_ = started.error().wrap("starting the controller " + controller->name());
      // Wakes run()'s signal wait (the signal is blocked in every thread): a graceful shutdown.
      ::kill(::getpid(), SIGTERM);
      return;
    }
    spdlog::info("Started the controller {}.", controller->name());
  }
}

void Manager::stopControllers() {
  std::lock_guard lock(controllers_mutex_);
  stopping_.store(true);
  if (!controllers_started_) {
    return;
  }
  for (auto it = controllers_.rbegin(); it != controllers_.rend(); ++it) {
    spdlog::info("Stopping the controller {} (in-flight reconciles finish first).", (*it)->name());
    (*it)->stop();
  }
}

// Called on the elector's thread, also after a requested stop (then nothing is left to do).
void Manager::onStoppedLeading() {
  if (stopping_.load()) {
    return;
  }
  spdlog::critical("Lost the lease {}/{}: exiting at once with code 1 so that nothing reconciles "
                   "without it (a restarted process joins the election again).",
                   options_.leaderElection.leaseNamespace, options_.leaderElection.leaseName);
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  std::_Exit(1);
}

Status Manager::run(const std::function<int()>& wait_for_shutdown) {
  RDR_RETURN_IF_ERROR(connect());
  if (options_.leaderElection.enabled) {
    runtime::LeaderElectionConfig config =
        leaderElectionConfig(options_.leaderElection, leaderElectionIdentity());
    config.on_started_leading = [this] { startControllers("this replica leads"); };
    config.on_stopped_leading = [this] { onStoppedLeading(); };
    RDR_RETURN_IF_ERROR(runtime::validateLeaderElectionConfig(config));
    spdlog::info("Leader election on the lease {}/{} as {} (lease {} ms, renew deadline {} ms, "
                 "retry period {} ms): controllers start when this replica leads.",
                 config.lease_namespace, config.lease_name, config.identity,
                 config.lease_duration.count(), config.renew_deadline.count(),
                 config.retry_period.count());
    elector_ = std::make_unique<runtime::LeaderElector>(*client_, std::move(config),
                                                        SystemClock::instance(),
                                                        runtime::RealSleeper::instance());
    elector_->start();
  } else {
    spdlog::info("Leader election is off (--leader-elect not set): run one replica only.");
    startControllers("leader election is off");
  }
  const int signal = wait_for_shutdown();
  spdlog::info("Received {}: shutting down.", signalName(signal));
  stop();
  if (start_error_) {
    return *start_error_;
  }
  return okStatus();
}

void Manager::stop() {
  stopControllers();
  if (elector_) {
    elector_->stop(); // releases the lease when this replica holds it
    elector_.reset();
  }
  servers_.stop();
}

int runManager(const Options& options, std::string_view version) {
  spdlog::info("redis-dr-operator {} starting (namespace={}, leader election={}).", version,
               options.watchNamespace.empty() ? "<all>" : options.watchNamespace,
               options.leaderElection.enabled ? "on" : "off");
  // Redis connections of every controller: declared first, so it outlives them.
  const std::unique_ptr<redis::RedisConnector> connector = redis::makeHiredisConnector();
  Manager manager(options, version);
  if (const Status started = manager.start(); !started) {
    spdlog::error("Cannot start the controller manager: {}.", started.error().message());
    std::fprintf(stderr, "%s: %s\n", kProgramName.data(), started.error().message().c_str());
    return 1;
  }
  if (const Status connected = manager.connect(); !connected) {
    spdlog::error("{}.", connected.error().message());
    std::fprintf(stderr, "%s: %s\n", kProgramName.data(), connected.error().message().c_str());
    return 2;
  }
  controller::RedisClusterControllerOptions cluster_options;
  cluster_options.watch_namespace = options.watchNamespace;
  cluster_options.event_instance = leaderElectionIdentity();
  cluster_options.allowed_source_networks = options.allowedSourceNetworks;
  manager.addController(controller::makeRedisClusterController(manager.client(), *connector,
                                                               manager.metrics(), cluster_options));
  controller::ActiveRedisConnectionControllerOptions connection_options;
  connection_options.watch_namespace = options.watchNamespace;
  connection_options.event_instance = cluster_options.event_instance;
  manager.addController(controller::makeActiveRedisConnectionController(
      manager.client(), manager.metrics(), connection_options));
  const Status ran = manager.run();
  manager.stop();
  if (!ran) {
    spdlog::error("The controller manager failed: {}.", ran.error().message());
    std::fprintf(stderr, "%s: %s\n", kProgramName.data(), ran.error().message().c_str());
    return 1;
  }
  spdlog::info("redis-dr-operator stopped.");
  return 0;
}

} // namespace rdr::app
