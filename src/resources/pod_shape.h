// What every pod a RedisCluster owns shares (data pods, Sentinel pods): the restricted security
// profile, exec probes, the small /tmp volume and scheduling from the spec. Internal to resources.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"

namespace rdr::resources::detail {

// The container's: no privilege escalation, every capability dropped, read-only root, non-root.
nlohmann::json containerSecurityContext();

// The pod's: the redis user of the official image, fsGroup for the volumes, RuntimeDefault seccomp.
nlohmann::json podSecurityContext();

// `sh -c <script>` every `period` seconds after `initial_delay`, 5 s timeout, failing after
// `failures` in a row.
nlohmann::json execProbe(const std::string& script, int initial_delay, int period, int failures);

// The emptyDir "tmp" (64 Mi), mounted at /tmp: the only writable place besides the data dir
// under a read-only root (the restart fence's marker, shells and kubectl exec tools).
nlohmann::json tmpVolume();
nlohmann::json tmpVolumeMount();

// spec.nodeSelector, tolerations and affinity onto a pod spec, when set.
void applyScheduling(const api::RedisCluster& cluster, nlohmann::json& pod_spec);

} // namespace rdr::resources::detail
