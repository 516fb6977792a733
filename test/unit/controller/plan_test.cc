// planCluster as tables: bootstrap, steady state, failover, switchover, scaling, refusals.
#include <gtest/gtest.h>

#include "plan_fixture.h"
#include "rdr/api/condition.h"

namespace rdr::controller {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

const api::Condition* condition(const ClusterPlan& plan, std::string_view type) {
  return api::findCondition(plan.status.conditions, type);
}

// Invariant 2 on every plan: at most one promotion, and only of the pod status records.
void expectInvariants(const ClusterPlan& plan, const std::string& name) {
  int promotions = 0;
  for (const Action& action : plan.actions) {
    if (const auto* promote = std::get_if<PromotePod>(&action)) {
      ++promotions;
      EXPECT_EQ(promote->pod, plan.status.current_primary) << name;
    }
    if (const auto* follow = std::get_if<FollowPrimary>(&action)) {
      EXPECT_NE(follow->pod, plan.status.current_primary) << name << ": the primary follows nobody";
    }
  }
  EXPECT_LE(promotions, 1) << name;
}

TEST(PlanCluster, BootstrapCreatesEverythingWithOrdinalZeroAsPrimary) {
  ClusterObservation observation;
  observation.cluster = makeCluster(3);
  observation.now = kNow;
  observation.auth_secret_ready = true;
  observation.generated_password = "generated-password";
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"create ConfigMap cache-config", "create Secret cache-auth",
                   "create Service cache-leader", "create Service cache-replicas",
                   "create Service cache-headless", "create Pod cache-0 primary",
                   "create Pod cache-1 replica-of cache-0", "create Pod cache-2 replica-of cache-0"}));
  EXPECT_EQ(plan.status.current_primary, "cache-0");
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Creating);
  EXPECT_EQ(plan.status.write_service, "cache-leader");
  EXPECT_EQ(plan.status.observed_generation, 2);
  EXPECT_EQ(condition(plan, "Ready")->status, api::ConditionStatus::False);
  EXPECT_EQ(condition(plan, "ReplicaMode")->reason, "Disabled");
  EXPECT_EQ(plan.requeue_after, std::chrono::seconds(1));
}

TEST(PlanCluster, BootstrapWithStorageCreatesOnePvcPerPod) {
  ClusterObservation observation = healthyCluster(2);
  observation.cluster.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
  observation.redis_conf = resources::renderRedisConf(observation.cluster).value();
  observation.pvcs = {"cache-0-data"};
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions), (Lines{"create PersistentVolumeClaim cache-1-data"}));
}

TEST(PlanCluster, AHealthyClusterNeedsNothingAndSaysSo) {
  ClusterObservation observation = healthyCluster(3, 5000);
  observation.pods[2].node->offset = 4200;
  const ClusterPlan plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(plan.status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(plan.status.ready_instances, 3);
  EXPECT_EQ(condition(plan, "Ready")->status, api::ConditionStatus::True);
  EXPECT_EQ(condition(plan, "Ready")->message, "3 of 3 instances ready, primary cache-0");
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->status, api::ConditionStatus::True);
  EXPECT_EQ(condition(plan, "ReplicationHealthy")->message, "2 of 2 replicas stream from cache-0");
  ASSERT_EQ(plan.status.instances_status.size(), 3u);
  EXPECT_EQ(plan.status.instances_status[0].role, "primary");
  EXPECT_EQ(plan.status.instances_status[0].connected_replicas, 2);
  EXPECT_EQ(plan.status.instances_status[2].lag_bytes, 800);
  EXPECT_EQ(plan.status.instances_status[2].master_link_status, api::LinkStatus::Up);
  // Planning the planned status again changes nothing (no status write loop).
  observation.cluster.status = plan.status;
  EXPECT_EQ(planCluster(observation).status, plan.status);
}

struct RoleCase {
  const char* name;
  std::function<void(ClusterObservation&)> arrange;
  Lines actions;
  std::string primary;
  api::ClusterPhase phase;
};

TEST(PlanCluster, RolesFailoverAndScaling) {
  const auto crash = [](PodObservation& pod) {
    pod.node.reset();
    pod.probe_error = "connection refused";
    pod.pod.container_running = false;
    pod.pod.ready = false;
    pod.pod.container_state = "waiting: CrashLoopBackOff";
  };
  const auto unreachable = [](PodObservation& pod, int failures) {
    pod.node.reset();
    pod.probe_error = "timeout";
    pod.probes.consecutive_failures = failures;
  };
  const RoleCase cases[] = {
      {"a second master is demoted",
       [](auto& o) { o.pods[2].node = masterNode(10, 0); },
       {"follow cache-2 cache-0"}, "cache-0", api::ClusterPhase::Degraded},
      {"a replica following someone else is re-pointed",
       [](auto& o) { o.pods[2].node->master_host = "10.1.1.1"; },
       {"follow cache-2 cache-0"}, "cache-0", api::ClusterPhase::Degraded},
      {"a replica following the primary's IP is fine",
       [](auto& o) { o.pods[2].node->master_host = "127.10.0.10"; }, {}, "cache-0",
       api::ClusterPhase::Healthy},
      {"a wrong label is fixed, replicas first",
       [](auto& o) {
         o.pods[0].pod.role_label = "replica";
         o.pods[1].pod.role_label = "primary";
       },
       {"label cache-1 replica", "label cache-0 primary"}, "cache-0", api::ClusterPhase::Healthy},
      {"a crashed primary fails over to the most advanced replica; its pod stays (a restart "
       "boots behind the fence)",
       [&](auto& o) {
         crash(o.pods[0]);
         o.pods[1].node->offset = 900;
         o.pods[2].node->offset = 950;
       },
       {"count failover", "event Warning FailingOver", "promote cache-2", "event Normal FailedOver",
        "follow cache-1 cache-2", "label cache-0 replica", "label cache-2 primary"},
       "cache-2", api::ClusterPhase::FailingOver},
      {"a primary unreachable past the threshold fails over (frozen: its pod stays, demoted when "
       "it answers)",
       [&](auto& o) { unreachable(o.pods[0], 3); },
       {"count failover", "event Warning FailingOver", "promote cache-1", "event Normal FailedOver",
        "follow cache-2 cache-1", "label cache-0 replica", "label cache-1 primary"},
       "cache-1", api::ClusterPhase::FailingOver},
      {"a suspect primary is waited for",
       [&](auto& o) { unreachable(o.pods[0], 2); }, {}, "cache-0", api::ClusterPhase::Degraded},
      {"a deleted primary pod fails over and comes back as a replica",
       [](auto& o) { o.pods.erase(0); },
       {"count failover", "event Warning FailingOver", "promote cache-1", "event Normal FailedOver",
        "follow cache-2 cache-1", "label cache-1 primary", "create Pod cache-0 replica-of cache-1"},
       "cache-1", api::ClusterPhase::FailingOver},
      {"failover disabled: nothing is promoted",
       [&](auto& o) {
         o.cluster.spec.failover.enabled = false;
         crash(o.pods[0]);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"no failover while Creating",
       [&](auto& o) {
         o.cluster.status.phase = api::ClusterPhase::Creating;
         crash(o.pods[0]);
       },
       {}, "cache-0", api::ClusterPhase::Creating},
      {"no candidate: nothing is promoted",
       [&](auto& o) {
         crash(o.pods[0]);
         unreachable(o.pods[1], 1);
         unreachable(o.pods[2], 1);
       },
       {}, "cache-0", api::ClusterPhase::Degraded},
      {"a recorded primary that is still a replica is promoted (restart mid-failover)",
       [](auto& o) {
         o.cluster.status.current_primary = "cache-1";
         o.cluster.status.phase = api::ClusterPhase::FailingOver;
         o.pods.erase(0);
         o.pods[2].node = replicaNode(1, 1000);
       },
       {"promote cache-1", "event Normal FailedOver", "label cache-1 primary",
        "create Pod cache-0 replica-of cache-1"},
       "cache-1", api::ClusterPhase::FailingOver},
      {"the old primary back as a master is demoted, then re-created as a replica",
       [](auto& o) {
         o.cluster.status.current_primary = "cache-1";
         o.pods[1].node = masterNode(2000, 1);
         o.pods[1].pod.role_label = "primary";
         o.pods[0].pod.role_label = "replica";
         o.pods[2].node = replicaNode(1, 2000);
       },
       {"follow cache-0 cache-1"}, "cache-1", api::ClusterPhase::Degraded},
      {"a demoted old primary built before the restart fence is re-created with replica "
       "arguments",
       [](auto& o) {
         o.cluster.status.current_primary = "cache-1";
         o.pods[1].node = masterNode(2000, 2);
         o.pods[1].pod.role_label = "primary";
         o.pods[0].pod.role_label = "replica";
         o.pods[0].pod.restarts_fenced = false;
         o.pods[0].node = replicaNode(1, 2000);
         o.pods[2].node = replicaNode(1, 2000);
       },
       {"delete Pod cache-0"}, "cache-1", api::ClusterPhase::Healthy},
      {"a demoted old primary with the restart fence keeps its pod: its args are never used "
       "again",
       [](auto& o) {
         o.cluster.status.current_primary = "cache-1";
         o.pods[1].node = masterNode(2000, 2);
         o.pods[1].pod.role_label = "primary";
         o.pods[0].pod.role_label = "replica";
         o.pods[0].node = replicaNode(1, 2000);
         o.pods[2].node = replicaNode(1, 2000);
       },
       {}, "cache-1", api::ClusterPhase::Healthy},
      {"a fenced restart of the primary with nothing lost is promoted again",
       [](auto& o) {
         o.pods[0].node = replicaNode(-1, 5000, /*link_up=*/false); // following 127.0.0.1:0
         o.pods[0].node->master_host = "127.0.0.1";
         o.pods[0].node->master_port = 0;
         o.pods[1].node = replicaNode(0, 5000, /*link_up=*/false);
         o.pods[2].node = replicaNode(0, 5000, /*link_up=*/false);
       },
       {"promote cache-0", "event Normal FailedOver"}, "cache-0", api::ClusterPhase::Degraded},
      {"scale up creates replicas of the primary",
       [](auto& o) { o.cluster.spec.instances = 5; },
       {"create Pod cache-3 replica-of cache-0", "create Pod cache-4 replica-of cache-0"}, "cache-0",
       api::ClusterPhase::Degraded},
      {"scale down removes the highest pods and their PVCs",
       [](auto& o) {
         o.cluster.spec.instances = 2;
         o.pvcs = {"cache-0-data", "cache-1-data", "cache-2-data"};
         o.cluster.spec.storage = api::StorageSpec{"1Gi", std::nullopt};
         o.redis_conf = resources::renderRedisConf(o.cluster).value();
       },
       {"delete Pod cache-2", "delete PersistentVolumeClaim cache-2-data"}, "cache-0",
       api::ClusterPhase::Degraded},
      {"scale down below the primary hands over first",
       [](auto& o) {
         o.cluster.spec.instances = 2;
         o.cluster.status.current_primary = "cache-2";
         o.pods[2].node = masterNode(3000, 2);
         o.pods[2].pod.role_label = "primary";
         o.pods[0].pod.role_label = "replica";
         o.pods[0].pod.boots_as_master = false;
         o.pods[0].node = replicaNode(2, 2990);
         o.pods[1].node = replicaNode(2, 3000);
       },
       {"count failover", "event Normal SwitchingOver", "switchover cache-2 cache-1",
        "promote cache-1", "event Normal FailedOver", "follow cache-0 cache-1",
        "follow cache-2 cache-1", "label cache-2 replica",
        "label cache-1 primary", "delete Pod cache-2"},
       "cache-1", api::ClusterPhase::FailingOver},
  };
  for (const RoleCase& c : cases) {
    ClusterObservation observation = healthyCluster(3);
    c.arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_EQ(describe(plan.actions), c.actions) << c.name;
    EXPECT_EQ(plan.status.current_primary, c.primary) << c.name;
    EXPECT_EQ(plan.status.phase, c.phase) << c.name << ": got " << api::toString(*plan.status.phase);
    expectInvariants(plan, c.name);
  }
}

TEST(PlanCluster, ConditionsSayWhyThePrimaryIsMissing) {
  ClusterObservation observation = healthyCluster(3);
  observation.cluster.spec.failover.enabled = false;
  observation.pods[0].pod.container_running = false;
  observation.pods[0].pod.container_state = "waiting: CrashLoopBackOff";
  observation.pods[0].node.reset();
  const ClusterPlan plan = planCluster(observation);
  const api::Condition* primary = condition(plan, "PrimaryAvailable");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->reason, "FailoverDisabled");
  EXPECT_EQ(primary->message, "primary cache-0 failed (its Redis container is not running "
                              "(waiting: CrashLoopBackOff)) and spec.failover.enabled is false");
  EXPECT_EQ(condition(plan, "Ready")->reason, "Degraded");
}

TEST(PlanCluster, RefusesWhatItCannotServeWithoutTouchingAnything) {
  for (const auto& [arrange, reason] :
       std::vector<std::pair<std::function<void(ClusterObservation&)>, std::string>>{
           {[](auto& o) { o.cluster.spec.mode = api::ClusterMode::Cluster; }, "UnsupportedMode"},
           {[](auto& o) {
              o.cluster.spec.replica_mode = api::ReplicaModeSpec{
                  true, api::ReplicaSourceSpec{"prod", "10.0.0.1", 6379, ""}, false};
              SourceState source;
              source.host = "10.0.0.1";
              source.address = "10.0.0.1:6379";
              source.allowed = false;
              source.problem = "the source 10.0.0.1:6379 resolves outside --allowed-source-networks "
                               "(127.0.0.0/8): refused";
              o.source = source;
            },
            "SourceNotAllowed"},
           {[](auto& o) { o.cluster.spec.min_sync_replicas = 7; }, "InvalidSpec"},
       }) {
    ClusterObservation observation = healthyCluster(3);
    arrange(observation);
    const ClusterPlan plan = planCluster(observation);
    EXPECT_TRUE(plan.spec_refused) << reason;
    EXPECT_TRUE(plan.actions.empty()) << reason;
    EXPECT_EQ(plan.status.phase, api::ClusterPhase::Failed) << reason;
    EXPECT_EQ(condition(plan, "Ready")->reason, reason);
  }
}

TEST(PlanCluster, AMissingAuthSecretStopsPodsButNotTheRest) {
  ClusterObservation observation;
  observation.cluster = makeCluster(2);
  observation.cluster.spec.auth_secret = api::SecretRef{"mine"};
  observation.now = kNow;
  observation.auth_secret_problem = "the Secret mine named by spec.authSecret does not exist";
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions),
            (Lines{"create ConfigMap cache-config", "create Service cache-leader",
                   "create Service cache-replicas", "create Service cache-headless"}));
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->reason, "AuthSecretUnavailable");
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->message, observation.auth_secret_problem);
}

TEST(PlanCluster, AChangedRedisConfIsWrittenToTheConfigMap) {
  ClusterObservation observation = healthyCluster(3);
  observation.cluster.spec.redis["maxmemory"] = "1gb";
  const ClusterPlan plan = planCluster(observation);
  EXPECT_EQ(describe(plan.actions), (Lines{"update ConfigMap cache-config"}));
}

TEST(PlanCluster, PodsRefusingThePasswordStopRoleDecisions) {
  ClusterObservation observation = healthyCluster(3);
  for (auto& [ordinal, pod] : observation.pods) {
    pod.node.reset();
    pod.refuses_password = true;
    pod.probes.consecutive_failures = 5;
  }
  const ClusterPlan plan = planCluster(observation);
  EXPECT_TRUE(plan.actions.empty()) << describe(plan.actions).front();
  EXPECT_EQ(plan.status.current_primary, "cache-0") << "no failover";
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->reason, "AuthSecretUnavailable");
  EXPECT_EQ(condition(plan, "PrimaryAvailable")->message,
            "pod(s) cache-0, cache-1, cache-2 refuse the password in the Secret cache-auth (was the "
            "Secret changed or re-created? pods keep the password they started with)");
}

TEST(StatusWriteDue, FollowsTheNumberedRules) {
  const api::RedisClusterStatus stored = planCluster(healthyCluster(3, 1000)).status;
  api::RedisClusterStatus offsets_moved = stored;
  offsets_moved.instances_status[0].replication_offset += 512;
  offsets_moved.instances_status[1].lag_bytes = 512;
  api::RedisClusterStatus phase_changed = stored;
  phase_changed.phase = api::ClusterPhase::Degraded;
  const auto s = [](int seconds) { return kNow + std::chrono::seconds(seconds); };
  const std::chrono::seconds refresh(10);
  EXPECT_FALSE(statusWriteDue(stored, stored, std::nullopt, kNow, refresh)) << "rule 1";
  EXPECT_TRUE(statusWriteDue(stored, phase_changed, s(-1), kNow, refresh)) << "rule 2";
  EXPECT_FALSE(statusWriteDue(stored, offsets_moved, s(-9), kNow, refresh)) << "rule 3: too soon";
  EXPECT_TRUE(statusWriteDue(stored, offsets_moved, s(-10), kNow, refresh)) << "rule 3: due";
  EXPECT_TRUE(statusWriteDue(stored, offsets_moved, std::nullopt, kNow, refresh))
      << "rule 3: no write known";
}

} // namespace
} // namespace rdr::controller
