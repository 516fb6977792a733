// redis.conf of a RedisCluster's data pods and the ConfigMap <name>-config that carries it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"

namespace rdr::resources {

// The ConfigMap key holding the file; pods mount the ConfigMap at kConfigMountPath (pod.h).
inline constexpr std::string_view kRedisConfKey = "redis.conf";
// Where every pod keeps its dataset (AOF, temporary RDB of a full sync).
inline constexpr std::string_view kDataDir = "/data";
// min-replicas-max-lag written with min-replicas-to-write (api.md: default 10 s).
inline constexpr int kMinReplicasMaxLagSeconds = 10;

// Renders redis.conf: the operator's directives, then overridable defaults (diskless replication,
// persistence), then spec.redis in key order. Invalid, naming the directive, when spec.redis sets
// a managed directive, or holds a key that is not a plain word or a value with a line break (which
// would smuggle in further directives): api::checkRedisDirective is the one rule for both. Never contains a password: those come from Secrets through
// the pod's environment (pod.h).
Result<std::string> renderRedisConf(const api::RedisCluster& cluster);

// FNV-1a 64-bit of the text as 16 lower-case hex digits: the pods' config-hash annotation.
std::string configHash(std::string_view redis_conf);

// ConfigMap <name>-config with data["redis.conf"] = renderRedisConf(cluster).
Result<nlohmann::json> buildConfigMap(const api::RedisCluster& cluster);

} // namespace rdr::resources
