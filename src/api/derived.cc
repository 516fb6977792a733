// Replication intent, leader and condition wording derived from a RedisCluster's spec + last
// status.
#include "rdr/api/derived.h"

#include "rdr/api/host_port.h"
#include "rdr/api/names.h"
#include "rdr/api/well_known.h"

namespace rdr::api {
namespace {

// Did the last status record a promotion? (rule 4 of replicationIntent)
bool lastStatusPromoted(const RedisClusterStatus& status) {
  const Condition* condition = findCondition(status.conditions, kConditionReplicaMode);
  return condition != nullptr && condition->reason == kReasonReplicaModePromoted;
}

// Is a demotion recorded in the last status still waiting for the leader's full resync?
bool demotionInProgress(const RedisClusterStatus& status) {
  const Condition* condition = findCondition(status.conditions, kConditionReplicaMode);
  if (condition == nullptr || condition->reason != kReasonReplicaModeEnabled ||
      !condition->message.starts_with(kDemotionMessagePrefix)) {
    return false;
  }
  // The resync is over once the leader streams from the source (link up, partial sync).
  const bool streaming = status.replication && status.replication->link_status == LinkStatus::Up &&
                         status.replication->sync_status == SyncStatus::PartialSync;
  return !streaming;
}

} // namespace

ReplicationIntent replicationIntent(const RedisCluster& cluster) {
  if (!isReplicaModeEnabled(cluster.spec)) {
    return ReplicationIntent::Standalone;
  }
  if (cluster.spec.replica_mode->promote) {
    return ReplicationIntent::Promoted;
  }
  if (lastStatusPromoted(cluster.status) || demotionInProgress(cluster.status)) {
    return ReplicationIntent::Demote;
  }
  return ReplicationIntent::FollowSource;
}

std::string_view toString(ReplicationIntent intent) {
  switch (intent) {
  case ReplicationIntent::Standalone:
    return "Standalone";
  case ReplicationIntent::FollowSource:
    return "FollowSource";
  case ReplicationIntent::Promoted:
    return "Promoted";
  case ReplicationIntent::Demote:
    return "Demote";
  }
  return "Unknown";
}

bool isReplicaModeEnabled(const RedisClusterSpec& spec) {
  return spec.replica_mode && spec.replica_mode->enabled;
}

bool isReplica(const RedisCluster& cluster) {
  const ReplicationIntent intent = replicationIntent(cluster);
  return intent == ReplicationIntent::FollowSource || intent == ReplicationIntent::Demote;
}

bool isPromoted(const RedisCluster& cluster) {
  return replicationIntent(cluster) == ReplicationIntent::Promoted;
}

bool isDemotionRequested(const RedisCluster& cluster) {
  return replicationIntent(cluster) == ReplicationIntent::Demote;
}

std::string designatedLeader(const RedisCluster& cluster) {
  const std::string& name = cluster.metadata.name;
  const auto ordinal = podOrdinal(name, cluster.status.current_primary);
  if (ordinal && *ordinal < cluster.spec.instances) {
    return cluster.status.current_primary;
  }
  return podName(name, 0);
}

std::string effectiveMasterName(const RedisCluster& cluster) {
  const auto& sentinel = cluster.spec.sentinel;
  if (sentinel && sentinel->master_name && !sentinel->master_name->empty()) {
    return *sentinel->master_name;
  }
  return cluster.metadata.name;
}

std::string sourceAddress(const RedisClusterSpec& spec) {
  if (!spec.replica_mode || !spec.replica_mode->source) {
    return {};
  }
  return formatHostPort(spec.replica_mode->source->host, spec.replica_mode->source->port);
}

std::string sourceDisplayName(const RedisClusterSpec& spec) {
  if (spec.replica_mode && spec.replica_mode->source &&
      !spec.replica_mode->source->cluster_name.empty()) {
    return spec.replica_mode->source->cluster_name;
  }
  return sourceAddress(spec);
}

Condition replicaModeCondition(const RedisCluster& cluster) {
  Condition condition;
  condition.type = std::string(kConditionReplicaMode);
  condition.observed_generation = cluster.metadata.generation;
  const std::string name = sourceDisplayName(cluster.spec);
  const std::string address = sourceAddress(cluster.spec);
  switch (replicationIntent(cluster)) {
  case ReplicationIntent::Standalone:
    condition.status = ConditionStatus::False;
    condition.reason = std::string(kReasonReplicaModeDisabled);
    condition.message = "Replica mode is not enabled";
    break;
  case ReplicationIntent::FollowSource:
    condition.status = ConditionStatus::True;
    condition.reason = std::string(kReasonReplicaModeEnabled);
    condition.message = "Cluster is replicating from " + name + " (" + address + ")";
    break;
  case ReplicationIntent::Promoted:
    condition.status = ConditionStatus::False;
    condition.reason = std::string(kReasonReplicaModePromoted);
    condition.message = "Cluster promoted to standalone (former source: " + name + ")";
    break;
  case ReplicationIntent::Demote:
    condition.status = ConditionStatus::True;
    condition.reason = std::string(kReasonReplicaModeEnabled);
    condition.message = std::string(kDemotionMessagePrefix) + "replicating from " + name + " (" +
                        address +
                        ") again; writes made while promoted are being discarded by a "
                        "full resync";
    break;
  }
  return condition;
}

} // namespace rdr::api
