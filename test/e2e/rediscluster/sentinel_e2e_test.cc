// Mode sentinel end to end (issue 7), seed 003's prod-redis verbatim: real Sentinels
// (redis-server --sentinel) decide local failovers and the operator follows them (status, labels,
// the -leader Service, Events); Sentinel pods are re-created, rejoin and stale entries go;
// Sentinels scale; a restarted primary is failed over at once; a quorum above the Sentinel count
// is refused by the CRD.
#include <thread>

#include <gtest/gtest.h>

#include "sentinel_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

// Sentinel fails a killed primary over; the operator follows; the old primary returns as a
// replica; a deleted Sentinel is re-created and rejoins, stale entries go; Sentinels scale; a
// restarted primary is failed over through SENTINEL FAILOVER.
TEST_F(SentinelE2eTest, Seed003ProdRedisFailsOverThroughSentinelAndKeepsItsSentinelGroup) {
  // The CRD refuses a quorum that the Sentinels can never reach (CEL), with its message.
  const CommandResult refused = kubectl(
      "-n production patch rediscluster prod-redis --type=merge -p "
      "'{\"spec\":{\"sentinel\":{\"instances\":3,\"quorum\":4}}}'");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.err.find("sentinel.quorum must not exceed sentinel.instances"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("spec.sentinel"), std::string::npos) << refused.err;
  EXPECT_EQ(jsonpath("rediscluster prod-redis", "{.spec.sentinel}"), "") << "nothing was stored";

  // Discovery through the -sentinel Service (port 26379) names the primary pod.
  const std::string old_primary = primary("prod-redis");
  ASSERT_EQ(old_primary, "prod-redis-0");
  const std::string old_ip = podIp(old_primary);
  const std::string sentinel_service = clusterIp("prod-redis-sentinel");
  ASSERT_FALSE(sentinel_service.empty());
  EXPECT_EQ(sentinelMasterAddress(sentinel_service, "prod-redis"), old_ip + ":6379");
  EXPECT_TRUE(everySentinelNames("prod-redis", 3, old_ip + ":6379")) << sentinelAnswers("prod-redis", 3);
  EXPECT_EQ(sentinelMasterField(sentinel_service, "prod-redis", "quorum"), "2");
  EXPECT_EQ(sentinelMasterField(sentinel_service, "prod-redis", "down-after-milliseconds"), "5000");
  const std::string leader = clusterIp("prod-redis-leader");
  ASSERT_FALSE(leader.empty());
  writeKeys("prod-redis", leader, 0, 100, 2);

  // The primary's process dies: Sentinel fails over, the operator relabels.
  const auto killed_at = SteadyClock::now();
  ASSERT_EQ(fault("kill-pod", "production/" + old_primary).exit_code, 0);
  std::string new_primary;
  ASSERT_TRUE(eventually(
      [&] {
        new_primary = primary("prod-redis");
        return !new_primary.empty() && new_primary != old_primary;
      },
      30s))
      << "no failover from " << old_primary << " within 30 s; Sentinels: "
      << sentinelAnswers("prod-redis", 3) << "\noperator log tail:\n"
      << tail(operatorLog());
  std::cout << "[ timing ] currentPrimary moved to " << new_primary << " "
            << secondsSince(killed_at) << " s after kill-pod\n";
  const std::string new_ip = podIp(new_primary);
  EXPECT_TRUE(eventually([&] { return podNames("redis.io/cluster=prod-redis,redis.io/role=primary") == new_primary; },
                         30s))
      << "exactly one pod labelled primary: "
      << podNames("redis.io/cluster=prod-redis,redis.io/role=primary");
  EXPECT_TRUE(eventually([&] { return everySentinelNames("prod-redis", 3, new_ip + ":6379"); }, 30s))
      << sentinelAnswers("prod-redis", 3);
  EXPECT_TRUE(eventually(
      [&] {
        return kubectl("-n production get events --field-selector reason=FailedOver").out.find("FailedOver") !=
               std::string::npos;
      },
      30s))
      << kubectl("-n production get events").out;

  // Writes continue through the -leader Service and through Sentinel discovery.
  EXPECT_TRUE(eventually([&] { return set("prod-redis", leader, "key:through-leader"); }, 30s))
      << operatorLog();
  std::string discovered;
  EXPECT_TRUE(eventually(
      [&] {
        discovered = sentinelMasterAddress(sentinel_service, "prod-redis");
        return discovered == new_ip + ":6379" &&
               set("prod-redis", discovered.substr(0, discovered.find(':')), "key:through-sentinel");
      },
      30s))
      << "Sentinel names " << discovered;
  std::cout << "[ timing ] writes through the -leader Service and Sentinel discovery "
            << secondsSince(killed_at) << " s after kill-pod\n";
  EXPECT_EQ(existing("prod-redis", new_ip, 0, 100), 100) << "acknowledged keys survive";

  // The old primary comes back as a replica of the new one, with every key.
  std::string info;
  EXPECT_TRUE(eventually(
      [&] {
        info = redisCli("prod-redis", old_ip, "INFO replication").out;
        return info.find("role:slave") != std::string::npos &&
               (info.find("master_host:" + new_ip + "\r") != std::string::npos ||
                info.find("master_host:" + new_primary + ".") != std::string::npos) &&
               info.find("master_link_status:up") != std::string::npos;
      },
      60s))
      << old_primary << " does not follow " << new_primary << ":\n" << info;
  EXPECT_TRUE(eventually([&] { return existing("prod-redis", old_ip, 0, 100) == 100; }, 20s));
  EXPECT_TRUE(eventually([&] { return countKeys("prod-redis", old_ip) == 102; }, 20s))
      << countKeys("prod-redis", old_ip);
  waitForPhase("prod-redis", "Healthy", 90s);
  EXPECT_EQ(masters("prod-redis", 3), 1) << "one master";
  EXPECT_EQ(primary("prod-redis"), new_primary) << "the operator never moved the primary on its own";

  // A deleted Sentinel is re-created, rejoins monitoring the current primary, and no Sentinel
  // keeps entries of pods that are gone.
  const std::string old_uid = jsonpath("pod prod-redis-sentinel-1", "{.metadata.uid}");
  const std::string old_sentinel_ip = sentinelIp("prod-redis", 1);
  ASSERT_EQ(kubectl("-n production delete pod prod-redis-sentinel-1").exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        const std::string uid = jsonpath("pod prod-redis-sentinel-1", "{.metadata.uid}");
        return !uid.empty() && uid != old_uid;
      },
      30s))
      << "prod-redis-sentinel-1 was not re-created";
  EXPECT_TRUE(eventually([&] { return sentinelMasterAddress(sentinelIp("prod-redis", 1), "prod-redis") == new_ip + ":6379"; },
                         60s))
      << "the re-created Sentinel does not monitor " << new_primary << ": "
      << sentinelAnswers("prod-redis", 3);
  std::cout << "[ info ] prod-redis-sentinel-1 was " << old_sentinel_ip << ", is "
            << sentinelIp("prod-redis", 1) << "\n";
  std::string stale;
  EXPECT_TRUE(eventually(
      [&] {
        const std::vector<std::string> current = words(jsonpath("pods", "{.items[*].status.podIP}"));
        stale.clear();
        for (int index = 0; index < 3; ++index) {
          const std::string ip = sentinelIp("prod-redis", index);
          if (ip.empty()) {
            stale = "sentinel " + std::to_string(index) + " has no IP";
            return false;
          }
          for (const std::string& known : sentinelKnownIps(ip, "prod-redis")) {
            if (std::find(current.begin(), current.end(), known) == current.end()) {
              stale += "sentinel-" + std::to_string(index) + " knows " + known + "; ";
            }
          }
          if (sentinelMasterField(ip, "prod-redis", "num-other-sentinels") != "2") {
            stale += "sentinel-" + std::to_string(index) + " num-other-sentinels " +
                     sentinelMasterField(ip, "prod-redis", "num-other-sentinels") + "; ";
          }
        }
        return stale.empty();
      },
      90s))
      << stale << "\noperator log tail:\n" << tail(operatorLog());
  waitForPhase("prod-redis", "Healthy", 90s);

  // Scaling the Sentinel group up and down.
  patch("prod-redis", R"({"spec":{"sentinel":{"instances":5}}})");
  EXPECT_TRUE(eventually(
      [&] {
        return sentinelPods("prod-redis") ==
               "prod-redis-sentinel-0 prod-redis-sentinel-1 prod-redis-sentinel-2 "
               "prod-redis-sentinel-3 prod-redis-sentinel-4";
      },
      30s))
      << sentinelPods("prod-redis");
  std::string others;
  const auto everyOtherCount = [&](int count, const std::string& wanted) {
    others.clear();
    bool all = true;
    for (int index = 0; index < count; ++index) {
      const std::string seen =
          sentinelMasterField(sentinelIp("prod-redis", index), "prod-redis", "num-other-sentinels");
      others += seen + " ";
      all = all && seen == wanted;
    }
    return all;
  };
  EXPECT_TRUE(eventually([&] { return everyOtherCount(5, "4"); }, 90s))
      << "num-other-sentinels of the 5 Sentinels: " << others;
  waitForPhase("prod-redis", "Healthy", 90s);
  EXPECT_TRUE(everySentinelNames("prod-redis", 5, new_ip + ":6379")) << sentinelAnswers("prod-redis", 5);

  patch("prod-redis", R"({"spec":{"sentinel":{"instances":3}}})");
  EXPECT_TRUE(eventually(
      [&] {
        return sentinelPods("prod-redis") ==
               "prod-redis-sentinel-0 prod-redis-sentinel-1 prod-redis-sentinel-2";
      },
      30s))
      << sentinelPods("prod-redis");
  EXPECT_TRUE(eventually([&] { return everyOtherCount(3, "2"); }, 120s))
      << "num-other-sentinels of the 3 Sentinels: " << others << "\noperator log tail:\n"
      << tail(operatorLog());
  waitForPhase("prod-redis", "Healthy", 90s);
  EXPECT_EQ(primary("prod-redis"), new_primary);

  // A primary whose container restarts (the kubelet's first restart comes after a 10 s back-off)
  // boots behind the restart fence, following nobody, and takes no writes: the operator has
  // Sentinel fail it over at once (SENTINEL FAILOVER), long before a down-after-milliseconds of
  // 60 s would.
  patch("prod-redis", R"({"spec":{"sentinel":{"downAfterMilliseconds":60000}}})");
  std::string down_after;
  ASSERT_TRUE(eventually(
      [&] {
        down_after.clear();
        for (int index = 0; index < 3; ++index) {
          down_after += sentinelMasterField(sentinelIp("prod-redis", index), "prod-redis",
                                            "down-after-milliseconds") + " ";
        }
        return down_after == "60000 60000 60000 ";
      },
      30s))
      << "down-after-milliseconds of the Sentinels: " << down_after;
  const std::string restarted = new_primary;
  const auto restarted_at = SteadyClock::now();
  ASSERT_EQ(fault("kill-pod", "production/" + restarted).exit_code, 0);
  std::string third;
  ASSERT_TRUE(eventually(
      [&] {
        third = primary("prod-redis");
        return !third.empty() && third != restarted;
      },
      45s))
      << "no failover from the restarted " << restarted << "; Sentinels: "
      << sentinelAnswers("prod-redis", 3) << "\noperator log tail:\n" << tail(operatorLog());
  std::cout << "[ timing ] a restarted primary was failed over " << secondsSince(restarted_at)
            << " s after kill-pod (down-after-milliseconds 60000)\n";
  EXPECT_NE(operatorLog().find("SENTINEL FAILOVER"), std::string::npos)
      << "the operator did not ask Sentinel to fail over";
  waitForPhase("prod-redis", "Healthy", 90s);
  EXPECT_EQ(masters("prod-redis", 3), 1);
  EXPECT_EQ(podNames("redis.io/cluster=prod-redis,redis.io/role=primary"), third);
  EXPECT_EQ(role("prod-redis", podIp(restarted)), "slave");
  EXPECT_EQ(countKeys("prod-redis", podIp(third)), 102) << "every key kept";
}

} // namespace
} // namespace rdr::sandbox::testing
