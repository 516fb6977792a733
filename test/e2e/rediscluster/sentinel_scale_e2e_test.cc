// Mode sentinel end to end: scaling the data pods down below the primary. The pods beyond
// spec.instances get replica-priority 0, Sentinel is asked to hand over (the primary's writes
// paused), and the surplus pods go once the primary is a master below the new count; every
// acknowledged key is kept.
#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCluster = R"(apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: shrink
  namespace: apps
spec:
  instances: 3
  mode: sentinel
)";

class SentinelScaleE2eTest : public ClusterSandboxTest {
protected:
  std::string primary() { return jsonpath("rediscluster shrink", "{.status.currentPrimary}"); }
};

TEST_F(SentinelScaleE2eTest, AScaleDownBelowThePrimaryIsHandedOverBySentinel) {
  ASSERT_EQ(kubectlWithInput("apply", kCluster).exit_code, 0);
  waitForPhase("shrink", "Healthy", 120s);
  // Sentinel moves the primary off ordinal 0 (asked by hand, as an operator of Redis would).
  const std::string sentinel = clusterIp("shrink-sentinel");
  ASSERT_FALSE(sentinel.empty());
  const CommandResult asked = sentinelCli(sentinel, "SENTINEL FAILOVER shrink");
  ASSERT_NE(asked.out.find("OK"), std::string::npos) << asked.out << asked.err;
  ASSERT_TRUE(eventually([&] { return primary() != "shrink-0"; }, 60s))
      << "Sentinel never moved the primary; operator log:\n"
      << operatorLog();
  waitForPhase("shrink", "Healthy", 120s);
  const std::string before = primary();
  writeKeys("shrink", clusterIp("shrink-leader"), 0, 50, 2);

  ASSERT_EQ(kubectl("-n apps patch rediscluster shrink --type=merge -p "
                    "'{\"spec\":{\"instances\":1}}'")
                .exit_code,
            0);
  const std::string data_pods = "redis.io/cluster=shrink,app.kubernetes.io/component=redis";
  ASSERT_TRUE(eventually(
      [&] { return primary() == "shrink-0" && podNames(data_pods) == "shrink-0"; }, 90s))
      << "from " << before << ": primary " << primary() << ", pods " << podNames(data_pods)
      << "; operator log:\n"
      << operatorLog();
  waitForPhase("shrink", "Healthy", 90s);
  EXPECT_EQ(role("shrink", podIp("shrink-0")), "master");
  EXPECT_EQ(countKeys("shrink", podIp("shrink-0")), 50) << "every acknowledged key kept";
  EXPECT_EQ(sentinelMasterAddress(sentinel, "shrink"), podIp("shrink-0") + ":6379");
  EXPECT_NE(operatorLog().find("(a scale-down)"), std::string::npos)
      << "the hand-over from " << before << " went through Sentinel; operator log:\n"
      << operatorLog();
}

} // namespace
} // namespace rdr::sandbox::testing
