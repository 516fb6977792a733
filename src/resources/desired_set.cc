// Everything a RedisCluster owns, built at once from the cluster and the pods' boot roles.
#include "rdr/resources/desired_set.h"

#include "rdr/resources/pod.h"
#include "rdr/resources/redis_conf.h"
#include "rdr/resources/secret.h"
#include "rdr/resources/services.h"
#include "rdr/resources/storage.h"

namespace rdr::resources {

using nlohmann::json;

std::vector<json> DesiredSet::all() const {
  std::vector<json> out;
  out.push_back(config_map);
  if (auth_secret) {
    out.push_back(*auth_secret);
  }
  out.insert(out.end(), services.begin(), services.end());
  out.insert(out.end(), pvcs.begin(), pvcs.end());
  out.insert(out.end(), pods.begin(), pods.end());
  return out;
}

Result<DesiredSet> buildDesiredSet(const api::RedisCluster& cluster,
                                   const DesiredSetInputs& inputs) {
  const auto& meta = cluster.metadata;
  if (meta.name.empty() || meta.namespace_.empty() || meta.uid.empty()) {
    return Error(ErrorCode::Invalid,
                 "metadata: name, namespace and uid are required to build owned objects");
  }
  RDR_RETURN_IF_ERROR(checkBootRoles(cluster, inputs.boot_roles));

  DesiredSet set;
  RDR_ASSIGN_OR_RETURN(set.config_map, buildConfigMap(cluster));
  if (!cluster.spec.auth_secret && inputs.generated_password) {
    RDR_ASSIGN_OR_RETURN(set.auth_secret,
                         buildGeneratedAuthSecret(cluster, *inputs.generated_password));
  }
  set.services = {buildLeaderService(cluster), buildReplicasService(cluster),
                  buildHeadlessService(cluster)};
  for (int i = 0; i < cluster.spec.instances; ++i) {
    if (cluster.spec.storage) {
      RDR_ASSIGN_OR_RETURN(json pvc, buildPvc(cluster, i));
      set.pvcs.push_back(std::move(pvc));
    }
    RDR_ASSIGN_OR_RETURN(json pod, buildPod(cluster, i, inputs.boot_roles[static_cast<size_t>(i)]));
    set.pods.push_back(std::move(pod));
  }
  return set;
}

} // namespace rdr::resources
