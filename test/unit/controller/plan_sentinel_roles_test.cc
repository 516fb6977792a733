// planCluster in mode: sentinel as tables, continued: a primary restarted behind the fence, the
// standalone failover rules that must not fire, a scale-down handed over by Sentinel, missing
// pods, replica mode, promotion, settings.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "plan_sentinel_fixture.h"

namespace rdr::controller {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

const std::string kSource = "127.0.11.5";

struct Case {
  const char* name;
  std::function<void(ClusterObservation&)> arrange;
  Lines actions;
  std::string primary = "cache-0";
};

void expectPlans(const ClusterObservation& base, const Case& c) {
  ClusterObservation observation = base;
  c.arrange(observation);
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
  EXPECT_EQ(plan.status.current_primary, c.primary) << c.name;
}

// cache-0's container restarted behind the fence with an empty dataset; cache-1 and cache-2 hold
// the data at offset 1000, their links down.
void primaryRestartedEmpty(ClusterObservation& o) {
  o.pods[0].node = fencedNode(0);
  o.pods[1].node->master_link_up = false;
  o.pods[2].node->master_link_up = false;
}

TEST(PlanSentinelRoles, APrimaryHeldByTheRestartFenceThatTheSentinelsName) {
  const Case cases[] = {
      {"S4a: a Sentinel naming it is asked to fail over now; Sentinel chooses the replica",
       primaryRestartedEmpty, {"sentinel failover cache-sentinel-0"}},
      {"S4a: not while a Sentinel pod does not answer (it may be leading a failover already)",
       [](auto& o) {
         primaryRestartedEmpty(o);
         silence(o.sentinels[0]);
       },
       {}},
      {"S4a: not while a Sentinel reports a failover in progress (it is on its way)",
       [](auto& o) {
         primaryRestartedEmpty(o);
         o.sentinels[2].answer.failover_in_progress = true;
       },
       {}},
      {"S4a: the request goes to a Sentinel that knows a replica it could promote",
       [](auto& o) {
         primaryRestartedEmpty(o);
         o.sentinels[0].answer.known_ips.clear();
       },
       {"sentinel failover cache-sentinel-1"}},
      {"S4: not while one answering Sentinel names another address",
       [](auto& o) {
         primaryRestartedEmpty(o);
         o.sentinels[2].answer.master = redisAddress(1);
       },
       {}},
      {"S4b: the Sentinels know no replica: it is a master again, as they name it",
       [](auto& o) {
         primaryRestartedEmpty(o);
         for (auto& [index, sentinel] : o.sentinels) {
           std::erase(sentinel.answer.known_ips, dataIp(1));
           std::erase(sentinel.answer.known_ips, dataIp(2));
         }
       },
       {"event Warning RestoredPrimary", "promote cache-0"}},
      {"S4a, not b: replicas the operator cannot reach but the Sentinels know may still be "
       "promoted by Sentinel",
       [](auto& o) {
         primaryRestartedEmpty(o);
         crash(o.pods[1]);
         crash(o.pods[2]);
       },
       {"sentinel failover cache-sentinel-0"}},
      {"S4: nothing while a Sentinel reports a failover in progress, even with no replica known",
       [](auto& o) {
         primaryRestartedEmpty(o);
         for (auto& [index, sentinel] : o.sentinels) {
           sentinel.answer.known_ips.clear();
         }
         o.sentinels[1].answer.failover_in_progress = true;
       },
       {}},
      {"S4b: the replicas Sentinel knows have replica-priority 0 (spec.redis): it can promote "
       "none of them",
       [](auto& o) {
         primaryRestartedEmpty(o);
         o.cluster.spec.redis["replica-priority"] = "0";
         o.redis_conf = resources::renderRedisConf(o.cluster).value();
         o.pods[1].node->replica_priority = 0;
         o.pods[2].node->replica_priority = 0;
       },
       {"event Warning RestoredPrimary", "promote cache-0"}},
  };
  for (const Case& c : cases) {
    expectPlans(sentinelCluster(), c);
  }
  Case alone{"S4b: a single pod", [](auto& o) { o.pods[0].node = fencedNode(700); },
             {"event Warning RestoredPrimary", "promote cache-0"}};
  expectPlans(sentinelCluster(1), alone);
}

TEST(PlanSentinelRoles, TheForcedFailoverAndTheRestoreSayWhatTheyDo) {
  ClusterObservation observation = sentinelCluster();
  primaryRestartedEmpty(observation);
  observation.cluster.spec.sentinel->master_name = "prod-redis";
  ClusterPlan plan = planCluster(observation);
  ASSERT_EQ(plan.actions.size(), 1u);
  const auto& configure = std::get<ConfigureSentinel>(plan.actions[0]);
  EXPECT_EQ(std::get<ForceFailover>(configure.action).pod_ip, sentinelIp(0));
  EXPECT_EQ(configure.settings.master_name, "prod-redis");

  observation = sentinelCluster();
  primaryRestartedEmpty(observation);
  for (auto& [index, sentinel] : observation.sentinels) {
    sentinel.answer.known_ips = {sentinelIp(0), sentinelIp(1), sentinelIp(2)};
  }
  plan = planCluster(observation);
  ASSERT_FALSE(plan.actions.empty());
  EXPECT_EQ(std::get<RecordEvent>(plan.actions[0]).message,
            "cache-0 restarted and the Sentinels know no replica to fail over to: it is a master "
            "again at offset 0; replicas that had processed more resynchronise from it: cache-1 "
            "at offset 1000, cache-2 at offset 1000");
}

TEST(PlanSentinelRoles, TheStandaloneFailoverRulesNeverFire) {
  const Case cases[] = {
      {"rule 3: a failed primary with failover enabled: Sentinel decides, the operator waits",
       [](auto& o) { crash(o.pods[0]); }, {}},
      {"rule 4: a primary answering as a replica with its link down, behind the others",
       [](auto& o) { o.pods[0].node = replicaNode(1, 500, /*link_up=*/false); }, {}},
      {"rule 3 after the Sentinels lost the primary's pod: nobody is promoted",
       [](auto& o) {
         o.pods.erase(0);
         everySentinelNames(o, redisAddress(0));
       },
       {}},
  };
  for (const Case& c : cases) {
    ClusterObservation observation = sentinelCluster();
    ASSERT_TRUE(observation.cluster.spec.failover.enabled);
    expectPlans(observation, c);
  }
  ClusterObservation failed = sentinelCluster();
  crash(failed.pods[0]);
  const ClusterPlan plan = planCluster(failed);
  const api::Condition* primary = conditionOf(plan, "PrimaryAvailable");
  EXPECT_EQ(primary->reason, "PrimaryUnavailable");
  EXPECT_NE(primary->message.find("; Sentinel decides the failover (3 of 3 Sentinels answer; 3 "
                                  "name 127.10.0.10:6379)"),
            std::string::npos)
      << primary->message;
}

// The primary is cache-2, beyond spec.instances=2 (a scale-down); cache-0 and cache-1 stream from
// it and the Sentinels know them.
void primaryBeyondInstances(ClusterObservation& o) {
  o.cluster.spec.instances = 2;
  o.cluster.status.current_primary = "cache-2";
  o.pods[2].node = masterNode(1000, 2);
  o.pods[2].pod.role_label = "primary";
  o.pods[0].node = replicaNode(2, 1000);
  o.pods[0].pod.role_label = "replica";
  o.pods[1].node = replicaNode(2, 1000);
  everySentinelNames(o, redisAddress(2));
  for (auto& [index, sentinel] : o.sentinels) {
    sentinel.answer.known_ips = {dataIp(0), dataIp(1), sentinelIp(0), sentinelIp(1), sentinelIp(2)};
  }
}

// Rule S5 replaces the standalone switchover (rule 5): Sentinel hands over, on request.
TEST(PlanSentinelRoles, AScaleDownIsHandedOverBySentinel) {
  const Case cases[] = {
      {"S5: a surplus replica gets replica-priority 0 (Sentinel never promotes it)",
       [](auto& o) { o.cluster.spec.instances = 2; },
       {"replica-priority cache-2 0", "delete Pod cache-2"}},
      {"S5: a pod below spec.instances left at 0 gets 100 back",
       [](auto& o) { o.pods[1].node->replica_priority = 0; }, {"replica-priority cache-1 100"}},
      {"S5: a primary beyond spec.instances: a Sentinel naming it is asked to fail over, no "
       "switchover by the operator",
       primaryBeyondInstances, {"sentinel failover cache-sentinel-0"}, "cache-2"},
      {"S5: not while a pod below may not be chosen: no pod below streams from it",
       [](auto& o) {
         primaryBeyondInstances(o);
         o.pods[0].node->master_link_up = false;
         o.pods[1].node->master_link_up = false;
       },
       {}, "cache-2"},
      {"S5: not while one answering Sentinel names another address",
       [](auto& o) {
         primaryBeyondInstances(o);
         o.sentinels[1].answer.master = redisAddress(0);
       },
       {}, "cache-2"},
  };
  for (const Case& c : cases) {
    ClusterObservation observation = sentinelCluster();
    ClusterObservation arranged = observation;
    c.arrange(arranged);
    expectPlans(observation, c);
    expectNoPromotionByTheOperator(planCluster(arranged), c.name);
  }
}

TEST(PlanSentinelRoles, AMissingPrimaryPodWaitsForSentinelEvenWithStorage) {
  ClusterObservation base = sentinelCluster();
  base.cluster.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
  base.redis_conf = resources::renderRedisConf(base.cluster).value();
  base.pvcs = {"cache-0-data", "cache-1-data", "cache-2-data"};
  base.pods.erase(0);
  const Case cases[] = {
      {"the Sentinels still name its old address: the pod waits", [](auto&) {}, {}},
      {"the group lost its quorum: the pod waits",
       [](auto& o) {
         silence(o.sentinels[0]);
         silence(o.sentinels[1]);
       },
       {}},
      {"Sentinel failed over to cache-1: the pod comes back as its replica",
       [](auto& o) {
         o.pods[1].node = masterNode(1000, 1);
         o.pods[2].node->master_host = dataIp(1);
         everySentinelNames(o, redisAddress(1));
       },
       {"count failover", "event Warning FailedOver", "label cache-1 primary",
        "create Pod cache-0 replica-of 127.10.0.11"},
       "cache-1"},
  };
  for (const Case& c : cases) {
    expectPlans(base, c);
  }
  ClusterObservation alone = sentinelCluster(1);
  alone.pods.erase(0);
  EXPECT_EQ(describe(planCluster(alone).actions), (Lines{"create Pod cache-0 primary"}))
      << "no other pod may hold the data: nothing to wait for";
}

// The cluster follows kSource (replica mode): Sentinels must not fail over a DR replica.
void followSource(ClusterObservation& o) {
  o.cluster.spec.replica_mode = api::ReplicaModeSpec{
      true, api::ReplicaSourceSpec{"prod-redis-us-east", kSource, 6379, "prod-auth"}, false};
  o.redis_conf = resources::renderRedisConf(o.cluster).value();
  SourceState source;
  source.host = kSource;
  source.address = kSource + ":6379";
  source.node = masterNode(5000, 1);
  o.source = source;
}

// A DR cluster streaming from kSource: cache-0 follows it, its Sentinels monitor nothing.
ClusterObservation replicatingSentinelCluster() {
  ClusterObservation o = sentinelCluster();
  followSource(o);
  o.cluster.status.phase = api::ClusterPhase::Replicating;
  o.pods[0].pod.boots_as_master = false;
  o.pods[0].pod.boot_upstream_host = kSource;
  o.pods[0].node = replicaNode(0, 1000);
  o.pods[0].node->master_host = kSource;
  everySentinelNames(o, std::nullopt);
  return o;
}

// SentinelGroup rule 3: the Sentinels stop first, and the leader follows the source only once
// every Sentinel is known to monitor nothing (a silent one may still fail it over).
TEST(PlanSentinelRoles, FollowingASourceTheSentinelsStopBeforeTheLeaderIsDemoted) {
  ClusterObservation observation = sentinelCluster();
  followSource(observation);
  const ClusterPlan first = planCluster(observation);
  EXPECT_EQ(describe(first.actions),
            (Lines{"sentinel stop cache-sentinel-0", "sentinel stop cache-sentinel-1",
                   "sentinel stop cache-sentinel-2"}));
  EXPECT_NE(conditionOf(first, "Ready")->message.find("wait until every Sentinel monitors nothing"),
            std::string::npos)
      << conditionOf(first, "Ready")->message;

  for (auto& [index, sentinel] : observation.sentinels) { // they stopped; one does not answer
    sentinel.answer.master.reset();
  }
  silence(observation.sentinels[2]);
  EXPECT_TRUE(planCluster(observation).actions.empty()) << "a silent Sentinel may still monitor";

  observation.sentinels[2].answer.reachable = true;
  EXPECT_EQ(describe(planCluster(observation).actions),
            (Lines{"event Warning Demoted", "follow cache-0 127.0.11.5 (source)"}));

  const ClusterPlan streaming = planCluster(replicatingSentinelCluster());
  EXPECT_TRUE(streaming.actions.empty()) << describe(streaming.actions).front();
  EXPECT_EQ(streaming.status.phase, api::ClusterPhase::Replicating)
      << "Sentinels that monitor nothing are what a DR cluster wants";
}

TEST(PlanSentinelRoles, FollowingASourceTheOperatorStillChoosesTheLeader) {
  ClusterObservation observation = replicatingSentinelCluster();
  crash(observation.pods[0]);
  observation.pods[2].node->offset = 1100;
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"count failover", "event Warning FailingOver",
                   "follow cache-2 127.0.11.5 (source)", "follow cache-1 cache-2",
                   "label cache-0 replica", "label cache-2 primary"}));
  EXPECT_EQ(plan.status.current_primary, "cache-2");
}

TEST(PlanSentinelRoles, APromotionIsTheOperatorsThenTheSentinelsMonitorTheNewPrimary) {
  ClusterObservation observation = replicatingSentinelCluster();
  observation.cluster.spec.replica_mode->promote = true;
  ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"promote cache-0", "count promotion", "event Normal Promoted"}))
      << "Sentinels monitor nothing until the leader is a master";

  observation.cluster.status = plan.status; // the next round: cache-0 is a master
  observation.pods[0].node = masterNode(1000, 2);
  plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"sentinel monitor cache-sentinel-0 127.10.0.10:6379",
                   "sentinel monitor cache-sentinel-1 127.10.0.10:6379",
                   "sentinel monitor cache-sentinel-2 127.10.0.10:6379"}));
}

TEST(PlanSentinelRoles, SettingsThatDriftFromTheSpecAreApplied) {
  ClusterObservation observation = sentinelCluster(); // the Sentinels report quorum 2
  observation.cluster.spec.sentinel->quorum = 3;
  observation.cluster.spec.sentinel->master_name = "prod-redis";
  ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"sentinel apply-settings cache-sentinel-0",
                   "sentinel apply-settings cache-sentinel-1",
                   "sentinel apply-settings cache-sentinel-2"}));
  const auto& configure = std::get<ConfigureSentinel>(plan.actions.front());
  EXPECT_EQ(configure.settings.quorum, 3);
  EXPECT_EQ(configure.settings.master_name, "prod-redis");

  observation = sentinelCluster();
  everySentinelNames(observation, std::nullopt);
  observation.auth_secret_ready = false;
  observation.auth_secret_problem = "the Secret cache-auth does not exist";
  plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << "without the password no Sentinel is configured: "
                                    << describe(plan.actions).front();
  observation = sentinelCluster();
  followSource(observation);
  observation.auth_secret_ready = false;
  observation.auth_secret_problem = "the Secret cache-auth does not exist";
  EXPECT_EQ(describe(planCluster(observation).actions),
            (Lines{"sentinel stop cache-sentinel-0", "sentinel stop cache-sentinel-1",
                   "sentinel stop cache-sentinel-2"}))
      << "stopping needs no password";
}

} // namespace
} // namespace rdr::controller
