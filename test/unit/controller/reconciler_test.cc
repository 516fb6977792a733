// RedisClusterReconciler against the in-memory API and simulated Redis: bootstrap to Healthy,
// failover of a crashed primary, and convergence after an operator restart mid-failover.
#include <gtest/gtest.h>

#include "reconciler_fixture.h"

namespace rdr::controller {
namespace {

using namespace testbench;

class ReconcilerTest : public ReconcilerFixture {};

TEST_F(ReconcilerTest, BootstrapsToHealthy) {
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  ASSERT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_EQ(status.ready_instances, 3);
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Master);
  EXPECT_EQ(redis_.node(at(1)).role(), redis::Role::Replica);
  EXPECT_TRUE(redis_.node(at(2)).linkUp());
  EXPECT_FALSE(password().empty());
  // Steady state: nothing is sent to Redis but probes.
  redis_.clearCommands();
  reconcileOnce();
  EXPECT_TRUE(redis_.mutations().empty()) << redis_.mutations().front();
}

TEST_F(ReconcilerTest, FailsOverACrashedPrimaryToTheMostAdvancedReplica) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 500).has_value());
  redis_.setLinkUp(at(1), false); // cache-1 falls behind
  ASSERT_TRUE(redis_.write(at(0), 100).has_value());
  redis_.setLinkUp(at(1), true);
  redis_.setOffset(at(1), 500);
  crashPod(0);

  api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(status.current_primary, "cache-2");
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_EQ(roleLabel(2), "primary");
  EXPECT_EQ(roleLabel(0), "replica") << "the crashed old primary keeps its pod";
  restartContainer(0); // the kubelet restarts it behind the restart fence
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(roleLabel(0), "replica");
  EXPECT_EQ(redis_.node(at(1)).info().master_host,
            "cache-2.cache-headless.apps.svc.cluster.local");
  EXPECT_EQ(redis_.node(at(0)).info().master_host,
            "cache-2.cache-headless.apps.svc.cluster.local");
  EXPECT_EQ(masters(), 1);
}

TEST_F(ReconcilerTest, ARestartAfterTheChoiceWasRecordedConverges) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  crashPod(0);
  // The state an operator leaves when it dies right after writing its choice (invariant 2) and
  // before REPLICAOF NO ONE: status names cache-2, which is still a replica.
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["status"]["currentPrimary"] = "cache-2";
  (*object)["status"]["phase"] = "FailingOver";
  ASSERT_TRUE(client_.updateStatus(kube::resources::redisClusters(), *object).has_value());
  ASSERT_EQ(redis_.node(at(2)).role(), redis::Role::Replica);

  recreateOperator();
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-2") << "the recorded choice is kept";
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_EQ(masters(), 1) << "invariant 1: one master";
  EXPECT_EQ(roleLabel(2), "primary");
}

TEST_F(ReconcilerTest, ARestartAfterThePromotionBeforeTheRelabelConverges) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  crashPod(0);
  client_.failNext(rdr::testing::Verb::Patch, ErrorCode::Transient, 10); // dies at the relabel
  syncCaches();
  ASSERT_TRUE(reconciler_->reconcile(kKey).has_value());
  EXPECT_EQ(redis_.node(at(1)).role(), redis::Role::Master);
  EXPECT_EQ(roleLabel(1), "replica") << "the relabel did not happen";

  client_.failNext(rdr::testing::Verb::Patch, ErrorCode::Transient, 0);
  recreateOperator();
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(roleLabel(1), "primary");
  EXPECT_EQ(roleLabel(0), "replica");
  EXPECT_EQ(masters(), 1) << "invariant 1: one master";
}

TEST_F(ReconcilerTest, PodsRefusingThePasswordAreReportedNotFailedOver) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  auto secret = client_.get(kube::resources::secrets(), {"apps", "cache-auth"});
  (*secret)["data"]["password"] = base64Encode("rotated-behind-our-back");
  ASSERT_TRUE(client_.update(kube::resources::secrets(), *secret).has_value());
  redis_.clearCommands();
  api::RedisClusterStatus status;
  for (int i = 0; i < 5; ++i) {
    status = reconcileOnce();
  }
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_TRUE(redis_.mutations().empty()) << redis_.mutations().front();
  const api::Condition* primary = api::findCondition(status.conditions, "PrimaryAvailable");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->reason, "AuthSecretUnavailable");
  EXPECT_NE(primary->message.find("refuse the password in the Secret cache-auth"), std::string::npos)
      << primary->message;
  EXPECT_EQ(primary->message.find("rotated-behind-our-back"), std::string::npos);
}

TEST_F(ReconcilerTest, OffsetsAloneAreWrittenAtMostEveryTenSeconds) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  reconcileOnce(); // settle: the last status write now lies behind us
  const auto writes = [&] {
    int count = 0;
    for (const auto& call : client_.calls()) {
      count += call.verb == rdr::testing::Verb::UpdateStatus && call.resource == "redisclusters.redis.io";
    }
    return count;
  };
  const int before = writes();
  ASSERT_TRUE(redis_.write(at(0), 4096).has_value());
  api::RedisClusterStatus status = reconcileOnce(); // the clock moves 1 s per round
  EXPECT_EQ(writes(), before) << "a moving offset alone is not written at once";
  for (int round = 0; round < 10 && writes() == before; ++round) {
    status = reconcileOnce();
  }
  EXPECT_EQ(writes(), before + 1) << "written within 10 s";
  EXPECT_EQ(status.instances_status[0].replication_offset, redis_.node(at(0)).offset());

  crashPod(2); // anything else is written at once
  reconcileOnce();
  EXPECT_EQ(writes(), before + 2);
}

TEST_F(ReconcilerTest, ADeletedGeneratedSecretComesBackWithThePasswordThePodsUse) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  const std::string before = password();
  ASSERT_TRUE(client_.remove(kube::resources::secrets(), {"apps", "cache-auth"}).has_value());
  const api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(password(), before);
  EXPECT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_TRUE(api::isConditionTrue(status.conditions, "PrimaryAvailable"));
}

} // namespace
} // namespace rdr::controller
