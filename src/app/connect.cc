// Finding the API server (kubeconfig, ~/.kube/config, in-cluster) and checking it answers /version.
#include "connect.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

namespace rdr::app {

ConnectEnvironment ConnectEnvironment::fromProcess() {
  ConnectEnvironment environment;
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    environment.home = home;
  }
  environment.in_cluster = kube::inClusterEnvironment();
  return environment;
}

Result<kube::ConnectionConfig> resolveConnection(const std::string& kubeconfig,
                                                 const ConnectEnvironment& environment) {
  if (!kubeconfig.empty()) {
    auto loaded = kube::loadKubeconfigFiles(kube::kubeconfigPaths(kubeconfig, environment.home));
    if (!loaded) {
      return Error(loaded.error().code(), "cannot load the kubeconfig \"" + kubeconfig +
                                              "\" (from --kubeconfig or $KUBECONFIG): " +
                                              loaded.error().message());
    }
    return loaded;
  }
  std::string tried;
  if (!environment.home.empty()) {
    const std::string home_config = environment.home + "/.kube/config";
    std::error_code ec;
    if (std::filesystem::exists(home_config, ec)) {
      auto loaded = kube::loadKubeconfig(home_config);
      if (!loaded) {
        return Error(loaded.error().code(), "cannot load the kubeconfig " + home_config +
                                                " (--kubeconfig and $KUBECONFIG are unset): " +
                                                loaded.error().message());
      }
      return loaded;
    }
    tried = home_config + " does not exist";
  } else {
    tried = "$HOME is unset (no ~/.kube/config)";
  }
  auto in_cluster = kube::inClusterConfig(environment.in_cluster);
  if (!in_cluster) {
    return Error(ErrorCode::Invalid,
                 "no Kubernetes API server to connect to: --kubeconfig and $KUBECONFIG are "
                 "unset, " +
                     tried + ", and the in-cluster config is unavailable (" +
                     in_cluster.error().message() + ")");
  }
  return in_cluster;
}

Result<ApiConnection> connectToApiServer(const kube::ConnectionConfig& config, const Clock& clock) {
  auto client = kube::RestClient::connect(config, clock);
  if (!client) {
    return client.error().wrap("cannot use the connection from " + config.description);
  }
  auto version = (*client)->serverVersion();
  if (!version) {
    return Error(version.error().code(), "cannot reach the Kubernetes API server at " +
                                             config.server + ": " + version.error().message() +
                                             " (connection from " + config.description + ")");
  }
  return ApiConnection{std::move(*client), std::move(*version)};
}

std::string describeServerVersion(const nlohmann::json& version) {
  if (!version.is_object()) {
    return "unknown";
  }
  const auto git = version.find("gitVersion");
  if (git != version.end() && git->is_string() && !git->get<std::string>().empty()) {
    return git->get<std::string>();
  }
  const auto major = version.find("major");
  const auto minor = version.find("minor");
  if (major != version.end() && major->is_string() && minor != version.end() &&
      minor->is_string()) {
    return major->get<std::string>() + "." + minor->get<std::string>();
  }
  return "unknown";
}

} // namespace rdr::app
