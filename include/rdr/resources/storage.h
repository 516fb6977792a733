// PersistentVolumeClaims <name>-<ordinal>-data of the data pods.
#pragma once

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"

namespace rdr::resources {

// The PVC of pod <ordinal>: ReadWriteOnce, spec.storage.size, storageClassName when set,
// labelled with redis.io/instance=<pod>. Invalid when spec.storage is absent (pods use an
// emptyDir then) or its size is empty; Internal when the ordinal is outside 0..instances-1.
Result<nlohmann::json> buildPvc(const api::RedisCluster& cluster, int ordinal);

} // namespace rdr::resources
