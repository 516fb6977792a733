// Sentinel pods <name>-sentinel-<i> and the <name>-sentinel Service of a cluster in mode: sentinel.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"
#include "rdr/resources/metadata.h"

namespace rdr::resources {

// The shape of a Sentinel pod, which the sandbox's node agent and the controller read:
// - container kSentinelContainer runs command ["sh", "-c", <start script>, "redis-server"], no
//   args; the script writes kSentinelConfPath only when it does not exist yet (a container
//   restart keeps what Sentinel learned and rewrote there), then runs
//   `exec redis-server kSentinelConfPath --sentinel "$@"`;
// - the file monitors nothing: the operator configures monitoring at runtime (SENTINEL MONITOR,
//   SET auth-pass, REMOVE, RESET), so no password is ever in the pod spec, a ConfigMap or a
//   generated file, and no pod has to be re-created when the primary moves;
// - the pod has no environment, no redis.io/role label, and app.kubernetes.io/component=sentinel
//   where data pods have =redis; its data volume is an emptyDir at kSentinelDataDir.
inline constexpr std::string_view kSentinelContainer = "sentinel";
inline constexpr std::string_view kSentinelPortName = "sentinel";
inline constexpr std::string_view kComponentSentinel = "sentinel";
// Sentinel rewrites its configuration file, so it lives in the writable data emptyDir.
inline constexpr std::string_view kSentinelDataDir = "/data";
inline constexpr std::string_view kSentinelConfPath = "/data/sentinel.conf";
// Sentinel saves its state with an fsync'd rewrite and has nothing else to flush.
inline constexpr int kSentinelTerminationGracePeriodSeconds = 10;

// spec.sentinel.instances, or the default (3) when spec.sentinel is absent.
int sentinelInstances(const api::RedisCluster& cluster);

// commonLabels with app.kubernetes.io/component=sentinel: the Service's labels and, plus
// redis.io/instance=<pod name>, the pods'.
Labels sentinelLabels(const api::RedisCluster& cluster);

// The Pod <name>-sentinel-<index>. Internal when the cluster is not in mode: sentinel or the
// index is outside 0..sentinelInstances()-1.
Result<nlohmann::json> buildSentinelPod(const api::RedisCluster& cluster, int index);

// <name>-sentinel: ClusterIP, port sentinel 26379, selects redis.io/cluster=<name> and
// app.kubernetes.io/component=sentinel. Clients (ioredis `sentinels`, redis-py `Sentinel`) find
// the primary through it.
nlohmann::json buildSentinelService(const api::RedisCluster& cluster);

} // namespace rdr::resources
