// Shared pieces of the RedisCluster plan (plan*.cc): one decision, split by topic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rdr/controller/cluster_plan.h"
#include "rdr/replication/failure_detection.h"
#include "rdr/replication/leader_choice.h"
#include "rdr/resources/boot_role.h"
#include "rdr/replication/sentinel_view.h"

namespace rdr::controller::detail {

// What plan_roles decided about the primary this round; plan_status words it.
struct RoleDecision {
  std::string primary;  // the pod recorded as currentPrimary after this round
  int primary_ordinal = 0;
  bool established = false; // the primary has been a master since the cluster was created
  replication::PrimaryAssessment assessment;
  std::string lost_primary;    // set when this round chose a new primary
  std::string choice_reason;   // why the new primary, or why none could be chosen
  bool failing_over = false;   // a chosen primary is not a master yet
  bool no_candidate = false;   // the primary failed and nobody can replace it
  bool failover_disabled = false;
  // mode: sentinel: the Sentinels agree on an address that is no pod of this cluster (the
  // recorded primary is kept).
  bool sentinel_names_no_pod = false;
  // mode: sentinel, rule S4b of followSentinels: the restarted primary is made a master again.
  bool restore_fenced_primary = false;
};

// mode: sentinel: what the Sentinel group says and what is asked of it this round.
struct SentinelGroup {
  bool runs = false;      // mode: sentinel
  bool following = false; // ... and the cluster follows a source: its Sentinels monitor nothing
  // Quiet: every Sentinel pod of the cluster is known to monitor nothing, under any name: it
  // answers and monitors nothing, or it never ran (no IP, no restart). A Sentinel pod that does
  // not answer may monitor (a restarting container keeps its file), and so may one still running
  // while it terminates: not quiet. No Sentinel pod at all: quiet.
  // Rules, never two deciders and never none for long:
  // 1. in mode sentinel, not following a source, and not quiet: Sentinel decides local failover
  //    (`decides`; the operator's own failover rules are off);
  // 2. in mode sentinel and quiet (a switch to mode sentinel, a promotion out of replica mode,
  //    every Sentinel re-created): the group can fail over nothing, so the operator's rules go
  //    on until it monitors;
  // 3. following a source (a demotion) or out of mode sentinel, and not quiet: the Sentinels are
  //    told to stop (before anything else), and the data pods wait (`holding`: no failover, no
  //    re-pointing, the recorded primary kept) until the group is quiet.
  bool quiet = true;
  std::vector<std::string> not_quiet; // the Sentinel pods that may still monitor
  bool decides = false;
  bool holding = false;
  SentinelPlan plan;    // its verdict (only when it decides) and the Sentinel actions
  // Every address some Sentinel names or knows for the master (replicas and Sentinels): a
  // master outside it is unknown to Sentinel, so the operator may demote it.
  std::vector<std::string> known_ips;
};

// ConfigMap, generated Secret, Services and PVCs: created when missing, redis.conf kept current.
void planInfrastructure(const ClusterObservation& observation, ClusterPlan& plan);

// Primary health, failover, switchover on scale-down, promotion, re-pointing, labels, and the
// pods to create or delete. In mode: sentinel Sentinel's verdict replaces the operator's failover.
RoleDecision planRoles(const ClusterObservation& observation, const SentinelGroup& sentinels,
                       ClusterPlan& plan);

// phase, counts, instancesStatus and conditions.
void planStatus(const ClusterObservation& observation, const RoleDecision& roles,
                const SentinelGroup& sentinels, ClusterPlan& plan);

// ---------------------------------------------------------------- Sentinels (plan_sentinel_mode.cc)

// The cluster's Sentinel group this round: planSentinels over the observed Sentinel pods.
SentinelGroup planSentinelGroup(const ClusterObservation& observation);

// Sentinel pods and the <name>-sentinel Service: created in mode: sentinel up to
// spec.sentinel.instances, surplus ones deleted; all of them deleted in any other mode.
void planSentinelResources(const ClusterObservation& observation, ClusterPlan& plan);

// ---------------------------------------------------------------- roles in mode sentinel
// (plan_sentinel_roles.cc), while the cluster does not follow a source.

// Rules (replication/sentinel_view.h has the why):
// S1. the operator never promotes a pod itself and never picks a primary while Sentinels run;
// S2. a verdict Agreed on the address of a pod of this cluster that does not answer as a
//     replica makes that pod the primary: recorded first (invariant 2), relabelled, reported;
//     Sentinel already promoted it (it names a promoted replica once it answers as a master).
//     Agreed on a pod that answers as a replica is a view Sentinel has not corrected yet: the
//     recorded primary stays, and Sentinel, finding its master a replica, fails over;
// S3. Agreed on an address that is no pod here (a pod re-created with a new IP), NoQuorum,
//     Disagreed or Unmonitored: the recorded primary stays, and the status says why;
// S4. every answering Sentinel names the primary but its container restarted (the restart
//     fence holds it: it takes no writes, and Sentinel only counts a master reporting the
//     replica role as down after down-after-milliseconds + 20 s):
//     a. another pod answers that the Sentinels know as a replica: one of those Sentinels is
//        asked to fail over now (SENTINEL FAILOVER; Sentinel chooses the replica), unless one
//        reports a failover in progress or a Sentinel pod does not answer (it may be leading a
//        failover already); Sentinel then acts on its own, after down-after + 20 s;
//     b. none (alone, or it died before Sentinel learned its replicas from its INFO, which
//        takes up to 10 s): Sentinel can fail over to nobody, so it is made a master again
//        (REPLICAOF NO ONE), as the Sentinels name it. This is what Redis does without the
//        fence (a master restarts as a master with what it loaded from disk); Event
//        RestoredPrimary says what the replicas held;
// S5. a scale-down:
//     a. pods beyond spec.instances get replica-priority 0 (Sentinel never promotes them; pods
//        below get back spec.redis's replica-priority, else 100, should they have 0);
//     b. then, when the primary itself is beyond spec.instances, is a master that every
//        answering Sentinel names, and a pod below streams from it that the Sentinels know, one
//        Sentinel is asked to fail over (SENTINEL FAILOVER, the primary's writes paused first):
//        Sentinel hands over, the surplus pods then go.
void followSentinels(const ClusterObservation& observation, const SentinelGroup& sentinels,
                     RoleDecision& decision, ClusterPlan& plan);

// Mode sentinel: Sentinel re-points replicas after its failovers and turns a returning old
// master into a replica. The operator re-points only the pods Sentinel will not, and only while
// the primary is a master that the Sentinels name (or, before they monitor anything, the
// recorded one):
// 1. a pod held by the restart fence (Sentinel would leave it for failover-timeout);
// 2. a master whose address no Sentinel knows (a pod re-created with a new IP that booted as a
//    master): never one Sentinel knows, which may be the one it has just promoted;
// 3. a replica whose link is down and that follows another address than the primary's (a pod
//    created while the primary was down follows the lost one; a replica Sentinel did not
//    reconfigure): the same target as Sentinel's, so the two never disagree.
void repointUnclaimed(const ClusterObservation& observation, const SentinelGroup& sentinels,
                      const RoleDecision& decision, const PodObservation& primary,
                      const std::string& primary_host, ClusterPlan& plan);

// The group's settings from spec.sentinel (defaults when absent).
SentinelSettings sentinelSettings(const api::RedisCluster& cluster);

// The pods (not being deleted) that stream from the pod `primary_ordinal`: replicas of it (by
// its DNS name or its IP) with their link up, by name and IP.
std::vector<const PodObservation*> streamingReplicas(const ClusterObservation& observation,
                                                    int primary_ordinal);

// True when the node is a restarted pod held by the restart fence (following nobody).
bool heldByRestartFence(const replication::NodeState& node);

// The observation of the pod with this ordinal, if it exists.
const PodObservation* findPod(const ClusterObservation& observation, int ordinal);

// ---------------------------------------------------------------- candidates (plan_candidates.cc)

// What failure detection needs to know about the recorded primary's pod (nullptr: no pod).
replication::PrimaryFacts primaryFacts(const PodObservation* pod);

// True when the node follows the pod `primary` (by its DNS name or its IP) on the Redis port.
bool followsPrimary(const replication::NodeState& node, const std::string& primary_host,
                    const std::string& primary_ip);

// Who may replace the primary:
// - Unplanned (it failed): every other pod, including pods beyond spec.instances (during a
//   scale-down they may hold the only copy of the data; a later switchover hands back);
// - Planned (a healthy primary hands over): pods below spec.instances that stream from it
//   (link up, no sync running), so the hand-over can catch up instead of losing writes.
enum class Handover { Unplanned, Planned };

std::vector<replication::Candidate> candidates(const ClusterObservation& observation,
                                               int lost_ordinal, Handover handover,
                                               const std::string& lost_host);

// ---------------------------------------------------------------- replica mode (plan_replica.cc)

// True when the node is a replica of the source (by the host as written in the spec).
bool followsSource(const replication::NodeState& node, const SourceState& source);

// The designated leader may follow (or be created following) the source: the source is known,
// inside the allowed networks, and its Secret, if one is named, is readable.
bool sourceUsable(const ClusterObservation& observation);

// How the designated leader boots: a replica of the source, labelled primary.
resources::BootRole leaderBootRole(const ClusterObservation& observation);

// Keeps the reachable designated leader on the source: REPLICAOF the source with its password
// when it follows anything else; a Warning Event when it was a master (a demotion: its local
// writes are discarded by the full resync).
void planLeaderOnSource(const ClusterObservation& observation, const PodObservation& leader,
                        ClusterPlan& plan);

// status.replication of a cluster that follows its source, seen from the designated leader.
api::ReplicationStatus replicationStatus(const ClusterObservation& observation,
                                         const PodObservation* leader);

// Why the leader's link to the source is not healthy, or "" when it streams.
std::string sourceLinkProblem(const ClusterObservation& observation, const PodObservation* leader);

} // namespace rdr::controller::detail
