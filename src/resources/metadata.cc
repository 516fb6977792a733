// Labels, annotations and owner references shared by every object a RedisCluster owns.
#include "rdr/resources/metadata.h"

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"

namespace rdr::resources {

Labels commonLabels(const api::RedisCluster& cluster) {
  return {
      {std::string(api::kLabelCluster), cluster.metadata.name},
      {std::string(api::kLabelAppName), std::string(kAppName)},
      {std::string(api::kLabelAppInstance), cluster.metadata.name},
      {std::string(api::kLabelAppManagedBy), std::string(api::kManagerName)},
      {std::string(api::kLabelAppComponent), std::string(kComponentRedis)},
  };
}

Labels instanceLabels(const api::RedisCluster& cluster, int ordinal) {
  Labels labels = commonLabels(cluster);
  labels[std::string(api::kLabelInstance)] = api::podName(cluster.metadata.name, ordinal);
  return labels;
}

api::OwnerReference ownerReference(const api::RedisCluster& cluster) {
  return api::OwnerReference{
      .api_version = std::string(api::kRedisClusterApiVersion),
      .kind = std::string(api::kRedisClusterKind),
      .name = cluster.metadata.name,
      .uid = cluster.metadata.uid,
      .controller = true,
      .block_owner_deletion = true,
  };
}

nlohmann::json ownedMetadata(const api::RedisCluster& cluster, const std::string& name,
                             Labels labels, std::map<std::string, std::string> annotations) {
  api::ObjectMeta meta;
  meta.name = name;
  meta.namespace_ = cluster.metadata.namespace_;
  meta.labels = std::move(labels);
  meta.annotations = std::move(annotations);
  meta.owner_references.push_back(ownerReference(cluster));
  return api::toJson(meta);
}

} // namespace rdr::resources
