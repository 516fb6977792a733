// RedisCluster end to end: real kubectl, the operator, real redis-server pods run by the sandbox's
// node agent: replication, pod re-creation, failover of a killed or frozen primary (also with the
// operator killed mid-way), scaling, metrics.
#include <thread>

#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

class RedisClusterE2eTest : public ClusterSandboxTest {
protected:
  // Applies a 3-instance cluster, waits until Healthy, writes 100 keys through the -leader
  // Service acknowledged by both replicas.
  void startHealthyCluster() {
    applyCluster("cache", 3);
    waitForPhase("cache", "Healthy", 90s);
    leader_ip_ = clusterIp("cache-leader");
    ASSERT_FALSE(leader_ip_.empty());
    writeKeys("cache", leader_ip_, 0, 100, 2);
  }

  int masters(int instances) {
    int count = 0;
    for (int ordinal = 0; ordinal < instances; ++ordinal) {
      count += role("cache", podIp("cache-" + std::to_string(ordinal))) == "master" ? 1 : 0;
    }
    return count;
  }

  // Writes through the -leader Service until one is accepted (clients retry during a failover).
  bool writeThroughLeader(const std::string& key) {
    return eventually(
        [&] {
          const CommandResult set = redisCli("cache", leader_ip_, "SET " + key + " after");
          return set.exit_code == 0 && set.out.starts_with("OK");
        },
        30s);
  }

  void expectFailoverFrom(const std::string& old_primary) {
    std::string primary;
    ASSERT_TRUE(eventually(
        [&] {
          primary = jsonpath("rediscluster cache", "{.status.currentPrimary}");
          return !primary.empty() && primary != old_primary;
        },
        30s))
        << "no failover from " << old_primary << "; operator log:\n"
        << operatorLog();
    EXPECT_TRUE(writeThroughLeader("key:after-failover")) << "writes do not continue";
    waitForPhase("cache", "Healthy", 90s);
    EXPECT_EQ(jsonpath("pod " + primary, "{.metadata.labels.redis\\.io/role}"), "primary");
    EXPECT_EQ(role("cache", podIp(old_primary)), "slave") << old_primary << " must return as a replica";
    EXPECT_EQ(masters(3), 1) << "invariant 1: one master";
    int keys = -1;
    EXPECT_TRUE(eventually([&] { return (keys = countKeys("cache", podIp(old_primary))) >= 101; }, 10s))
        << "acknowledged keys survive; " << old_primary << " holds " << keys;
    EXPECT_NE(kubectl("-n apps get events").out.find("FailedOver"), std::string::npos);
  }

  std::string leader_ip_;
};

TEST_F(RedisClusterE2eTest, ReplicatesRecreatesDeletedPodsAndScales) {
  startHealthyCluster();
  for (int ordinal = 0; ordinal < 3; ++ordinal) {
    EXPECT_EQ(countKeys("cache", podIp("cache-" + std::to_string(ordinal))), 100) << ordinal;
  }
  const std::string printed = kubectl("-n apps get redisclusters").out;
  EXPECT_NE(printed.find("Healthy"), std::string::npos) << printed;
  EXPECT_NE(printed.find("cache-0"), std::string::npos) << printed;

  const std::string old_uid = jsonpath("pod cache-2", "{.metadata.uid}");
  ASSERT_EQ(kubectl("-n apps delete pod cache-2").exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        const std::string uid = jsonpath("pod cache-2", "{.metadata.uid}");
        return !uid.empty() && uid != old_uid;
      },
      30s));
  waitForPhase("cache", "Healthy", 60s);
  EXPECT_EQ(countKeys("cache", podIp("cache-2")), 100) << "the re-created replica resynced";

  ASSERT_EQ(kubectl("-n apps patch rediscluster cache --type=merge -p '{\"spec\":{\"instances\":5}}'")
                .exit_code,
            0);
  waitForPhase("cache", "Healthy", 90s);
  EXPECT_EQ(jsonpath("rediscluster cache", "{.status.readyInstances}"), "5");
  EXPECT_EQ(countKeys("cache", podIp("cache-4")), 100);

  ASSERT_EQ(kubectl("-n apps patch rediscluster cache --type=merge -p '{\"spec\":{\"instances\":2}}'")
                .exit_code,
            0);
  waitForPhase("cache", "Healthy", 60s);
  EXPECT_TRUE(eventually([&] { return jsonpath("pods", "{.items[*].metadata.name}") == "cache-0 cache-1"; },
                         30s))
      << jsonpath("pods", "{.items[*].metadata.name}");
  EXPECT_EQ(jsonpath("rediscluster cache", "{.status.currentPrimary}"), "cache-0");

  const std::string exported = metrics();
  EXPECT_NE(exported.find("redis_master_link_up{cluster=\"cache\",namespace=\"apps\"} 1"),
            std::string::npos)
      << exported;
  EXPECT_NE(exported.find("redis_replication_lag_bytes{cluster=\"cache\",namespace=\"apps\"}"),
            std::string::npos);
}

TEST_F(RedisClusterE2eTest, AKilledPrimaryFailsOverAndReturnsAsAReplica) {
  startHealthyCluster();
  const CommandResult killed = fault("kill-pod", "apps/cache-0");
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  expectFailoverFrom("cache-0");
}

TEST_F(RedisClusterE2eTest, AFrozenPrimaryFailsOverAndIsNotASecondMasterAfterThaw) {
  startHealthyCluster();
  const CommandResult frozen = fault("freeze-pod", "apps/cache-0");
  ASSERT_EQ(frozen.exit_code, 0) << frozen.err;
  ASSERT_TRUE(eventually([&] { return jsonpath("rediscluster cache", "{.status.currentPrimary}") != "cache-0"; },
                         30s))
      << operatorLog();
  fault("thaw-pod", "apps/cache-0"); // may name a pod already re-created: then nothing to thaw
  expectFailoverFrom("cache-0");
}

// "At any point": the operator is SIGKILLed at several delays after the primary's process dies
// (before detection, around the status write, during promotion and relabelling, after), and a new
// operator process must finish the job with one master and nothing acknowledged lost.
TEST_F(RedisClusterE2eTest, AnOperatorKilledMidFailoverConvergesAfterARestart) {
  startHealthyCluster();
  for (const int delay_ms : {0, 150, 400, 800, 1500}) {
    const std::string primary = jsonpath("rediscluster cache", "{.status.currentPrimary}");
    ASSERT_EQ(fault("kill-pod", "apps/" + primary).exit_code, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    killOperator();
    startOperator();
    SCOPED_TRACE("operator killed " + std::to_string(delay_ms) + " ms after killing " + primary);
    expectFailoverFrom(primary);
    if (HasFailure()) {
      return;
    }
  }
}

} // namespace
} // namespace rdr::sandbox::testing
