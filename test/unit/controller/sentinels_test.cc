// observeSentinel and executeSentinelAction against the fake's Sentinels: what is read, what is
// sent (the password masked in the fake's log), and unreachable Sentinels as observations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../fakes/fake_redis.h"
#include "controller/rediscluster/sentinels.h"

namespace rdr::controller {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const redis::Endpoint kSentinel{"127.10.0.20", 26379};
const SentinelSettings kSettings{"prod-redis", 2, 5000, 60000};
const ForceFailover kAskFailover{"s0", kSentinel.host, "a test asks", ""};

TEST(Sentinels, ConfiguresObservesResetsAndStops) {
  rdr::testing::FakeRedisConnector redis;
  redis.addSentinel(kSentinel);
  SentinelObservation seen = observeSentinel(redis, "prod-redis-sentinel-0", kSentinel.host,
                                             "prod-redis");
  EXPECT_TRUE(seen.reachable);
  EXPECT_FALSE(seen.master.has_value()) << "monitors nothing yet";

  ASSERT_TRUE(executeSentinelAction(
                  redis, MonitorPrimary{"prod-redis-sentinel-0", kSentinel.host, "127.10.0.5:6379"},
                  kSettings, std::string("s3cret"))
                  .has_value());
  EXPECT_EQ(redis.sentinelMonitors(kSentinel, "prod-redis"), "127.10.0.5:6379");
  const auto options = redis.sentinelOptions(kSentinel, "prod-redis");
  EXPECT_EQ(options.at("quorum"), "2");
  EXPECT_EQ(options.at("auth-pass"), "s3cret");
  EXPECT_EQ(options.at("down-after-milliseconds"), "5000");
  EXPECT_EQ(options.at("failover-timeout"), "60000");
  EXPECT_EQ(options.at("parallel-syncs"), "1");
  for (const std::string& command : redis.commands()) {
    EXPECT_THAT(command, Not(HasSubstr("s3cret")));
  }

  redis.setSentinelKnownIps(kSentinel, "prod-redis", {"127.10.0.6", "127.10.0.9"});
  seen = observeSentinel(redis, "prod-redis-sentinel-0", kSentinel.host, "prod-redis");
  EXPECT_EQ(seen.master, "127.10.0.5:6379");
  // REPLICAS and SENTINELS each report the fake's list.
  EXPECT_EQ(seen.known_ips, (std::vector<std::string>{"127.10.0.6", "127.10.0.9", "127.10.0.6",
                                                      "127.10.0.9"}));

  // Re-pointing a Sentinel that already monitors the name removes the old entry first.
  ASSERT_TRUE(executeSentinelAction(
                  redis, MonitorPrimary{"prod-redis-sentinel-0", kSentinel.host, "127.10.0.7:6379"},
                  kSettings, std::nullopt)
                  .has_value());
  EXPECT_EQ(redis.sentinelMonitors(kSentinel, "prod-redis"), "127.10.0.7:6379");

  ASSERT_TRUE(executeSentinelAction(redis, ResetSentinel{"prod-redis-sentinel-0", kSentinel.host},
                                    kSettings, std::nullopt)
                  .has_value());
  EXPECT_TRUE(observeSentinel(redis, "s", kSentinel.host, "prod-redis").known_ips.empty());

  ASSERT_TRUE(executeSentinelAction(redis, StopMonitoring{"prod-redis-sentinel-0", kSentinel.host, ""},
                                    kSettings, std::nullopt)
                  .has_value());
  EXPECT_FALSE(redis.sentinelMonitors(kSentinel, "prod-redis").has_value());
}

TEST(Sentinels, ReadsTheSettingsAppliesThemAndAsksForAFailover) {
  rdr::testing::FakeRedisConnector redis;
  redis.addSentinel(kSentinel);
  ASSERT_TRUE(executeSentinelAction(
                  redis, MonitorPrimary{"prod-redis-sentinel-0", kSentinel.host, "127.10.0.5:6379"},
                  kSettings, std::string("s3cret"))
                  .has_value());
  SentinelObservation seen = observeSentinel(redis, "s0", kSentinel.host, "prod-redis");
  EXPECT_EQ(seen.settings, kSettings.reported()) << "only the four settings, never auth-pass";

  const SentinelSettings changed{"prod-redis", 3, 8000, 90000};
  ASSERT_TRUE(executeSentinelAction(redis, ApplySettings{"s0", kSentinel.host}, changed,
                                    std::string("s3cret"))
                  .has_value());
  seen = observeSentinel(redis, "s0", kSentinel.host, "prod-redis");
  EXPECT_EQ(seen.settings, changed.reported());
  EXPECT_EQ(seen.master, "127.10.0.5:6379") << "applied in place";

  ASSERT_TRUE(executeSentinelAction(redis, kAskFailover, changed, std::nullopt).has_value());
  EXPECT_EQ(redis.sentinelFailoverRequests(kSentinel, "prod-redis"), 1);
  redis.setSentinelFailoverRefusal(kSentinel, "prod-redis", "INPROG Failover already in progress");
  EXPECT_TRUE(executeSentinelAction(redis, kAskFailover, changed, std::nullopt).has_value())
      << "a failover already running is what was asked for";
  redis.setSentinelFailoverRefusal(kSentinel, "prod-redis",
                                   "NOGOODSLAVE No suitable replica to promote");
  const Status refused = executeSentinelAction(redis, kAskFailover, changed, std::nullopt);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().toString(), HasSubstr("NOGOODSLAVE"));
  EXPECT_EQ(redis.sentinelFailoverRequests(kSentinel, "prod-redis"), 3);
}

// A hand-over from a live primary (scale-down): its writes are paused before Sentinel is asked,
// and unpaused at once when Sentinel refuses.
TEST(Sentinels, AHandOverPausesThePrimaryAndUnpausesItWhenSentinelRefuses) {
  const redis::Endpoint primary{"127.10.0.5", 6379};
  rdr::testing::FakeRedisConnector redis;
  redis.addSentinel(kSentinel);
  redis.addNode(primary);
  redis.setSentinelMaster(kSentinel, "prod-redis", primary);
  const ForceFailover hand_over{"s0", kSentinel.host, "a scale-down", primary.host};
  ASSERT_TRUE(executeSentinelAction(redis, hand_over, kSettings, std::nullopt).has_value());
  EXPECT_THAT(redis.commands(), ::testing::Contains(HasSubstr("127.10.0.5:6379 CLIENT PAUSE 15000 WRITE")));
  EXPECT_THAT(redis.commands(), Not(::testing::Contains(HasSubstr("CLIENT UNPAUSE"))));

  redis.setSentinelFailoverRefusal(kSentinel, "prod-redis", "NOGOODSLAVE No suitable replica to promote");
  EXPECT_FALSE(executeSentinelAction(redis, hand_over, kSettings, std::nullopt).has_value());
  EXPECT_THAT(redis.commands(), ::testing::Contains(HasSubstr("127.10.0.5:6379 CLIENT UNPAUSE")));
}

// What a Sentinel knows decides whether it can fail over (rule S4): an answer without it, or
// without the list of its masters, is no answer.
TEST(Sentinels, ASentinelThatCannotSayWhatItKnowsIsNoAnswer) {
  for (const char* failing : {"SENTINEL REPLICAS", "SENTINEL SENTINELS", "SENTINEL MASTERS"}) {
    rdr::testing::FakeRedisConnector redis;
    redis.addSentinel(kSentinel);
    redis.setSentinelMaster(kSentinel, "prod-redis", {"127.10.0.5", 6379});
    redis.failNextCommand(kSentinel, failing, Error(ErrorCode::Transient, "connection reset"));
    EXPECT_FALSE(observeSentinel(redis, "s0", kSentinel.host, "prod-redis").reachable) << failing;
    EXPECT_TRUE(observeSentinel(redis, "s0", kSentinel.host, "prod-redis").reachable) << failing;
  }
}

TEST(Sentinels, MastersUnderAnotherNameAreReported) {
  rdr::testing::FakeRedisConnector redis;
  redis.addSentinel(kSentinel);
  redis.setSentinelMaster(kSentinel, "prod-redis", {"127.10.0.5", 6379});
  redis.setSentinelMaster(kSentinel, "old-name", {"127.10.0.5", 6379});
  const SentinelObservation seen = observeSentinel(redis, "s0", kSentinel.host, "prod-redis");
  EXPECT_EQ(seen.master, "127.10.0.5:6379");
  EXPECT_EQ(seen.other_masters, std::vector<std::string>{"old-name"});
}

TEST(Sentinels, AnUnreachableSentinelIsAnObservation) {
  rdr::testing::FakeRedisConnector redis;
  redis.addSentinel(kSentinel);
  redis.setReachable(kSentinel, false);
  const SentinelObservation seen = observeSentinel(redis, "s0", kSentinel.host, "prod-redis");
  EXPECT_FALSE(seen.reachable);
  EXPECT_FALSE(observeSentinel(redis, "s1", "", "prod-redis").reachable) << "no IP yet";
  EXPECT_FALSE(executeSentinelAction(redis, StopMonitoring{"s0", kSentinel.host, ""}, kSettings,
                                     std::nullopt)
                   .has_value());
}

} // namespace
} // namespace rdr::controller
