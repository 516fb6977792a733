// The plan's infrastructure step: ConfigMap, generated Secret, Services and PVCs.
#include <string>

#include "plan_internal.h"
#include "rdr/api/names.h"
#include "rdr/resources/storage.h"
#include "rdr/resources/redis_conf.h"
#include "rdr/resources/secret.h"
#include "rdr/resources/services.h"

namespace rdr::controller::detail {

using nlohmann::json;

const PodObservation* findPod(const ClusterObservation& observation, int ordinal) {
  const auto it = observation.pods.find(ordinal);
  return it == observation.pods.end() ? nullptr : &it->second;
}

void planInfrastructure(const ClusterObservation& observation, ClusterPlan& plan) {
  const api::RedisCluster& cluster = observation.cluster;
  if (auto config_map = resources::buildConfigMap(cluster); config_map) {
    const std::string desired = (*config_map)["data"].value(std::string(resources::kRedisConfKey), "");
    if (!observation.redis_conf) {
      plan.actions.emplace_back(CreateObject{*config_map});
    } else if (*observation.redis_conf != desired) {
      plan.actions.emplace_back(
          UpdateConfigMapData{api::configMapName(cluster.metadata.name), (*config_map)["data"]});
    }
  }
  if (observation.generated_password) {
    if (auto secret = resources::buildGeneratedAuthSecret(cluster, *observation.generated_password);
        secret) {
      plan.actions.emplace_back(CreateObject{*secret});
    }
  }
  for (json service : {resources::buildLeaderService(cluster),
                       resources::buildReplicasService(cluster),
                       resources::buildHeadlessService(cluster)}) {
    if (!observation.services.contains(service["metadata"].value("name", ""))) {
      plan.actions.emplace_back(CreateObject{std::move(service)});
    }
  }
  if (!cluster.spec.storage) {
    return;
  }
  for (int ordinal = 0; ordinal < cluster.spec.instances; ++ordinal) {
    if (observation.pvcs.contains(api::pvcName(cluster.metadata.name, ordinal))) {
      continue;
    }
    if (auto pvc = resources::buildPvc(cluster, ordinal); pvc) {
      plan.actions.emplace_back(CreateObject{*pvc});
    }
  }
}

} // namespace rdr::controller::detail
