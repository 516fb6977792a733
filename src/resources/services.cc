// The three Services of a RedisCluster: write endpoint, read endpoint, per-pod DNS names.
#include "rdr/resources/services.h"

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/metadata.h"
#include "rdr/resources/pod.h"

namespace rdr::resources {
namespace {

using nlohmann::json;

// The target port is the number, not the name "redis": simpler for every proxy implementation
// (the sandbox's included) and identical in effect, since every data pod listens on 6379.
json redisPorts() {
  return {{{"name", kRedisPortName},
           {"port", api::kRedisPort},
           {"targetPort", api::kRedisPort},
           {"protocol", "TCP"}}};
}

json service(const api::RedisCluster& cluster, const std::string& name, json spec) {
  spec["ports"] = redisPorts();
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", ownedMetadata(cluster, name, commonLabels(cluster))},
          {"spec", std::move(spec)}};
}

json roleSelector(const api::RedisCluster& cluster, std::string_view role) {
  return {{api::kLabelCluster, cluster.metadata.name}, {api::kLabelRole, role}};
}

} // namespace

json buildLeaderService(const api::RedisCluster& cluster) {
  return service(cluster, api::leaderServiceName(cluster.metadata.name),
                 {{"type", "ClusterIP"}, {"selector", roleSelector(cluster, api::kRolePrimary)}});
}

json buildReplicasService(const api::RedisCluster& cluster) {
  return service(cluster, api::replicasServiceName(cluster.metadata.name),
                 {{"type", "ClusterIP"}, {"selector", roleSelector(cluster, api::kRoleReplica)}});
}

json buildHeadlessService(const api::RedisCluster& cluster) {
  return service(cluster, api::headlessServiceName(cluster.metadata.name),
                 {{"type", "ClusterIP"},
                  {"clusterIP", "None"},
                  {"publishNotReadyAddresses", true},
                  {"selector", {{api::kLabelCluster, cluster.metadata.name}}}});
}

} // namespace rdr::resources
