// RedisClusterReconciler edge cases from the review, against the in-memory API and simulated
// Redis: a primary container restarting empty, a scale-down while the primary is down, and a
// switchover whose target cannot catch up.
#include <gtest/gtest.h>

#include "controller/rediscluster/execute.h"
#include "reconciler_fixture.h"

namespace rdr::controller {
namespace {

using namespace testbench;

class ReconcilerEdgeTest : public ReconcilerFixture {};

TEST_F(ReconcilerEdgeTest, APrimaryContainerRestartingEmptyDoesNotWipeTheData) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 500).has_value());
  crashPod(0);
  api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  const std::string primary = status.current_primary;
  ASSERT_NE(primary, "cache-0");
  const int ordinal = primary.back() - '0';
  ASSERT_TRUE(redis_.write(at(ordinal), 1000).has_value());

  // The container restarts, empty, behind the restart fence.
  restartContainer(ordinal);
  ASSERT_EQ(redis_.node(at(ordinal)).offset(), 0);
  status = reconcileUntil(api::ClusterPhase::Healthy);
  const int now_primary = status.current_primary.back() - '0';
  EXPECT_NE(status.current_primary, primary) << "the empty pod is not promoted again";
  EXPECT_GE(redis_.node(at(now_primary)).offset(), 1500) << "acknowledged writes are kept";
  for (const auto& [o, endpoint] : endpoints_) {
    EXPECT_GE(redis_.node(endpoint).offset(), 1500) << "pod cache-" << o << " was wiped";
  }
  EXPECT_EQ(masters(), 1);
}

// Scale 3 -> 1 while the primary crash-loops: the replicas holding the data are not deleted;
// one takes over, cache-0 comes back as its replica, and a switchover hands back to cache-0.
TEST_F(ReconcilerEdgeTest, AScaleDownWhileThePrimaryIsDownKeepsTheData) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 700).has_value());
  crashPod(0);
  setInstances(1);
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy, 20);
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_GE(redis_.node(at(0)).offset(), 700) << "the data survived the scale-down";
  EXPECT_EQ(masters(), 1);
}

// Freeze the primary (its process stops answering, its container still "running"), let the
// failover happen, then thaw it: one master, the acknowledged data kept, the old primary back
// as a replica.
TEST_F(ReconcilerEdgeTest, AFrozenThenThawedPrimaryRejoinsAsAReplica) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 300).has_value());
  const redis::Endpoint frozen = at(0);
  redis_.setReachable(frozen, false);
  api::RedisClusterStatus status;
  for (int i = 0; i < 4 && status.current_primary != "cache-1"; ++i) {
    status = reconcileOnce();
  }
  ASSERT_EQ(status.current_primary, "cache-1");
  redis_.setReachable(frozen, true); // thawed: still a master until someone says otherwise
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(masters(), 1);
  EXPECT_GE(redis_.node(at(1)).offset(), 300);
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Replica);
}

// The primary and one replica crash together: the remaining replica takes over.
TEST_F(ReconcilerEdgeTest, ThePrimaryAndAReplicaCrashingTogetherFailOverToTheLastOne) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 300).has_value());
  crashPod(0);
  crashPod(1);
  const api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(status.current_primary, "cache-2");
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_GE(redis_.node(at(2)).offset(), 300);
}

// A switchover whose target does not catch up within the timeout is abandoned (the old primary
// unpaused and still the master) instead of promoting a replica that misses writes.
TEST_F(ReconcilerEdgeTest, ASwitchoverThatCannotCatchUpDoesNotPromote) {
  const redis::Endpoint from{"127.20.0.1", 6379};
  const redis::Endpoint to{"127.20.0.2", 6379};
  redis_.addNode(from);
  redis_.addNode(to);
  redis_.alias("old.cache-headless.apps.svc.cluster.local", from);
  ASSERT_TRUE(redis_.admin(to, {})->replicaOf({from.host, 6379}).has_value());
  ASSERT_TRUE(redis_.write(from, 100).has_value());
  redis_.setLinkUp(to, false);
  ASSERT_TRUE(redis_.write(from, 900).has_value()); // `to` misses these

  ExecutionContext context{client_, redis_, *events_, nullptr, clock_, sleeper_,
                           json{{"metadata", {{"name", "cache"}, {"namespace", "apps"}}}},
                           redis::Credentials{}, std::nullopt};
  const Switchover action{"cache-2", from.host, "cache-1", to.host, "to.cache-headless"};
  EXPECT_FALSE(runSwitchover(action, context).has_value());
  EXPECT_EQ(redis_.node(to).role(), redis::Role::Replica) << "not promoted without the data";
  EXPECT_EQ(redis_.node(from).role(), redis::Role::Master);
  EXPECT_FALSE(redis_.node(from).writesPaused());
}

} // namespace
} // namespace rdr::controller
