// Sentinel's commands (redis/sentinel.h) against real Sentinels and a real primary and replica on
// 127.0.0.1: monitor, configure, discover, fail over, reset, remove; the auth-pass value never
// appears in an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include "integration/redis/redis_server.h"
#include "rdr/redis/sentinel.h"

namespace rdr::redis::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kPassword = "pw-Sentinel-5c1d";
const std::string kMaster = "mymaster";

class SentinelIntegrationTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!redisServerAvailable()) {
      GTEST_SKIP() << "redis-server is not installed";
    }
    char pattern[] = "/tmp/rdr-sentinel-it-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    connector_ = makeHiredisConnector();
  }

  void TearDown() override {
    servers_.clear();
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  RedisServer& server(const std::string& name, std::vector<std::string> extra = {}) {
    servers_.push_back(std::make_unique<RedisServer>(dir_ / name, kPassword, std::move(extra)));
    EXPECT_TRUE(servers_.back()->serving()) << servers_.back()->log();
    return *servers_.back();
  }

  RedisServer& sentinel(const std::string& name) {
    servers_.push_back(RedisServer::sentinel(dir_ / name));
    EXPECT_TRUE(servers_.back()->serving()) << servers_.back()->log();
    return *servers_.back();
  }

  std::filesystem::path dir_;
  std::unique_ptr<RedisConnector> connector_;
  std::vector<std::unique_ptr<RedisServer>> servers_;
};

TEST_F(SentinelIntegrationTest, MonitorsConfiguresFailsOverAndForgets) {
  RedisServer& primary = server("primary");
  RedisServer& replica = server("replica", {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  std::vector<std::shared_ptr<RedisAdmin>> sentinels;
  for (const char* name : {"s0", "s1", "s2"}) {
    sentinels.push_back(connector_->admin(sentinel(name).endpoint(), Credentials{}));
  }
  ASSERT_TRUE(waitFor(
      [&] {
        auto info = connector_->admin(replica.endpoint(), replica.credentials())->replicationInfo();
        return info && info->master_link_up;
      },
      10s));

  for (auto& s : sentinels) {
    auto none = sentinelMasterAddress(*s, kMaster);
    ASSERT_TRUE(none.has_value()) << none.error().toString();
    EXPECT_FALSE(none->has_value()) << "monitors nothing yet";
    ASSERT_TRUE(sentinelMonitor(*s, kMaster, primary.endpoint(), 2).has_value());
    ASSERT_TRUE(sentinelSet(*s, kMaster, "auth-pass", kPassword).has_value());
    ASSERT_TRUE(sentinelSet(*s, kMaster, "down-after-milliseconds", "1000").has_value());
    ASSERT_TRUE(sentinelSet(*s, kMaster, "failover-timeout", "10000").has_value());
    ASSERT_TRUE(sentinelSet(*s, kMaster, "parallel-syncs", "1").has_value());
    auto named = sentinelMasterAddress(*s, kMaster);
    ASSERT_TRUE(named.has_value() && named->has_value());
    EXPECT_EQ(**named, primary.endpoint());
  }
  // A wrong option: an error naming the command, never the value.
  const Status wrong = sentinelSet(*sentinels[0], kMaster, "auth-pass-typo", kPassword);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_THAT(wrong.error().toString(), HasSubstr("SENTINEL SET"));
  EXPECT_THAT(wrong.error().toString(), HasSubstr("auth-pass-typo"));
  EXPECT_THAT(wrong.error().toString(), Not(HasSubstr(kPassword)));

  // Sentinel learns replicas from the master's INFO and the other Sentinels from hello messages:
  // a failover needs both.
  const auto count = [&](RedisAdmin& s, const char* what) {
    auto reply = s.command({"SENTINEL", what, kMaster});
    return reply && reply->type == Reply::Type::Array ? reply->elements.size() : 0u;
  };
  ASSERT_TRUE(waitFor(
      [&] {
        for (auto& s : sentinels) {
          if (count(*s, "REPLICAS") < 1 || count(*s, "SENTINELS") < 2) {
            return false;
          }
        }
        return true;
      },
      20s))
      << "the Sentinels did not discover the replica and each other";
  auto known = sentinelKnownIps(*sentinels[0], kMaster);
  ASSERT_TRUE(known.has_value()) << known.error().toString();
  EXPECT_EQ(known->size(), 3u) << "one replica and two other Sentinels";

  // The primary dies: the group elects the replica.
  primary.kill();
  EXPECT_TRUE(waitFor(
      [&] {
        int agreeing = 0;
        for (auto& s : sentinels) {
          auto named = sentinelMasterAddress(*s, kMaster);
          agreeing += named && named->has_value() && **named == replica.endpoint() ? 1 : 0;
        }
        return agreeing >= 2;
      },
      20s))
      << "no majority named the replica";
  EXPECT_TRUE(waitFor(
      [&] {
        auto info = connector_->admin(replica.endpoint(), replica.credentials())->replicationInfo();
        return info && info->role == Role::Master;
      },
      10s));

  // RESET forgets what was learned (the dead old primary as a replica); REMOVE stops monitoring.
  auto reset = sentinelReset(*sentinels[0], kMaster);
  ASSERT_TRUE(reset.has_value()) << reset.error().toString();
  EXPECT_EQ(*reset, 1);
  ASSERT_TRUE(sentinelRemove(*sentinels[0], kMaster).has_value());
  auto gone = sentinelMasterAddress(*sentinels[0], kMaster);
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(sentinelRemove(*sentinels[0], kMaster).has_value()) << "removing twice is fine";
}

} // namespace
} // namespace rdr::redis::testing
