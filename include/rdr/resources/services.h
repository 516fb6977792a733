// The three Services of a RedisCluster: write endpoint, read endpoint, per-pod DNS names.
#pragma once

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"

namespace rdr::resources {

// <name>-leader: selects redis.io/cluster=<name>, redis.io/role=primary. The stable write
// endpoint; it follows the primary because the controller moves the role label.
nlohmann::json buildLeaderService(const api::RedisCluster& cluster);

// <name>-replicas: selects redis.io/cluster=<name>, redis.io/role=replica. The read endpoint.
nlohmann::json buildReplicasService(const api::RedisCluster& cluster);

// <name>-headless: clusterIP None, selects redis.io/cluster=<name>, and publishes not-ready pods
// so that <pod>.<name>-headless resolves while a replica is still syncing (replicas follow their
// upstream through that name, see podHost()).
nlohmann::json buildHeadlessService(const api::RedisCluster& cluster);

} // namespace rdr::resources
