// Pure Service logic: which ports a Service forwards and which pods are its ready endpoints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rdr::sandbox::proxy {

// Where one forwarded connection goes.
struct Backend {
  std::string pod; // pod name, for logs
  std::string ip;
  std::uint16_t port = 0;

  bool operator==(const Backend &) const = default;
  auto operator<=>(const Backend &) const = default;
};

// One TCP port of a Service: listen on `port`, forward to `target_port` (a number, or a container
// port name resolved per pod).
struct ServicePort {
  std::string name;
  std::uint16_t port = 0;
  nlohmann::json target_port; // number or string; null means "same as port"

  bool operator==(const ServicePort &) const = default;
};

// @return the TCP ports of a Service (other protocols and invalid port numbers are skipped).
std::vector<ServicePort> tcpPorts(const nlohmann::json &service);

// @return spec.clusterIP when it is an IPv4 address ("None", "" or missing give "").
std::string clusterIpOf(const nlohmann::json &service);

bool isLoadBalancer(const nlohmann::json &service);

// @return true when the pod has condition Ready=True.
bool isPodReady(const nlohmann::json &pod);

// @return the port a pod serves `target` on: the number itself, or the containerPort of the
// container port with that name; 0 when a name does not resolve.
std::uint16_t resolveTargetPort(const nlohmann::json &pod, const ServicePort &port);

// @return the endpoints of one Service port among `pods` (any namespaces), sorted by pod name.
std::vector<Backend> readyBackends(const nlohmann::json &service, const ServicePort &port,
                                   const std::vector<nlohmann::json> &pods);

} // namespace rdr::sandbox::proxy
