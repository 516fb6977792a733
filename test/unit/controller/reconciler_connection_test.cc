// The RedisCluster reconciler driven by an ActiveRedisConnection, against the in-memory API and
// simulated Redis: follow the connection's source, pause (no contact, position kept), resume by
// partial resync, detach on delete (promote, then drop the finalizer).
#include <gtest/gtest.h>

#include "rdr/controller/connection_drive.h"
#include "reconciler_fixture.h"

namespace rdr::controller {
namespace {

using namespace testbench;

const redis::Endpoint kSource{"127.0.11.5", 6379};

class ReconcilerConnectionTest : public ReconcilerFixture {
protected:
  void SetUp() override {
    ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
    redis_.addNode(kSource, "source-pass");
    ASSERT_TRUE(redis_.write(kSource, 1000).has_value());
    const json secret = {{"apiVersion", "v1"},
                         {"kind", "Secret"},
                         {"metadata", {{"name", "source-auth"}, {"namespace", "apps"}}},
                         {"data", {{"password", base64Encode("source-pass")}}}};
    ASSERT_TRUE(client_.create(kube::resources::secrets(), secret).has_value());
    const json connection = {
        {"apiVersion", "redis.middleware.alauda.io/v1alpha1"},
        {"kind", "ActiveRedisConnection"},
        {"metadata",
         {{"name", "cache-conn"},
          {"namespace", "apps"},
          {"finalizers", {std::string(kConnectionFinalizer)}}}},
        {"spec",
         {{"addresses", {"127.0.11.9:6379", "127.0.11.5:6379"}}, // the first one is down
          {"instance", "cache"},
          {"secretName", "source-auth"}}}};
    ASSERT_TRUE(client_.create(kube::resources::activeRedisConnections(), connection).has_value());
  }

  void setPause(bool pause) {
    auto object = client_.get(kube::resources::activeRedisConnections(), {"apps", "cache-conn"});
    ASSERT_TRUE(object.has_value());
    (*object)["spec"]["pause"] = pause;
    ASSERT_TRUE(client_.update(kube::resources::activeRedisConnections(), *object).has_value());
  }

  bool sourceContacted() {
    for (const std::string& command : redis_.commands()) {
      if (command.starts_with(kSource.toString())) {
        return true;
      }
    }
    return false;
  }

  const api::Condition* condition(const api::RedisClusterStatus& status, std::string_view type) {
    return api::findCondition(status.conditions, type);
  }
};

TEST_F(ReconcilerConnectionTest, FollowsPausesResumesAndDetaches) {
  api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Replicating);
  EXPECT_EQ(redis_.node(at(0)).info().master_host, "127.0.11.5") << "the first usable address";
  EXPECT_EQ(redis_.node(at(1)).info().master_host, "cache-0.cache-headless.apps.svc.cluster.local");
  EXPECT_EQ(condition(status, "ReplicaMode")->message,
            "Cluster is replicating from ActiveRedisConnection cache-conn (127.0.11.5:6379)");
  ASSERT_TRUE(status.replication.has_value());
  EXPECT_EQ(status.replication->source, "127.0.11.5:6379");
  EXPECT_EQ(status.replication->replication_id, redis_.node(kSource).replid());
  EXPECT_EQ(status.replication->offset, redis_.node(kSource).offset());

  // Pause: the leader follows nobody, read-only, its position kept; the source is left alone.
  setPause(true);
  reconcileOnce();
  redis_.clearCommands();
  status = reconcileOnce();
  EXPECT_EQ(redis_.node(at(0)).info().master_host, "127.0.0.1");
  EXPECT_EQ(redis_.node(at(0)).info().master_port, 0);
  EXPECT_EQ(condition(status, "ReplicationHealthy")->reason, "LinkPaused");
  EXPECT_FALSE(sourceContacted()) << "a paused link does not contact the source";
  ASSERT_TRUE(redis_.write(kSource, 300).has_value());

  // Resume: back to the source, continuing where it stopped.
  const auto before = redis_.node(kSource).stats();
  setPause(false);
  status = reconcileUntil(api::ClusterPhase::Replicating);
  EXPECT_EQ(redis_.node(kSource).stats().sync_partial_ok, before.sync_partial_ok + 1);
  EXPECT_EQ(redis_.node(kSource).stats().sync_full, before.sync_full);
  ASSERT_TRUE(status.replication.has_value());
  EXPECT_EQ(status.replication->last_resync, api::SyncStatus::PartialSync);

  // Detach: deleting the connection promotes the leader; the finalizer goes after.
  ASSERT_TRUE(
      client_.remove(kube::resources::activeRedisConnections(), {"apps", "cache-conn"}).has_value());
  ASSERT_TRUE(client_.get(kube::resources::activeRedisConnections(), {"apps", "cache-conn"}))
      << "the finalizer holds it";
  status = reconcileOnce();
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Master);
  EXPECT_EQ(condition(status, "ReplicaMode")->reason, "Promoted");
  EXPECT_EQ(condition(status, "ReplicaMode")->message,
            "Cluster promoted to standalone (former source: ActiveRedisConnection cache-conn)");
  reconcileOnce();
  EXPECT_FALSE(client_.get(kube::resources::activeRedisConnections(), {"apps", "cache-conn"}))
      << "the finalizer was removed once the leader was seen as a master";
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(condition(status, "ReplicaMode")->reason, "Promoted") << "kept as history";
  EXPECT_EQ(masters(), 1);
  EXPECT_TRUE(redis_.write(at(0), 10).has_value()) << "an independent primary";
}

// An edit that makes the driving connection's spec invalid never promotes its DR target: the
// cluster keeps following the address it used (the connection reports the invalid spec).
TEST_F(ReconcilerConnectionTest, AnInvalidEditKeepsTheClusterFollowing) {
  reconcileUntil(api::ClusterPhase::Replicating);
  auto object = client_.get(kube::resources::activeRedisConnections(), {"apps", "cache-conn"});
  (*object)["spec"]["addresses"] = {"127.0.11.5:70000"};
  ASSERT_TRUE(client_.update(kube::resources::activeRedisConnections(), *object).has_value());
  for (int i = 0; i < 3; ++i) {
    const api::RedisClusterStatus status = reconcileOnce();
    EXPECT_EQ(status.phase, api::ClusterPhase::Replicating);
  }
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Replica) << "never promoted";
  EXPECT_EQ(redis_.node(at(0)).info().master_host, "127.0.11.5");
}

// A target whose spec is refused (here mode cluster) never followed the source: deleting the
// connection has nothing to detach and must not hang on its finalizer.
TEST_F(ReconcilerConnectionTest, ARefusedTargetLetsItsConnectionGo) {
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["spec"]["mode"] = "cluster";
  ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  ASSERT_EQ(reconcileOnce().phase, api::ClusterPhase::Failed);
  ASSERT_TRUE(
      client_.remove(kube::resources::activeRedisConnections(), {"apps", "cache-conn"}).has_value());
  reconcileOnce();
  EXPECT_FALSE(client_.get(kube::resources::activeRedisConnections(), {"apps", "cache-conn"}));
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Master) << "nothing was touched";
}

TEST_F(ReconcilerConnectionTest, TheClustersOwnReplicaModeWinsOverAConnection) {
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["spec"]["replicaMode"] = {{"enabled", true},
                                      {"source", {{"host", "127.0.11.5"}, {"port", 6379},
                                                  {"authSecretName", "source-auth"},
                                                  {"clusterName", "own"}}}};
  ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Replicating);
  EXPECT_EQ(condition(status, "ReplicaMode")->message,
            "Cluster is replicating from own (127.0.11.5:6379)");
}

} // namespace
} // namespace rdr::controller
