// A DR cluster in mode sentinel end to end: its Sentinels monitor nothing while it follows a
// source, it never promotes itself when the source is lost, after promote:true its Sentinels
// monitor its new primary, and after promote:false they stop again.
#include <thread>

#include <gtest/gtest.h>

#include "sentinel_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;
// A DR cluster in mode sentinel (seed 003's dr-redis with mode: sentinel) following prod-redis:
// the source lost, promote:true, then the drill's promote:false.
TEST_F(SentinelE2eTest, ADrClusterInSentinelModeNeverPromotesItselfAndItsSentinelsMonitorOnlyWhilePromoted) {
  ASSERT_EQ(kubectlWithInput("apply", passwordSecret("production", "dr-redis-auth", "dr-pass-1")).exit_code,
            0);
  std::string dr = readSeed("003-dr-redis.yaml");
  const std::string instances = "  instances: 3\n";
  ASSERT_NE(dr.find(instances), std::string::npos) << dr;
  dr.replace(dr.find(instances), instances.size(), instances + "  mode: sentinel\n");
  const CommandResult applied = kubectlWithInput("apply", dr);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  waitForPhase("dr-redis", "Replicating", 120s);
  ASSERT_TRUE(eventually(
      [&] {
        return sentinelPods("dr-redis") == "dr-redis-sentinel-0 dr-redis-sentinel-1 dr-redis-sentinel-2";
      },
      30s))
      << sentinelPods("dr-redis");

  writeKeys("prod-redis", clusterIp("prod-redis-leader"), 0, 50, 2);
  EXPECT_TRUE(eventually([&] { return countKeys("dr-redis", podIp("dr-redis-0")) == 50; }, 20s));

  // Following a source, its Sentinels monitor nothing (nil, not an error), so none can promote.
  EXPECT_TRUE(eventually([&] { return everySentinelNames("dr-redis", 3, ""); }, 30s))
      << sentinelAnswers("dr-redis", 3);
  const std::string dr_sentinel_service = clusterIp("dr-redis-sentinel");
  ASSERT_FALSE(dr_sentinel_service.empty());
  EXPECT_EQ(sentinelMasterAddress(dr_sentinel_service, "dr-redis"), "");
  // prod-redis's own Sentinels still monitor prod-redis.
  EXPECT_EQ(sentinelMasterAddress(clusterIp("prod-redis-sentinel"), "prod-redis"),
            primaryAddress("prod-redis"));

  // The source is lost: the DR cluster keeps following (nothing promotes it) for 20 s.
  ASSERT_EQ(fault("cut", "production/prod-redis-leader").exit_code, 0);
  const auto cut_at = SteadyClock::now();
  std::string violation;
  int samples = 0;
  while (secondsSince(cut_at) < 20 && violation.empty()) {
    ++samples;
    const std::string phase = jsonpath("rediscluster dr-redis", "{.status.phase}");
    const int local_masters = masters("dr-redis", 3);
    const std::string answers = sentinelAnswers("dr-redis", 3);
    const std::string leader = primary("dr-redis");
    if (phase == "Healthy" || local_masters != 0 || answers != "'' '' ''" || leader != "dr-redis-0") {
      violation = "after " + std::to_string(secondsSince(cut_at)) + " s: phase " + phase + ", " +
                  std::to_string(local_masters) + " master(s), Sentinels answer " + answers +
                  ", currentPrimary " + leader;
    }
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(violation, "") << "the DR cluster must not promote itself";
  EXPECT_GT(samples, 3);
  std::cout << "[ info ] dr-redis phase 20 s after the source was cut: "
            << jsonpath("rediscluster dr-redis", "{.status.phase}") << "\n";

  // promote:true: the leader becomes the primary, and the DR Sentinels monitor it.
  const auto promoted_at = SteadyClock::now();
  patch("dr-redis", R"({"spec":{"replicaMode":{"promote":true}}})");
  const std::string dr_leader = clusterIp("dr-redis-leader");
  ASSERT_FALSE(dr_leader.empty());
  EXPECT_TRUE(eventually([&] { return set("dr-redis", dr_leader, "key:promoted"); }, 30s))
      << tail(operatorLog());
  std::cout << "[ timing ] dr-redis takes writes " << secondsSince(promoted_at)
            << " s after promote:true\n";
  const std::string dr_primary = primary("dr-redis");
  EXPECT_EQ(dr_primary, "dr-redis-0");
  const std::string dr_ip = podIp(dr_primary);
  EXPECT_TRUE(eventually([&] { return everySentinelNames("dr-redis", 3, dr_ip + ":6379"); }, 60s))
      << sentinelAnswers("dr-redis", 3) << "\noperator log tail:\n" << tail(operatorLog());
  EXPECT_EQ(sentinelMasterAddress(dr_sentinel_service, "dr-redis"), dr_ip + ":6379");
  waitForPhase("dr-redis", "Healthy", 90s);
  EXPECT_EQ(masters("dr-redis", 3), 1);
  EXPECT_EQ(countKeys("dr-redis", dr_ip), 51);
  EXPECT_EQ(jsonpath("rediscluster dr-redis", "{.status.conditions[?(@.type==\"ReplicaMode\")].reason}"),
            "Promoted");
  EXPECT_NE(kubectl("-n production get events --field-selector reason=Promoted").out.find("dr-redis-0"),
            std::string::npos);

  // The drill ends: the source is back and promote:false demotes the cluster; its Sentinels stop
  // monitoring again, and the writes made while promoted are discarded.
  ASSERT_EQ(fault("heal", "production/prod-redis-leader").exit_code, 0);
  patch("dr-redis", R"({"spec":{"replicaMode":{"promote":false}}})");
  waitForPhase("dr-redis", "Replicating", 90s);
  EXPECT_TRUE(eventually([&] { return everySentinelNames("dr-redis", 3, ""); }, 30s))
      << sentinelAnswers("dr-redis", 3) << "\noperator log tail:\n" << tail(operatorLog());
  EXPECT_TRUE(eventually([&] { return redisCli("dr-redis", dr_ip, "EXISTS key:promoted").out == "0\n"; },
                         20s));
  EXPECT_EQ(masters("dr-redis", 3), 0);
  EXPECT_EQ(sentinelMasterAddress(clusterIp("prod-redis-sentinel"), "prod-redis"),
            primaryAddress("prod-redis"))
      << "prod-redis's Sentinels are not touched";
}

} // namespace
} // namespace rdr::sandbox::testing
