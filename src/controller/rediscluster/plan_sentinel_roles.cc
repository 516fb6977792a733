// The plan's role step in mode sentinel: Sentinel's verdict decides the primary (rules in
// plan_internal.h); the operator follows, and re-points only the pods Sentinel will not.
#include <algorithm>
#include <charconv>
#include <string>

#include "plan_internal.h"
#include "rdr/api/host_port.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/boot_role.h"

namespace rdr::controller::detail {
namespace {

using replication::NodeRole;

bool failoverInProgress(const ClusterObservation& observation) {
  return std::any_of(observation.sentinels.begin(), observation.sentinels.end(),
                     [](const auto& entry) { return entry.second.answer.failover_in_progress; });
}

// SENTINEL FAILOVER through one Sentinel that names the primary and knows one of `candidates`
// (IPs of replicas it could promote), unless a Sentinel reports a failover in progress already.
void askForFailover(const ClusterObservation& observation, const SentinelGroup& sentinels,
                    const std::vector<std::string>& candidates, const std::string& why,
                    const std::string& pause_primary_ip, ClusterPlan& plan) {
  // A Sentinel the operator cannot hear may be failing over already (only the leader of a
  // failover reports it): a forced second one could promote another replica.
  const bool every_sentinel_answers =
      std::all_of(observation.sentinels.begin(), observation.sentinels.end(), [](const auto& entry) {
        return entry.second.pod.deleting || entry.second.answer.reachable;
      });
  if (failoverInProgress(observation) || !every_sentinel_answers) {
    return;
  }
  for (const auto& [index, sentinel] : observation.sentinels) {
    const auto& known = sentinel.answer.known_ips;
    const bool knows_one = std::any_of(candidates.begin(), candidates.end(), [&](const auto& ip) {
      return std::find(known.begin(), known.end(), ip) != known.end();
    });
    if (sentinel.answer.reachable && !sentinel.pod.deleting && knows_one &&
        sentinel.answer.master == sentinels.plan.verdict.primary) {
      plan.actions.emplace_back(ConfigureSentinel{
          ForceFailover{sentinel.pod.name, sentinel.pod.pod_ip, why, pause_primary_ip},
          sentinelSettings(observation.cluster)});
      return;
    }
  }
}

// Rule S4 of followSentinels (plan_internal.h).
void restartedPrimaryNamedBySentinels(const ClusterObservation& observation,
                                      const SentinelGroup& sentinels, const PodObservation& primary,
                                      RoleDecision& decision, ClusterPlan& plan) {
  const replication::SentinelVerdict& verdict = sentinels.plan.verdict;
  if (!primary.node || !heldByRestartFence(*primary.node) || verdict.agreeing != verdict.answering) {
    return;
  }
  const auto& known = sentinels.known_ips;
  std::string replicas_ahead;
  std::vector<std::string> candidates;
  for (const auto& [ordinal, pod] : observation.pods) {
    if (ordinal == decision.primary_ordinal || pod.pod.deleting) {
      continue;
    }
    // Whether it answers the operator or not: what counts is that Sentinel could promote it.
    if (std::find(known.begin(), known.end(), pod.pod.pod_ip) != known.end() &&
        (!pod.node || pod.node->replica_priority != 0)) {
      candidates.push_back(pod.pod.pod_ip);
    }
    if (pod.node && pod.node->offset > primary.node->offset) {
      replicas_ahead += (replicas_ahead.empty() ? "" : ", ") + pod.pod.name + " at offset " +
                        std::to_string(pod.node->offset);
    }
  }
  if (candidates.empty() && !failoverInProgress(observation)) { // b
    decision.restore_fenced_primary = true;
    plan.actions.emplace_back(RecordEvent{
        true, "RestoredPrimary",
        decision.primary + " restarted and the Sentinels know no replica to fail over to: it "
        "is a master again at offset " + std::to_string(primary.node->offset) +
            (replicas_ahead.empty() ? " (no replica had processed more)"
                                    : "; replicas that had processed more resynchronise from "
                                      "it: " + replicas_ahead)});
    return;
  }
  askForFailover(observation, sentinels, candidates,
                 decision.primary + " restarted and no longer takes writes", "", plan); // a
}

// The replica-priority a pod below spec.instances runs with: spec.redis's, else Redis' 100.
int wantedPriority(const api::RedisCluster& cluster) {
  for (const char* directive : {"replica-priority", "slave-priority"}) {
    if (const auto it = cluster.spec.redis.find(directive); it != cluster.spec.redis.end()) {
      int priority = 100; // not a number: Redis refuses to start with it anyway
      const std::string& text = it->second;
      std::from_chars(text.data(), text.data() + text.size(), priority);
      return priority;
    }
  }
  return 100;
}

// Rule S5 of followSentinels (plan_internal.h); `primary` answers and Sentinels name it.
void planScaleDownHandOver(const ClusterObservation& observation, const SentinelGroup& sentinels,
                           const PodObservation& primary, const RoleDecision& decision,
                           ClusterPlan& plan) {
  const api::RedisCluster& cluster = observation.cluster;
  const int wanted = wantedPriority(cluster);
  bool surplus_pending = false;
  for (const auto& [ordinal, pod] : observation.pods) { // a
    if (ordinal == decision.primary_ordinal || !pod.node || pod.pod.deleting) {
      continue;
    }
    const int priority = ordinal >= cluster.spec.instances ? 0 : wanted;
    if (pod.node->replica_priority != priority &&
        (priority == 0 || pod.node->replica_priority == 0)) {
      plan.actions.emplace_back(SetReplicaPriority{pod.pod.name, pod.pod.pod_ip, priority});
      surplus_pending = surplus_pending || priority == 0;
    }
  }
  const replication::SentinelVerdict& verdict = sentinels.plan.verdict;
  if (decision.primary_ordinal < cluster.spec.instances || surplus_pending || !primary.node ||
      primary.node->role != NodeRole::Master || verdict.agreeing != verdict.answering) {
    return;
  }
  std::vector<std::string> candidates;
  for (const auto& [ordinal, pod] : observation.pods) {
    if (ordinal < cluster.spec.instances && pod.node && !pod.pod.deleting &&
        pod.node->role == NodeRole::Replica && pod.node->master_link_up &&
        pod.node->replica_priority != 0) {
      candidates.push_back(pod.pod.pod_ip);
    }
  }
  askForFailover(observation, sentinels, candidates,
                 decision.primary + " is beyond spec.instances=" +
                     std::to_string(cluster.spec.instances) + " (a scale-down)",
                 primary.pod.pod_ip, plan); // b
}

} // namespace

void followSentinels(const ClusterObservation& observation, const SentinelGroup& sentinels,
                     RoleDecision& decision, ClusterPlan& plan) {
  const replication::SentinelVerdict& verdict = sentinels.plan.verdict;
  if (verdict.kind != replication::SentinelVerdictKind::Agreed || !verdict.primary) { // S3
    return;
  }
  const auto address = api::parseHostPort(*verdict.primary);
  for (const auto& [ordinal, pod] : observation.pods) {
    if (!address || address->port != api::kRedisPort || pod.pod.deleting ||
        pod.pod.pod_ip != address->host) {
      continue;
    }
    if (ordinal == decision.primary_ordinal) {
      restartedPrimaryNamedBySentinels(observation, sentinels, pod, decision, plan); // S4
      planScaleDownHandOver(observation, sentinels, pod, decision, plan);           // S5
    } else if (!pod.node || pod.node->role == NodeRole::Master) { // S2
      const std::string lost = decision.primary;
      decision.lost_primary = lost;
      decision.primary = pod.pod.name;
      decision.primary_ordinal = ordinal;
      decision.choice_reason = verdict.explanation;
      plan.actions.emplace_back(CountFailover{});
      plan.actions.emplace_back(RecordEvent{
          true, "FailedOver",
          "Sentinel failed over from " + lost + " to " + pod.pod.name + " (" + *verdict.primary +
              "): " + verdict.explanation + "; the operator relabels the pods and follows."});
    }
    return;
  }
  decision.sentinel_names_no_pod = true; // S3
}

void repointUnclaimed(const ClusterObservation& observation, const SentinelGroup& sentinels,
                      const RoleDecision& decision, const PodObservation& primary,
                      const std::string& primary_host, ClusterPlan& plan) {
  const auto& verdict = sentinels.plan.verdict;
  using Kind = replication::SentinelVerdictKind;
  const bool named = verdict.kind == Kind::Agreed && !decision.sentinel_names_no_pod &&
                     verdict.primary == api::formatHostPort(primary.pod.pod_ip, api::kRedisPort);
  if (primary.node->role != NodeRole::Master || !(named || verdict.kind == Kind::Unmonitored)) {
    return;
  }
  const auto& known = sentinels.known_ips;
  const std::string primary_dns =
      resources::podHost(observation.cluster, decision.primary_ordinal, observation.cluster_domain);
  for (const auto& [ordinal, pod] : observation.pods) {
    if (ordinal == decision.primary_ordinal || !pod.node || pod.pod.deleting) {
      continue;
    }
    const bool unknown_master =
        pod.node->role == NodeRole::Master &&
        std::find(known.begin(), known.end(), pod.pod.pod_ip) == known.end();
    const bool lost_replica = pod.node->role == NodeRole::Replica && !pod.node->master_link_up &&
                              !heldByRestartFence(*pod.node) &&
                              !followsPrimary(*pod.node, primary_dns, primary.pod.pod_ip);
    if (heldByRestartFence(*pod.node) || unknown_master || lost_replica) {
      plan.actions.emplace_back(
          FollowPrimary{pod.pod.name, pod.pod.pod_ip, primary_host, api::kRedisPort});
    }
  }
}

} // namespace rdr::controller::detail
