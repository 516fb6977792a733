// Wiring of `serve`: TLS material and token, servers, emulator, kubeconfig and pid, then signals.
#include "serve.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include <spdlog/spdlog.h>

#include "bearer_auth.h"
#include "certificates.h"
#include "kubeconfig.h"
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
  const http::Handler dispatch = [slot](const http::Request& request) {
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
  auto api = makeApiServer(api_options, SystemClock::instance());
  if (!api) {
    servers->stop();
    return failure(api.error().wrap("while creating the API server emulator"));
  }
  std::shared_ptr<ApiServer> emulator = std::move(api).value();
  slot->set([emulator](const http::Request& request) { return emulator->handle(request); });

  const std::string server_url = "https://" + api_options.server_address;
  const fs::path kubeconfig = options.state_dir / "kubeconfig";
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
  servers->stop();
  fs::remove(kubeconfig, ec);
  fs::remove(options.state_dir / "pid", ec);
  spdlog::info("The sandbox {} stopped.", options.name);
  return kExitOk;
}

} // namespace rdr::sandbox
