// Names of the objects a RedisCluster owns.
#include "rdr/api/names.h"

#include <charconv>

#include "rdr/api/redis_cluster.h"

namespace rdr::api {

std::string podName(std::string_view cluster, int ordinal) {
  return std::string(cluster) + "-" + std::to_string(ordinal);
}

std::optional<int> podOrdinal(std::string_view cluster, std::string_view pod_name) {
  if (pod_name.size() <= cluster.size() + 1 || pod_name.substr(0, cluster.size()) != cluster ||
      pod_name[cluster.size()] != '-') {
    return std::nullopt;
  }
  const std::string_view digits = pod_name.substr(cluster.size() + 1);
  if (digits.size() > 1 && digits.front() == '0') {
    return std::nullopt; // "x-01" is not a name podName() produces
  }
  int ordinal = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ordinal);
  if (ec != std::errc() || end != digits.data() + digits.size() || ordinal < 0) {
    return std::nullopt;
  }
  return ordinal;
}

std::string pvcName(std::string_view cluster, int ordinal) {
  return podName(cluster, ordinal) + "-data";
}

std::string leaderServiceName(std::string_view cluster) {
  return std::string(cluster) + "-leader";
}

std::string replicasServiceName(std::string_view cluster) {
  return std::string(cluster) + "-replicas";
}

std::string headlessServiceName(std::string_view cluster) {
  return std::string(cluster) + "-headless";
}

std::string sentinelPodName(std::string_view cluster, int index) {
  return std::string(cluster) + "-sentinel-" + std::to_string(index);
}

std::optional<int> sentinelIndex(std::string_view cluster, std::string_view pod_name) {
  return podOrdinal(std::string(cluster) + "-sentinel", pod_name);
}

std::string sentinelServiceName(std::string_view cluster) {
  return std::string(cluster) + "-sentinel";
}

std::string configMapName(std::string_view cluster) {
  return std::string(cluster) + "-config";
}

std::string generatedAuthSecretName(std::string_view cluster) {
  return std::string(cluster) + "-auth";
}

std::string authSecretName(const RedisCluster& cluster) {
  if (cluster.spec.auth_secret && !cluster.spec.auth_secret->name.empty()) {
    return cluster.spec.auth_secret->name;
  }
  return generatedAuthSecretName(cluster.metadata.name);
}

} // namespace rdr::api
