// RedisCluster values shared by the resources tests: the golden cases and the integration tests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"

namespace rdr::resources::testing {

// The password handed to the generated-Secret builder in tests; it must never appear in any other
// object, not even base64-encoded.
inline const std::string kGeneratedPassword = "golden-Pa55 \"word\" $HOME";

inline api::RedisCluster makeCluster(std::string name, std::string ns, std::string uid) {
  api::RedisCluster cluster;
  cluster.metadata.name = std::move(name);
  cluster.metadata.namespace_ = std::move(ns);
  cluster.metadata.uid = std::move(uid);
  cluster.metadata.generation = 1;
  return cluster;
}

// A 3-instance standalone cluster with PVCs of a named class, extra redis.conf directives (one of
// which overrides a persistence default) and the operator's generated auth Secret.
inline api::RedisCluster standaloneWithStorage() {
  auto cluster = makeCluster("cache", "apps", "6f1f2c0a-0000-4000-8000-000000000001");
  cluster.spec.instances = 3;
  cluster.spec.storage = api::StorageSpec{"10Gi", "fast-ssd"};
  cluster.spec.redis = {{"maxmemory", "2gb"},
                        {"maxmemory-policy", "allkeys-lru"},
                        {"appendfsync", "always"}};
  return cluster;
}

// Seed 003's dr-redis, as in test/data/seeds/003-dr-redis.yaml: a DR cluster in replica mode.
inline api::RedisCluster seedDrRedis() {
  auto cluster = makeCluster("dr-redis", "production", "6f1f2c0a-0000-4000-8000-000000000003");
  cluster.spec.instances = 3;
  cluster.spec.storage = api::StorageSpec{"100Gi", std::nullopt};
  cluster.spec.auth_secret = api::SecretRef{"dr-redis-auth"};
  cluster.spec.replica_mode = api::ReplicaModeSpec{
      .enabled = true,
      .source = api::ReplicaSourceSpec{.cluster_name = "prod-redis-us-east",
                                       .host = "prod-redis-leader.production.svc.cluster.local",
                                       .port = 6379,
                                       .auth_secret_name = "prod-redis-auth"},
      .promote = false,
  };
  return cluster;
}

// Seed 003's prod-redis, as in test/data/seeds/003-prod-redis.yaml: mode sentinel with the default
// Sentinel settings (no spec.sentinel).
inline api::RedisCluster seedProdRedis() {
  auto cluster = makeCluster("prod-redis", "production", "6f1f2c0a-0000-4000-8000-000000000004");
  cluster.spec.instances = 3;
  cluster.spec.mode = api::ClusterMode::Sentinel;
  cluster.spec.storage = api::StorageSpec{"100Gi", std::nullopt};
  cluster.spec.auth_secret = api::SecretRef{"prod-redis-auth"};
  return cluster;
}

// An emptyDir cluster with minSyncReplicas 1, resources, a nodeSelector and tolerations, whose
// status names pod 1 as the current primary (as after a failover).
inline api::RedisCluster emptyDirWithMinSync() {
  auto cluster = makeCluster("sessions", "web", "6f1f2c0a-0000-4000-8000-000000000002");
  cluster.spec.instances = 3;
  cluster.spec.image_name = "redis:7.2.4";
  cluster.spec.min_sync_replicas = 1;
  cluster.spec.auth_secret = api::SecretRef{"sessions-password"};
  cluster.spec.resources = {{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}},
                            {"limits", {{"memory", "1Gi"}}}};
  cluster.spec.node_selector = {{"kubernetes.io/os", "linux"}, {"node-pool", "redis"}};
  cluster.spec.tolerations = nlohmann::json::array(
      {{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "redis"}, {"effect", "NoSchedule"}}});
  cluster.status.current_primary = "sessions-1";
  return cluster;
}

} // namespace rdr::resources::testing
