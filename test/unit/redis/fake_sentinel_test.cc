// Sentinel's commands (redis/sentinel.h) against FakeRedisConnector's Sentinels: SENTINEL MASTER
// in Redis 7.0's shape (never auth-pass), FAILOVER counted per Sentinel and master, its refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "fakes/fake_redis.h"
#include "rdr/redis/sentinel.h"

namespace rdr::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const redis::Endpoint kSentinel{"10.0.1.1", 26379};
const redis::Endpoint kOtherSentinel{"10.0.1.2", 26379};
const redis::Endpoint kPrimary{"10.0.0.1", 6379};
const std::string kMaster = "prod-redis";

class FakeSentinelTest : public ::testing::Test {
protected:
  FakeSentinelTest() {
    fake_.addSentinel(kSentinel);
    fake_.addSentinel(kOtherSentinel);
    sentinel_ = fake_.admin(kSentinel, redis::Credentials{});
  }

  FakeRedisConnector fake_;
  std::shared_ptr<redis::RedisAdmin> sentinel_;
};

TEST_F(FakeSentinelTest, MasterReportsTheSettingsWithSentinelsDefaultsAndNeverTheAuthPass) {
  ASSERT_TRUE(redis::sentinelMonitor(*sentinel_, kMaster, kPrimary, 2).has_value());
  auto fields = redis::sentinelMasterFields(*sentinel_, kMaster);
  ASSERT_TRUE(fields.has_value()) << fields.error().toString();
  EXPECT_EQ(fields->at("name"), kMaster);
  EXPECT_EQ(fields->at("ip"), "10.0.0.1");
  EXPECT_EQ(fields->at("port"), "6379");
  EXPECT_EQ(fields->at("quorum"), "2");
  EXPECT_EQ(fields->at("down-after-milliseconds"), "30000") << "Sentinel's default until SET";
  EXPECT_EQ(fields->at("failover-timeout"), "180000");
  EXPECT_EQ(fields->at("parallel-syncs"), "1");

  for (const auto& [option, value] : std::map<std::string, std::string>{
           {"auth-pass", "s3cret"}, {"down-after-milliseconds", "5000"}, {"quorum", "3"}}) {
    ASSERT_TRUE(redis::sentinelSet(*sentinel_, kMaster, option, value).has_value());
  }
  fields = redis::sentinelMasterFields(*sentinel_, kMaster);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(fields->at("down-after-milliseconds"), "5000");
  EXPECT_EQ(fields->at("quorum"), "3");
  EXPECT_FALSE(fields->contains("auth-pass"));
  for (const auto& [field, value] : *fields) {
    EXPECT_THAT(value, Not(HasSubstr("s3cret"))) << field;
  }

  const auto unknown = redis::sentinelMasterFields(*sentinel_, "other");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.error().toString(), HasSubstr("No such master"));
}

TEST_F(FakeSentinelTest, FailoverIsCountedPerSentinelAndMaster) {
  ASSERT_TRUE(redis::sentinelMonitor(*sentinel_, kMaster, kPrimary, 2).has_value());
  EXPECT_EQ(fake_.sentinelFailoverRequests(kSentinel, kMaster), 0);
  ASSERT_TRUE(redis::sentinelFailover(*sentinel_, kMaster).has_value());
  ASSERT_TRUE(redis::sentinelFailover(*sentinel_, kMaster).has_value());
  EXPECT_EQ(fake_.sentinelFailoverRequests(kSentinel, kMaster), 2);
  EXPECT_EQ(fake_.sentinelFailoverRequests(kOtherSentinel, kMaster), 0);
  EXPECT_EQ(fake_.sentinelMonitors(kSentinel, kMaster), "10.0.0.1:6379")
      << "the fake never fails over by itself";

  // Another Sentinel that monitors nothing by that name refuses, and the request still counts.
  const Status unmonitored =
      redis::sentinelFailover(*fake_.admin(kOtherSentinel, redis::Credentials{}), kMaster);
  ASSERT_FALSE(unmonitored.has_value());
  EXPECT_THAT(unmonitored.error().toString(), HasSubstr("No such master"));
  EXPECT_EQ(fake_.sentinelFailoverRequests(kOtherSentinel, kMaster), 1);
}

TEST_F(FakeSentinelTest, AFailoverInProgressIsFineNoGoodReplicaIsAnError) {
  ASSERT_TRUE(redis::sentinelMonitor(*sentinel_, kMaster, kPrimary, 2).has_value());
  fake_.setSentinelFailoverRefusal(kSentinel, kMaster, "INPROG Failover already in progress");
  EXPECT_TRUE(redis::sentinelFailover(*sentinel_, kMaster).has_value());

  fake_.setSentinelFailoverRefusal(kSentinel, kMaster,
                                   "NOGOODSLAVE No suitable replica to promote");
  const Status refused = redis::sentinelFailover(*sentinel_, kMaster);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().toString(), HasSubstr("NOGOODSLAVE"));
  EXPECT_THAT(refused.error().toString(), HasSubstr("SENTINEL FAILOVER"));

  fake_.setSentinelFailoverRefusal(kSentinel, kMaster, std::nullopt);
  EXPECT_TRUE(redis::sentinelFailover(*sentinel_, kMaster).has_value());
  EXPECT_EQ(fake_.sentinelFailoverRequests(kSentinel, kMaster), 3);
}

TEST_F(FakeSentinelTest, ATestMovesTheMasterAsAFailoverWould) {
  ASSERT_TRUE(redis::sentinelMonitor(*sentinel_, kMaster, kPrimary, 2).has_value());
  ASSERT_TRUE(redis::sentinelSet(*sentinel_, kMaster, "failover-timeout", "60000").has_value());
  fake_.setSentinelKnownIps(kSentinel, kMaster, {"10.0.0.2"});
  fake_.setSentinelMaster(kSentinel, kMaster, {"10.0.0.2", 6379});
  const auto named = redis::sentinelMasterAddress(*sentinel_, kMaster);
  ASSERT_TRUE(named.has_value() && named->has_value());
  EXPECT_EQ(**named, (redis::Endpoint{"10.0.0.2", 6379}));
  EXPECT_EQ(fake_.sentinelOptions(kSentinel, kMaster).at("failover-timeout"), "60000");
  EXPECT_EQ(redis::sentinelKnownIps(*sentinel_, kMaster).value(),
            (std::vector<std::string>{"10.0.0.2", "10.0.0.2"}));
  fake_.addNode(kPrimary);
  EXPECT_THROW(fake_.setSentinelMaster(kPrimary, kMaster, kPrimary), std::logic_error)
      << "not a Sentinel (a bug in the test)";
}

TEST_F(FakeSentinelTest, FailNextCommandFailsOnlyTheCommandItNames) {
  ASSERT_TRUE(redis::sentinelMonitor(*sentinel_, kMaster, kPrimary, 2).has_value());
  fake_.failNextCommand(kSentinel, "SENTINEL SET prod-redis auth-pass",
                        Error(ErrorCode::Transient, "connection reset by peer"));
  EXPECT_TRUE(redis::sentinelSet(*sentinel_, kMaster, "quorum", "2").has_value());
  const Status failed = redis::sentinelSet(*sentinel_, kMaster, "auth-pass", "s3cret");
  ASSERT_FALSE(failed.has_value());
  EXPECT_THAT(failed.error().toString(), HasSubstr("connection reset by peer"));
  EXPECT_FALSE(fake_.sentinelOptions(kSentinel, kMaster).contains("auth-pass"));
  EXPECT_TRUE(redis::sentinelSet(*sentinel_, kMaster, "auth-pass", "s3cret").has_value())
      << "once";
}

} // namespace
} // namespace rdr::testing
