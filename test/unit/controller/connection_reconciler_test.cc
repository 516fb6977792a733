// The ActiveRedisConnection reconciler against the in-memory API: finalizer, status, Events.
#include <algorithm>

#include <gtest/gtest.h>

#include "../../fakes/fake_kube_client.h"
#include "../../fakes/manual_clock.h"
#include "controller/connection/reconciler.h"
#include "rdr/api/well_known.h"
#include "rdr/controller/connection_drive.h"

namespace rdr::controller {
namespace {

using nlohmann::json;
using rdr::testing::Verb;

const kube::ObjectKey kConnection{"default", "c6-dest-conn"};
const kube::ObjectKey kTarget{"default", "c6-dest"};
constexpr char kSource[] = "192.168.1.11:30011";

class ConnectionReconcilerTest : public ::testing::Test {
protected:
  ConnectionReconcilerTest()
      : client_(clock_), events_(client_, runtime::EventRecorderOptions{}, clock_),
        reconciler_(ConnectionReconcilerDependencies{client_, connections_, clusters_, events_}) {}

  void createTarget() {
    const json cluster = {{"apiVersion", "redis.io/v1"},
                          {"kind", "RedisCluster"},
                          {"metadata", {{"name", kTarget.name}, {"namespace", kTarget.namespace_}}},
                          {"spec", {{"instances", 3}}}};
    ASSERT_TRUE(client_.create(kube::resources::redisClusters(), cluster).has_value());
  }

  void createConnection(json spec = {{"addresses", {kSource}}, {"instance", "c6-dest"}}) {
    const json connection = {
        {"apiVersion", "redis.middleware.alauda.io/v1alpha1"},
        {"kind", "ActiveRedisConnection"},
        {"metadata", {{"name", kConnection.name}, {"namespace", kConnection.namespace_}}},
        {"spec", std::move(spec)}};
    ASSERT_TRUE(client_.create(kube::resources::activeRedisConnections(), connection).has_value());
  }

  // What the RedisCluster controller writes while the connection drives the target.
  void writeTargetStatus(std::string_view mode_reason, std::string mode_message, bool up) {
    api::RedisClusterStatus status;
    api::Condition mode{std::string(api::kConditionReplicaMode), api::ConditionStatus::True,
                        std::string(mode_reason), std::move(mode_message), "", 1};
    api::Condition health{std::string(api::kConditionReplicationHealthy),
                          up ? api::ConditionStatus::True : api::ConditionStatus::False,
                          up ? "ReplicasStreaming" : "SourceLinkDown",
                          up ? "streaming" : "the source 192.168.1.11:30011 is unreachable", "", 1};
    status.conditions = {mode, health};
    api::ReplicationStatus link;
    link.source = kSource;
    link.link_status = up ? api::LinkStatus::Up : api::LinkStatus::Down;
    link.sync_status = api::SyncStatus::PartialSync;
    link.offset = 4096;
    link.replication_id = "f00dcafe";
    link.last_resync = api::SyncStatus::FullSync;
    status.replication = link;
    auto cluster = client_.get(kube::resources::redisClusters(), kTarget);
    ASSERT_TRUE(cluster.has_value());
    (*cluster)["status"] = api::toJson(status);
    ASSERT_TRUE(client_.updateStatus(kube::resources::redisClusters(), *cluster).has_value());
  }

  void following(bool up = true) {
    writeTargetStatus(api::kReasonReplicaModeEnabled,
                      "Cluster is replicating from ActiveRedisConnection c6-dest-conn (" +
                          std::string(kSource) + ")",
                      up);
  }

  // What the informers would hold.
  void syncCaches() {
    for (auto [cache, resource] :
         {std::pair{&connections_, kube::resources::activeRedisConnections()},
          std::pair{&clusters_, kube::resources::redisClusters()}}) {
      auto listed = client_.list(resource, "", {});
      ASSERT_TRUE(listed.has_value());
      cache->replace(listed->items);
    }
  }

  void reconcile() {
    syncCaches();
    auto result = reconciler_.reconcile(kConnection);
    ASSERT_TRUE(result.has_value()) << result.error().toString();
  }

  std::optional<api::ActiveRedisConnection> stored() {
    auto object = client_.peek(kube::resources::activeRedisConnections(), kConnection);
    if (!object) {
      return std::nullopt;
    }
    return api::parseActiveRedisConnection(*object).value();
  }

  std::vector<std::string> eventReasons() {
    std::vector<std::string> reasons;
    for (const auto& call : client_.calls(Verb::Create)) {
      if (call.resource == "events") {
        reasons.push_back(call.body.value("reason", ""));
      }
    }
    return reasons;
  }

  std::size_t statusWrites() {
    const auto calls = client_.calls(Verb::UpdateStatus);
    return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [](const auto& c) {
      return c.resource == kube::resources::activeRedisConnections().qualifiedName();
    }));
  }

  void deleteConnection() {
    ASSERT_TRUE(client_.remove(kube::resources::activeRedisConnections(), kConnection).has_value());
  }

  rdr::testing::ManualClock clock_;
  rdr::testing::FakeKubeClient client_;
  runtime::Cache connections_, clusters_;
  runtime::EventRecorder events_;
  ActiveRedisConnectionReconciler reconciler_;
};

TEST_F(ConnectionReconcilerTest, NewConnectionGetsTheFinalizerAndWaitsForItsTarget) {
  createTarget();
  createConnection();
  reconcile();
  const auto connection = stored();
  ASSERT_TRUE(connection.has_value());
  EXPECT_EQ(connection->metadata.finalizers,
            std::vector<std::string>{std::string(kConnectionFinalizer)});
  EXPECT_EQ(connection->status.status, api::ConnectionState::Connecting);
  EXPECT_EQ(connection->status.message,
            std::string("waiting for RedisCluster c6-dest to follow ") + kSource);
  EXPECT_EQ(connection->status.instance, "c6-dest");
  EXPECT_TRUE(eventReasons().empty());
}

TEST_F(ConnectionReconcilerTest, TargetStatusMakesItHealthyWithTheShardPosition) {
  createTarget();
  createConnection();
  reconcile();
  following();
  reconcile();
  const auto connection = stored();
  ASSERT_TRUE(connection.has_value());
  EXPECT_EQ(connection->status.status, api::ConnectionState::Healthy);
  EXPECT_EQ(connection->status.message, "");
  ASSERT_EQ(connection->status.shards.size(), 1u);
  const api::ShardStatus& shard = connection->status.shards[0];
  EXPECT_EQ(shard.index, 0);
  EXPECT_EQ(shard.offset, "4096");
  EXPECT_EQ(shard.op_id, "f00dcafe");
  EXPECT_EQ(shard.status, api::ShardLinkStatus::Connected);
  EXPECT_EQ(shard.sync_status, "PartialSync");
  ASSERT_TRUE(connection->status.upstream_peer.has_value());
  EXPECT_EQ(connection->status.upstream_peer->service_metadata.at("instance"), kSource);
  EXPECT_EQ(eventReasons(), std::vector<std::string>{"LinkHealthy"});

  following(false);
  reconcile();
  EXPECT_EQ(stored()->status.status, api::ConnectionState::Failed);
  EXPECT_EQ(stored()->status.message,
            "shard 0 status is Disconnected (the source 192.168.1.11:30011 is unreachable)");
  EXPECT_EQ(eventReasons(), (std::vector<std::string>{"LinkHealthy", "LinkFailed"}));
}

TEST_F(ConnectionReconcilerTest, UnchangedStatusIsNotWrittenAgain) {
  createTarget();
  createConnection();
  following();
  reconcile();
  ASSERT_EQ(stored()->status.status, api::ConnectionState::Healthy);
  const std::size_t writes = statusWrites();
  const std::string version = stored()->metadata.resource_version;
  for (int i = 0; i < 3; ++i) {
    reconcile();
  }
  EXPECT_EQ(statusWrites(), writes);
  EXPECT_EQ(stored()->metadata.resource_version, version);
  EXPECT_EQ(eventReasons(), std::vector<std::string>{"LinkHealthy"}) << "no repeated Event";
}

TEST_F(ConnectionReconcilerTest, DeletedWithoutATargetLosesTheFinalizerAndIsGone) {
  createConnection();
  reconcile();
  ASSERT_EQ(stored()->status.status, api::ConnectionState::Failed);
  EXPECT_EQ(stored()->status.message, "RedisCluster c6-dest does not exist in namespace default");
  deleteConnection();
  ASSERT_TRUE(stored().has_value()) << "the finalizer holds it";
  reconcile();
  EXPECT_FALSE(stored().has_value());
  reconcile(); // a key whose object is gone is done
}

TEST_F(ConnectionReconcilerTest, DeletedWhileDrivenKeepsTheFinalizerForTheDetach) {
  createTarget();
  createConnection();
  following();
  reconcile();
  deleteConnection();
  reconcile();
  auto connection = stored();
  ASSERT_TRUE(connection.has_value());
  EXPECT_EQ(connection->metadata.finalizers,
            std::vector<std::string>{std::string(kConnectionFinalizer)});
  EXPECT_EQ(connection->status.message,
            "detaching: waiting for c6-dest's leader to run REPLICAOF NO ONE");

  writeTargetStatus(api::kReasonReplicaModePromoted,
                    "Cluster promoted to standalone (former source: ActiveRedisConnection "
                    "c6-dest-conn)",
                    false);
  reconcile();
  EXPECT_TRUE(stored().has_value()) << "the RedisCluster controller removes it after the detach";
}

TEST_F(ConnectionReconcilerTest, MissingSecretFailsUntilItAppears) {
  createTarget();
  createConnection({{"addresses", {kSource}}, {"instance", "c6-dest"}, {"secretName", "pw"}});
  following();
  syncCaches();
  auto result = reconciler_.reconcile(kConnection);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->requeue_after,
            std::chrono::milliseconds(ActiveRedisConnectionReconciler::kResync))
      << "no Secret informer: the resync notices it";
  EXPECT_EQ(stored()->status.status, api::ConnectionState::Failed);
  EXPECT_EQ(stored()->status.message,
            "the Secret pw named by spec.secretName does not exist in namespace default");

  const json secret = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", {{"name", "pw"}, {"namespace", "default"}}},
                       {"data", {{"password", "c2VjcmV0"}}}};
  ASSERT_TRUE(client_.create(kube::resources::secrets(), secret).has_value());
  reconcile();
  EXPECT_EQ(stored()->status.status, api::ConnectionState::Healthy);
}

TEST_F(ConnectionReconcilerTest, ConflictOnTheFinalizerIsReturnedForTheRuntimeToRetry) {
  createTarget();
  createConnection();
  syncCaches();
  client_.failNext(Verb::Update, ErrorCode::Conflict);
  auto result = reconciler_.reconcile(kConnection);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(result.error().is(ErrorCode::Conflict));
  reconcile();
  EXPECT_EQ(stored()->metadata.finalizers.size(), 1u);
}

} // namespace
} // namespace rdr::controller
