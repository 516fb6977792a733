// planCluster in replica mode as tables: bootstrap towards the source, steady streaming, promote,
// demote, leader loss, and a source that is unusable.
#include <gtest/gtest.h>

#include "plan_fixture.h"
#include "rdr/api/condition.h"

namespace rdr::controller {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

const std::string kSource = "127.0.11.5";

// A DR cluster streaming from kSource: cache-0 is the designated leader (a replica of the source),
// cache-1 and cache-2 follow it; the source is a master at `source_offset`.
ClusterObservation replicatingCluster(std::int64_t source_offset = 5000, std::int64_t offset = 4000) {
  ClusterObservation observation = healthyCluster(3, offset);
  observation.cluster.spec.replica_mode =
      api::ReplicaModeSpec{true, api::ReplicaSourceSpec{"prod-redis-us-east", kSource, 6379, "prod-auth"}, false};
  observation.cluster.status.phase = api::ClusterPhase::Replicating;
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  PodObservation& leader = observation.pods[0];
  leader.pod.boots_as_master = false;
  leader.pod.boot_upstream_host = kSource;
  leader.node = replicaNode(0, offset);
  leader.node->master_host = kSource;
  leader.node->connected_replicas = 2;
  SourceState source;
  source.host = kSource;
  source.address = kSource + ":6379";
  source.node = masterNode(source_offset, 1);
  observation.source = source;
  return observation;
}

// The node of a restarted container behind the restart fence: a replica of 127.0.0.1:0.
replication::NodeState fencedNode(std::int64_t offset) {
  replication::NodeState node = replicaNode(0, offset, /*link_up=*/false);
  node.master_host = "127.0.0.1";
  node.master_port = 0;
  node.link_down_since_seconds = -1;
  return node;
}

// The state after a promotion: cache-0 was promoted and the cluster is Healthy.
void promoted(ClusterObservation& observation, std::int64_t offset) {
  observation.cluster.spec.replica_mode->promote = true;
  observation.cluster.status.phase = api::ClusterPhase::Healthy;
  observation.cluster.status.replication.reset();
  observation.pods[0].node = masterNode(offset, 2);
}

const api::Condition* condition(const ClusterPlan& plan, std::string_view type) {
  return api::findCondition(plan.status.conditions, type);
}

TEST(PlanReplicaMode, BootstrapPointsTheLeaderAtTheSourceAndTheOthersAtTheLeader) {
  ClusterObservation observation = replicatingCluster();
  observation.cluster.status = {};
  observation.pods.clear();
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"create Pod cache-0 replica-of " + kSource, "create Pod cache-1 replica-of cache-0",
                   "create Pod cache-2 replica-of cache-0"}));
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Creating);
  EXPECT_EQ(condition(plan, "ReplicaMode")->message,
            "Cluster is replicating from prod-redis-us-east (127.0.11.5:6379)");
}

TEST(PlanReplicaMode, AStreamingClusterIsReplicatingWithTheRealLag) {
  const ClusterPlan plan = planCluster(replicatingCluster(5000, 4000));
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Replicating);
  ASSERT_TRUE(plan.status.replication.has_value());
  const api::ReplicationStatus& replication = *plan.status.replication;
  EXPECT_EQ(replication.source, "127.0.11.5:6379");
  EXPECT_EQ(replication.link_status, api::LinkStatus::Up);
  EXPECT_EQ(replication.sync_status, api::SyncStatus::PartialSync);
  EXPECT_EQ(replication.upstream_offset, 5000);
  EXPECT_EQ(replication.offset, 4000);
  EXPECT_EQ(replication.lag_bytes, 1000);
  EXPECT_EQ(condition(plan, "Ready")->status, api::ConditionStatus::True);
  EXPECT_EQ(condition(plan, "ReplicationHealthy")->message,
            "cache-0 streams from the source 127.0.11.5:6379; 2 of 2 replicas stream from cache-0");
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->message,
            "cache-0 is the designated leader and follows prod-redis-us-east (127.0.11.5:6379)");
  EXPECT_EQ(condition(plan, "ReplicaMode")->reason, "Enabled");
  EXPECT_EQ(plan.status.current_primary, "cache-0");
}

struct Case {
  const char* name;
  std::function<void(ClusterObservation&)> arrange;
  Lines actions;
  api::ClusterPhase phase;
};

TEST(PlanReplicaMode, Transitions) {
  const Case cases[] = {
      {"a leader that follows nobody is pointed at the source with its password",
       [](auto& o) { o.pods[0].node = masterNode(4000, 2); },
       {"event Warning Demoted", "follow cache-0 127.0.11.5 (source)"}, api::ClusterPhase::Degraded},
      {"a full sync in progress is not Replicating yet",
       [](auto& o) {
         o.pods[0].node->sync_in_progress = true;
         o.pods[0].node->master_link_up = false;
       },
       {}, api::ClusterPhase::Degraded},
      {"promote: the leader runs REPLICAOF NO ONE, the others already follow it",
       [](auto& o) { o.cluster.spec.replica_mode->promote = true; },
       {"promote cache-0", "count promotion", "event Normal Promoted"}, api::ClusterPhase::Degraded},
      {"an unreachable source is reported, nothing is promoted or deleted",
       [](auto& o) {
         o.source->node.reset();
         o.source->problem = "the source 127.0.11.5:6379 is not reachable: connection refused";
         o.pods[0].node->master_link_up = false;
         o.pods[0].node->link_down_since_seconds = 5;
       },
       {}, api::ClusterPhase::Degraded},
      {"a lost leader is replaced by the best replica, which follows the source",
       [](auto& o) {
         o.pods[0].node.reset();
         o.pods[0].pod.container_running = false;
         o.pods[0].pod.container_state = "waiting: CrashLoopBackOff";
         o.pods[2].node->offset = 4100;
       },
       {"count failover", "event Warning FailingOver", "follow cache-2 127.0.11.5 (source)",
        "follow cache-1 cache-2", "label cache-0 replica", "label cache-2 primary"},
       api::ClusterPhase::FailingOver},
      {"a lost leader built before the restart fence is re-created as a replica",
       [](auto& o) {
         o.pods[0].node.reset();
         o.pods[0].pod.container_running = false;
         o.pods[0].pod.restarts_fenced = false;
         o.pods[2].node->offset = 4100;
       },
       {"count failover", "event Warning FailingOver", "follow cache-2 127.0.11.5 (source)",
        "follow cache-1 cache-2", "label cache-0 replica", "label cache-2 primary",
        "delete Pod cache-0"},
       api::ClusterPhase::FailingOver},
      {"a leader restarted behind the fence is pointed at the source again, without a Demoted "
       "event",
       [](auto& o) { o.pods[0].node = fencedNode(4000); },
       {"follow cache-0 127.0.11.5 (source)"}, api::ClusterPhase::Degraded},
      {"a promoted leader restarted empty behind the fence: the replica holding the promoted "
       "writes takes over and nothing follows the source",
       [](auto& o) {
         promoted(o, 6000);
         o.pods[0].node = fencedNode(0);
         o.pods[1].node = replicaNode(0, 6000, /*link_up=*/false);
         o.pods[2].node = replicaNode(0, 5990, /*link_up=*/false);
       },
       {"count failover", "event Warning FailingOver", "promote cache-1",
        "event Normal FailedOver", "follow cache-0 cache-1", "follow cache-2 cache-1",
        "label cache-0 replica", "label cache-1 primary"},
       api::ClusterPhase::FailingOver},
      {"a promoted leader restarted with all its data behind the fence is promoted again",
       [](auto& o) {
         promoted(o, 6000);
         o.pods[0].node = fencedNode(6000);
         o.pods[1].node = replicaNode(0, 6000, /*link_up=*/false);
         o.pods[2].node = replicaNode(0, 6000, /*link_up=*/false);
       },
       {"promote cache-0", "event Normal FailedOver"}, api::ClusterPhase::Degraded},
      {"a missing leader pod waits for a readable source Secret",
       [](auto& o) {
         o.pods.erase(0);
         o.source->secret_ready = false;
         o.source->secret_problem = "the Secret prod-auth named by replicaMode.source.authSecretName "
                                    "does not exist in namespace apps";
         o.cluster.status.phase = api::ClusterPhase::Creating;
       },
       {}, api::ClusterPhase::Creating},
  };
  for (const Case& c : cases) {
    ClusterObservation observation = replicatingCluster();
    c.arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
    EXPECT_EQ(plan.status.phase, c.phase) << c.name << ": got " << api::toString(*plan.status.phase);
  }
}

// An ActiveRedisConnection with spec.pause: the leader follows nobody (read-only, keeping its
// replication ID and offset), without contacting the source; nothing is discarded.
TEST(PlanReplicaMode, APausedConnectionParksTheLeaderAndSaysSo) {
  ClusterObservation observation = replicatingCluster(5000, 4000);
  observation.source->connection = "c6-dest-conn";
  observation.source->paused = true;
  observation.source->node.reset();
  ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions), (Lines{"follow cache-0 127.0.0.1"}));

  observation.pods[0].node = fencedNode(4000);
  observation.pods[0].node->replid = "ssssssssssssssssssssssssssssssssssssssss";
  observation.pods[1].node->master_link_up = false; // a replica cannot sync from a leader
  observation.pods[2].node->master_link_up = false; // without its own link
  plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  const api::Condition* health = condition(plan, "ReplicationHealthy");
  EXPECT_EQ(health->reason, "LinkPaused");
  EXPECT_EQ(health->message,
            "the link to the source is paused by ActiveRedisConnection c6-dest-conn (spec.pause): "
            "cache-0 follows nobody and keeps its replication position at offset 4000; its "
            "replicas wait for it");
  ASSERT_TRUE(plan.status.replication.has_value());
  EXPECT_EQ(plan.status.replication->link_status, api::LinkStatus::Down);
  EXPECT_EQ(plan.status.replication->offset, 4000);
  EXPECT_EQ(plan.status.replication->replication_id, "ssssssssssssssssssssssssssssssssssssssss");
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Degraded);

  observation.source->paused = false; // resume: back to the source, with its password
  observation.source->node = masterNode(5000, 1);
  EXPECT_EQ(describe(planCluster(observation).actions),
            (Lines{"follow cache-0 127.0.11.5 (source)"}));
}

// An ActiveRedisConnection's source outside --allowed-source-networks is a link problem: the
// target cluster is still served (not refused as a whole), and its leader is not pointed there.
TEST(PlanReplicaMode, AConnectionSourceNotAllowedIsALinkProblemNotARefusal) {
  ClusterObservation observation = replicatingCluster();
  observation.source->connection = "c6-dest-conn";
  observation.source->allowed = false;
  observation.source->node.reset();
  observation.source->problem = "the source 10.0.0.1:6379 resolves outside --allowed-source-networks";
  observation.pods[0].node = masterNode(4000, 2);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_FALSE(plan.spec_refused);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(condition(plan, "ReplicationHealthy")->reason, "SourceLinkDown");
}

// Deleting the driving ActiveRedisConnection: the leader is promoted first; the finalizer goes
// only once the leader was seen as a master (planDetach rules), or at once for a refused spec.
TEST(PlanReplicaMode, ADetachFinishesOnceTheLeaderIsAMaster) {
  ClusterObservation observation = replicatingCluster();
  observation.cluster.spec.replica_mode->promote = true; // drivenCluster() of a deleted connection
  observation.source->connection = "cache-conn";
  observation.source->detaching = true;
  EXPECT_EQ(describe(planCluster(observation).actions),
            (Lines{"promote cache-0", "count promotion", "event Normal Promoted"}));

  observation.pods[0].node = masterNode(4000, 2);
  observation.pods[1].node = replicaNode(0, 4000);
  observation.pods[2].node = replicaNode(0, 4000);
  const ClusterPlan done = planCluster(observation);
  EXPECT_EQ(describe(done.actions), (Lines{"finish detach cache-conn"}));
  EXPECT_EQ(std::get<FinishDetach>(done.actions.back()).message,
            "RedisCluster cache is detached from 127.0.11.5:6379: cache-0 ran REPLICAOF NO ONE and "
            "accepts writes as an independent primary.");

  observation.cluster.spec.mode = api::ClusterMode::Cluster; // refused: never followed anything
  const ClusterPlan refused = planCluster(observation);
  EXPECT_TRUE(refused.spec_refused);
  EXPECT_EQ(describe(refused.actions), (Lines{"finish detach cache-conn"}));
}

TEST(PlanReplicaMode, PromotedStatusSaysSoAndDropsTheLink) {
  ClusterObservation observation = replicatingCluster();
  observation.cluster.spec.replica_mode->promote = true;
  observation.pods[0].node = masterNode(4000, 2);
  observation.pods[1].node = replicaNode(0, 4000);
  observation.pods[2].node = replicaNode(0, 4000);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Healthy);
  EXPECT_FALSE(plan.status.replication.has_value());
  EXPECT_EQ(condition(plan, "ReplicaMode")->reason, "Promoted");
  EXPECT_EQ(condition(plan, "ReplicaMode")->message,
            "Cluster promoted to standalone (former source: prod-redis-us-east)");
}

TEST(PlanReplicaMode, AnUnusableSourceSaysWhatIsWrong) {
  ClusterObservation observation = replicatingCluster();
  observation.source->node.reset();
  observation.source->problem =
      "the source 127.0.11.5:6379 refuses the password in Secret prod-auth";
  observation.pods[0].node->master_link_up = false;
  const ClusterPlan plan = planCluster(observation);
  const api::Condition* health = condition(plan, "ReplicationHealthy");
  ASSERT_NE(health, nullptr);
  EXPECT_EQ(health->status, api::ConditionStatus::False);
  EXPECT_EQ(health->reason, "SourceLinkDown");
  EXPECT_NE(health->message.find("refuses the password in Secret prod-auth"), std::string::npos)
      << health->message;
  ASSERT_TRUE(plan.status.replication.has_value());
  EXPECT_EQ(plan.status.replication->link_status, api::LinkStatus::Down);
  EXPECT_FALSE(plan.status.replication->upstream_offset.has_value());
}

TEST(PlanReplicaMode, AResyncIsReportedOnceAndRemembered) {
  ClusterObservation observation = replicatingCluster();
  observation.source->resync = api::SyncStatus::PartialSync;
  observation.source->resync_evidence = "the source's sync_partial_ok went from 3 to 4";
  ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions), (Lines{"event Normal Resynced"}));
  ASSERT_TRUE(plan.status.replication.has_value());
  EXPECT_EQ(plan.status.replication->last_resync, api::SyncStatus::PartialSync);

  observation.cluster.status = plan.status; // the next round: nothing new detected
  observation.source->resync.reset();
  plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.status.replication->last_resync, api::SyncStatus::PartialSync);
}

} // namespace
} // namespace rdr::controller
