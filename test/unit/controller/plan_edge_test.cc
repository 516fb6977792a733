// planCluster edge cases from the review: never-linked replicas, restarted empty primaries,
// scale-down during a failover, switchover targets, Terminating masters, malformed Pod JSON.
#include <gtest/gtest.h>

#include <algorithm>

#include "plan_fixture.h"
#include "rdr/controller/pod_view.h"

namespace rdr::controller {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

bool contains(const Lines& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

void crash(PodObservation& pod) {
  pod.node.reset();
  pod.probe_error = "connection refused";
  pod.pod.container_running = false;
  pod.pod.ready = false;
  pod.pod.container_state = "waiting: CrashLoopBackOff";
}

// Redis reports master_link_down_since_seconds:-1 for a replica that never linked since it
// started (a fresh, empty pod): that is not a "recent" link, so its offset 0 must not win over
// a replica holding the data whose link has been down for a while.
TEST(PlanClusterEdge, ANeverLinkedReplicaIsNotPreferredOverOneWithData) {
  ClusterObservation observation = healthyCluster(3, 5000);
  crash(observation.pods[0]);
  observation.pods[1].node = replicaNode(0, 5000, /*link_up=*/false);
  observation.pods[1].node->link_down_since_seconds = 60; // down longer than 10 intervals
  observation.pods[2].node = replicaNode(0, 0, /*link_up=*/false);
  observation.pods[2].node->link_down_since_seconds = -1; // never linked since it booted
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(plan.status.current_primary, "cache-1");
  EXPECT_TRUE(contains(describe(plan.actions), "promote cache-1"));
  EXPECT_FALSE(contains(describe(plan.actions), "promote cache-2"));
}

// The promoted primary's container restarted without persistence: it boots as a replica of its
// stale upstream (its args), empty, with its link down. Promoting it again would make every pod
// holding the data resync from an empty master. Another pod with the data takes over instead.
TEST(PlanClusterEdge, ARestartedEmptyPrimaryIsNotPromotedOverPodsWithTheData) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.status.current_primary = "cache-1";
  observation.pods[0].pod.boots_as_master = false; // re-created as a replica of cache-1
  observation.pods[0].pod.role_label = "replica";
  observation.pods[1].pod.role_label = "primary";
  observation.pods[1].node = replicaNode(0, 0, /*link_up=*/false); // restarted, empty
  observation.pods[1].node->link_down_since_seconds = -1;
  observation.pods[0].node = replicaNode(1, 5000, /*link_up=*/false);
  observation.pods[2].node = replicaNode(1, 5000, /*link_up=*/false);
  const ClusterPlan plan = planCluster(observation);
  const Lines actions = describe(plan.actions);
  EXPECT_FALSE(contains(actions, "promote cache-1")) << "the empty pod is not promoted";
  EXPECT_EQ(plan.status.current_primary, "cache-0");
  EXPECT_TRUE(contains(actions, "promote cache-0"));
  EXPECT_TRUE(contains(actions, "follow cache-2 cache-0"));
  EXPECT_FALSE(contains(actions, "follow cache-1 cache-0")) << "its args already name cache-0";
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::FailingOver);
}

// ... but a recorded primary that is still a replica with as much data as anyone (an operator
// restart between the status write and REPLICAOF NO ONE) is promoted as before.
TEST(PlanClusterEdge, ARecordedPrimaryWithTheMostDataIsStillPromoted) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.status.current_primary = "cache-2";
  observation.cluster.status.phase = api::ClusterPhase::FailingOver;
  observation.pods.erase(0);
  observation.pods[1].node = replicaNode(0, 5000, /*link_up=*/false);
  observation.pods[2].node = replicaNode(0, 5000, /*link_up=*/false);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(plan.status.current_primary, "cache-2");
  EXPECT_TRUE(contains(describe(plan.actions), "promote cache-2"));
}

// Scale 3 -> 1 while the primary is down: the surplus replicas hold the only copies of the data.
// They are not deleted before a primary accepts writes, and one of them takes over.
TEST(PlanClusterEdge, AScaleDownWhileThePrimaryIsDownKeepsTheData) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.spec.instances = 1;
  observation.cluster.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  observation.pvcs = {"cache-0-data", "cache-1-data", "cache-2-data"};
  crash(observation.pods[0]);
  observation.pods[1].node = replicaNode(0, 4900, /*link_up=*/false);
  observation.pods[2].node = replicaNode(0, 5000, /*link_up=*/false);
  const ClusterPlan plan = planCluster(observation);
  const Lines actions = describe(plan.actions);
  EXPECT_EQ(plan.status.current_primary, "cache-2") << "the most advanced pod takes over";
  for (const char* gone : {"delete Pod cache-1", "delete Pod cache-2",
                                  "delete PersistentVolumeClaim cache-1-data",
                                  "delete PersistentVolumeClaim cache-2-data"}) {
    EXPECT_FALSE(contains(actions, gone)) << gone;
  }
}

TEST(PlanClusterEdge, AScaleDownWhileThePrimaryIsSuspectWaits) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.spec.instances = 1;
  observation.pods[0].node.reset();
  observation.pods[0].probes.consecutive_failures = 1;
  const ClusterPlan plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
}

// The primary beyond the new count lost its pod and nobody can replace it yet: its PVC holds the
// data and is kept.
TEST(PlanClusterEdge, TheLostPrimarysPvcIsKeptWhileNobodyReplacesIt) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.spec.instances = 1;
  observation.cluster.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  observation.cluster.status.current_primary = "cache-2";
  observation.pvcs = {"cache-0-data", "cache-1-data", "cache-2-data"};
  observation.pods.erase(2);
  observation.pods.erase(1);
  crash(observation.pods[0]);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_FALSE(contains(describe(plan.actions), "delete PersistentVolumeClaim cache-2-data"));
  EXPECT_FALSE(contains(describe(plan.actions), "delete PersistentVolumeClaim cache-1-data"));
}

// The primary's pod is gone (no PVC) and the replicas that hold the data do not answer this
// round: an empty master in its place would make them resync from it (all data lost) as soon as
// they answer. Nothing is created; the failover happens once one of them answers.
TEST(PlanClusterEdge, NoEmptyPrimaryIsCreatedNextToUnreachablePodsHoldingTheData) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.pods.erase(0);
  for (int ordinal : {1, 2}) {
    observation.pods[ordinal].node.reset();
    observation.pods[ordinal].probe_error = "timeout";
    observation.pods[ordinal].probes.consecutive_failures = 1;
  }
  const ClusterPlan plan = planCluster(observation);
  EXPECT_FALSE(contains(describe(plan.actions), "create Pod cache-0 primary"));
  EXPECT_EQ(plan.status.current_primary, "cache-0");

  // Every pod gone (or only Terminating ones left): nothing to wipe, the primary is re-created.
  observation.pods[1].pod.deleting = true;
  observation.pods[2].pod.deleting = true;
  EXPECT_TRUE(contains(describe(planCluster(observation).actions), "create Pod cache-0 primary"));
  observation.pods.clear();
  EXPECT_TRUE(contains(describe(planCluster(observation).actions), "create Pod cache-0 primary"));
}

// A planned switchover only hands over to a replica that streams from the primary: one whose
// link is down would never catch up, and promoting it anyway loses writes.
TEST(PlanClusterEdge, ASwitchoverTargetsAStreamingReplica) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.spec.instances = 2;
  observation.cluster.status.current_primary = "cache-2";
  observation.pods[2].node = masterNode(5000, 1);
  observation.pods[2].pod.role_label = "primary";
  observation.pods[0].pod.role_label = "replica";
  observation.pods[0].pod.boots_as_master = false;
  observation.pods[0].node = replicaNode(2, 4000, /*link_up=*/false); // lagging, link down
  observation.pods[1].node = replicaNode(2, 3000);                  // streaming
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(plan.status.current_primary, "cache-1");
  EXPECT_TRUE(contains(describe(plan.actions), "switchover cache-2 cache-1"));

  observation.pods[1].node = replicaNode(2, 3000, /*link_up=*/false);
  const ClusterPlan waiting = planCluster(observation);
  EXPECT_EQ(waiting.status.current_primary, "cache-2") << "nobody streams: the primary stays";
  EXPECT_FALSE(contains(describe(waiting.actions), "delete Pod cache-2"));
}

// The operator restarted (or the switchover failed) after recording the new primary of a planned
// hand-over: the old primary is still a reachable master the new one streams from. The hand-over
// is repeated (pause, catch up, promote) rather than a bare promotion next to a live master.
TEST(PlanClusterEdge, AnInterruptedSwitchoverIsResumedAsASwitchover) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.spec.instances = 2;
  observation.cluster.status.current_primary = "cache-1";
  observation.cluster.status.phase = api::ClusterPhase::FailingOver;
  observation.pods[2].node = masterNode(5000, 2);
  observation.pods[0].pod.boots_as_master = false;
  observation.pods[0].node = replicaNode(2, 5000);
  observation.pods[1].node = replicaNode(2, 4990);
  const ClusterPlan plan = planCluster(observation);
  const Lines actions = describe(plan.actions);
  EXPECT_EQ(plan.status.current_primary, "cache-1");
  ASSERT_TRUE(contains(actions, "switchover cache-2 cache-1")) << ::testing::PrintToString(actions);
  const auto switchover = std::find(actions.begin(), actions.end(), "switchover cache-2 cache-1");
  const auto promote = std::find(actions.begin(), actions.end(), "promote cache-1");
  EXPECT_TRUE(promote == actions.end() || promote > switchover);
}

// A Terminating pod whose Redis still answers as a master (a node that lost its kubelet) accepts
// writes from the clients still connected to it: it is fenced by making it follow the primary.
TEST(PlanClusterEdge, ATerminatingPodStillAMasterIsDemoted) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.cluster.status.current_primary = "cache-1";
  observation.pods[1].node = masterNode(6000, 1);
  observation.pods[1].pod.role_label = "primary";
  observation.pods[0].pod.deleting = true;
  observation.pods[0].node = masterNode(5000, 0);
  observation.pods[2].node = replicaNode(1, 6000);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_TRUE(contains(describe(plan.actions), "follow cache-0 cache-1"));
}

// Fields of unexpected types never throw out of viewPod (the reconcile of the whole cluster would
// fail on every round).
TEST(ViewPodEdge, MalformedFieldsDoNotThrow) {
  using nlohmann::json;
  const json pods[] = {
      json("not an object"),
      json{{"metadata", nullptr}},
      json{{"metadata", {{"name", 7}, {"labels", nullptr}, {"annotations", "x"}}}},
      json{{"metadata", {{"name", "cache-1"}, {"labels", {{"redis.io/role", 1}}}}},
           {"spec", {{"containers", {{{"name", "redis"}, {"args", "--replicaof"}}}}}},
           {"status",
            {{"podIP", nullptr},
             {"conditions", {"Ready", nullptr, {{"type", "Ready"}, {"status", true}}}},
             {"containerStatuses",
              {{{"name", "redis"}, {"restartCount", "3"}, {"state", {{"waiting", nullptr}}}}}}}}},
      json{{"metadata", {{"name", "cache-1"}}},
           {"spec", {{"containers", {{{"name", "redis"}, {"args", {"--replicaof", 5, 6379}}}}}}},
           {"status", {{"containerStatuses", {{{"name", "redis"}, {"state", "running"}}}}}}},
  };
  for (const json& pod : pods) {
    EXPECT_NO_THROW(viewPod(pod, "cache")) << pod.dump();
  }
  const PodView view = viewPod(pods[3], "cache");
  EXPECT_EQ(view.name, "cache-1");
  EXPECT_EQ(view.role_label, "");
  EXPECT_FALSE(view.ready);
  EXPECT_EQ(view.container_state, "waiting: unknown");
}

} // namespace
} // namespace rdr::controller
