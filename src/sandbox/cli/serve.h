// `redis-dr-sandbox serve`: the emulator over HTTPS (bearer token) and optionally plain HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "rdr/common/log.h"

namespace rdr::sandbox {

struct ServeOptions {
  std::string name;                // a DNS label: kubeconfig cluster/context name
  std::filesystem::path state_dir; // certificates, token, kubeconfig, pid
  std::string address;             // the API address, e.g. 127.0.10.1
  std::uint16_t port = 0;          // the HTTPS port (0: ephemeral, written to the kubeconfig)
  std::filesystem::path crds;      // directory of CRD manifests loaded at start
  std::optional<std::uint16_t> insecure_http_port; // plain HTTP without authentication
  // The address plan of the slot (docs/sandbox.md): pod IPs, Service ClusterIPs, LoadBalancer IPs.
  std::string pod_cidr;           // e.g. 127.10.0.0/17; empty: no node agent by default
  std::string service_cidr;       // e.g. 127.10.128.0/18; empty: 10.96.0.0/12
  std::string load_balancer_cidr; // e.g. 127.10.192.0/18
  // The node agent and the Service proxy: on by default when pod_cidr is set.
  std::optional<bool> node_agent;
  std::chrono::milliseconds probe_period{1000};
  std::chrono::milliseconds backoff_initial{10'000};
  std::chrono::milliseconds backoff_max{300'000};
};

// Exit codes of serve: the shell wrapper tells "address in use" (try another slot) from the rest.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitAddressInUse = 3;

// True for a DNS label (RFC 1123): lower-case alphanumerics and '-', at most 63 characters.
bool isValidSandboxName(const std::string& name);

// Serves until SIGTERM or SIGINT (which the caller has blocked in every thread), then stops.
// Returns the process exit code.
int serve(const ServeOptions& options);

} // namespace rdr::sandbox
