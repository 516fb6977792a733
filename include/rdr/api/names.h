// Names of the objects a RedisCluster owns; the one place these spellings live.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rdr::api {

struct RedisCluster;

// "<cluster>-<ordinal>": the data pods.
std::string podName(std::string_view cluster, int ordinal);
// The ordinal of "<cluster>-<n>", or nothing when the name is not one of this cluster's pods.
std::optional<int> podOrdinal(std::string_view cluster, std::string_view pod_name);
// "<cluster>-<ordinal>-data": the PVC of a data pod.
std::string pvcName(std::string_view cluster, int ordinal);
// "<cluster>-leader": the write Service that follows the primary.
std::string leaderServiceName(std::string_view cluster);
// "<cluster>-replicas": the read Service over the replicas.
std::string replicasServiceName(std::string_view cluster);
// "<cluster>-headless": the headless Service that gives each pod a DNS name.
std::string headlessServiceName(std::string_view cluster);
// "<cluster>-sentinel-<index>": the Sentinel pods of mode: sentinel. podOrdinal() never takes one
// for a data pod ("sentinel-0" is not a number).
std::string sentinelPodName(std::string_view cluster, int index);
// The index of a Sentinel pod's name ("<cluster>-sentinel-<index>"), or nothing.
std::optional<int> sentinelIndex(std::string_view cluster, std::string_view pod_name);
// "<cluster>-sentinel": the Service clients discover the primary through (port 26379).
std::string sentinelServiceName(std::string_view cluster);
// "<cluster>-config": the ConfigMap holding redis.conf.
std::string configMapName(std::string_view cluster);
// "<cluster>-auth": the generated password Secret, used when spec.authSecret is absent.
std::string generatedAuthSecretName(std::string_view cluster);
// spec.authSecret.name, or the generated Secret's name.
std::string authSecretName(const RedisCluster& cluster);

} // namespace rdr::api
