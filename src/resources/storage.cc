// PersistentVolumeClaims <name>-<ordinal>-data of the data pods.
#include "rdr/resources/storage.h"

#include "rdr/api/names.h"
#include "rdr/resources/metadata.h"

namespace rdr::resources {

using nlohmann::json;

Result<json> buildPvc(const api::RedisCluster& cluster, int ordinal) {
  if (ordinal < 0 || ordinal >= cluster.spec.instances) {
    return Error(ErrorCode::Internal, "PVC ordinal " + std::to_string(ordinal) +
                                          " is outside 0.." +
                                          std::to_string(cluster.spec.instances - 1));
  }
  if (!cluster.spec.storage || cluster.spec.storage->size.empty()) {
    return Error(ErrorCode::Invalid, "spec.storage.size: required for a PersistentVolumeClaim");
  }
  const auto& storage = *cluster.spec.storage;
  json spec = {{"accessModes", {"ReadWriteOnce"}},
               {"resources", {{"requests", {{"storage", storage.size}}}}}};
  if (storage.storage_class_name) {
    spec["storageClassName"] = *storage.storage_class_name;
  }
  return json{{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata", ownedMetadata(cluster, api::pvcName(cluster.metadata.name, ordinal),
                                         instanceLabels(cluster, ordinal))},
              {"spec", std::move(spec)}};
}

} // namespace rdr::resources
