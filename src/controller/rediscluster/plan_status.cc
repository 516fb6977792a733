// The plan's status step: phase, counts, instancesStatus and the conditions of api.md.
#include <algorithm>
#include <string>
#include <vector>

#include "plan_internal.h"
#include "rdr/controller/connection_drive.h"
#include "rdr/api/derived.h"
#include "rdr/api/host_port.h"
#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/boot_role.h"
#include "rdr/resources/sentinel.h"

namespace rdr::controller::detail {
namespace {

using api::ClusterPhase;
using api::ConditionStatus;
using replication::NodeRole;

constexpr std::string_view kConditionReady = "Ready";
constexpr std::string_view kConditionPrimaryAvailable = "PrimaryAvailable";
constexpr std::string_view kConditionReplicationHealthy = "ReplicationHealthy";

struct ReplicaHealth {
  int expected = 0;  // pods below spec.instances other than the primary
  int streaming = 0; // reachable, following the primary, link up
  std::vector<std::string> problems;
};

const api::InstanceStatus* previousInstance(const api::RedisClusterStatus& status,
                                            const std::string& name) {
  for (const auto& instance : status.instances_status) {
    if (instance.name == name) {
      return &instance;
    }
  }
  return nullptr;
}

std::vector<api::InstanceStatus> instances(const ClusterObservation& observation,
                                           const RoleDecision& roles, bool following) {
  const PodObservation* primary = findPod(observation, roles.primary_ordinal);
  // Replicas' lag is measured against the primary, or in replica mode the designated leader.
  const std::optional<std::int64_t> primary_offset =
      primary && primary->node && (following || primary->node->role == NodeRole::Master)
          ? std::optional<std::int64_t>(primary->node->offset)
          : std::nullopt;
  std::vector<api::InstanceStatus> result;
  for (const auto& [ordinal, pod] : observation.pods) {
    api::InstanceStatus instance;
    instance.name = pod.pod.name;
    instance.role = ordinal == roles.primary_ordinal ? "primary" : "replica";
    instance.pod_ip = pod.pod.pod_ip;
    instance.ready = pod.pod.ready;
    if (pod.node) {
      instance.replication_offset = pod.node->offset;
      instance.connected_replicas = pod.node->connected_replicas;
      if (pod.node->role == NodeRole::Replica) {
        instance.master_link_status =
            pod.node->master_link_up ? api::LinkStatus::Up : api::LinkStatus::Down;
        if (primary_offset) {
          instance.lag_bytes = std::max<std::int64_t>(0, *primary_offset - pod.node->offset);
        }
      }
    } else if (const auto* previous = previousInstance(observation.cluster.status, instance.name)) {
      // Unreachable: keep the last offset seen rather than pretend it went back to 0.
      instance.replication_offset = previous->replication_offset;
      if (instance.role == "replica") {
        instance.master_link_status = api::LinkStatus::Down;
      }
    }
    result.push_back(std::move(instance));
  }
  return result;
}

ReplicaHealth replicaHealth(const ClusterObservation& observation, const RoleDecision& roles) {
  ReplicaHealth health;
  const std::string host =
      resources::podHost(observation.cluster, roles.primary_ordinal, observation.cluster_domain);
  const PodObservation* primary = findPod(observation, roles.primary_ordinal);
  const std::string primary_ip = primary ? primary->pod.pod_ip : "";
  for (int ordinal = 0; ordinal < observation.cluster.spec.instances; ++ordinal) {
    if (ordinal == roles.primary_ordinal) {
      continue;
    }
    ++health.expected;
    const PodObservation* pod = findPod(observation, ordinal);
    const std::string name = api::podName(observation.cluster.metadata.name, ordinal);
    if (pod == nullptr) {
      health.problems.push_back(name + ": no pod");
    } else if (!pod->node) {
      health.problems.push_back(name + ": not reachable" +
                                (pod->probe_error.empty() ? "" : " (" + pod->probe_error + ")"));
    } else if (pod->node->role != NodeRole::Replica ||
               (pod->node->master_host != host && pod->node->master_host != primary_ip)) {
      health.problems.push_back(name + ": does not follow " + roles.primary + " yet");
    } else if (!pod->node->master_link_up) {
      health.problems.push_back(name + (pod->node->sync_in_progress ? ": full sync in progress"
                                                                     : ": link to the primary is down"));
    } else {
      ++health.streaming;
    }
  }
  return health;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) {
    text += (text.empty() ? "" : "; ") + part;
  }
  return text;
}

// Why the Sentinel group does not watch the primary as it should, or "" (also "" outside mode
// sentinel, and while the cluster follows a source: its Sentinels then monitor nothing by design).
std::string sentinelProblem(const ClusterObservation& observation, const RoleDecision& roles,
                            const SentinelGroup& sentinels, const PodObservation* primary) {
  if (sentinels.holding) {
    std::string pods;
    for (const std::string& pod : sentinels.not_quiet) {
      pods += (pods.empty() ? "" : ", ") + pod;
    }
    return "the data pods wait until every Sentinel monitors nothing (" + pods +
           " may still fail the primary over: it monitors, does not answer, or is terminating)";
  }
  if (!sentinels.runs || sentinels.following) {
    return "";
  }
  const replication::SentinelVerdict& verdict = sentinels.plan.verdict;
  const int configured = resources::sentinelInstances(observation.cluster);
  switch (verdict.kind) {
  case replication::SentinelVerdictKind::NoQuorum:
    return "Sentinel has lost its quorum (" + verdict.explanation +
           "): no failover can happen, and the operator promotes nobody in its place";
  case replication::SentinelVerdictKind::Disagreed:
    return "the Sentinels do not agree on the primary yet (" + verdict.explanation + ")";
  case replication::SentinelVerdictKind::Unmonitored:
    return "the Sentinels are being configured to monitor " + roles.primary + " (" +
           verdict.explanation + ")";
  case replication::SentinelVerdictKind::Agreed:
    break;
  }
  const std::string primary_address =
      primary ? api::formatHostPort(primary->pod.pod_ip, api::kRedisPort) : "";
  if (roles.sentinel_names_no_pod) {
    return "the Sentinels name " + verdict.primary.value_or("") + ", which is no pod of this " +
           "cluster; " + roles.primary + " stays the recorded primary";
  }
  if (verdict.primary != primary_address) {
    return "the Sentinels name " + verdict.primary.value_or("") + ", not the recorded primary " +
           roles.primary + " (yet): it is followed once it answers as a master";
  }
  if (verdict.agreeing < configured) {
    return "not every Sentinel monitors " + roles.primary + " yet (" + verdict.explanation + ")";
  }
  // A Sentinel learns replicas from the primary's INFO (every 10 s): until then it cannot fail
  // over to them.
  for (const auto& [index, sentinel] : observation.sentinels) {
    const auto& known = sentinel.answer.known_ips;
    for (const PodObservation* replica : streamingReplicas(observation, roles.primary_ordinal)) {
      if (sentinel.answer.reachable &&
          std::find(known.begin(), known.end(), replica->pod.pod_ip) == known.end()) {
        return "Sentinel " + sentinel.pod.name + " does not know replica " + replica->pod.name +
               " yet (Sentinels learn replicas from the primary every 10 s)";
      }
    }
  }
  return "";
}

api::Condition condition(const api::RedisCluster& cluster, std::string_view type, bool ok,
                         std::string reason, std::string message) {
  api::Condition result;
  result.type = std::string(type);
  result.status = ok ? ConditionStatus::True : ConditionStatus::False;
  result.reason = std::move(reason);
  result.message = std::move(message);
  result.observed_generation = cluster.metadata.generation;
  return result;
}

} // namespace

void planStatus(const ClusterObservation& observation, const RoleDecision& roles,
                const SentinelGroup& sentinels, ClusterPlan& plan) {
  const api::RedisCluster& cluster = observation.cluster;
  api::RedisClusterStatus& status = plan.status;
  const bool following = api::isReplica(cluster) && observation.source.has_value();
  status.current_primary = roles.primary;
  status.instances_status = instances(observation, roles, following);
  status.ready_instances = static_cast<int>(std::count_if(
      status.instances_status.begin(), status.instances_status.end(),
      [](const api::InstanceStatus& instance) { return instance.ready; }));

  const PodObservation* primary = findPod(observation, roles.primary_ordinal);
  // In replica mode the designated leader is "available" when it answers and follows the source.
  const bool primary_ok =
      primary && primary->node &&
      (following ? followsSource(*primary->node, *observation.source)
                 : primary->node->role == NodeRole::Master);
  const std::string source_problem = following ? sourceLinkProblem(observation, primary) : "";
  const ReplicaHealth replicas = replicaHealth(observation, roles);
  const bool surplus = static_cast<int>(observation.pods.size()) > cluster.spec.instances;
  const std::string sentinel_problem = sentinelProblem(observation, roles, sentinels, primary);
  status.replication = following ? std::optional(replicationStatus(observation, primary)) : std::nullopt;
  const auto& previous = cluster.status.replication;
  if (following && observation.source->resync &&
      (!previous || previous->last_resync != observation.source->resync)) {
    const bool full = *observation.source->resync == api::SyncStatus::FullSync;
    plan.actions.emplace_back(RecordEvent{
        false, "Resynced",
        roles.primary + " is streaming from the source " + observation.source->address +
            (full ? " after a full resync (a whole new copy)" : " after a partial resync") + ": " +
            observation.source->resync_evidence + "."});
  }

  // Phase rules, in order: FailingOver while a chosen primary is not a master (in replica mode:
  // a leader that follows the source) yet; Creating until the primary has first been one;
  // Healthy (Replicating in replica mode: the leader streams from the source) when everything
  // streams; Degraded otherwise.
  ClusterPhase phase = ClusterPhase::Degraded;
  if (roles.failing_over && !primary_ok) {
    phase = ClusterPhase::FailingOver;
  } else if (!roles.established && !primary_ok) {
    phase = ClusterPhase::Creating;
  } else if (primary_ok && source_problem.empty() && replicas.streaming == replicas.expected &&
             !surplus && status.ready_instances == cluster.spec.instances &&
             sentinel_problem.empty()) {
    phase = following ? ClusterPhase::Replicating : ClusterPhase::Healthy;
  }
  status.phase = phase;

  std::string primary_reason = "PrimaryAvailable";
  std::string primary_message =
      following ? roles.primary + " is the designated leader and follows " +
                      api::sourceDisplayName(cluster.spec) + " (" + observation.source->address + ")"
                : roles.primary + " is the primary and accepts writes";
  if (!observation.auth_secret_ready) {
    primary_reason = "AuthSecretUnavailable";
    primary_message = observation.auth_secret_problem;
  } else if (primary_ok) {
    // as initialised
  } else if (phase == ClusterPhase::FailingOver) {
    primary_reason = "FailingOver";
    primary_message = "promoting " + roles.primary +
                      (roles.lost_primary.empty() ? "" : " in place of " + roles.lost_primary) +
                      (roles.choice_reason.empty() ? "" : ": " + roles.choice_reason);
  } else if (phase == ClusterPhase::Creating) {
    primary_reason = "Creating";
    primary_message = "waiting for " + roles.primary + " to start as the primary";
  } else if (roles.no_candidate) {
    primary_reason = "NoFailoverCandidate";
    primary_message = "primary " + roles.primary + " failed (" + roles.assessment.reason +
                      ") and " + roles.choice_reason;
  } else if (roles.failover_disabled) {
    primary_reason = "FailoverDisabled";
    primary_message = "primary " + roles.primary + " failed (" + roles.assessment.reason +
                      ") and spec.failover.enabled is false";
  } else if (sentinels.decides &&
             sentinels.plan.verdict.kind == replication::SentinelVerdictKind::NoQuorum) {
    primary_reason = "SentinelQuorumLost";
    primary_message = "primary " + roles.primary + " is not available (" +
                      roles.assessment.reason + ") and " + sentinel_problem;
  } else {
    primary_reason = "PrimaryUnavailable";
    primary_message = "primary " + roles.primary + " is not available: " + roles.assessment.reason;
    if (sentinels.decides) {
      primary_message += "; Sentinel decides the failover (" + sentinels.plan.verdict.explanation + ")";
    }
  }

  std::string replication_message =
      replicas.expected == 0
          ? "no replicas are configured"
          : std::to_string(replicas.streaming) + " of " + std::to_string(replicas.expected) +
                " replicas stream from " + roles.primary +
                (replicas.problems.empty() ? "" : ": " + joined(replicas.problems));
  if (following) {
    replication_message = (source_problem.empty() ? roles.primary + " streams from the source " +
                                                        observation.source->address
                                                  : source_problem) +
                          "; " + replication_message;
  }
  const bool paused = following && observation.source->paused;
  if (paused) {
    replication_message =
        "the link to the source is paused by " + connectionSourceName(observation.source->connection) +
        " (spec.pause): " + roles.primary + " follows nobody and keeps its replication position" +
        (status.replication ? " at offset " + std::to_string(status.replication->offset) : "") +
        "; its replicas wait for it";
  }
  const bool replication_ok =
      !paused && replicas.streaming == replicas.expected && source_problem.empty();

  std::string ready_message = "the cluster is " + std::string(api::toString(phase));
  if (phase == ClusterPhase::Replicating) {
    ready_message = std::to_string(cluster.spec.instances) + " of " +
                    std::to_string(cluster.spec.instances) + " instances ready, replicating from " +
                    api::sourceDisplayName(cluster.spec) + " through " + roles.primary;
  } else if (phase == ClusterPhase::Healthy) {
    ready_message = std::to_string(cluster.spec.instances) + " of " +
                    std::to_string(cluster.spec.instances) + " instances ready, primary " + roles.primary;
  } else if (!primary_ok) {
    ready_message = primary_message;
  } else if (!replication_ok) {
    ready_message = replication_message;
  } else if (!sentinel_problem.empty()) {
    ready_message = sentinel_problem;
  } else if (surplus) {
    ready_message = "scaling down to " + std::to_string(cluster.spec.instances) + " instances";
  } else {
    ready_message = std::to_string(status.ready_instances) + " of " +
                    std::to_string(cluster.spec.instances) + " instances ready";
  }
  if (sentinels.holding) { // what the whole cluster waits for comes first
    ready_message = sentinel_problem;
  }

  const SystemTime now = observation.now;
  api::setCondition(status.conditions,
                    condition(cluster, kConditionReady,
                              phase == ClusterPhase::Healthy || phase == ClusterPhase::Replicating,
                              std::string(api::toString(phase)), ready_message),
                    now);
  api::setCondition(status.conditions,
                    condition(cluster, kConditionPrimaryAvailable, primary_ok, primary_reason,
                              primary_message),
                    now);
  api::setCondition(status.conditions,
                    condition(cluster, kConditionReplicationHealthy, replication_ok,
                              std::string(replication_ok            ? "ReplicasStreaming"
                                          : paused                  ? api::kReasonLinkPaused
                                          : !source_problem.empty() ? api::kReasonSourceLinkDown
                                                                    : "ReplicasNotStreaming"),
                              replication_message),
                    now);
  // A cluster promoted from a source (replica mode, or a detached ActiveRedisConnection) whose
  // replica mode is then disabled or gone keeps its Promoted condition as history: it was
  // promoted, not "never enabled".
  api::Condition replica_mode = api::replicaModeCondition(cluster);
  const api::Condition* last = api::findCondition(cluster.status.conditions, api::kConditionReplicaMode);
  if (replica_mode.reason == api::kReasonReplicaModeDisabled && last &&
      last->reason == api::kReasonReplicaModePromoted) {
    replica_mode = *last;
  }
  api::setCondition(status.conditions, replica_mode, now);
}

} // namespace rdr::controller::detail
