// Wiring of `serve`: TLS material and token, servers, emulator, kubeconfig and pid, then signals.
#include "serve.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include <spdlog/spdlog.h>

#include "bearer_auth.h"
#include "certificates.h"
#include "hosts_namespace.h"
#include "kubeconfig.h"
#include "node_side.h"
#include "rdr/common/clock.h"
#include "rdr/http/server.h"
#include "rdr/sandbox/api_server.h"
#include "state_files.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr auto kPrivate = fs::perms::owner_read | fs::perms::owner_write;

// Logs every request at debug level (never the headers: they carry the token).
http::Handler logged(http::Handler inner) {
  return [inner = std::move(inner)](const http::Request& request) {
    http::Response response = inner(request);
    spdlog::debug("{} {} answered {}{}.", request.method, request.path, response.status,
                  response.stream ? " (streaming)" : "");
    return response;
  };
}

std::string hostPort(const std::string& address, std::uint16_t port) {
  const bool ipv6 = address.find(':') != std::string::npos;
  return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

int failure(const Error& error) {
  spdlog::error("The sandbox cannot start: {}.", error.toString());
  return error.is(ErrorCode::Transient) && error.message().find("in use") != std::string::npos
             ? kExitAddressInUse
             : kExitFailure;
}

// The emulator's handler once it exists; 503 before (only between binding and wiring).
class HandlerSlot {
public:
  void set(http::Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::make_shared<const http::Handler>(std::move(handler));
  }
  http::Response handle(const http::Request& request) const {
    std::shared_ptr<const http::Handler> handler;
    {
      std::lock_guard lock(mutex_);
      handler = handler_;
    }
    if (!handler) {
      return http::Response::json(
          503,
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
          R"("message":"the API server is starting","reason":"ServiceUnavailable","code":503})");
    }
    return (*handler)(request);
  }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<const http::Handler> handler_; // guarded by mutex_
};

// The node side once it runs; the fault endpoint answers 404 without it.
class NodeSlot {
public:
  void set(std::shared_ptr<NodeSide> side) {
    std::lock_guard lock(mutex_);
    side_ = std::move(side);
  }
  std::shared_ptr<NodeSide> get() const {
    std::lock_guard lock(mutex_);
    return side_;
  }
  http::Response handle(const http::Request& request) const {
    const auto side = get();
    if (!side) {
      return http::Response::json(
          404, R"json({"message":"the node agent does not run in this sandbox (serve --pod-cidr)"})json");
    }
    return side->handleFault(request);
  }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<NodeSide> side_; // guarded by mutex_
};

struct Servers {
  std::unique_ptr<http::Server> secure;   // HTTPS with the bearer token
  std::unique_ptr<http::Server> insecure; // plain HTTP without authentication, optional
  void stop() {
    if (insecure) {
      insecure->stop();
    }
    secure->stop();
  }
};

Result<Servers> startServers(const ServeOptions& options, const Certificates& certificates,
                             const std::string& token, const http::Handler& handler) {
  Servers servers;
  http::ServerOptions secure_options;
  secure_options.address = options.address;
  secure_options.port = options.port;
  secure_options.tls = http::TlsConfig{certificates.server_cert_pem, certificates.server_key_pem};
  RDR_ASSIGN_OR_RETURN(
      servers.secure,
      http::startServer(secure_options, logged(requireBearerToken(token, handler))));
  if (options.insecure_http_port) {
    http::ServerOptions plain_options;
    plain_options.address = options.address;
    plain_options.port = *options.insecure_http_port;
    auto plain = http::startServer(plain_options, logged(handler));
    if (!plain) {
      servers.secure->stop();
      return plain.error();
    }
    servers.insecure = std::move(plain).value();
    spdlog::info("The sandbox {} also serves plain HTTP without authentication at http://{}.",
                 options.name, hostPort(options.address, servers.insecure->port()));
  }
  return servers;
}

Result<std::shared_ptr<NodeSide>> startNodeSide(const ServeOptions& options,
                                                const std::string& server_url,
                                                const std::string& ca_pem, const std::string& token,
                                                const HostsSetup& hosts) {
  NodeSideOptions side;
  side.server_url = server_url;
  side.ca_pem = ca_pem;
  side.token = token;
  side.agent.node_name = options.name;
  side.agent.host_ip = options.address;
  side.agent.pod_cidr = options.pod_cidr;
  side.agent.state_dir = options.state_dir;
  side.agent.probe_period = options.probe_period;
  side.agent.backoff_initial = options.backoff_initial;
  side.agent.backoff_max = options.backoff_max;
  side.proxy_options.load_balancer_cidr = options.load_balancer_cidr;
  side.proxy_options.hosts_file = hosts.hosts_file;
  side.proxy_options.base_hosts = hosts.base_hosts;
  if (options.pod_cidr.empty()) {
    return Error(ErrorCode::Invalid, "the node agent needs --pod-cidr");
  }
  RDR_ASSIGN_OR_RETURN(auto started, NodeSide::start(std::move(side)));
  spdlog::info("The sandbox {} runs its node agent (pod IPs from {}) and Service proxy "
               "(LoadBalancer IPs from {}).",
               options.name, options.pod_cidr,
               options.load_balancer_cidr.empty() ? "<none>" : options.load_balancer_cidr);
  return std::shared_ptr<NodeSide>(std::move(started));
}

int waitForTermination() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return received;
}

} // namespace

bool isValidSandboxName(const std::string& name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

int serve(const ServeOptions& options) {
  std::error_code ec;
  fs::create_directories(options.state_dir, ec);
  if (ec) {
    return failure(Error(ErrorCode::Invalid, "cannot create the state directory " +
                                                 options.state_dir.string() + ": " + ec.message()));
  }
  fs::remove(options.state_dir / "kubeconfig", ec); // its presence means "serving", see below
  const bool node_side = options.node_agent.value_or(!options.pod_cidr.empty());
  std::optional<HostsSetup> hosts;
  if (node_side) {
    // Before any thread starts: the mount namespace applies to threads started afterwards.
    auto isolated = isolateHostsFile(options.state_dir);
    if (!isolated) {
      return failure(isolated.error().wrap("while preparing the sandbox's hosts file"));
    }
    hosts = std::move(isolated).value();
    if (hosts->isolated) {
      spdlog::info("The sandbox {} runs in a private mount namespace with {} over /etc/hosts.",
                   options.name, hosts->hosts_file.string());
    } else {
      spdlog::warn("Cluster DNS names (<service>.<namespace>.svc.cluster.local) will NOT resolve "
                   "for the processes of sandbox {}: {}.",
                   options.name, hosts->warning);
    }
  }
  auto certificates = loadOrCreateCertificates(options.state_dir, options.name, options.address);
  if (!certificates) {
    return failure(certificates.error());
  }
  auto token = loadOrCreateToken(options.state_dir);
  if (!token) {
    return failure(token.error());
  }

  // Bind first (the emulator wants the bound address for discovery, and a port in use should fail
  // fast); the emulator is plugged in once it exists.
  auto slot = std::make_shared<HandlerSlot>();
  auto node_slot = std::make_shared<NodeSlot>();
  const http::Handler dispatch = [slot, node_slot](const http::Request& request) {
    if (request.path == kNodeFaultsPath) {
      return node_slot->handle(request);
    }
    return slot->handle(request);
  };
  auto servers = startServers(options, *certificates, *token, dispatch);
  if (!servers) {
    return failure(servers.error());
  }
  auto crds = loadCrdDirectory(options.crds);
  if (!crds) {
    servers->stop();
    return failure(crds.error().wrap("while loading the CRDs of " + options.crds.string()));
  }
  ApiServerOptions api_options;
  api_options.crds = std::move(crds).value();
  api_options.server_address = hostPort(options.address, servers->secure->port());
  if (!options.service_cidr.empty()) {
    api_options.service_cidr = options.service_cidr;
  }
  auto api = makeApiServer(api_options, SystemClock::instance());
  if (!api) {
    servers->stop();
    return failure(api.error().wrap("while creating the API server emulator"));
  }
  std::shared_ptr<ApiServer> emulator = std::move(api).value();
  slot->set([emulator](const http::Request& request) { return emulator->handle(request); });

  const std::string server_url = "https://" + api_options.server_address;
  const fs::path kubeconfig = options.state_dir / "kubeconfig";
  if (node_side) {
    auto started = startNodeSide(options, server_url, certificates->ca_pem, *token, *hosts);
    if (!started) {
      servers->stop();
      return failure(started.error());
    }
    node_slot->set(std::move(started).value());
  }
  Status written =
      writeFileAtomically(options.state_dir / "pid", std::to_string(::getpid()) + "\n", kPrivate);
  if (written) {
    written = writeFileAtomically(
        kubeconfig,
        renderKubeconfig({options.name, server_url, certificates->ca_pem, *token, "default"}),
        kPrivate);
  }
  if (!written) {
    servers->stop();
    return failure(written.error());
  }
  spdlog::info("The sandbox {} serves the Kubernetes API at {} with {} CRDs; kubeconfig {}.",
               options.name, server_url, api_options.crds.size(), kubeconfig.string());

  const int signal_number = waitForTermination();
  spdlog::info("The sandbox {} received {} and stops.", options.name, ::strsignal(signal_number));
  if (const auto side = node_slot->get()) {
    side->stop(); // every pod process, before the API server goes away
  }
  servers->stop();
  fs::remove(kubeconfig, ec);
  fs::remove(options.state_dir / "pid", ec);
  spdlog::info("The sandbox {} stopped.", options.name);
  return kExitOk;
}

} // namespace rdr::sandbox
