// The config of a pod's service account (client-go rest.InClusterConfig).
#include <cstdlib>

#include "rdr/common/file.h"
#include "rdr/common/text.h"
#include "rdr/kube/config.h"

namespace rdr::kube {
namespace {

std::string envOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

} // namespace

InClusterEnvironment inClusterEnvironment() {
  InClusterEnvironment environment;
  environment.service_host = envOrEmpty("KUBERNETES_SERVICE_HOST");
  environment.service_port = envOrEmpty("KUBERNETES_SERVICE_PORT");
  environment.pod_namespace = envOrEmpty("POD_NAMESPACE");
  return environment;
}

Result<ConnectionConfig> inClusterConfig(const InClusterEnvironment& environment) {
  if (environment.service_host.empty() || environment.service_port.empty()) {
    return Error(ErrorCode::Invalid,
                 "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
                 "set (is the operator running in a pod?)");
  }
  ConnectionConfig config;
  // 1. An IPv6 service host is bracketed, as net.JoinHostPort does.
  const bool ipv6 = environment.service_host.find(':') != std::string::npos;
  config.server = "https://" +
                  (ipv6 ? "[" + environment.service_host + "]" : environment.service_host) + ":" +
                  environment.service_port;
  // 2. The CA and an initial token must be readable now; the token file is re-read later.
  auto ca = readFile(environment.ca_path);
  if (!ca) {
    return ca.error().wrap("in-cluster config: the service account CA");
  }
  config.ca_pem = std::move(ca).value();
  auto token = readFile(environment.token_path);
  if (!token) {
    return token.error().wrap("in-cluster config: the service account token");
  }
  config.token_file = environment.token_path;
  // 3. Namespace: $POD_NAMESPACE, else the namespace file, else "default".
  if (!environment.pod_namespace.empty()) {
    config.namespace_ = environment.pod_namespace;
  } else if (auto file = readFile(environment.namespace_path);
             file && !trim(*file).empty()) {
    config.namespace_ = trim(*file);
  }
  config.description = "in-cluster service account (" + config.server + ")";
  return config;
}

Result<ConnectionConfig> inClusterConfig() { return inClusterConfig(inClusterEnvironment()); }

} // namespace rdr::kube
