// Endpoint selection for Services: selector match, readiness, named target ports.
#include "sandbox/nodeagent/proxy/endpoints.h"

#include <algorithm>

#include "rdr/common/ipv4.h"

namespace rdr::sandbox::proxy {

using nlohmann::json;

namespace {

const json &at(const json &object, std::initializer_list<const char *> path) {
  static const json kNull;
  const json *node = &object;
  for (const char *key : path) {
    if (!node->is_object() || !node->contains(key)) {
      return kNull;
    }
    node = &(*node)[key];
  }
  return *node;
}

std::string stringAt(const json &object, std::initializer_list<const char *> path) {
  const json &value = at(object, path);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool validPort(const json &value) {
  return value.is_number_integer() && value.get<std::int64_t>() > 0 &&
         value.get<std::int64_t>() <= 65535;
}

// A selector given as a map matches when every key/value pair is among the pod's labels.
bool selectorMatches(const json &selector, const json &labels) {
  for (const auto &[key, value] : selector.items()) {
    if (!labels.is_object() || !labels.contains(key) || labels[key] != value) {
      return false;
    }
  }
  return true;
}

} // namespace

std::vector<ServicePort> tcpPorts(const json &service) {
  std::vector<ServicePort> ports;
  const json &list = at(service, {"spec", "ports"});
  if (!list.is_array()) {
    return ports;
  }
  for (const auto &entry : list) {
    const std::string protocol = entry.value("protocol", std::string("TCP"));
    if (protocol != "TCP" || !validPort(entry.value("port", json()))) {
      continue;
    }
    ServicePort port;
    port.name = entry.value("name", std::string());
    port.port = static_cast<std::uint16_t>(entry["port"].get<int>());
    port.target_port = entry.value("targetPort", json());
    ports.push_back(std::move(port));
  }
  return ports;
}

std::string clusterIpOf(const json &service) {
  const std::string ip = stringAt(service, {"spec", "clusterIP"});
  return parseIpv4(ip) ? ip : std::string();
}

bool isLoadBalancer(const json &service) {
  return stringAt(service, {"spec", "type"}) == "LoadBalancer";
}

bool isPodReady(const json &pod) {
  const json &conditions = at(pod, {"status", "conditions"});
  if (!conditions.is_array()) {
    return false;
  }
  return std::any_of(conditions.begin(), conditions.end(), [](const json &condition) {
    return condition.value("type", "") == "Ready" && condition.value("status", "") == "True";
  });
}

std::uint16_t resolveTargetPort(const json &pod, const ServicePort &port) {
  const json &target = port.target_port;
  if (target.is_null()) {
    return port.port;
  }
  if (validPort(target)) {
    return static_cast<std::uint16_t>(target.get<int>());
  }
  if (!target.is_string()) {
    return 0;
  }
  const std::string name = target.get<std::string>();
  const json &containers = at(pod, {"spec", "containers"});
  if (!containers.is_array()) {
    return 0;
  }
  for (const auto &container : containers) {
    for (const auto &container_port : container.value("ports", json::array())) {
      if (container_port.value("name", "") == name &&
          validPort(container_port.value("containerPort", json()))) {
        return static_cast<std::uint16_t>(container_port["containerPort"].get<int>());
      }
    }
  }
  return 0;
}

// A pod is an endpoint of a Service port when all of these hold:
// 1) it is in the Service's namespace and the Service has a non-empty selector that matches
//    every one of its labels (Services without a selector have no endpoints here);
// 2) it is not being deleted (no metadata.deletionTimestamp);
// 3) status.podIP is set and condition Ready is True;
// 4) the target port resolves (a numbered targetPort always does, a named one through
//    spec.containers[].ports[].name).
// The result is sorted by pod name so that round-robin order is stable.
std::vector<Backend> readyBackends(const json &service, const ServicePort &port,
                                   const std::vector<json> &pods) {
  std::vector<Backend> backends;
  const json &selector = at(service, {"spec", "selector"});
  if (!selector.is_object() || selector.empty()) {
    return backends;
  }
  const std::string ns = stringAt(service, {"metadata", "namespace"});
  for (const auto &pod : pods) {
    if (stringAt(pod, {"metadata", "namespace"}) != ns ||
        !selectorMatches(selector, at(pod, {"metadata", "labels"}))) {
      continue;
    }
    if (!at(pod, {"metadata", "deletionTimestamp"}).is_null()) {
      continue;
    }
    const std::string ip = stringAt(pod, {"status", "podIP"});
    if (!parseIpv4(ip) || !isPodReady(pod)) {
      continue;
    }
    const std::uint16_t target = resolveTargetPort(pod, port);
    if (target == 0) {
      continue;
    }
    backends.push_back(Backend{stringAt(pod, {"metadata", "name"}), ip, target});
  }
  std::sort(backends.begin(), backends.end());
  return backends;
}

} // namespace rdr::sandbox::proxy
