// Sentinel's commands (redis/sentinel.h) against real Sentinels and a real primary and replica on
// 127.0.0.1: monitor, configure, report settings, discover, fail over (by itself and on request),
// reset, remove; the auth-pass value never appears in an error.
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

  // Every Sentinel monitors `primary` as kMaster with quorum 2 and the password, fails it over
  // after 1 s of silence, and gives up a failover after 10 s.
  void monitorAll(const std::vector<std::shared_ptr<RedisAdmin>>& sentinels,
                  const Endpoint& primary) {
    for (const auto& s : sentinels) {
      ASSERT_TRUE(sentinelMonitor(*s, kMaster, primary, 2).has_value());
      ASSERT_TRUE(sentinelSet(*s, kMaster, "auth-pass", kPassword).has_value());
      ASSERT_TRUE(sentinelSet(*s, kMaster, "down-after-milliseconds", "1000").has_value());
      ASSERT_TRUE(sentinelSet(*s, kMaster, "failover-timeout", "10000").has_value());
      ASSERT_TRUE(sentinelSet(*s, kMaster, "parallel-syncs", "1").has_value());
    }
  }

  // Until every Sentinel knows `replicas` replicas and the two other Sentinels.
  static bool discovered(const std::vector<std::shared_ptr<RedisAdmin>>& sentinels,
                         std::size_t replicas) {
    for (const auto& s : sentinels) {
      auto known = sentinelKnownIps(*s, kMaster);
      if (!known || known->size() < replicas + 2) {
        return false;
      }
    }
    return true;
  }

  // How many Sentinels name `endpoint` as kMaster.
  static int naming(const std::vector<std::shared_ptr<RedisAdmin>>& sentinels,
                    const Endpoint& endpoint) {
    int count = 0;
    for (const auto& s : sentinels) {
      auto named = sentinelMasterAddress(*s, kMaster);
      count += named && named->has_value() && **named == endpoint ? 1 : 0;
    }
    return count;
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

// What the operator reads (SENTINEL MASTER) and asks (SENTINEL FAILOVER) of a live group: the
// settings by name without the password, and a failover on request of a primary that is up.
TEST_F(SentinelIntegrationTest, ReportsSettingsAndFailsOverOnRequest) {
  RedisServer& primary = server("primary");
  RedisServer& replica =
      server("replica", {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  std::vector<std::shared_ptr<RedisAdmin>> sentinels;
  for (const char* name : {"s0", "s1", "s2"}) {
    sentinels.push_back(connector_->admin(sentinel(name).endpoint(), Credentials{}));
  }
  monitorAll(sentinels, primary.endpoint());
  ASSERT_FALSE(HasFatalFailure());

  auto fields = sentinelMasterFields(*sentinels[0], kMaster);
  ASSERT_TRUE(fields.has_value()) << fields.error().toString();
  EXPECT_EQ(fields->at("name"), kMaster);
  EXPECT_EQ(fields->at("ip"), "127.0.0.1");
  EXPECT_EQ(fields->at("port"), std::to_string(primary.port()));
  EXPECT_EQ(fields->at("quorum"), "2");
  EXPECT_EQ(fields->at("down-after-milliseconds"), "1000");
  EXPECT_EQ(fields->at("failover-timeout"), "10000");
  EXPECT_EQ(fields->at("parallel-syncs"), "1");
  for (const auto& [field, value] : *fields) {
    EXPECT_THAT(value, Not(HasSubstr(kPassword))) << field;
  }
  const auto unknown = sentinelMasterFields(*sentinels[0], "not-monitored");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.error().toString(), HasSubstr("SENTINEL MASTER"));
  EXPECT_THAT(unknown.error().toString(), HasSubstr("No such master"));

  ASSERT_TRUE(waitFor([&] { return discovered(sentinels, 1); }, 20s))
      << "the Sentinels did not discover the replica and each other";
  // Asked twice in a row: the second request finds the first one running (INPROG), which is
  // what was asked for. A third, raw request shows it was still running.
  const Status asked = sentinelFailover(*sentinels[0], kMaster);
  ASSERT_TRUE(asked.has_value()) << asked.error().toString();
  const Status again = sentinelFailover(*sentinels[0], kMaster);
  EXPECT_TRUE(again.has_value()) << again.error().toString();
  const auto raw = sentinels[0]->command({"SENTINEL", "FAILOVER", kMaster});
  ASSERT_FALSE(raw.has_value()) << "a failover was expected to be in progress";
  EXPECT_THAT(raw.error().toString(), HasSubstr("INPROG"));

  // The primary never went down, yet the group moves to the replica and demotes it.
  EXPECT_TRUE(waitFor([&] { return naming(sentinels, replica.endpoint()) == 3; }, 20s))
      << "the Sentinels did not all name the replica";
  EXPECT_TRUE(waitFor(
      [&] {
        auto promoted =
            connector_->admin(replica.endpoint(), replica.credentials())->replicationInfo();
        auto demoted =
            connector_->admin(primary.endpoint(), primary.credentials())->replicationInfo();
        return promoted && promoted->role == Role::Master && demoted &&
               demoted->role == Role::Replica && demoted->master_port == replica.port();
      },
      20s))
      << "the replica was not promoted, or the old primary not made its replica";
}

// A master Sentinel knows no replica of cannot be failed over: an error, not a silent no-op.
TEST_F(SentinelIntegrationTest, AFailoverWithoutAReplicaIsRefused) {
  RedisServer& alone = server("alone");
  auto s = connector_->admin(sentinel("s0").endpoint(), Credentials{});
  ASSERT_TRUE(sentinelMonitor(*s, kMaster, alone.endpoint(), 1).has_value());
  ASSERT_TRUE(sentinelSet(*s, kMaster, "auth-pass", kPassword).has_value());
  const Status refused = sentinelFailover(*s, kMaster);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().toString(), HasSubstr("NOGOODSLAVE"));
  EXPECT_THAT(refused.error().toString(), Not(HasSubstr(kPassword)));
  const Status unmonitored = sentinelFailover(*s, "not-monitored");
  ASSERT_FALSE(unmonitored.has_value());
  EXPECT_THAT(unmonitored.error().toString(), HasSubstr("No such master"));
}

} // namespace
} // namespace rdr::redis::testing
