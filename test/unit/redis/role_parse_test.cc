// Tests of parseRole over real ROLE replies (raw RESP captured from redis-server 7.0, decoded by
// hiredis' reader and toReply, as the adapter does) and over malformed shapes.
#include <gtest/gtest.h>

#include <hiredis/hiredis.h>

#include "rdr/common/file.h"
#include "rdr/redis/info.h"
#include "redis/hiredis_reply.h"

namespace rdr::redis {
namespace {

// Decodes one RESP reply from a fixture file with hiredis' own reader.
Reply respFixture(const std::string& name) {
  const auto bytes = readFile(std::string(RDR_TEST_DATA_DIR) + "/redis/" + name);
  EXPECT_TRUE(bytes.has_value()) << name;
  if (!bytes.has_value()) {
    return Reply::nil();
  }
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, bytes->data(), bytes->size());
  void* raw = nullptr;
  const int status = redisReaderGetReply(reader, &raw);
  redisReaderFree(reader);
  EXPECT_EQ(status, REDIS_OK) << name;
  EXPECT_NE(raw, nullptr) << name;
  if (raw == nullptr) {
    return Reply::nil();
  }
  Reply reply = toReply(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

TEST(RoleParseTest, ParsesAMasterWithItsReplicas) {
  const auto role = parseRole(respFixture("redis-7.0-master.role.resp"));
  ASSERT_TRUE(role.has_value()) << role.error().toString();
  EXPECT_EQ(role->role, Role::Master);
  EXPECT_EQ(role->offset, 3903);
  ASSERT_EQ(role->replicas.size(), 2u);
  EXPECT_EQ(role->replicas[0], (ReplicaEntry{"127.0.0.1", 48847, "", 3903, std::nullopt}));
  EXPECT_EQ(role->replicas[1], (ReplicaEntry{"127.0.0.1", 44599, "", 3903, std::nullopt}));
  EXPECT_TRUE(role->master_host.empty());
}

struct ReplicaRoleCase {
  std::string file;
  std::string master_host;
  int master_port;
  std::string link_state;
  std::int64_t offset;
};

class ReplicaRoleFixtureTest : public ::testing::TestWithParam<ReplicaRoleCase> {};

TEST_P(ReplicaRoleFixtureTest, ParsesHostPortStateAndOffset) {
  const ReplicaRoleCase& c = GetParam();
  const auto role = parseRole(respFixture(c.file));
  ASSERT_TRUE(role.has_value()) << role.error().toString();
  EXPECT_EQ(role->role, Role::Replica);
  EXPECT_EQ(role->master_host, c.master_host);
  EXPECT_EQ(role->master_port, c.master_port);
  EXPECT_EQ(role->link_state, c.link_state);
  EXPECT_EQ(role->offset, c.offset);
  EXPECT_TRUE(role->replicas.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ReplicaRoleFixtureTest,
    ::testing::Values(
        ReplicaRoleCase{"redis-7.0-replica-online.role.resp", "127.0.0.1", 41939, "connected",
                        3903},
        ReplicaRoleCase{"redis-7.0-replica-full-sync.role.resp", "127.0.0.1", 41939, "sync", -1},
        ReplicaRoleCase{"redis-7.0-replica-link-down.role.resp", "127.0.0.1", 48847, "connect",
                        -1}),
    [](const ::testing::TestParamInfo<ReplicaRoleCase>& info) {
      return std::to_string(info.index);
    });

TEST(RoleParseTest, RefusesASentinelAsUnsupported) {
  const auto role = parseRole(respFixture("redis-7.0-sentinel.role.resp"));
  ASSERT_FALSE(role.has_value());
  EXPECT_EQ(role.error().code(), ErrorCode::Unsupported);
  EXPECT_NE(role.error().message().find("sentinel"), std::string::npos);
}

TEST(RoleParseTest, AcceptsIntegersWhereRedisSendsDecimalStrings) {
  const Reply reply = Reply::array(
      {Reply::string("master"), Reply::integerOf(10),
       Reply::array({Reply::array({Reply::string("10.0.0.2"), Reply::integerOf(6379),
                                   Reply::integerOf(7)})})});
  const auto role = parseRole(reply);
  ASSERT_TRUE(role.has_value()) << role.error().toString();
  EXPECT_EQ(role->replicas.at(0).port, 6379);
  EXPECT_EQ(role->replicas.at(0).offset, 7);
}

struct MalformedRoleCase {
  std::string name;
  Reply reply;
};

class MalformedRoleTest : public ::testing::TestWithParam<MalformedRoleCase> {};

TEST_P(MalformedRoleTest, IsInvalid) {
  const auto role = parseRole(GetParam().reply);
  ASSERT_FALSE(role.has_value());
  EXPECT_EQ(role.error().code(), ErrorCode::Invalid) << role.error().toString();
  EXPECT_TRUE(role.error().message().starts_with("ROLE reply: ")) << role.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedRoleTest,
    ::testing::Values(
        MalformedRoleCase{"NotAnArray", Reply::status("OK")},
        MalformedRoleCase{"Empty", Reply::array({})},
        MalformedRoleCase{"UnknownRole", Reply::array({Reply::string("leader")})},
        MalformedRoleCase{"MasterWithoutReplicas",
                          Reply::array({Reply::string("master"), Reply::integerOf(1)})},
        MalformedRoleCase{"MasterOffsetText",
                          Reply::array({Reply::string("master"), Reply::string("x"),
                                        Reply::array({})})},
        MalformedRoleCase{"ReplicaEntryTooShort",
                          Reply::array({Reply::string("master"), Reply::integerOf(1),
                                        Reply::array({Reply::array({Reply::string("a")})})})},
        MalformedRoleCase{"ReplicaEntryBadPort",
                          Reply::array({Reply::string("master"), Reply::integerOf(1),
                                        Reply::array({Reply::array({Reply::string("a"),
                                                                    Reply::string("p"),
                                                                    Reply::string("1")})})})},
        MalformedRoleCase{"SlaveTooShort",
                          Reply::array({Reply::string("slave"), Reply::string("h"),
                                        Reply::integerOf(1)})},
        MalformedRoleCase{"SlavePortNil",
                          Reply::array({Reply::string("slave"), Reply::string("h"), Reply::nil(),
                                        Reply::string("connected"), Reply::integerOf(1)})}),
    [](const ::testing::TestParamInfo<MalformedRoleCase>& info) { return info.param.name; });

TEST(ToReplyTest, CopiesEveryTypeOfAHiredisTree) {
  const std::string resp = "*5\r\n+OK\r\n-ERR no\r\n:42\r\n$3\r\nabc\r\n*1\r\n$-1\r\n";
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, resp.data(), resp.size());
  void* raw = nullptr;
  ASSERT_EQ(redisReaderGetReply(reader, &raw), REDIS_OK);
  redisReaderFree(reader);
  ASSERT_NE(raw, nullptr);
  const Reply reply = toReply(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  EXPECT_EQ(reply, Reply::array({Reply::status("OK"), Reply::error("ERR no"),
                                 Reply::integerOf(42), Reply::string("abc"),
                                 Reply::array({Reply::nil()})}));
}

} // namespace
} // namespace rdr::redis
