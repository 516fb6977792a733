// Builders of RedisCluster observations for the plan's table tests, and a one-line view of actions.
#pragma once

#include <string>
#include <vector>

#include "rdr/api/names.h"
#include "rdr/controller/cluster_plan.h"
#include "rdr/resources/redis_conf.h"

namespace rdr::controller::testing {

inline const SystemTime kNow = SystemTime(std::chrono::seconds(1'800'000'000));
inline const std::string kHeadless = ".cache-headless.apps.svc.cluster.local";

inline api::RedisCluster makeCluster(int instances = 3) {
  api::RedisCluster cluster;
  cluster.metadata.name = "cache";
  cluster.metadata.namespace_ = "apps";
  cluster.metadata.uid = "6f1f2c0a-0000-4000-8000-000000000001";
  cluster.metadata.generation = 2;
  cluster.spec.instances = instances;
  return cluster;
}

// A running, ready pod; `master` pods boot without --replicaof.
inline PodObservation runningPod(int ordinal, bool boots_as_master) {
  PodObservation pod;
  pod.pod.name = "cache-" + std::to_string(ordinal);
  pod.pod.uid = "uid-" + std::to_string(ordinal);
  pod.pod.ordinal = ordinal;
  pod.pod.pod_ip = "127.10.0." + std::to_string(10 + ordinal);
  pod.pod.ready = true;
  pod.pod.container_running = true;
  pod.pod.container_state = "running";
  pod.pod.role_label = boots_as_master ? "primary" : "replica";
  pod.pod.boots_as_master = boots_as_master;
  pod.pod.restarts_fenced = true;
  if (!boots_as_master) {
    pod.pod.boot_upstream_host = "cache-0" + kHeadless;
    pod.pod.boot_upstream_port = 6379;
  }
  return pod;
}

inline replication::NodeState masterNode(std::int64_t offset, int replicas) {
  replication::NodeState node;
  node.role = replication::NodeRole::Master;
  node.offset = offset;
  node.replid = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  node.connected_replicas = replicas;
  return node;
}

inline replication::NodeState replicaNode(int upstream_ordinal, std::int64_t offset, bool link_up = true) {
  replication::NodeState node;
  node.role = replication::NodeRole::Replica;
  node.master_host = "cache-" + std::to_string(upstream_ordinal) + kHeadless;
  node.master_port = 6379;
  node.master_link_up = link_up;
  if (!link_up) {
    node.link_down_since_seconds = 2;
  }
  node.offset = offset;
  node.replid = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  return node;
}

// An established, healthy cluster: cache-0 primary at `offset`, the others streaming from it.
inline ClusterObservation healthyCluster(int instances = 3, std::int64_t offset = 1000) {
  ClusterObservation observation;
  observation.cluster = makeCluster(instances);
  observation.cluster.status.current_primary = "cache-0";
  observation.cluster.status.phase = api::ClusterPhase::Healthy;
  observation.now = kNow;
  observation.auth_secret_ready = true;
  for (int ordinal = 0; ordinal < instances; ++ordinal) {
    PodObservation pod = runningPod(ordinal, ordinal == 0);
    pod.node = ordinal == 0 ? masterNode(offset, instances - 1) : replicaNode(0, offset);
    observation.pods[ordinal] = pod;
  }
  observation.services = {"cache-leader", "cache-replicas", "cache-headless"};
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  return observation;
}

// The actions as short strings, e.g. "promote cache-2", "follow cache-1 cache-2", "label cache-0
// replica", "delete Pod cache-0", "create Pod cache-1 replica-of cache-0", "event Warning
// FailingOver", "sentinel monitor cache-sentinel-0 127.10.0.10:6379", "sentinel failover
// cache-sentinel-1".
std::vector<std::string> describe(const std::vector<Action>& actions);

} // namespace rdr::controller::testing
