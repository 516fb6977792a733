// The plan's Sentinel step (mode: sentinel): the group's pods and Service, its verdict, and what
// is asked of it.
#include <algorithm>
#include <string>

#include "plan_internal.h"
#include "rdr/api/derived.h"
#include "rdr/api/host_port.h"
#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/pod.h"
#include "rdr/resources/sentinel.h"

namespace rdr::controller::detail {
namespace {

bool sentinelMode(const api::RedisCluster& cluster) {
  return cluster.spec.mode == api::ClusterMode::Sentinel;
}

// "ip:6379" of the recorded primary's pod when it answers as a master: what Sentinels that
// monitor nothing yet are pointed at (bootstrap, a promotion, every Sentinel re-created).
std::optional<std::string> recordedPrimaryAddress(const ClusterObservation& observation) {
  const api::RedisCluster& cluster = observation.cluster;
  const int ordinal = api::podOrdinal(cluster.metadata.name, cluster.status.current_primary).value_or(0);
  const PodObservation* pod = findPod(observation, ordinal);
  if (!pod || pod->pod.deleting || pod->pod.pod_ip.empty() || !pod->node ||
      pod->node->role != replication::NodeRole::Master) {
    return std::nullopt;
  }
  return api::formatHostPort(pod->pod.pod_ip, api::kRedisPort);
}

void addUnique(std::vector<std::string>& into, const std::string& value) {
  if (!value.empty() && std::find(into.begin(), into.end(), value) == into.end()) {
    into.push_back(value);
  }
}

} // namespace

SentinelSettings sentinelSettings(const api::RedisCluster& cluster) {
  const api::SentinelSpec spec = cluster.spec.sentinel.value_or(api::SentinelSpec{});
  return SentinelSettings{api::effectiveMasterName(cluster), spec.quorum,
                          spec.down_after_milliseconds, spec.failover_timeout};
}

std::vector<const PodObservation*> streamingReplicas(const ClusterObservation& observation,
                                                    int primary_ordinal) {
  std::vector<const PodObservation*> replicas;
  const PodObservation* primary = findPod(observation, primary_ordinal);
  if (!primary) {
    return replicas;
  }
  const std::string primary_host =
      resources::podHost(observation.cluster, primary_ordinal, observation.cluster_domain);
  for (const auto& [ordinal, pod] : observation.pods) {
    if (ordinal != primary_ordinal && !pod.pod.deleting && pod.node &&
        pod.node->role == replication::NodeRole::Replica && pod.node->master_link_up &&
        followsPrimary(*pod.node, primary_host, primary->pod.pod_ip)) {
      replicas.push_back(&pod);
    }
  }
  return replicas;
}

bool heldByRestartFence(const replication::NodeState& node) {
  return node.role == replication::NodeRole::Replica &&
         node.master_host == resources::kFencedUpstreamHost &&
         node.master_port == resources::kFencedUpstreamPort;
}

// The Sentinel pods that keep the group from being quiet (rule of SentinelGroup, plan_internal.h).
std::vector<std::string> notQuiet(const ClusterObservation& observation) {
  std::vector<std::string> pods;
  for (const auto& [index, sentinel] : observation.sentinels) {
    const bool never_ran = sentinel.pod.pod_ip.empty() && !sentinel.pod.container_running &&
                           sentinel.pod.restart_count == 0;
    const bool silent = sentinel.answer.reachable && !sentinel.answer.master &&
                        sentinel.answer.other_masters.empty();
    if (sentinel.pod.deleting ? sentinel.pod.container_running : !(never_ran || silent)) {
      pods.push_back(sentinel.pod.name);
    }
  }
  return pods;
}

SentinelGroup planSentinelGroup(const ClusterObservation& observation) {
  SentinelGroup group;
  const api::RedisCluster& cluster = observation.cluster;
  group.not_quiet = notQuiet(observation);
  group.quiet = group.not_quiet.empty();
  if (!sentinelMode(cluster)) {
    group.holding = !group.quiet; // rule 3
    return group;
  }
  group.runs = true;
  const bool following = api::isReplica(cluster) && observation.source.has_value();
  group.following = following;
  std::vector<SentinelObservation> answers;
  std::vector<std::string> current_ips;
  for (const auto& [index, sentinel] : observation.sentinels) {
    if (sentinel.pod.deleting) {
      continue;
    }
    answers.push_back(sentinel.answer);
    addUnique(current_ips, sentinel.pod.pod_ip);
    if (sentinel.answer.master) {
      if (const auto named = api::parseHostPort(*sentinel.answer.master)) {
        addUnique(group.known_ips, named->host);
      }
    }
    for (const std::string& ip : sentinel.answer.known_ips) {
      addUnique(group.known_ips, ip);
    }
  }
  std::vector<std::string> data_ips;
  for (const auto& [ordinal, pod] : observation.pods) {
    if (!pod.pod.deleting) {
      addUnique(current_ips, pod.pod.pod_ip);
      addUnique(data_ips, pod.pod.pod_ip);
    }
  }
  std::vector<std::string> streaming;
  const int primary_ordinal =
      api::podOrdinal(cluster.metadata.name, cluster.status.current_primary).value_or(0);
  for (const PodObservation* replica : streamingReplicas(observation, primary_ordinal)) {
    addUnique(streaming, replica->pod.pod_ip);
  }
  group.decides = !following && !group.quiet; // rules 1 and 2
  group.holding = following && !group.quiet;   // rule 3
  group.plan = planSentinels(answers, SentinelGroupFacts{resources::sentinelInstances(cluster),
                                                         following, recordedPrimaryAddress(observation),
                                                         current_ips, streaming, data_ips,
                                                         sentinelSettings(cluster)});
  if (!observation.auth_secret_ready) {
    // Without the password a Sentinel cannot authenticate to the pods: it is not configured
    // (stopping one that monitors a DR replica needs no password and still happens).
    std::erase_if(group.plan.actions, [](const SentinelAction& action) {
      return !std::holds_alternative<StopMonitoring>(action);
    });
  }
  return group;
}

void planSentinelResources(const ClusterObservation& observation, ClusterPlan& plan) {
  const api::RedisCluster& cluster = observation.cluster;
  const std::string& name = cluster.metadata.name;
  const std::string service = api::sentinelServiceName(name);
  if (!sentinelMode(cluster)) {
    for (const auto& [index, sentinel] : observation.sentinels) {
      if (!sentinel.pod.deleting && sentinel.answer.reachable) {
        // It stops deciding before the operator's own failover rules take over (the data pods
        // wait until every Sentinel is quiet: SentinelGroup rule 3).
        if (sentinel.answer.master) {
          plan.actions.emplace_back(ConfigureSentinel{
              StopMonitoring{sentinel.pod.name, sentinel.pod.pod_ip, ""}, sentinelSettings(cluster)});
        }
        for (const std::string& other : sentinel.answer.other_masters) {
          plan.actions.emplace_back(ConfigureSentinel{
              StopMonitoring{sentinel.pod.name, sentinel.pod.pod_ip, other}, sentinelSettings(cluster)});
        }
      }
      if (!sentinel.pod.deleting) {
        plan.actions.emplace_back(
            DeleteObject{"Pod", sentinel.pod.name, "the cluster is no longer in mode sentinel"});
      }
    }
    if (observation.services.contains(service)) {
      plan.actions.emplace_back(
          DeleteObject{"Service", service, "the cluster is no longer in mode sentinel"});
    }
    return;
  }
  if (!observation.services.contains(service)) {
    plan.actions.emplace_back(CreateObject{resources::buildSentinelService(cluster)});
  }
  const int instances = resources::sentinelInstances(cluster);
  for (const auto& [index, sentinel] : observation.sentinels) {
    if (index >= instances && !sentinel.pod.deleting) {
      plan.actions.emplace_back(DeleteObject{
          "Pod", sentinel.pod.name,
          "scaled down to spec.sentinel.instances=" + std::to_string(instances)});
    }
  }
  for (int index = 0; index < instances; ++index) {
    if (observation.sentinels.contains(index)) {
      continue;
    }
    if (auto pod = resources::buildSentinelPod(cluster, index); pod) {
      plan.actions.emplace_back(CreateObject{*pod});
    }
  }
}

} // namespace rdr::controller::detail
