// Names the API contract fixes: groups, kinds, label keys, condition types and reasons.
#pragma once

#include <string_view>

namespace rdr::api {

// RedisCluster: redis.io/v1
inline constexpr std::string_view kRedisClusterGroup = "redis.io";
inline constexpr std::string_view kRedisClusterVersion = "v1";
inline constexpr std::string_view kRedisClusterApiVersion = "redis.io/v1";
inline constexpr std::string_view kRedisClusterKind = "RedisCluster";
inline constexpr std::string_view kRedisClusterPlural = "redisclusters";

// ActiveRedisConnection: redis.middleware.alauda.io/v1alpha1
inline constexpr std::string_view kConnectionGroup = "redis.middleware.alauda.io";
inline constexpr std::string_view kConnectionVersion = "v1alpha1";
inline constexpr std::string_view kConnectionApiVersion = "redis.middleware.alauda.io/v1alpha1";
inline constexpr std::string_view kConnectionKind = "ActiveRedisConnection";
inline constexpr std::string_view kConnectionPlural = "activeredisconnections";

// Labels on every object a RedisCluster owns (api.md, "Labels, Services, pods").
inline constexpr std::string_view kLabelCluster = "redis.io/cluster";
inline constexpr std::string_view kLabelRole = "redis.io/role";
inline constexpr std::string_view kLabelInstance = "redis.io/instance";
inline constexpr std::string_view kRolePrimary = "primary";
inline constexpr std::string_view kRoleReplica = "replica";
// Recommended Kubernetes labels, for tools that group objects by application.
inline constexpr std::string_view kLabelAppName = "app.kubernetes.io/name";
inline constexpr std::string_view kLabelAppInstance = "app.kubernetes.io/instance";
inline constexpr std::string_view kLabelAppManagedBy = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kLabelAppComponent = "app.kubernetes.io/component";
inline constexpr std::string_view kManagerName = "redis-dr-operator";

// Condition types of RedisCluster (api.md, "status").
inline constexpr std::string_view kConditionReady = "Ready";
inline constexpr std::string_view kConditionPrimaryAvailable = "PrimaryAvailable";
inline constexpr std::string_view kConditionReplicationHealthy = "ReplicationHealthy";
inline constexpr std::string_view kConditionReplicaMode = "ReplicaMode";

// Reasons of the ReplicaMode condition, worded exactly as in the seed documents.
inline constexpr std::string_view kReasonReplicaModeEnabled = "Enabled";
inline constexpr std::string_view kReasonReplicaModePromoted = "Promoted";
inline constexpr std::string_view kReasonReplicaModeDisabled = "Disabled";
// Reason used on Ready=False when the spec cannot be acted on.
inline constexpr std::string_view kReasonInvalidSpec = "InvalidSpec";
// Ready=False: spec.mode is one this version does not run yet (sentinel, cluster).
inline constexpr std::string_view kReasonUnsupportedMode = "UnsupportedMode";
// ReplicationHealthy=False: the leader does not stream from the source, and why.
inline constexpr std::string_view kReasonSourceLinkDown = "SourceLinkDown";
// ReplicationHealthy=False: an ActiveRedisConnection's spec.pause parked the leader on purpose.
inline constexpr std::string_view kReasonLinkPaused = "LinkPaused";

// The password key of every auth Secret (authSecret, source.authSecretName, secretName).
inline constexpr std::string_view kSecretPasswordKey = "password";

// Redis' port inside every data pod, and the Sentinel port.
inline constexpr int kRedisPort = 6379;
inline constexpr int kSentinelPort = 26379;

} // namespace rdr::api
