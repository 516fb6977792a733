// Data pods <name>-<ordinal>: one redis-server each, booted in the role the controller chose.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"
#include "rdr/resources/boot_role.h"

namespace rdr::resources {

// The shape of a data pod, which the sandbox's node agent and the controller read:
// - container kRedisContainer runs command ["sh", "-c", <start script>, "redis-server"] with args
//   [] (a master) or ["--replicaof", <host>, <port>] (a replica, or a DR leader following its
//   source); the script runs `redis-server /etc/redis/redis.conf --requirepass "$REDIS_PASSWORD"
//   [--masterauth "$REDIS_MASTER_PASSWORD"] "$@"`, and on a container restart (kRestartMarker
//   exists) appends `--replicaof kFencedUpstreamHost kFencedUpstreamPort`: the args hold the role
//   of the pod's first start only (pod.cc, "the restart fence");
// - the passwords arrive only as environment variables from secretKeyRef (key "password"):
//   kEnvPassword and kEnvRedisCliAuth from the cluster's auth Secret, kEnvMasterPassword from the
//   Secret of whom the pod follows (absent when that upstream needs no password);
// - the ConfigMap <name>-config is mounted at kConfigMountPath, data at /data.
inline constexpr std::string_view kRedisContainer = "redis";
inline constexpr std::string_view kRedisPortName = "redis";
inline constexpr std::string_view kConfigMountPath = "/etc/redis";
inline constexpr std::string_view kEnvPassword = "REDIS_PASSWORD";
inline constexpr std::string_view kEnvMasterPassword = "REDIS_MASTER_PASSWORD";
// redis-cli reads its password from this variable, so probes never put it on a command line.
inline constexpr std::string_view kEnvRedisCliAuth = "REDISCLI_AUTH";
// Written by the start script in the pod's /tmp emptyDir at the first start of its container.
inline constexpr std::string_view kRestartMarker = "/tmp/redis-dr-started";
// Whom a restarted container follows until the controller gives it its role: an address that
// refuses every connection (port 0), inside the pod.
inline constexpr std::string_view kFencedUpstreamHost = "127.0.0.1";
inline constexpr int kFencedUpstreamPort = 0;
// The redis user of the official image.
inline constexpr int kRedisUserId = 999;
// SIGTERM makes Redis wait up to shutdown-timeout (10 s) for lagging replicas, then fsync the AOF.
inline constexpr int kTerminationGracePeriodSeconds = 60;

// The Pod <name>-<ordinal>, labelled redis.io/role per the boot role, annotated with the
// configHash() of its redis.conf. Invalid when the spec's redis.conf cannot be rendered; Internal
// when the ordinal is outside 0..instances-1 or the boot role breaks its rules (checkBootRole).
Result<nlohmann::json> buildPod(const api::RedisCluster& cluster, int ordinal, const BootRole& role);

} // namespace rdr::resources
