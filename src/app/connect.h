// Finding and reaching the Kubernetes API server at start-up: kubeconfig, ~/.kube/config, in-cluster.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/kube/config.h"
#include "rdr/kube/rest_client.h"

namespace rdr::app {

// What the choice of connection depends on; fromProcess() reads it once, tests fill it in.
struct ConnectEnvironment {
  std::string home;                       // $HOME; empty: no ~/.kube/config
  kube::InClusterEnvironment in_cluster; // $KUBERNETES_SERVICE_HOST/PORT and the account files

  static ConnectEnvironment fromProcess();
};

// Chooses the connection as controller-runtime does:
//   1. `kubeconfig` (the --kubeconfig flag, else $KUBECONFIG; a `:`-separated list is merged),
//   2. else <home>/.kube/config when that file exists,
//   3. else the in-cluster config (service account token, CA, $KUBERNETES_SERVICE_HOST/PORT).
// @return Invalid whose message names what was tried and why each choice failed.
Result<kube::ConnectionConfig> resolveConnection(const std::string& kubeconfig,
                                                 const ConnectEnvironment& environment);

// A connected client and what /version answered.
struct ApiConnection {
  std::unique_ptr<kube::RestClient> client;
  nlohmann::json version; // {"major":"1","minor":"32","gitVersion":"v1.32.0",...}
};

// Creates the client and asks the server for /version, so that a wrong address or credentials
// show at start-up rather than at the first reconcile.
// @return "cannot reach the Kubernetes API server at <server>: <reason> (connection from ...)"
//         with the reason's code when /version fails; the client's error for unusable TLS
//         material.
Result<ApiConnection> connectToApiServer(const kube::ConnectionConfig& config, const Clock& clock);

// "v1.32.0", else "<major>.<minor>", else "unknown", for the start-up log line.
std::string describeServerVersion(const nlohmann::json& version);

} // namespace rdr::app
