// Derived questions: replication intent for every case (demotion included), the ReplicaMode
// condition's exact wording, the designated leader and the Sentinel master name.
#include "rdr/api/derived.h"

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "rdr/api/well_known.h"
#include "test_support.h"

namespace rdr::api {
namespace {

using namespace std::chrono_literals;

const std::string kDemotedEast =
    "Cluster demoted: replicating from prod-redis-us-east "
    "(prod-redis-leader.production.svc.cluster.local:6379) again; writes made while promoted are "
    "being discarded by a full resync";

RedisCluster clusterWith(std::string_view spec_patch) {
  auto cluster = parseRedisCluster(testing::clusterManifest(spec_patch));
  EXPECT_TRUE(cluster) << cluster.error().message();
  RedisCluster out = cluster ? *cluster : RedisCluster{};
  out.metadata.generation = 7;
  return out;
}

struct IntentCase {
  std::string name;
  std::string patch;                            // merge patch onto a minimal manifest
  std::string last_reason;                      // ReplicaMode reason in the last status; "" = none
  std::string last_message;                     // its message
  std::optional<ReplicationStatus> replication; // the last status's replication
  ReplicationIntent intent;
  ConditionStatus status;
  std::string reason;
  std::string message;

  friend void PrintTo(const IntentCase& c, std::ostream* os) { *os << c.name; }
};

class ReplicationIntentTest : public ::testing::TestWithParam<IntentCase> {};

TEST_P(ReplicationIntentTest, DerivesIntentAndCondition) {
  const IntentCase& c = GetParam();
  RedisCluster cluster = clusterWith(c.patch);
  if (!c.last_reason.empty()) {
    cluster.status.conditions.push_back(Condition{std::string(kConditionReplicaMode),
                                                  ConditionStatus::False, c.last_reason,
                                                  c.last_message, "2026-01-01T00:00:00Z", 6});
  }
  cluster.status.replication = c.replication;
  EXPECT_EQ(toString(replicationIntent(cluster)), toString(c.intent));
  EXPECT_EQ(isReplica(cluster),
            c.intent == ReplicationIntent::FollowSource || c.intent == ReplicationIntent::Demote);
  EXPECT_EQ(isPromoted(cluster), c.intent == ReplicationIntent::Promoted);
  EXPECT_EQ(isDemotionRequested(cluster), c.intent == ReplicationIntent::Demote);
  const Condition condition = replicaModeCondition(cluster);
  EXPECT_EQ(condition.type, "ReplicaMode");
  EXPECT_EQ(condition.status, c.status);
  EXPECT_EQ(condition.reason, c.reason);
  EXPECT_EQ(condition.message, c.message);
  EXPECT_EQ(condition.observed_generation, 7);
  EXPECT_EQ(condition.last_transition_time, "");
}

const std::string kEast = R"({"spec": {"replicaMode": {"enabled": true, "source": {
    "host": "prod-redis-leader.production.svc.cluster.local", "port": 6379,
    "clusterName": "prod-redis-us-east", "authSecretName": "prod-redis-auth"}}}})";
const std::string kEastPromoted = R"({"spec": {"replicaMode": {"enabled": true, "promote": true,
    "source": {"host": "prod-redis-leader.production.svc.cluster.local",
               "clusterName": "prod-redis-us-east"}}}})";
const std::string kUnnamed =
    R"({"spec": {"replicaMode": {"enabled": true, "source": {"host": "35.123.45.67"}}}})";
const std::string kUnnamedPromoted = R"({"spec": {"replicaMode": {"enabled": true,
    "promote": true, "source": {"host": "35.123.45.67", "port": 6380}}}})";
const std::string kEnabledMessage = "Cluster is replicating from prod-redis-us-east "
                                    "(prod-redis-leader.production.svc.cluster.local:6379)";
const std::string kPromotedMessage =
    "Cluster promoted to standalone (former source: prod-redis-us-east)";

ReplicationStatus replication(LinkStatus link, std::optional<SyncStatus> sync) {
  ReplicationStatus status;
  status.source = "prod-redis-leader.production.svc.cluster.local:6379";
  status.link_status = link;
  status.sync_status = sync;
  return status;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ReplicationIntentTest,
    ::testing::Values(
        IntentCase{"NoReplicaMode", "{}", "", "", std::nullopt, ReplicationIntent::Standalone,
                   ConditionStatus::False, "Disabled", "Replica mode is not enabled"},
        IntentCase{"Disabled", R"({"spec": {"replicaMode": {"enabled": false}}})", "", "",
                   std::nullopt, ReplicationIntent::Standalone, ConditionStatus::False, "Disabled",
                   "Replica mode is not enabled"},
        IntentCase{"DisabledAfterPromotion", R"({"spec": {"replicaMode": {"enabled": false}}})",
                   "Promoted", kPromotedMessage, std::nullopt, ReplicationIntent::Standalone,
                   ConditionStatus::False, "Disabled", "Replica mode is not enabled"},
        IntentCase{"Enabled", kEast, "", "", std::nullopt, ReplicationIntent::FollowSource,
                   ConditionStatus::True, "Enabled", kEnabledMessage},
        IntentCase{"EnabledAlready", kEast, "Enabled", kEnabledMessage,
                   replication(LinkStatus::Down, std::nullopt), ReplicationIntent::FollowSource,
                   ConditionStatus::True, "Enabled", kEnabledMessage},
        IntentCase{"EnabledWithoutClusterName", kUnnamed, "", "", std::nullopt,
                   ReplicationIntent::FollowSource, ConditionStatus::True, "Enabled",
                   "Cluster is replicating from 35.123.45.67:6379 (35.123.45.67:6379)"},
        IntentCase{"EnabledIpv6",
                   R"({"spec": {"replicaMode": {"enabled": true,
                       "source": {"host": "fd00::7", "clusterName": "east"}}}})",
                   "", "", std::nullopt, ReplicationIntent::FollowSource, ConditionStatus::True,
                   "Enabled", "Cluster is replicating from east ([fd00::7]:6379)"},
        IntentCase{"Promoted", kEastPromoted, "Enabled", kEnabledMessage, std::nullopt,
                   ReplicationIntent::Promoted, ConditionStatus::False, "Promoted",
                   kPromotedMessage},
        IntentCase{"PromotedAlready", kEastPromoted, "Promoted", kPromotedMessage, std::nullopt,
                   ReplicationIntent::Promoted, ConditionStatus::False, "Promoted",
                   kPromotedMessage},
        IntentCase{"PromotedWithoutClusterName", kUnnamedPromoted, "", "", std::nullopt,
                   ReplicationIntent::Promoted, ConditionStatus::False, "Promoted",
                   "Cluster promoted to standalone (former source: 35.123.45.67:6380)"},
        IntentCase{"DemoteAfterPromotion", kEast, "Promoted", kPromotedMessage, std::nullopt,
                   ReplicationIntent::Demote, ConditionStatus::True, "Enabled", kDemotedEast},
        IntentCase{"DemotionWaitsForFullSync", kEast, "Enabled", kDemotedEast,
                   replication(LinkStatus::Down, SyncStatus::FullSync), ReplicationIntent::Demote,
                   ConditionStatus::True, "Enabled", kDemotedEast},
        IntentCase{"DemotionWaitsForLinkUp", kEast, "Enabled", kDemotedEast,
                   replication(LinkStatus::Down, SyncStatus::PartialSync),
                   ReplicationIntent::Demote, ConditionStatus::True, "Enabled", kDemotedEast},
        IntentCase{"DemotionWithoutReplicationStatus", kEast, "Enabled", kDemotedEast, std::nullopt,
                   ReplicationIntent::Demote, ConditionStatus::True, "Enabled", kDemotedEast},
        IntentCase{"DemotionDoneOnceStreaming", kEast, "Enabled", kDemotedEast,
                   replication(LinkStatus::Up, SyncStatus::PartialSync),
                   ReplicationIntent::FollowSource, ConditionStatus::True, "Enabled",
                   kEnabledMessage},
        IntentCase{"PromoteAgainDuringDemotion", kEastPromoted, "Enabled", kDemotedEast,
                   std::nullopt, ReplicationIntent::Promoted, ConditionStatus::False, "Promoted",
                   kPromotedMessage}));

// A DR drill end to end through setCondition: follow, promote, demote, resync done.
TEST(ReplicaModeConditionTest, DrillMovesTransitionTimeOnlyOnStatusFlips) {
  rdr::testing::ManualClock clock;
  RedisCluster cluster = clusterWith(kEast);
  auto& conditions = cluster.status.conditions;

  ASSERT_TRUE(setCondition(conditions, replicaModeCondition(cluster), clock.now()));
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:00:00Z");

  clock.advance(60s);
  cluster.spec.replica_mode->promote = true;
  ASSERT_TRUE(setCondition(conditions, replicaModeCondition(cluster), clock.now()));
  EXPECT_EQ(conditions[0].reason, "Promoted");
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:01:00Z");

  clock.advance(60s);
  cluster.spec.replica_mode->promote = false;
  EXPECT_TRUE(isDemotionRequested(cluster));
  ASSERT_TRUE(setCondition(conditions, replicaModeCondition(cluster), clock.now()));
  EXPECT_EQ(conditions[0].message, kDemotedEast);
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:02:00Z");
  // Still demoting on the next pass: the full resync has not finished.
  EXPECT_TRUE(isDemotionRequested(cluster));
  EXPECT_FALSE(setCondition(conditions, replicaModeCondition(cluster), clock.now()));

  clock.advance(60s);
  cluster.status.replication = replication(LinkStatus::Up, SyncStatus::PartialSync);
  EXPECT_FALSE(isDemotionRequested(cluster));
  ASSERT_TRUE(setCondition(conditions, replicaModeCondition(cluster), clock.now()));
  EXPECT_EQ(conditions[0].message, kEnabledMessage);
  EXPECT_EQ(conditions[0].last_transition_time, "2026-01-01T00:02:00Z"); // True all along
}

TEST(DesignatedLeaderTest, UsesCurrentPrimaryOnlyWhenItIsACurrentPod) {
  RedisCluster cluster = clusterWith("{}"); // "redis", 3 instances
  EXPECT_EQ(designatedLeader(cluster), "redis-0");
  cluster.status.current_primary = "redis-2";
  EXPECT_EQ(designatedLeader(cluster), "redis-2");
  cluster.status.current_primary = "redis-3"; // scaled down below it
  EXPECT_EQ(designatedLeader(cluster), "redis-0");
  cluster.status.current_primary = "other-1";
  EXPECT_EQ(designatedLeader(cluster), "redis-0");
  cluster.status.current_primary = "redis-01";
  EXPECT_EQ(designatedLeader(cluster), "redis-0");
}

TEST(EffectiveMasterNameTest, FallsBackToTheClusterName) {
  RedisCluster cluster = clusterWith("{}");
  EXPECT_EQ(effectiveMasterName(cluster), "redis");
  cluster.spec.sentinel = SentinelSpec{};
  EXPECT_EQ(effectiveMasterName(cluster), "redis");
  cluster.spec.sentinel->master_name = "";
  EXPECT_EQ(effectiveMasterName(cluster), "redis");
  cluster.spec.sentinel->master_name = "mymaster";
  EXPECT_EQ(effectiveMasterName(cluster), "mymaster");
}

TEST(SourceAddressTest, EmptyWithoutSource) {
  EXPECT_EQ(sourceAddress(RedisClusterSpec{}), "");
  EXPECT_EQ(sourceAddress(clusterWith(kUnnamedPromoted).spec), "35.123.45.67:6380");
  EXPECT_EQ(sourceDisplayName(clusterWith(kEast).spec), "prod-redis-us-east");
}

} // namespace
} // namespace rdr::api
