// What every pod a RedisCluster owns shares (pod_shape.h).
#include "pod_shape.h"

#include "rdr/resources/pod.h"

namespace rdr::resources::detail {

using nlohmann::json;

json containerSecurityContext() {
  return {{"allowPrivilegeEscalation", false},
          {"capabilities", {{"drop", {"ALL"}}}},
          {"readOnlyRootFilesystem", true},
          {"runAsNonRoot", true}};
}

json podSecurityContext() {
  return {{"runAsNonRoot", true},
          {"runAsUser", kRedisUserId},
          {"runAsGroup", kRedisUserId},
          {"fsGroup", kRedisUserId},
          {"fsGroupChangePolicy", "OnRootMismatch"},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

json execProbe(const std::string& script, int initial_delay, int period, int failures) {
  return {{"exec", {{"command", {"sh", "-c", script}}}},
          {"initialDelaySeconds", initial_delay},
          {"periodSeconds", period},
          {"timeoutSeconds", 5},
          {"failureThreshold", failures},
          {"successThreshold", 1}};
}

json tmpVolume() { return {{"name", "tmp"}, {"emptyDir", {{"sizeLimit", "64Mi"}}}}; }

json tmpVolumeMount() { return {{"name", "tmp"}, {"mountPath", "/tmp"}}; }

void applyScheduling(const api::RedisCluster& cluster, json& pod_spec) {
  if (!cluster.spec.node_selector.empty()) {
    pod_spec["nodeSelector"] = cluster.spec.node_selector;
  }
  if (!cluster.spec.tolerations.is_null() && !cluster.spec.tolerations.empty()) {
    pod_spec["tolerations"] = cluster.spec.tolerations;
  }
  if (!cluster.spec.affinity.is_null() && !cluster.spec.affinity.empty()) {
    pod_spec["affinity"] = cluster.spec.affinity;
  }
}

} // namespace rdr::resources::detail
