// `redis-dr-sandbox serve`: the emulator over HTTPS (bearer token) and optionally plain HTTP.
#pragma once

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
