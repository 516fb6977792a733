// Table tests of parseReplicationInfo/parseStatsInfo over the INFO fixtures of test/data/redis.
#include <gtest/gtest.h>

#include <string>

#include "rdr/common/file.h"
#include "rdr/redis/info.h"

namespace rdr::redis {
namespace {

constexpr std::string_view kNoReplid = "0000000000000000000000000000000000000000";

std::string fixture(const std::string& name) {
  auto text = readFile(std::string(RDR_TEST_DATA_DIR) + "/redis/" + name);
  EXPECT_TRUE(text.has_value()) << name;
  return text.has_value() ? *text : std::string();
}

std::string withoutCarriageReturns(std::string text) {
  std::erase(text, '\r');
  return text;
}

struct InfoCase {
  std::string file;
  Role role;
  std::int64_t processed_offset;
  bool link_up;
  bool sync_in_progress;
  std::size_t replicas;
  std::string replid;
  std::string replid2;
  std::int64_t second_repl_offset;
  std::optional<std::int64_t> read_offset;      // slave_read_repl_offset (7.0+ replicas)
  std::optional<std::int64_t> link_down_since;  // master_link_down_since_seconds
  std::optional<std::int64_t> good_replicas;    // min_slaves_good_slaves
};

void PrintTo(const InfoCase& c, std::ostream* os) {
  *os << c.file;
}

class ReplicationInfoFixtureTest : public ::testing::TestWithParam<InfoCase> {};

TEST_P(ReplicationInfoFixtureTest, ParsesRoleOffsetsLinkAndHistory) {
  const InfoCase& c = GetParam();
  const auto info = parseReplicationInfo(fixture(c.file));
  ASSERT_TRUE(info.has_value()) << info.error().toString();
  EXPECT_EQ(info->role, c.role);
  EXPECT_EQ(info->processedOffset(), c.processed_offset);
  EXPECT_EQ(info->master_link_up, c.link_up);
  EXPECT_EQ(info->master_sync_in_progress, c.sync_in_progress);
  EXPECT_EQ(info->replicas.size(), c.replicas);
  EXPECT_EQ(info->connected_slaves, static_cast<int>(c.replicas));
  EXPECT_EQ(info->master_replid, c.replid);
  EXPECT_EQ(info->master_replid2, c.replid2);
  EXPECT_EQ(info->second_repl_offset, c.second_repl_offset);
  EXPECT_EQ(info->slave_read_repl_offset, c.read_offset);
  EXPECT_EQ(info->master_link_down_since_seconds, c.link_down_since);
  EXPECT_EQ(info->min_slaves_good_slaves, c.good_replicas);
}

TEST_P(ReplicationInfoFixtureTest, LineFeedsAloneParseTheSame) {
  const std::string text = fixture(GetParam().file);
  const auto crlf = parseReplicationInfo(text);
  const auto lf = parseReplicationInfo(withoutCarriageReturns(text));
  ASSERT_TRUE(crlf.has_value() && lf.has_value());
  EXPECT_EQ(*crlf, *lf);
}

// Offsets and ids below are those the fixtures hold (captured or written, see README.md there).
INSTANTIATE_TEST_SUITE_P(
    Fixtures, ReplicationInfoFixtureTest,
    ::testing::Values(
        InfoCase{"redis-7.0-master-2-replicas.info", Role::Master, 3903, false, false, 2,
                 "08a76208b4d283ecf0db1f28ca579f2195350e7a", std::string(kNoReplid), -1,
                 std::nullopt, std::nullopt, 2},
        InfoCase{"redis-7.0-master-3-replicas-one-syncing.info", Role::Master, 3903, false, false,
                 3, "08a76208b4d283ecf0db1f28ca579f2195350e7a", std::string(kNoReplid), -1,
                 std::nullopt, std::nullopt, 2},
        InfoCase{"redis-7.0-promoted-master.info", Role::Master, 3903, false, false, 1,
                 "9eb5f124984a18061d35bf31207e03e6d45f40df",
                 "08a76208b4d283ecf0db1f28ca579f2195350e7a", 3904, std::nullopt, std::nullopt,
                 std::nullopt},
        InfoCase{"redis-7.0-replica-online.info", Role::Replica, 3903, true, false, 0,
                 "08a76208b4d283ecf0db1f28ca579f2195350e7a", std::string(kNoReplid), -1, 3903,
                 std::nullopt, std::nullopt},
        InfoCase{"redis-7.0-replica-full-sync.info", Role::Replica, 0, false, true, 0,
                 "66aea17c6edd97573a81a8a20a83b488ca88d8bb", std::string(kNoReplid), -1, 0, -1,
                 std::nullopt},
        InfoCase{"redis-7.0-replica-link-down.info", Role::Replica, 3903, false, false, 0,
                 "9eb5f124984a18061d35bf31207e03e6d45f40df",
                 "08a76208b4d283ecf0db1f28ca579f2195350e7a", 3904, 3903, 2, std::nullopt},
        InfoCase{"redis-7.0-replica-link-down.all", Role::Replica, 3903, false, false, 0,
                 "9eb5f124984a18061d35bf31207e03e6d45f40df",
                 "08a76208b4d283ecf0db1f28ca579f2195350e7a", 3904, 3903, 2, std::nullopt},
        InfoCase{"redis-6.2-master.info", Role::Master, 1234567, false, false, 2,
                 "5bf0b1e2c1d5a4f0a6b6a8d4e1f2c3b4a5d6e7f8", std::string(kNoReplid), -1,
                 std::nullopt, std::nullopt, std::nullopt},
        InfoCase{"redis-6.2-replica-online.info", Role::Replica, 1234553, true, false, 0,
                 "5bf0b1e2c1d5a4f0a6b6a8d4e1f2c3b4a5d6e7f8", std::string(kNoReplid), -1,
                 std::nullopt, std::nullopt, std::nullopt},
        InfoCase{"redis-6.2-replica-link-down.info", Role::Replica, 1234567, false, false, 0,
                 "5bf0b1e2c1d5a4f0a6b6a8d4e1f2c3b4a5d6e7f8", std::string(kNoReplid), -1,
                 std::nullopt, 37, std::nullopt},
        InfoCase{"redis-7.2-replica-chained.info", Role::Replica, 88012930, true, false, 1,
                 "e3a1c9d0f27b6a5c4d3e2f1a0b9c8d7e6f5a4b3c",
                 "71d0c2b3a4e5f60718293a4b5c6d7e8f90a1b2c3", 87000001, 88012944, std::nullopt,
                 std::nullopt},
        InfoCase{"redis-7.2-replica-full-sync.info", Role::Replica, 1, false, true, 0,
                 "2f4e6a8c0b1d3f5a7c9e0b2d4f6a8c0e1b3d5f7a", std::string(kNoReplid), -1, 1, -1,
                 std::nullopt},
        InfoCase{"redis-7.2-master-min-replicas.info", Role::Master, 88012944, false, false, 2,
                 "e3a1c9d0f27b6a5c4d3e2f1a0b9c8d7e6f5a4b3c",
                 "71d0c2b3a4e5f60718293a4b5c6d7e8f90a1b2c3", 87000001, std::nullopt,
                 std::nullopt, 1}),
    [](const ::testing::TestParamInfo<InfoCase>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(ReplicationInfoTest, ParsesEveryReplicaLineOfAMaster) {
  const auto info = parseReplicationInfo(fixture("redis-7.0-master-3-replicas-one-syncing.info"));
  ASSERT_TRUE(info.has_value());
  ASSERT_EQ(info->replicas.size(), 3u);
  EXPECT_EQ(info->replicas[0], (ReplicaEntry{"127.0.0.1", 48847, "online", 3903, 1}));
  EXPECT_EQ(info->replicas[1], (ReplicaEntry{"127.0.0.1", 44599, "online", 3903, 1}));
  EXPECT_EQ(info->replicas[2], (ReplicaEntry{"127.0.0.1", 37257, "wait_bgsave", 0, 0}));
  EXPECT_TRUE(info->repl_backlog_active);
  EXPECT_EQ(info->repl_backlog_size, 1048576);
  EXPECT_EQ(info->repl_backlog_first_byte_offset, 1);
  EXPECT_EQ(info->repl_backlog_histlen, 3903);
}

TEST(ReplicationInfoTest, ParsesTheReplicaFieldsOfAReplicaThatIsNeverConnected) {
  const auto info = parseReplicationInfo(fixture("redis-7.0-replica-full-sync.info"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->master_host, "127.0.0.1");
  EXPECT_EQ(info->master_port, 41939);
  EXPECT_EQ(info->master_last_io_seconds_ago, -1);
  EXPECT_EQ(info->slave_priority, 100);
  EXPECT_TRUE(info->slave_read_only);
  EXPECT_FALSE(info->repl_backlog_active);
}

TEST(ReplicationInfoTest, KeepsDnsNamesAndPriorityOfA62Replica) {
  const auto online = parseReplicationInfo(fixture("redis-6.2-replica-online.info"));
  ASSERT_TRUE(online.has_value());
  EXPECT_EQ(online->master_host, "cache-0.cache-headless.apps.svc.cluster.local");
  EXPECT_EQ(online->master_port, 6379);
  const auto down = parseReplicationInfo(fixture("redis-6.2-replica-link-down.info"));
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->slave_priority, 25);
}

TEST(ReplicationInfoTest, OrdersReplicasByTheirIndexAndIgnoresUnknownKeys) {
  const auto info = parseReplicationInfo(
      "role:master\nslave1:ip=b,port=2,state=online,offset=9,offset_lag=0,lag=3\n"
      "slave0:ip=a,port=1,state=send_bulk,offset=0,lag=0\nfuture_field:whatever\n");
  ASSERT_TRUE(info.has_value()) << info.error().toString();
  ASSERT_EQ(info->replicas.size(), 2u);
  EXPECT_EQ(info->replicas[0].ip, "a");
  EXPECT_EQ(info->replicas[1], (ReplicaEntry{"b", 2, "online", 9, 3}));
}

struct MalformedCase {
  std::string name;
  std::string text;
  std::string message_part;
};

class MalformedReplicationInfoTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedReplicationInfoTest, IsInvalidAndNamesTheLine) {
  const auto info = parseReplicationInfo(GetParam().text);
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), ErrorCode::Invalid);
  EXPECT_NE(info.error().message().find(GetParam().message_part), std::string::npos)
      << info.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedReplicationInfoTest,
    ::testing::Values(
        MalformedCase{"Empty", "", "no \"role:\" line"},
        MalformedCase{"NoRole", "# Replication\r\nconnected_slaves:0\r\n", "no \"role:\" line"},
        MalformedCase{"UnknownRole", "role:sentinel\r\n", "role:sentinel"},
        MalformedCase{"BadOffset", "role:slave\r\nslave_repl_offset:12x\r\n",
                      "slave_repl_offset:12x"},
        MalformedCase{"Overflow", "role:master\nmaster_repl_offset:99999999999999999999\n",
                      "master_repl_offset:99999999999999999999"},
        MalformedCase{"BadBool", "role:slave\nmaster_sync_in_progress:2\n",
                      "master_sync_in_progress:2"},
        MalformedCase{"NotKeyValue", "-ERR unknown command\r\n", "-ERR unknown command"},
        MalformedCase{"ReplicaWithoutPort", "role:master\nslave0:ip=10.0.0.1,state=online\n",
                      "ip or port"},
        MalformedCase{"ReplicaBadOffset", "role:master\nslave0:ip=a,port=1,offset=x,lag=0\n",
                      "slave0:ip=a"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

struct StatsCase {
  std::string file;
  StatsInfo expected;
};

class StatsInfoFixtureTest : public ::testing::TestWithParam<StatsCase> {};

TEST_P(StatsInfoFixtureTest, ReadsTheSyncCounters) {
  const auto stats = parseStatsInfo(fixture(GetParam().file));
  ASSERT_TRUE(stats.has_value()) << stats.error().toString();
  EXPECT_EQ(*stats, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, StatsInfoFixtureTest,
    ::testing::Values(StatsCase{"redis-7.0-master.stats", {2, 0, 2, 131, 0}},
                      StatsCase{"redis-7.0-promoted-master.stats", {0, 1, 0, 115, 0}},
                      StatsCase{"redis-7.0-replica-link-down.all", {0, 0, 0, 111, 0}},
                      StatsCase{"redis-6.2.stats", {2, 5, 1, 981224, 3}},
                      StatsCase{"redis-7.2.stats", {1, 3, 0, 770012, 7}}),
    [](const ::testing::TestParamInfo<StatsCase>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(StatsInfoTest, AbsentFieldsStayZeroAndMalformedOnesAreInvalid) {
  const auto empty = parseStatsInfo("# Stats\r\n");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, StatsInfo{});
  const auto bad = parseStatsInfo("sync_full:many\r\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::Invalid);
  EXPECT_NE(bad.error().message().find("sync_full:many"), std::string::npos);
}

TEST(RoleNameTest, NamesBothRoles) {
  EXPECT_EQ(toString(Role::Master), "master");
  EXPECT_EQ(toString(Role::Replica), "replica");
}

} // namespace
} // namespace rdr::redis
