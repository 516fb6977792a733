// Labels, annotations and owner references shared by every object a RedisCluster owns.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/api/object_meta.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::resources {

using Labels = std::map<std::string, std::string>;

// Annotation on data pods: the configHash() of the redis.conf the pod was built with, so that a
// controller can tell a pod that runs a stale configuration.
inline constexpr std::string_view kAnnotationConfigHash = "redis.io/config-hash";
// Annotation on the generated auth Secret: "true" marks it as created by the operator.
inline constexpr std::string_view kAnnotationGenerated = "redis.io/generated";
// Human-readable description (the annotation Kubernetes itself uses on system objects).
inline constexpr std::string_view kAnnotationDescription = "kubernetes.io/description";

// app.kubernetes.io/name and /component of the Redis data tier (Sentinel pods: sentinel.h).
inline constexpr std::string_view kAppName = "redis";
inline constexpr std::string_view kComponentRedis = "redis";

// Labels on every owned object: redis.io/cluster=<name> plus the recommended app.kubernetes.io/
// labels (name=redis, instance=<cluster>, managed-by=redis-dr-operator, component=redis).
Labels commonLabels(const api::RedisCluster& cluster);

// commonLabels + redis.io/instance=<pod name> (data pods and their PVCs).
Labels instanceLabels(const api::RedisCluster& cluster, int ordinal);

// The controller reference to the cluster: redis.io/v1 RedisCluster <name> <uid>,
// controller=true, blockOwnerDeletion=true, so garbage collection removes what the cluster owns.
api::OwnerReference ownerReference(const api::RedisCluster& cluster);

// metadata of an owned object: name, the cluster's namespace, labels, annotations, owner reference.
nlohmann::json ownedMetadata(const api::RedisCluster& cluster, const std::string& name,
                             Labels labels, std::map<std::string, std::string> annotations = {});

} // namespace rdr::resources
