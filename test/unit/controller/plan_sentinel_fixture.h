// Observations of a RedisCluster in mode: sentinel for the plan's table tests: pods and Sentinels
// with stable IPs, and a healthy cluster whose Sentinels all monitor its primary.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plan_fixture.h"
#include "rdr/api/condition.h"
#include "rdr/api/names.h"

namespace rdr::controller::testing {

// Data pod <ordinal>'s IP (runningPod's) and Redis address; Sentinel pod <index>'s IP.
inline std::string dataIp(int ordinal) { return "127.10.0." + std::to_string(10 + ordinal); }
inline std::string redisAddress(int ordinal) { return dataIp(ordinal) + ":6379"; }
inline std::string sentinelIp(int index) { return "127.10.0." + std::to_string(20 + index); }

// The settings a Sentinel reports once it applied spec.sentinel (defaults: quorum 2, 5000 ms,
// 60000 ms).
inline std::map<std::string, std::string> reportedSettings(const api::RedisCluster& cluster) {
  const api::SentinelSpec spec = cluster.spec.sentinel.value_or(api::SentinelSpec{});
  return SentinelSettings{"cache", spec.quorum, spec.down_after_milliseconds, spec.failover_timeout}
      .reported();
}

// Sentinel pod `index`: running, ready, answering that it monitors `master` (nothing: monitors
// nothing) and knows `known` (replicas and other Sentinels).
inline SentinelPodObservation sentinelPod(const api::RedisCluster& cluster, int index,
                                          std::optional<std::string> master,
                                          std::vector<std::string> known) {
  SentinelPodObservation sentinel;
  sentinel.pod.name = api::sentinelPodName("cache", index);
  sentinel.pod.uid = "uid-sentinel-" + std::to_string(index);
  sentinel.pod.pod_ip = sentinelIp(index);
  sentinel.pod.ready = true;
  sentinel.pod.container_running = true;
  sentinel.pod.container_state = "running";
  sentinel.answer.pod = sentinel.pod.name;
  sentinel.answer.pod_ip = sentinel.pod.pod_ip;
  sentinel.answer.reachable = true;
  if (master) {
    sentinel.answer.master = std::move(master);
    sentinel.answer.known_ips = std::move(known);
    sentinel.answer.settings = reportedSettings(cluster);
  }
  return sentinel;
}

// healthyCluster(instances) in mode: sentinel with `sentinels` Sentinels (spec.sentinel.instances)
// that all monitor cache-0 and know every replica and each other.
inline ClusterObservation sentinelCluster(int instances = 3, int sentinels = 3) {
  ClusterObservation observation = healthyCluster(instances);
  observation.cluster.spec.mode = api::ClusterMode::Sentinel;
  api::SentinelSpec spec;
  spec.instances = sentinels;
  observation.cluster.spec.sentinel = spec;
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  observation.services.insert(api::sentinelServiceName("cache"));
  std::vector<std::string> known;
  for (int ordinal = 1; ordinal < instances; ++ordinal) {
    known.push_back(dataIp(ordinal));
  }
  for (int index = 0; index < sentinels; ++index) {
    known.push_back(sentinelIp(index));
  }
  for (int index = 0; index < sentinels; ++index) {
    observation.sentinels[index] = sentinelPod(observation.cluster, index, redisAddress(0), known);
  }
  return observation;
}

// Every Sentinel names `master` (nothing: monitors nothing, as a new Sentinel does).
inline void everySentinelNames(ClusterObservation& observation, std::optional<std::string> master) {
  for (auto& [index, sentinel] : observation.sentinels) {
    sentinel.answer.master = master;
    if (!master) {
      sentinel.answer.known_ips.clear();
      sentinel.answer.settings.clear();
    }
  }
}

// The Sentinel does not answer (a pod down, a partition).
inline void silence(SentinelPodObservation& sentinel) {
  sentinel.answer.reachable = false;
  sentinel.answer.master.reset();
  sentinel.answer.known_ips.clear();
  sentinel.answer.settings.clear();
}

// The node of a container restarted behind the restart fence: a replica of 127.0.0.1:0.
inline replication::NodeState fencedNode(std::int64_t offset) {
  replication::NodeState node = replicaNode(0, offset, /*link_up=*/false);
  node.master_host = "127.0.0.1";
  node.master_port = 0;
  node.link_down_since_seconds = -1;
  return node;
}

// The pod is gone as far as Redis goes: its process died and the kubelet restarts it.
inline void crash(PodObservation& pod) {
  pod.node.reset();
  pod.probe_error = "connection refused";
  pod.probes.consecutive_failures = 5;
  pod.pod.container_running = false;
  pod.pod.ready = false;
  pod.pod.container_state = "waiting: CrashLoopBackOff";
}

inline const api::Condition* conditionOf(const ClusterPlan& plan, std::string_view type) {
  return api::findCondition(plan.status.conditions, type);
}

// Rule S1: while Sentinel decides, the operator promotes nobody and hands over to nobody.
inline void expectNoPromotionByTheOperator(const ClusterPlan& plan, const std::string& name) {
  for (const Action& action : plan.actions) {
    EXPECT_FALSE(std::holds_alternative<PromotePod>(action)) << name;
    EXPECT_FALSE(std::holds_alternative<Switchover>(action)) << name;
  }
}

} // namespace rdr::controller::testing
