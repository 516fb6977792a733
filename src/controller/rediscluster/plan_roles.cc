// The plan's role step: primary health, failover, switchover, promotion, re-pointing, labels, pods.
#include <algorithm>
#include <string>
#include <vector>

#include "plan_internal.h"
#include "rdr/api/derived.h"
#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/replication/leader_choice.h"
#include "rdr/resources/boot_role.h"
#include "rdr/resources/pod.h"

namespace rdr::controller::detail {
namespace {

using replication::NodeRole;
using replication::PrimaryVerdict;

constexpr std::string_view kPrimary = "primary";
constexpr std::string_view kReplica = "replica";

bool isPhase(const api::RedisClusterStatus& status, api::ClusterPhase phase) {
  return status.phase && *status.phase == phase;
}

class RolePlanner {
public:
  RolePlanner(const ClusterObservation& observation, const SentinelGroup& sentinels, ClusterPlan& plan)
      : observation_(observation), cluster_(observation.cluster), sentinels_(sentinels), plan_(plan),
        following_(api::isReplica(observation.cluster) && observation.source.has_value()) {}

  RoleDecision run() {
    choosePrimary();
    if (!observation_.auth_secret_ready) {
      return decision_; // without the password nothing can be probed or started safely
    }
    if (sentinels_.holding) {
      return decision_; // Sentinels may still decide: the data pods wait (SentinelGroup rules)
    }
    converge();
    return decision_;
  }

private:
  // Rules, in order:
  // 1. no primary recorded yet: ordinal 0 (bootstrap, nothing to fail over from);
  // 2. while the cluster is Creating (its primary never was a master) there is no failover;
  // 3. a Failed primary is replaced by chooseLeader() when failover is enabled; the choice goes
  //    into status before anything acts on it (invariant 2);
  // In replica mode the "primary" is the designated leader, a replica of the source: rule 4 does
  // not apply, and a hand-over (rule 5) only moves the leader, which then follows the source.
  // 4. a recorded primary that answers as a replica with its link down (its container restarted
  //    from its boot args, possibly empty) is promoted again only when no other pod has processed
  //    more; otherwise it is replaced like a failed one (promoting it would make the pods that
  //    hold the data resync from it);
  // 5. a healthy primary beyond spec.instances (scale-down) hands over to the best pod below it
  //    that streams from it; while none does, it stays;
  // 6. otherwise the recorded primary stays.
  // In mode sentinel, while the cluster does not follow a source, Sentinel decides local
  // failover: once established, followSentinels() replaces rules 3 to 6.
  void choosePrimary() {
    const auto& status = cluster_.status;
    const auto& name = cluster_.metadata.name;
    decision_.primary = status.current_primary;
    std::optional<int> ordinal = api::podOrdinal(name, decision_.primary);
    if (decision_.primary.empty() || !ordinal) { // rule 1
      decision_.primary = api::podName(name, 0);
      decision_.primary_ordinal = 0;
      return;
    }
    decision_.primary_ordinal = *ordinal;
    decision_.established = !status.phase.has_value() ? false
                                                      : !isPhase(status, api::ClusterPhase::Creating) &&
                                                            !isPhase(status, api::ClusterPhase::Failed);
    const PodObservation* current = findPod(observation_, *ordinal);
    decision_.assessment = replication::assessPrimary(primaryFacts(current),
                                                      cluster_.spec.failover.failure_threshold);
    decision_.failing_over = isPhase(status, api::ClusterPhase::FailingOver) &&
                             !(current && current->node && current->node->role == NodeRole::Master);
    if (!decision_.established || !observation_.auth_secret_ready || sentinels_.holding) { // rule 2
      return;
    }
    if (sentinels_.decides) {
      followSentinels(observation_, sentinels_, decision_, plan_);
      return;
    }
    if (decision_.assessment.verdict == PrimaryVerdict::Failed) { // rule 3
      if (!cluster_.spec.failover.enabled) {
        decision_.failover_disabled = true;
        return;
      }
      replaceBy(chooseLeader(candidates(observation_, *ordinal, Handover::Unplanned, "")),
                "failed: " + decision_.assessment.reason, /*planned=*/false);
      return;
    }
    if (decision_.assessment.verdict == PrimaryVerdict::NotMaster && !following_ &&
        cluster_.spec.failover.enabled && !current->node->master_link_up) { // rule 4
      const auto choice = chooseLeader(candidates(observation_, *ordinal, Handover::Unplanned, ""));
      const PodObservation* best =
          choice.chosen ? findPod(observation_, api::podOrdinal(name, *choice.chosen).value_or(-1))
                        : nullptr;
      if (best && best->node && best->node->offset > current->node->offset) {
        replaceBy(choice,
                  "answers as a replica with its link down at offset " +
                      std::to_string(current->node->offset) + ", behind " + best->pod.name,
                  /*planned=*/false);
      }
      return;
    }
    const bool healthy = decision_.assessment.verdict == PrimaryVerdict::Healthy ||
                         (following_ && decision_.assessment.verdict == PrimaryVerdict::NotMaster);
    if (*ordinal >= cluster_.spec.instances && healthy) {
      const auto choice =
          chooseLeader(candidates(observation_, *ordinal, following_ ? Handover::Unplanned : Handover::Planned,
                                  primaryHost()));
      if (choice.chosen) { // rule 5
        replaceBy(choice, "is beyond spec.instances=" + std::to_string(cluster_.spec.instances),
                  /*planned=*/true);
      }
    }
  }

  void replaceBy(const replication::LeaderChoice& choice, const std::string& why, bool planned) {
    const std::string lost = decision_.primary;
    decision_.choice_reason = choice.explanation;
    if (!choice.chosen) {
      decision_.no_candidate = true;
      return;
    }
    const int lost_ordinal = decision_.primary_ordinal;
    decision_.lost_primary = lost;
    decision_.primary = *choice.chosen;
    decision_.primary_ordinal = api::podOrdinal(cluster_.metadata.name, decision_.primary).value_or(0);
    decision_.failing_over = true;
    plan_.actions.emplace_back(CountFailover{});
    plan_.actions.emplace_back(RecordEvent{
        !planned, planned ? "SwitchingOver" : "FailingOver",
        following_ ? "Designated leader " + lost + " " + why + "; the new leader, following the "
                         "source, is " + choice.explanation + "."
                   : "Primary " + lost + " " + why + "; promoting " + choice.explanation + "."});
    if (planned && !following_) {
      const PodObservation* from = findPod(observation_, lost_ordinal);
      const PodObservation* to = findPod(observation_, decision_.primary_ordinal);
      plan_.actions.emplace_back(Switchover{lost, from ? from->pod.pod_ip : "", decision_.primary,
                                            to ? to->pod.pod_ip : "", primaryHost()});
      switching_over_ = true;
    }
  }

  // What replicas follow in mode sentinel: the primary's IP, as Sentinel names it (a replica
  // following a DNS name is "re-pointed" by Sentinel after failover-timeout, a needless
  // reconnection); its DNS name while it has no IP yet, and in every other mode.
  std::string replicaUpstream() const {
    const PodObservation* primary = findPod(observation_, decision_.primary_ordinal);
    if (sentinels_.runs && !sentinels_.following && primary && !primary->pod.pod_ip.empty()) {
      return primary->pod.pod_ip;
    }
    return primaryHost();
  }

  std::string primaryHost() const {
    return resources::podHost(cluster_, decision_.primary_ordinal, observation_.cluster_domain);
  }

  void converge() {
    const PodObservation* primary = findPod(observation_, decision_.primary_ordinal);
    const bool primary_usable = primary && primary->node && !primary->pod.deleting;
    if (following_) {
      if (primary_usable) {
        planLeaderOnSource(observation_, *primary, plan_);
      }
    } else if (primary_usable && primary->node->role == NodeRole::Replica &&
               (!sentinels_.decides || promotesFromSource(*primary) ||
                decision_.restore_fenced_primary)) {
      // In mode sentinel only a promotion out of replica mode (Sentinels monitor nothing yet)
      // and rule S4b are the operator's: any other replica primary waits for Sentinel.
      // A hand-over interrupted after its status write (operator restart, a failed step): the
      // old primary is still a live master that the chosen pod streams from, so the hand-over
      // is repeated (pause, catch up, promote) instead of promoting next to a live master.
      if (const PodObservation* upstream = liveUpstreamMaster(*primary); upstream && !switching_over_) {
        plan_.actions.emplace_back(Switchover{upstream->pod.name, upstream->pod.pod_ip,
                                              decision_.primary, primary->pod.pod_ip, primaryHost()});
        switching_over_ = true;
      }
      plan_.actions.emplace_back(PromotePod{decision_.primary, primary->pod.pod_ip});
      if (promotesFromSource(*primary)) {
        plan_.actions.emplace_back(CountPromotion{});
        plan_.actions.emplace_back(RecordEvent{
            false, "Promoted",
            decision_.primary + " was promoted with REPLICAOF NO ONE: the cluster is a standalone "
            "primary (former source: " + api::sourceDisplayName(cluster_.spec) + ")."});
      } else if (!decision_.restore_fenced_primary) { // that one has its own Event
        plan_.actions.emplace_back(RecordEvent{
            false, "FailedOver",
            decision_.primary + " was promoted and is the primary; the other pods follow it."});
      }
    }
    std::vector<Action> terminating;
    if (primary_usable && sentinels_.decides) {
      repointUnclaimed(observation_, sentinels_, decision_, *primary, replicaUpstream(), plan_);
    } else if (primary_usable) {
      repointOthers(*primary, terminating);
    }
    relabel();
    // In replica mode the leader is "up" when it follows the source (a replica, by design).
    deleteStaleAndSurplus(primary_usable &&
                          (following_ ? followsSource(*primary->node, *observation_.source)
                                      : primary->node->role == NodeRole::Master));
    createMissing();
    for (Action& action : terminating) {
      plan_.actions.push_back(std::move(action));
    }
  }

  // A promotion of a replica-mode cluster: its leader still follows the source.
  bool promotesFromSource(const PodObservation& leader) const {
    return api::isPromoted(cluster_) && observation_.source &&
           followsSource(*leader.node, *observation_.source);
  }

  // The pod the (replica) primary streams from, when it is a live master of this cluster.
  const PodObservation* liveUpstreamMaster(const PodObservation& primary) const {
    if (!primary.node->master_link_up) {
      return nullptr;
    }
    for (const auto& [ordinal, pod] : observation_.pods) {
      if (ordinal != decision_.primary_ordinal && pod.node && pod.node->role == NodeRole::Master &&
          !pod.pod.deleting && pod.pod.container_running &&
          followsPrimary(*primary.node,
                         resources::podHost(cluster_, ordinal, observation_.cluster_domain),
                         pod.pod.pod_ip)) {
        return &pod;
      }
    }
    return nullptr;
  }

  // Every other reachable pod follows the primary (a second master is demoted: invariant 1),
  // including a Terminating pod that still answers as a master (its node lost the kubelet, its
  // clients may still write to it). That one goes last in the plan: it may vanish any moment, and
  // a failed command stops the actions after it (relabelling, re-creating).
  void repointOthers(const PodObservation& primary, std::vector<Action>& terminating) {
    const std::string host = primaryHost();
    for (const auto& [ordinal, pod] : observation_.pods) {
      if (ordinal == decision_.primary_ordinal || !pod.node ||
          (pod.pod.deleting && pod.node->role != NodeRole::Master)) {
        continue;
      }
      if (!followsPrimary(*pod.node, host, primary.pod.pod_ip)) {
        (pod.pod.deleting ? terminating : plan_.actions)
            .emplace_back(FollowPrimary{pod.pod.name, pod.pod.pod_ip, replicaUpstream(), api::kRedisPort});
      }
    }
  }

  // Replicas lose the primary label before the primary gets it, so <name>-leader never selects
  // two pods because of us.
  void relabel() {
    std::vector<Action> primary_label;
    for (const auto& [ordinal, pod] : observation_.pods) {
      if (pod.pod.deleting) {
        continue;
      }
      const bool is_primary = ordinal == decision_.primary_ordinal;
      const std::string_view want = is_primary ? kPrimary : kReplica;
      if (pod.pod.role_label == want) {
        continue;
      }
      Action action = SetPodRoleLabel{pod.pod.name, std::string(want)};
      if (is_primary) {
        primary_label.push_back(std::move(action));
      } else {
        plan_.actions.push_back(std::move(action));
      }
    }
    for (Action& action : primary_label) {
      plan_.actions.push_back(std::move(action));
    }
  }

  // Rules for deleting pods:
  // 1. a pod beyond spec.instances goes, with its PVC, unless it is the primary (rule 5 of
  //    choosePrimary hands over first), and only once the primary is a master (or this plan's
  //    switchover makes it one first): while the primary is down, it may hold the only copy;
  // 2. a pod created before the restart fence (resources/pod.h) that is not the primary but
  //    would boot as a master (its args predate a failover), or in replica mode following the
  //    source (a former leader), is re-created as a replica (invariant 1; one cross-cluster
  //    stream): at once when its process is gone or unreachable past the failure threshold;
  //    when it answers, only after it follows the primary and the primary is a master, so the
  //    re-creation never leaves the cluster without a master. A fenced pod's args are used at
  //    its first start only (a restart boots following nobody), so it is never re-created for
  //    them: that would only cost a resync.
  void deleteStaleAndSurplus(bool primary_is_master) {
    const auto& spec = cluster_.spec;
    const std::string& name = cluster_.metadata.name;
    for (const auto& [ordinal, pod] : observation_.pods) {
      if (ordinal == decision_.primary_ordinal || pod.pod.deleting) {
        continue;
      }
      if (ordinal >= spec.instances) { // rule 1
        if (!primary_is_master && !switching_over_) {
          continue;
        }
        plan_.actions.emplace_back(DeleteObject{"Pod", pod.pod.name, "scaled down"});
        if (observation_.pvcs.contains(api::pvcName(name, ordinal))) {
          plan_.actions.emplace_back(
              DeleteObject{"PersistentVolumeClaim", api::pvcName(name, ordinal), "scaled down"});
        }
        continue;
      }
      // A former designated leader boots following the external source: re-created as a
      // replica of the leader too, or a restart would pull a second cross-cluster full sync.
      const bool boots_from_source = !pod.pod.boots_as_master && observation_.source &&
                                     pod.pod.boot_upstream_host == observation_.source->host;
      if (pod.pod.restarts_fenced || (!pod.pod.boots_as_master && !boots_from_source)) {
        continue;
      }
      const bool dead = !pod.pod.container_running ||
                        (!pod.node && pod.probes.consecutive_failures >= spec.failover.failure_threshold);
      const bool demoted = pod.node && followsPrimary(*pod.node, primaryHost(), "") && primary_is_master;
      if (dead || demoted) { // rule 2
        plan_.actions.emplace_back(DeleteObject{
            "Pod", pod.pod.name,
            std::string(boots_from_source ? "it is not the designated leader but its spec would boot "
                                            "it following the external source"
                                          : "it is not the primary but its spec would boot it as a "
                                            "master") +
                "; it is re-created as a replica of " + decision_.primary});
      }
    }
    for (const std::string& pvc : observation_.pvcs) {
      const auto ordinal = api::podOrdinal(name, pvc.substr(0, pvc.size() - std::string("-data").size()));
      if (pvc.ends_with("-data") && ordinal && *ordinal >= spec.instances &&
          *ordinal != decision_.primary_ordinal && primary_is_master &&
          !observation_.pods.contains(*ordinal)) { // rule 1, for a PVC left without its pod
        plan_.actions.emplace_back(DeleteObject{"PersistentVolumeClaim", pvc, "scaled down"});
      }
    }
  }

  // Missing pods below spec.instances: the primary boots as a master only when it has no data to
  // lose to a replica's resync (bootstrap, failover off, a PVC holding its data, or no other pod
  // left); every other pod boots as a replica of the primary (invariant 1). With failover on and
  // pods that may hold the data not answering yet, the primary's pod waits: an empty master would
  // wipe them by full resync as soon as they answer, while the failover can pick one of them.
  void createMissing() {
    const bool others_may_hold_data =
        std::any_of(observation_.pods.begin(), observation_.pods.end(), [&](const auto& entry) {
          return entry.first != decision_.primary_ordinal && !entry.second.pod.deleting;
        });
    // In replica mode the leader boots following the source, which holds the data: no wait, but
    // never towards a source that is not allowed (or whose password cannot be read), nor while
    // a connection's link is paused (it is created when the link resumes).
    // In mode sentinel the leader's pod always waits for Sentinel's failover when other pods
    // exist: a new master there would be a second one, unknown to Sentinel.
    const bool wait_for_failover =
        !following_ && decision_.established && others_may_hold_data &&
        (sentinels_.decides || (cluster_.spec.failover.enabled && !cluster_.spec.storage));
    for (int ordinal = 0; ordinal < cluster_.spec.instances; ++ordinal) {
      const bool leader = ordinal == decision_.primary_ordinal;
      if (observation_.pods.contains(ordinal) || (leader && wait_for_failover) ||
          (leader && following_ && (!sourceUsable(observation_) || observation_.source->paused))) {
        continue;
      }
      const resources::BootRole role =
          leader ? (following_ ? leaderBootRole(observation_) : resources::BootRole::primary())
                 : resources::BootRole::replicaOf(resources::Upstream{
                       replicaUpstream(), api::kRedisPort, api::authSecretName(cluster_)});
      if (auto pod = resources::buildPod(cluster_, ordinal, role); pod) {
        plan_.actions.emplace_back(CreateObject{*pod});
      }
    }
  }

  const ClusterObservation& observation_;
  const api::RedisCluster& cluster_;
  const SentinelGroup& sentinels_;
  ClusterPlan& plan_;
  RoleDecision decision_;
  bool switching_over_ = false; // this plan hands over with a Switchover action
  const bool following_;        // replica mode: the leader follows the external source
};

} // namespace

RoleDecision planRoles(const ClusterObservation& observation, const SentinelGroup& sentinels,
                       ClusterPlan& plan) {
  return RolePlanner(observation, sentinels, plan).run();
}

} // namespace rdr::controller::detail
