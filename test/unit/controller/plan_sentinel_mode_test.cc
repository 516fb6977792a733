// planCluster in mode: sentinel as tables: the Sentinel pods and Service, and the operator
// following the group's verdict (relabel, report) without ever promoting a pod itself.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "plan_sentinel_fixture.h"

namespace rdr::controller {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

TEST(PlanSentinelMode, AHealthyGroupNeedsNothingAndTheClusterIsHealthy) {
  const ClusterPlan plan = planCluster(sentinelCluster());
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(conditionOf(plan, "Ready")->message, "3 of 3 instances ready, primary cache-0");
  EXPECT_EQ(conditionOf(plan, "PrimaryAvailable")->status, api::ConditionStatus::True);
}

TEST(PlanSentinelMode, BootstrapCreatesTheGroupWithTheDefaultThreeSentinels) {
  ClusterObservation observation;
  observation.cluster = makeCluster(2);
  observation.cluster.spec.mode = api::ClusterMode::Sentinel; // spec.sentinel absent: defaults
  observation.now = kNow;
  observation.auth_secret_ready = true;
  observation.generated_password = "generated-password";
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"create ConfigMap cache-config", "create Secret cache-auth",
                   "create Service cache-leader", "create Service cache-replicas",
                   "create Service cache-headless", "create Pod cache-0 primary",
                   "create Pod cache-1 replica-of cache-0", "create Service cache-sentinel",
                   "create Pod cache-sentinel-0 sentinel", "create Pod cache-sentinel-1 sentinel",
                   "create Pod cache-sentinel-2 sentinel"}));
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Creating);
}

struct GroupCase {
  const char* name;
  std::function<void(ClusterObservation&)> arrange;
  Lines actions;
};

TEST(PlanSentinelMode, TheGroupsPodsFollowTheSpec) {
  const GroupCase cases[] = {
      {"a missing Sentinel pod and the Service are re-created; one Sentinel forgets the gone "
       "one's IP (rule 7)",
       [](auto& o) {
         o.sentinels.erase(1);
         o.services.erase("cache-sentinel");
       },
       {"sentinel reset cache-sentinel-0", "create Service cache-sentinel",
        "create Pod cache-sentinel-1 sentinel"}},
      {"scaled up to five: two more",
       [](auto& o) { o.cluster.spec.sentinel->instances = 5; },
       {"create Pod cache-sentinel-3 sentinel", "create Pod cache-sentinel-4 sentinel"}},
      {"scaled down to three: the surplus ones go",
       [](auto& o) {
         for (int index : {3, 4}) {
           o.sentinels[index] = sentinelPod(o.cluster, index, redisAddress(0),
                                            o.sentinels[0].answer.known_ips);
         }
       },
       {"delete Pod cache-sentinel-3", "delete Pod cache-sentinel-4"}},
      {"a surplus Sentinel already terminating is not deleted again",
       [](auto& o) {
         o.sentinels[3] = sentinelPod(o.cluster, 3, std::nullopt, {});
         o.sentinels[3].pod.deleting = true;
         silence(o.sentinels[3]);
       },
       {}},
      {"mode standalone with a silent Sentinel and a dead primary: the Sentinels stop and go, "
       "and nobody is promoted while the silent one may still fail over (SentinelGroup rule 3)",
       [](auto& o) {
         o.cluster.spec.mode = api::ClusterMode::Standalone;
         o.redis_conf = resources::renderRedisConf(o.cluster).value();
         silence(o.sentinels[2]);
         crash(o.pods[0]);
       },
       {"sentinel stop cache-sentinel-0", "delete Pod cache-sentinel-0",
        "sentinel stop cache-sentinel-1", "delete Pod cache-sentinel-1",
        "delete Pod cache-sentinel-2", "delete Service cache-sentinel"}},
      {"mode standalone again: each Sentinel stops monitoring, then it and the Service go",
       [](auto& o) {
         o.cluster.spec.mode = api::ClusterMode::Standalone;
         o.redis_conf = resources::renderRedisConf(o.cluster).value();
       },
       {"sentinel stop cache-sentinel-0", "delete Pod cache-sentinel-0",
        "sentinel stop cache-sentinel-1", "delete Pod cache-sentinel-1",
        "sentinel stop cache-sentinel-2", "delete Pod cache-sentinel-2",
        "delete Service cache-sentinel"}},
  };
  for (const GroupCase& c : cases) {
    ClusterObservation observation = sentinelCluster();
    c.arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
  }
}

struct VerdictCase {
  const char* name;
  std::function<void(ClusterObservation&)> arrange;
  Lines actions;
  std::string primary;
  api::ClusterPhase phase;
};

// cache-1 as Sentinel leaves it after a failover from a dead cache-0: a master, cache-2 following
// its IP, every Sentinel naming it.
void sentinelFailedOverToOne(ClusterObservation& o) {
  crash(o.pods[0]);
  o.pods[1].node = masterNode(1200, 1);
  o.pods[2].node = replicaNode(1, 1200);
  o.pods[2].node->master_host = dataIp(1);
  everySentinelNames(o, redisAddress(1));
}

TEST(PlanSentinelMode, TheOperatorFollowsTheVerdictAndPromotesNobody) {
  const std::string monitor = "sentinel monitor cache-sentinel-";
  const VerdictCase cases[] = {
      {"Unmonitored: every Sentinel is pointed at the recorded primary, a master",
       [](auto& o) { everySentinelNames(o, std::nullopt); },
       {monitor + "0 127.10.0.10:6379", monitor + "1 127.10.0.10:6379",
        monitor + "2 127.10.0.10:6379"},
       "cache-0", api::ClusterPhase::Degraded},
      {"not idle (a Sentinel does not answer, it may monitor): the dead primary waits for "
       "Sentinel, nobody is pointed anywhere",
       [](auto& o) {
         everySentinelNames(o, std::nullopt);
         o.sentinels[2].answer.reachable = false;
         crash(o.pods[0]);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"not idle (a terminating Sentinel still runs): the dead primary waits for Sentinel",
       [](auto& o) {
         everySentinelNames(o, std::nullopt);
         o.sentinels[2].pod.deleting = true;
         crash(o.pods[0]);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"not idle (a Sentinel monitors an old master name): that name goes, nobody is promoted",
       [](auto& o) {
         everySentinelNames(o, std::nullopt);
         o.sentinels[0].answer.other_masters = {"old-name"};
         crash(o.pods[0]);
       },
       {"sentinel stop cache-sentinel-0"}, "cache-0", api::ClusterPhase::Degraded},
      {"Agreed on another pod: it is the primary, relabelled, reported; nothing is promoted",
       sentinelFailedOverToOne,
       {"count failover", "event Warning FailedOver", "label cache-0 replica",
        "label cache-1 primary"},
       "cache-1", api::ClusterPhase::Degraded},
      {"Agreed on a pod that answers as a replica: a view Sentinel has not corrected (S2), "
       "the recorded primary stays",
       [](auto& o) { everySentinelNames(o, redisAddress(1)); },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"Agreed on another pod while the old primary still answers as a master Sentinel knows: "
       "Sentinel demotes it, not the operator",
       [](auto& o) {
         sentinelFailedOverToOne(o);
         o.pods[0].node = masterNode(1100, 0);
         for (auto& [index, sentinel] : o.sentinels) {
           sentinel.answer.known_ips.push_back(dataIp(0));
         }
       },
       {"count failover", "event Warning FailedOver", "label cache-0 replica",
        "label cache-1 primary"},
       "cache-1", api::ClusterPhase::Degraded},
      {"Agreed on an address that is no pod: the recorded primary stays",
       [](auto& o) { everySentinelNames(o, "127.10.0.99:6379"); }, {}, "cache-0",
       api::ClusterPhase::Degraded},
      {"Disagreed (a failover being propagated): the recorded primary stays, nobody is "
       "re-pointed",
       [](auto& o) {
         o.pods[1].node = masterNode(1000, 0);
         o.sentinels[0].answer.master = redisAddress(1);
         o.sentinels[2].answer.master.reset();
         o.pods[2].node = fencedNode(1000);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"NoQuorum with the primary healthy: nothing changes",
       [](auto& o) {
         silence(o.sentinels[1]);
         silence(o.sentinels[2]);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"NoQuorum with the primary dead: nothing is promoted",
       [](auto& o) {
         silence(o.sentinels[1]);
         silence(o.sentinels[2]);
         crash(o.pods[0]);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"a replica held by the restart fence is re-pointed at the primary",
       [](auto& o) { o.pods[2].node = fencedNode(0); },
       {"follow cache-2 127.10.0.10"}, "cache-0", api::ClusterPhase::Degraded},
      {"Unmonitored: a fenced replica is re-pointed and the Sentinels pointed at the primary",
       [](auto& o) {
         everySentinelNames(o, std::nullopt);
         o.pods[2].node = fencedNode(0);
       },
       {"follow cache-2 127.10.0.10", monitor + "0 127.10.0.10:6379",
        monitor + "1 127.10.0.10:6379", monitor + "2 127.10.0.10:6379"},
       "cache-0", api::ClusterPhase::Degraded},
      {"a replica whose link is down following a lost address is re-pointed (rule 3)",
       [](auto& o) {
         o.pods[2].node->master_host = "127.10.0.99";
         o.pods[2].node->master_link_up = false;
       },
       {"follow cache-2 127.10.0.10"}, "cache-0", api::ClusterPhase::Degraded},
      {"a replica streaming from another address is Sentinel's to re-point, not the operator's",
       [](auto& o) { o.pods[2].node->master_host = "127.10.0.99"; },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"a master no Sentinel knows (re-created with a new IP) is demoted",
       [](auto& o) {
         o.pods[2].node = masterNode(0, 0);
         for (auto& [index, sentinel] : o.sentinels) {
           std::erase(sentinel.answer.known_ips, dataIp(2));
         }
       },
       {"follow cache-2 127.10.0.10"}, "cache-0", api::ClusterPhase::Degraded},
      {"a master one Sentinel knows (maybe its fresh choice) is never touched",
       [](auto& o) {
         o.pods[2].node = masterNode(0, 0);
         std::erase(o.sentinels[0].answer.known_ips, dataIp(2));
         std::erase(o.sentinels[2].answer.known_ips, dataIp(2));
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
  };
  for (const VerdictCase& c : cases) {
    ClusterObservation observation = sentinelCluster();
    c.arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
    EXPECT_EQ(plan.status.current_primary, c.primary) << c.name;
    EXPECT_EQ(plan.status.phase, c.phase)
        << c.name << ": got " << api::toString(*plan.status.phase);
    expectNoPromotionByTheOperator(plan, c.name);
  }
}

// Rule 2 of SentinelGroup::decides: a group whose every Sentinel answers and monitors nothing can
// fail over nothing, so the operator's own failover rules apply until it monitors.
TEST(PlanSentinelMode, AnIdleGroupLeavesFailoverToTheOperator) {
  for (const VerdictCase& c : std::vector<VerdictCase>{
           {"the restarted primary is promoted again (nobody has more: standalone rule 4)",
            [](auto& o) { o.pods[0].node = replicaNode(1, 1000, /*link_up=*/false); },
            {"promote cache-0", "event Normal FailedOver"}, "cache-0", api::ClusterPhase::Degraded},
           {"a dead primary is failed over by the operator",
            [](auto& o) { crash(o.pods[0]); },
            {"count failover", "event Warning FailingOver", "promote cache-1",
             "event Normal FailedOver", "follow cache-2 127.10.0.11", "label cache-0 replica",
             "label cache-1 primary"},
            "cache-1", api::ClusterPhase::FailingOver},
       }) {
    ClusterObservation observation = sentinelCluster();
    everySentinelNames(observation, std::nullopt);
    c.arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
    EXPECT_EQ(plan.status.current_primary, c.primary) << c.name;
    EXPECT_EQ(plan.status.phase, c.phase) << c.name << ": got " << api::toString(*plan.status.phase);
  }
}

TEST(PlanSentinelMode, ASentinelFailoverIsRecordedBeforeTheRelabelAndSaysWhy) {
  ClusterObservation observation = sentinelCluster();
  sentinelFailedOverToOne(observation);
  const ClusterPlan plan = planCluster(observation);
  ASSERT_EQ(plan.status.current_primary, "cache-1");
  const auto& event = std::get<RecordEvent>(plan.actions[1]);
  EXPECT_EQ(event.message,
            "Sentinel failed over from cache-0 to cache-1 (127.10.0.11:6379): 3 of 3 Sentinels "
            "answer; 3 name 127.10.0.11:6379; the operator relabels the pods and follows.");
  EXPECT_EQ(conditionOf(plan, "PrimaryAvailable")->status, api::ConditionStatus::True);
  // The next round, with the choice recorded: nothing more to do for cache-1.
  observation.cluster.status = plan.status;
  observation.pods[0].pod.role_label = "replica";
  observation.pods[1].pod.role_label = "primary";
  EXPECT_TRUE(planCluster(observation).actions.empty());
}

TEST(PlanSentinelMode, AnAddressThatIsNoPodIsReported) {
  ClusterObservation observation = sentinelCluster();
  everySentinelNames(observation, "127.10.0.99:6379");
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(conditionOf(plan, "Ready")->message,
            "the Sentinels name 127.10.0.99:6379, which is no pod of this cluster; cache-0 stays "
            "the recorded primary");
}

TEST(PlanSentinelMode, ALostQuorumIsReportedAndPromotesNobody) {
  ClusterObservation observation = sentinelCluster();
  silence(observation.sentinels[1]);
  silence(observation.sentinels[2]);
  ClusterPlan plan = planCluster(observation);
  const std::string lost = "Sentinel has lost its quorum (1 of 3 Sentinels answer; a majority is "
                           "2: the group cannot decide a failover): no failover can happen, and "
                           "the operator promotes nobody in its place";
  EXPECT_EQ(conditionOf(plan, "PrimaryAvailable")->status, api::ConditionStatus::True);
  EXPECT_EQ(conditionOf(plan, "Ready")->message, lost);

  crash(observation.pods[0]);
  plan = planCluster(observation);
  const api::Condition* primary = conditionOf(plan, "PrimaryAvailable");
  EXPECT_EQ(primary->status, api::ConditionStatus::False);
  EXPECT_EQ(primary->reason, "SentinelQuorumLost");
  EXPECT_NE(primary->message.find(lost), std::string::npos) << primary->message;
}

TEST(PlanSentinelMode, HealthyOnlyWhenEverySentinelAgreesAndKnowsEveryReplica) {
  ClusterObservation observation = sentinelCluster();
  std::erase(observation.sentinels[1].answer.known_ips, dataIp(2));
  ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Degraded);
  EXPECT_EQ(conditionOf(plan, "Ready")->message,
            "Sentinel cache-sentinel-1 does not know replica cache-2 yet (Sentinels learn "
            "replicas from the primary every 10 s)");

  observation = sentinelCluster();
  silence(observation.sentinels[2]);
  plan = planCluster(observation);
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Degraded);
  EXPECT_EQ(conditionOf(plan, "Ready")->message,
            "not every Sentinel monitors cache-0 yet (2 of 3 Sentinels answer; 2 name "
            "127.10.0.10:6379)");

  observation = sentinelCluster(3, 5); // a group of five: three agreeing is a majority, not all
  observation.sentinels[3].answer.master = redisAddress(1);
  observation.sentinels[4].answer.master = redisAddress(1);
  plan = planCluster(observation);
  EXPECT_EQ(plan.status.current_primary, "cache-0");
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Degraded);
}

} // namespace
} // namespace rdr::controller
