// planConnection as tables: every status rule, the finalizer decisions and the Events.
#include <gtest/gtest.h>

#include "controller/connection/plan.h"
#include "rdr/api/validation.h"
#include "rdr/api/well_known.h"
#include "rdr/controller/connection_drive.h"

namespace rdr::controller {
namespace {

using api::ConnectionState;
using api::ShardLinkStatus;

constexpr char kSource[] = "192.168.1.11:30011";
constexpr char kSecondSource[] = "192.168.1.12:30011";

api::ActiveRedisConnection connection(std::string name = "c6-dest-conn",
                                      std::string created = "2025-08-27T08:42:16Z") {
  api::ActiveRedisConnection c;
  c.metadata.name = std::move(name);
  c.metadata.namespace_ = "default";
  c.metadata.creation_timestamp = std::move(created);
  c.metadata.finalizers = {std::string(kConnectionFinalizer)};
  c.spec.addresses = {kSource, kSecondSource};
  c.spec.instance = "c6-dest";
  return c;
}

api::Condition condition(std::string_view type, bool ok, std::string reason, std::string message) {
  api::Condition c;
  c.type = std::string(type);
  c.status = ok ? api::ConditionStatus::True : api::ConditionStatus::False;
  c.reason = std::move(reason);
  c.message = std::move(message);
  return c;
}

api::RedisCluster target() {
  api::RedisCluster cluster;
  cluster.metadata.name = "c6-dest";
  cluster.metadata.namespace_ = "default";
  cluster.spec.instances = 3;
  return cluster;
}

// The target as the RedisCluster controller reports it while `name` drives it.
api::RedisCluster following(std::string name = "c6-dest-conn", bool up = true) {
  api::RedisCluster cluster = target();
  cluster.status.conditions.push_back(condition(
      api::kConditionReplicaMode, true, "Enabled",
      "Cluster is replicating from ActiveRedisConnection " + name + " (" + kSecondSource + ")"));
  api::ReplicationStatus link;
  link.source = kSecondSource;
  link.link_status = up ? api::LinkStatus::Up : api::LinkStatus::Down;
  link.sync_status = api::SyncStatus::PartialSync;
  link.offset = 1234;
  link.replication_id = "8f2c0a";
  link.last_resync = api::SyncStatus::FullSync;
  cluster.status.replication = link;
  cluster.status.conditions.push_back(
      condition(api::kConditionReplicationHealthy, up,
                up ? "ReplicasStreaming" : "ReplicasNotStreaming",
                "c6-dest-0 streams from the source"));
  return cluster;
}

void setHealth(api::RedisCluster& cluster, std::string reason, std::string message) {
  api::setCondition(cluster.status.conditions,
                    condition(api::kConditionReplicationHealthy, false, std::move(reason),
                              std::move(message)),
                    SystemTime{});
}

ConnectionInputs inputs(api::ActiveRedisConnection c, std::optional<api::RedisCluster> cluster) {
  ConnectionInputs in;
  in.connection = c;
  in.target = std::move(cluster);
  in.connections = {c};
  return in;
}

struct StatusCase {
  std::string name;
  ConnectionInputs inputs;
  ConnectionState state;
  std::string message;
};

std::vector<StatusCase> statusCases() {
  std::vector<StatusCase> cases;
  { // 1
    auto c = connection();
    c.spec.addresses = {"no-port"};
    cases.push_back({"InvalidSpec", inputs(c, following()), ConnectionState::Failed,
                     "the spec is invalid: spec.addresses[0]: " +
                         api::validate(c).front().message});
  }
  cases.push_back({"TargetMissing", inputs(connection(), std::nullopt), ConnectionState::Failed,
                   "RedisCluster c6-dest does not exist in namespace default"});
  { // 2
    auto cluster = following();
    cluster.metadata.deletion_timestamp = "2025-08-27T09:00:00Z";
    cases.push_back({"TargetBeingDeleted", inputs(connection(), cluster), ConnectionState::Failed,
                     "RedisCluster c6-dest is being deleted in namespace default"});
  }
  { // 3
    auto c = connection();
    c.spec.secret_name = "c6-dest-conn-password";
    auto missing = inputs(c, following());
    missing.secret = ConnectionSecret::Missing;
    cases.push_back({"SecretMissing", missing, ConnectionState::Failed,
                     "the Secret c6-dest-conn-password named by spec.secretName does not exist "
                     "in namespace default"});
    auto empty = inputs(c, following());
    empty.secret = ConnectionSecret::NoPassword;
    cases.push_back({"SecretWithoutPassword", empty, ConnectionState::Failed,
                     "the Secret c6-dest-conn-password named by spec.secretName in namespace "
                     "default has no non-empty key \"password\""});
  }
  { // 4
    auto cluster = following();
    cluster.spec.replica_mode = api::ReplicaModeSpec{true, api::ReplicaSourceSpec{}, false};
    cases.push_back({"TargetInReplicaMode", inputs(connection(), cluster), ConnectionState::Failed,
                     "RedisCluster c6-dest has spec.replicaMode enabled and follows its own "
                     "source; a cluster follows one source: disable replicaMode or delete this "
                     "connection"});
    auto older = connection("first", "2025-08-27T08:00:00Z");
    auto in = inputs(connection(), following("first"));
    in.connections.push_back(older);
    cases.push_back({"AnotherConnectionDrives", in, ConnectionState::Failed,
                     "RedisCluster c6-dest already follows the source of ActiveRedisConnection "
                     "first; a cluster follows one source"});
  }
  { // 4, the target's own refusal
    auto cluster = target();
    cluster.spec.mode = api::ClusterMode::Cluster;
    cluster.status.conditions.push_back(condition(api::kConditionReady, false, "UnsupportedMode",
                                                  "spec.mode cluster is not served yet"));
    cases.push_back({"TargetInClusterMode", inputs(connection(), cluster), ConnectionState::Failed,
                     "RedisCluster c6-dest cannot follow a source: spec.mode cluster is not "
                     "served yet"});
  }
  { // 5
    const std::string waiting =
        std::string("waiting for RedisCluster c6-dest to follow ") + kSource;
    cases.push_back({"TargetNotReportedYet", inputs(connection(), target()),
                     ConnectionState::Connecting, waiting});
    cases.push_back({"TargetNamesAnotherConnectionWithTheSamePrefix",
                     inputs(connection("c6"), following("c6-dest-conn")),
                     ConnectionState::Connecting, waiting});
    auto promoted = following();
    api::setCondition(promoted.status.conditions,
                      condition(api::kConditionReplicaMode, true, "Promoted",
                                "Cluster promoted to standalone (former source: "
                                "ActiveRedisConnection c6-dest-conn)"),
                      SystemTime{});
    cases.push_back({"PromotedByAnEarlierConnectionOfTheSameName", inputs(connection(), promoted),
                     ConnectionState::Connecting, waiting});
  }
  { // 7
    auto c = connection();
    c.spec.pause = true;
    auto cluster = following("c6-dest-conn", false);
    setHealth(cluster, "LinkPaused", "the link is paused");
    cases.push_back({"Paused", inputs(c, cluster), ConnectionState::Paused,
                     "the link is paused (spec.pause); c6-dest keeps its replication position at "
                     "offset 1234"});
    cases.push_back({"PauseRequestedNotDone", inputs(c, following("c6-dest-conn", false)),
                     ConnectionState::Connecting, "shard 0 status is Disconnected: pausing"});
  }
  // 8
  cases.push_back({"Healthy", inputs(connection(), following()), ConnectionState::Healthy, ""});
  { // 9
    auto cluster = following("c6-dest-conn", false);
    setHealth(cluster, "SourceLinkDown",
              "the source 192.168.1.12:30011 refuses the password; 2 of 2 replicas stream from "
              "c6-dest-0"); // the replicas' part of the target's message is left out
    cases.push_back({"SourceLinkDown", inputs(connection(), cluster), ConnectionState::Failed,
                     "shard 0 status is Disconnected (the source 192.168.1.12:30011 refuses the "
                     "password)"});
    setHealth(cluster, "SourceLinkDown", "sharded sources are not supported yet");
    cases.push_back({"ShardedSource", inputs(connection(), cluster), ConnectionState::Failed,
                     "shard 0 status is Disconnected (sharded sources are not supported yet)"});
  }
  { // 10
    auto cluster = following("c6-dest-conn", false);
    cluster.status.replication->last_resync.reset();
    cases.push_back({"FirstSynchronisation", inputs(connection(), cluster),
                     ConnectionState::Connecting,
                     "shard 0 status is Disconnected: the first synchronisation is running"});
    cluster.status.replication->last_resync = api::SyncStatus::PartialSync;
    cluster.status.replication->sync_status = api::SyncStatus::FullSync;
    cases.push_back({"LaterFullSynchronisation", inputs(connection(), cluster),
                     ConnectionState::Connecting,
                     "shard 0 status is Disconnected: a full synchronisation is running"});
  }
  return cases;
}

class ConnectionStatusRules : public ::testing::TestWithParam<StatusCase> {};

TEST_P(ConnectionStatusRules, DerivesStateAndMessage) {
  const StatusCase& c = GetParam();
  const ConnectionPlan plan = planConnection(c.inputs);
  EXPECT_EQ(plan.status.status, c.state) << api::toJson(plan.status).dump();
  EXPECT_EQ(plan.status.message, c.message);
  EXPECT_EQ(plan.status.instance, "c6-dest");
  ASSERT_EQ(plan.status.shards.size(), 1u);
  EXPECT_EQ(plan.status.shards[0].index, 0);
  if (c.state != ConnectionState::Failed) { // a Failed spec or Secret may leave a link streaming
    EXPECT_EQ(plan.status.shards[0].status == ShardLinkStatus::Connected,
              c.state == ConnectionState::Healthy);
  }
  ASSERT_TRUE(plan.status.upstream_peer.has_value());
  EXPECT_EQ(plan.status.upstream_peer->service_id, 0);
  EXPECT_EQ(planConnection(c.inputs).status, plan.status) << "a pure function of its inputs";
}

INSTANTIATE_TEST_SUITE_P(Table, ConnectionStatusRules, ::testing::ValuesIn(statusCases()),
                         [](const auto& info) { return info.param.name; });

TEST(ConnectionStatus, HealthyShardCarriesTheTargetsReplicationPosition) {
  const ConnectionPlan plan = planConnection(inputs(connection(), following()));
  const api::ShardStatus& shard = plan.status.shards.at(0);
  EXPECT_EQ(shard.offset, "1234");
  EXPECT_EQ(shard.op_id, "8f2c0a");
  EXPECT_EQ(shard.status, ShardLinkStatus::Connected);
  EXPECT_EQ(shard.sync_status, "PartialSync");
  EXPECT_EQ(plan.status.upstream_peer->service_metadata,
            (std::map<std::string, std::string>{{"instance", kSecondSource}}));
}

TEST(ConnectionStatus, UnknownPositionIsZeroAtTheFirstAddress) {
  auto cluster = following();
  cluster.status.replication->replication_id.clear();
  const ConnectionPlan named = planConnection(inputs(connection(), cluster));
  EXPECT_EQ(named.status.shards.at(0).op_id, "0");

  const ConnectionPlan waiting = planConnection(inputs(connection(), target()));
  EXPECT_EQ(waiting.status.shards.at(0), api::ShardStatus{});
  EXPECT_EQ(waiting.status.upstream_peer->service_metadata.at("instance"), kSource);
}

TEST(ConnectionStatus, PausedShardIsDisconnectedAtTheKeptOffset) {
  auto c = connection();
  c.spec.pause = true;
  auto cluster = following("c6-dest-conn", false);
  setHealth(cluster, "LinkPaused", "the link is paused");
  const ConnectionPlan plan = planConnection(inputs(c, cluster));
  EXPECT_EQ(plan.status.shards.at(0).status, ShardLinkStatus::Disconnected);
  EXPECT_EQ(plan.status.shards.at(0).offset, "1234");
}

TEST(ConnectionStatus, DetachingKeepsTheLastStatusWithADetachMessage) {
  auto c = connection();
  c.metadata.deletion_timestamp = "2025-08-27T09:00:00Z";
  c.status = planConnection(inputs(connection(), following())).status; // Healthy
  auto promoted = following();
  api::setCondition(promoted.status.conditions,
                    condition(api::kConditionReplicaMode, true, "Promoted",
                              "Cluster promoted to standalone (former source: "
                              "ActiveRedisConnection c6-dest-conn)"),
                    SystemTime{});
  const std::string detaching = "detaching: waiting for c6-dest's leader to run REPLICAOF NO ONE";
  ConnectionPlan plan = planConnection(inputs(c, promoted));
  EXPECT_EQ(plan.status.status, ConnectionState::Connecting) << "a Healthy status has no message";
  EXPECT_EQ(plan.status.message, detaching);
  EXPECT_EQ(plan.status.shards, c.status.shards);

  c.status.status = ConnectionState::Failed;
  plan = planConnection(inputs(c, following())); // the target's status lags: still Enabled
  EXPECT_EQ(plan.status.status, ConnectionState::Failed) << "the problem stays visible";
  EXPECT_EQ(plan.status.message, detaching);

  c.status = {};
  plan = planConnection(inputs(c, target())); // deleted before the target ever reported on it
  EXPECT_EQ(plan.status.status, ConnectionState::Connecting);
  EXPECT_EQ(plan.status.shards.size(), 1u);
  EXPECT_TRUE(plan.status.upstream_peer.has_value());
}

// ---------------------------------------------------------------- finalizer

struct FinalizerCase {
  std::string name;
  ConnectionInputs inputs;
  FinalizerChange change;
};

api::ActiveRedisConnection deleting(api::ActiveRedisConnection c) {
  c.metadata.deletion_timestamp = "2025-08-27T09:00:00Z";
  return c;
}

std::vector<FinalizerCase> finalizerCases() {
  std::vector<FinalizerCase> cases;
  auto bare = connection();
  bare.metadata.finalizers.clear();
  cases.push_back({"AddedWhenMissing", inputs(bare, following()), FinalizerChange::Add});
  cases.push_back({"AddedEvenWithoutATarget", inputs(bare, std::nullopt), FinalizerChange::Add});
  cases.push_back({"KeptWhenPresent", inputs(connection(), following()), FinalizerChange::None});
  cases.push_back({"RemovedWhenTheTargetIsMissing", inputs(deleting(connection()), std::nullopt),
                   FinalizerChange::Remove});
  auto gone = following();
  gone.metadata.deletion_timestamp = "2025-08-27T09:00:00Z";
  cases.push_back({"RemovedWhenTheTargetIsBeingDeleted", inputs(deleting(connection()), gone),
                   FinalizerChange::Remove});
  auto refused = inputs(deleting(connection()), following("first"));
  refused.connections.push_back(connection("first", "2025-08-27T08:00:00Z"));
  cases.push_back({"RemovedWhenAnotherConnectionDrives", refused, FinalizerChange::Remove});
  auto replica_mode = following();
  replica_mode.spec.replica_mode = api::ReplicaModeSpec{true, api::ReplicaSourceSpec{}, false};
  cases.push_back({"RemovedWhenTheTargetFollowsItsOwnSource",
                   inputs(deleting(connection()), replica_mode), FinalizerChange::Remove});
  auto invalid = deleting(connection());
  invalid.spec.addresses.clear();
  cases.push_back({"RemovedWhenTheSpecIsInvalid", inputs(invalid, following()),
                   FinalizerChange::Remove});
  cases.push_back({"KeptWhileDriven", inputs(deleting(connection()), following()),
                   FinalizerChange::None});
  cases.push_back({"KeptWhileDrivenBeforeTheTargetReportedOnIt",
                   inputs(deleting(connection()), target()), FinalizerChange::None});
  auto secret = deleting(connection());
  secret.spec.secret_name = "gone";
  auto missing_secret = inputs(secret, following());
  missing_secret.secret = ConnectionSecret::Missing;
  cases.push_back({"KeptWhileDrivenWithoutItsSecret", missing_secret, FinalizerChange::None});
  auto released = deleting(connection());
  released.metadata.finalizers.clear();
  cases.push_back(
      {"NothingToDoOnceReleased", inputs(released, following()), FinalizerChange::None});
  return cases;
}

class ConnectionFinalizerRules : public ::testing::TestWithParam<FinalizerCase> {};

TEST_P(ConnectionFinalizerRules, DecidesTheFinalizer) {
  EXPECT_EQ(planConnection(GetParam().inputs).finalizer, GetParam().change);
}

INSTANTIATE_TEST_SUITE_P(Table, ConnectionFinalizerRules, ::testing::ValuesIn(finalizerCases()),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------- events and names

api::ActiveRedisConnectionStatus withState(std::optional<ConnectionState> state,
                                           std::string message = "") {
  api::ActiveRedisConnectionStatus status;
  status.instance = "c6-dest";
  status.status = state;
  status.message = std::move(message);
  status.upstream_peer = api::UpstreamPeer{0, {{"instance", kSource}}};
  return status;
}

TEST(ConnectionEvents, RecordedOnlyWhenTheStateChangesIntoAnOutcome) {
  const auto failed = withState(ConnectionState::Failed, "shard 0 status is Disconnected (x)");
  EXPECT_EQ(transitionEvent(withState(ConnectionState::Connecting), failed),
            (ConnectionEvent{true, "LinkFailed", "shard 0 status is Disconnected (x)"}));
  EXPECT_EQ(transitionEvent(withState(std::nullopt), withState(ConnectionState::Healthy)),
            (ConnectionEvent{false, "LinkHealthy",
                             std::string("c6-dest streams from the source at ") + kSource}));
  EXPECT_EQ(transitionEvent(withState(ConnectionState::Healthy),
                            withState(ConnectionState::Paused, "paused"))
                ->reason,
            "LinkPaused");
  EXPECT_FALSE(transitionEvent(failed, withState(ConnectionState::Failed, "another reason")));
  EXPECT_FALSE(transitionEvent(withState(ConnectionState::Healthy),
                               withState(ConnectionState::Connecting, "waiting")));
}

TEST(ConnectionNames, MatchTheWholeName) {
  EXPECT_TRUE(namesConnection("Cluster is replicating from ActiveRedisConnection a (h:1)", "a"));
  EXPECT_TRUE(namesConnection("Cluster promoted to standalone (former source: "
                              "ActiveRedisConnection a)",
                              "a"));
  EXPECT_TRUE(namesConnection("from ActiveRedisConnection a", "a"));
  EXPECT_FALSE(namesConnection("Cluster is replicating from ActiveRedisConnection ab (h:1)", "a"));
  EXPECT_FALSE(namesConnection("Cluster is replicating from c6 (h:1)", "c6"));
}

} // namespace
} // namespace rdr::controller
