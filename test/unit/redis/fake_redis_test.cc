// Tests of FakeRedisConnector, the in-memory Redis nodes that controller tests build on.
#include <gtest/gtest.h>

#include <gmock/gmock.h>

#include "fakes/fake_redis.h"

namespace rdr::testing {
namespace {

using namespace std::chrono_literals;
using redis::Endpoint;
using redis::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const Endpoint kA{"10.0.0.1", 6379};
const Endpoint kB{"10.0.0.2", 6379};
const Endpoint kC{"10.0.0.3", 6379};
const std::string kHeadlessA = "cache-0.cache-headless.apps.svc.cluster.local";

class FakeRedisTest : public ::testing::Test {
protected:
  std::shared_ptr<redis::RedisAdmin> admin(const Endpoint& endpoint,
                                           std::optional<std::string> password = std::nullopt) {
    return fake_.admin(endpoint, redis::Credentials{std::nullopt, std::move(password)});
  }

  FakeRedisConnector fake_;
};

TEST_F(FakeRedisTest, NodesStartAsMastersWithDeterministicDistinctReplids) {
  const FakeRedisNode a = fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  FakeRedisConnector other;
  const FakeRedisNode same = other.addNode(kA);

  EXPECT_EQ(a.role(), Role::Master);
  EXPECT_EQ(a.offset(), 0);
  EXPECT_EQ(a.replid().size(), 40u);
  EXPECT_EQ(a.replid().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.replid(), b.replid());
  EXPECT_EQ(a.replid(), same.replid());
  EXPECT_EQ(a.replid2(), "0000000000000000000000000000000000000000");
  const auto role = admin(kA)->role();
  ASSERT_TRUE(role.has_value()) << role.error().toString();
  EXPECT_EQ(role->role, Role::Master);
}

TEST_F(FakeRedisTest, ReplicaOfAnAliasLinksAndKeepsTheHostAsGiven) {
  const FakeRedisNode a = fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  fake_.alias(kHeadlessA, kA);
  ASSERT_TRUE(fake_.write(kA, 100).has_value());

  ASSERT_TRUE(admin(kB)->replicaOf({kHeadlessA, 6379}).has_value());

  const auto info = admin(kB)->replicationInfo();
  ASSERT_TRUE(info.has_value()) << info.error().toString();
  EXPECT_EQ(info->role, Role::Replica);
  EXPECT_EQ(info->master_host, kHeadlessA);
  EXPECT_EQ(info->master_port, 6379);
  EXPECT_TRUE(info->master_link_up);
  EXPECT_EQ(info->processedOffset(), 100); // a full sync brings the master's data
  EXPECT_EQ(info->master_replid, a.replid());
  const auto upstream = admin(kA)->replicationInfo();
  ASSERT_TRUE(upstream.has_value());
  EXPECT_EQ(upstream->connected_slaves, 1);
  ASSERT_EQ(upstream->replicas.size(), 1u);
  EXPECT_EQ(upstream->replicas[0].ip, "10.0.0.2");
  EXPECT_EQ(upstream->replicas[0].state, "online");
  EXPECT_EQ(a.stats().sync_full, 1);
  EXPECT_EQ(a.stats().sync_partial_err, 1);
  EXPECT_EQ(b.role(), Role::Replica);
}

TEST_F(FakeRedisTest, ReplicaOfAnUnknownHostLeavesTheLinkDown) {
  fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicaOf({"nowhere.svc", 6379}).has_value());
  const auto info = admin(kB)->replicationInfo();
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->master_link_up);
  EXPECT_EQ(info->master_link_down_since_seconds, -1);
  const auto role = admin(kB)->role();
  ASSERT_TRUE(role.has_value());
  EXPECT_EQ(role->link_state, "connect");
  EXPECT_EQ(role->offset, -1);
}

TEST_F(FakeRedisTest, WritesFlowDownTheChainUnlessALinkIsHeld) {
  fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  const FakeRedisNode c = fake_.addNode(kC);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(admin(kC)->replicaOf(kB).has_value());
  ASSERT_TRUE(fake_.write(kA, 10).has_value());
  EXPECT_EQ(b.offset(), 10);
  EXPECT_EQ(c.offset(), 10);

  fake_.setLinkUp(kC, false);
  ASSERT_TRUE(fake_.write(kA, 5).has_value());
  EXPECT_EQ(b.offset(), 15);
  EXPECT_EQ(c.offset(), 10);
  EXPECT_FALSE(c.linkUp());

  fake_.setLinkUp(kC, true); // a partial resync from b, still behind until advance()
  EXPECT_TRUE(c.linkUp());
  EXPECT_EQ(fake_.node(kB).stats().sync_partial_ok, 1);
  EXPECT_EQ(c.offset(), 10);
  fake_.advance(kC);
  EXPECT_EQ(c.offset(), 15);
  EXPECT_FALSE(fake_.write(kB, 1).has_value()); // a replica is read-only
}

TEST_F(FakeRedisTest, PromoteKeepsDataAndOpensANewHistoryLikeRedis) {
  const FakeRedisNode a = fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(fake_.write(kA, 100).has_value());
  const std::string old_replid = a.replid();

  ASSERT_TRUE(admin(kB)->promote().has_value());

  const auto info = admin(kB)->replicationInfo();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->role, Role::Master);
  EXPECT_EQ(info->master_repl_offset, 100);
  EXPECT_EQ(info->master_replid2, old_replid);
  EXPECT_EQ(info->second_repl_offset, 101);
  EXPECT_NE(info->master_replid, old_replid);
  EXPECT_TRUE(info->master_host.empty());

  // The old master follows the new one: same history up to 100, so a partial resync.
  ASSERT_TRUE(admin(kA)->replicaOf(kB).has_value());
  EXPECT_EQ(b.stats().sync_partial_ok, 1);
  EXPECT_EQ(b.stats().sync_full, 0);
  EXPECT_EQ(a.replid(), b.replid());
  EXPECT_EQ(a.replid2(), old_replid);
  EXPECT_TRUE(a.linkUp());
}

TEST_F(FakeRedisTest, ADivergedOldMasterNeedsAFullSync) {
  const FakeRedisNode a = fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(fake_.write(kA, 100).has_value());
  fake_.setReachable(kB, false); // partitioned: a's later writes never reach b
  ASSERT_TRUE(fake_.write(kA, 50).has_value());
  fake_.setReachable(kB, true);
  fake_.setLinkUp(kB, false);
  ASSERT_TRUE(admin(kB)->promote().has_value());

  ASSERT_TRUE(admin(kA)->replicaOf(kB).has_value());
  EXPECT_EQ(b.stats().sync_full, 1);
  EXPECT_EQ(a.offset(), 100); // a's 50 unreplicated bytes are gone
  EXPECT_EQ(a.replid2(), "0000000000000000000000000000000000000000");
}

TEST_F(FakeRedisTest, ChainedReplicasFollowTheirUpstreamIntoItsNewHistory) {
  fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  const FakeRedisNode c = fake_.addNode(kC);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(admin(kC)->replicaOf(kB).has_value());
  ASSERT_TRUE(fake_.write(kA, 42).has_value());

  ASSERT_TRUE(admin(kB)->promote().has_value());

  EXPECT_TRUE(c.linkUp());
  EXPECT_EQ(c.replid(), b.replid());
  // c's first attach was full (a fresh node); after the promotion it re-attaches through replid2.
  EXPECT_EQ(b.stats().sync_full, 1);
  EXPECT_EQ(b.stats().sync_partial_ok, 1);
  EXPECT_EQ(c.replid2(), fake_.node(kA).replid());
}

TEST_F(FakeRedisTest, AnUnreachableNodeRefusesAndItsReplicasLoseTheLink) {
  fake_.addNode(kA);
  const FakeRedisNode b = fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  fake_.setReachable(kA, false);

  const auto info = admin(kA)->replicationInfo();
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), ErrorCode::Transient);
  EXPECT_EQ(info.error().message(), "redis 10.0.0.1:6379: INFO replication: connection refused");
  const auto replica = admin(kB)->replicationInfo();
  ASSERT_TRUE(replica.has_value());
  EXPECT_FALSE(replica->master_link_up);
  EXPECT_EQ(replica->master_link_down_since_seconds, 1);

  fake_.setReachable(kA, true);
  EXPECT_TRUE(b.linkUp());
  EXPECT_EQ(fake_.node(kA).stats().sync_partial_ok, 1);
  EXPECT_FALSE(admin({"10.9.9.9", 6379})->ping().has_value()); // no such node
}

TEST_F(FakeRedisTest, PasswordsAreCheckedAndNeverEchoed) {
  fake_.addNode(kA, "s3cret");
  EXPECT_TRUE(admin(kA, "s3cret")->ping().has_value());

  const Status wrong = admin(kA, "guess")->ping();
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::Unauthorized);
  EXPECT_THAT(wrong.error().message(), HasSubstr("WRONGPASS"));
  EXPECT_THAT(wrong.error().message(), Not(HasSubstr("guess")));
  const Status none = admin(kA)->ping();
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::Unauthorized);
  EXPECT_THAT(none.error().message(), HasSubstr("NOAUTH"));

  fake_.setPassword(kA, "rotated");
  EXPECT_FALSE(admin(kA, "s3cret")->ping().has_value());
  ASSERT_TRUE(admin(kA, "rotated")->configSet("requirepass", "again").has_value());
  EXPECT_TRUE(admin(kA, "again")->ping().has_value());
  for (const std::string& line : fake_.commands()) {
    EXPECT_THAT(line, Not(HasSubstr("again")));
  }
}

TEST_F(FakeRedisTest, AReplicaNeedsTheUpstreamPasswordAsMasterauth) {
  fake_.addNode(kA, "s3cret");
  const FakeRedisNode b = fake_.addNode(kB, "s3cret");
  ASSERT_TRUE(admin(kB, "s3cret")->replicaOf(kA).has_value());
  EXPECT_FALSE(b.linkUp());
  ASSERT_TRUE(admin(kB, "s3cret")->configSet("masterauth", "s3cret").has_value());
  EXPECT_TRUE(b.linkUp());
  EXPECT_EQ(fake_.node(kA).stats().sync_full, 1);
}

TEST_F(FakeRedisTest, LogsCommandsWithoutSecretsAndFiltersMutations) {
  fake_.addNode(kA);
  fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicationInfo().has_value());
  ASSERT_TRUE(admin(kB)->configSet("masterauth", "p4ss").has_value());
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(admin(kB)->promote().has_value());

  EXPECT_THAT(fake_.commands(), ElementsAre("10.0.0.2:6379 INFO replication",
                                            "10.0.0.2:6379 CONFIG SET masterauth ***",
                                            "10.0.0.2:6379 REPLICAOF 10.0.0.1 6379",
                                            "10.0.0.2:6379 REPLICAOF NO ONE"));
  EXPECT_THAT(fake_.mutations(), ElementsAre("10.0.0.2:6379 CONFIG SET masterauth ***",
                                             "10.0.0.2:6379 REPLICAOF 10.0.0.1 6379",
                                             "10.0.0.2:6379 REPLICAOF NO ONE"));
  fake_.clearCommands();
  EXPECT_TRUE(fake_.commands().empty());
}

TEST_F(FakeRedisTest, FailNextFailsExactlyOnce) {
  fake_.addNode(kA);
  fake_.failNext(kA, Error(ErrorCode::Transient, "timed out after 1000 ms"));
  const Status first = admin(kA)->promote();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code(), ErrorCode::Transient);
  EXPECT_EQ(first.error().message(),
            "redis 10.0.0.1:6379: REPLICAOF NO ONE: timed out after 1000 ms");
  EXPECT_TRUE(admin(kA)->promote().has_value());
  EXPECT_EQ(fake_.commands().size(), 2u); // the failed attempt is logged too
}

TEST_F(FakeRedisTest, ConfigGetAndSetKnowTheirParameters) {
  fake_.addNode(kA);
  fake_.setConfig(kA, "maxmemory-policy", "noeviction");
  const auto policy = admin(kA)->configGet("maxmemory-policy");
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(*policy, "noeviction");
  const auto unknown = admin(kA)->configGet("no-such-thing");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::NotFound);
  const Status bad = admin(kA)->configSet("no-such-thing", "1");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::Invalid);
  ASSERT_TRUE(admin(kA)->configSet("masterauth", "x").has_value());
  EXPECT_EQ(admin(kA)->configGet("masterauth").value_or(""), "x");
}

TEST_F(FakeRedisTest, PauseBlocksWritesAndWaitCountsCaughtUpReplicas) {
  fake_.addNode(kA);
  fake_.addNode(kB);
  fake_.addNode(kC);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  ASSERT_TRUE(admin(kC)->replicaOf(kA).has_value());
  fake_.setLinkUp(kC, false);
  ASSERT_TRUE(fake_.write(kA, 7).has_value());

  ASSERT_TRUE(admin(kA)->pauseWrites(5s).has_value());
  EXPECT_TRUE(fake_.node(kA).writesPaused());
  EXPECT_FALSE(fake_.write(kA, 1).has_value());
  const auto acknowledged = admin(kA)->wait(2, 100ms);
  ASSERT_TRUE(acknowledged.has_value());
  EXPECT_EQ(*acknowledged, 1);
  ASSERT_TRUE(admin(kA)->unpause().has_value());
  EXPECT_TRUE(fake_.write(kA, 1).has_value());
  EXPECT_FALSE(admin(kB)->wait(1, 10ms).has_value()); // WAIT on a replica is refused
}

TEST_F(FakeRedisTest, RawCommandsAnswerLikeRedis) {
  fake_.addNode(kA);
  fake_.addNode(kB);
  ASSERT_TRUE(admin(kB)->replicaOf(kA).has_value());
  const auto text = admin(kB)->command({"INFO", "replication"});
  ASSERT_TRUE(text.has_value());
  const auto parsed = redis::parseReplicationInfo(text->text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().toString();
  EXPECT_EQ(*parsed, fake_.node(kB).info());
  const auto role = admin(kA)->role();
  ASSERT_TRUE(role.has_value());
  ASSERT_EQ(role->replicas.size(), 1u);
  EXPECT_EQ(role->replicas[0].ip, "10.0.0.2");
  const auto unknown = admin(kA)->command({"FLUSHALL"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::Invalid);
}

} // namespace
} // namespace rdr::testing
