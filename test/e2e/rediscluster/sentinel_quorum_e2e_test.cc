// Mode sentinel end to end when Sentinel has lost its quorum: two of three Sentinels frozen, the
// primary killed. Nobody is promoted (not by Sentinel, which cannot, nor by the operator, which
// never decides in Sentinel's place) and the status says why; once the Sentinels are back, they
// fail over and the operator follows, every acknowledged key kept.
#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCluster = R"(apiVersion: redis.io/v1
kind: RedisCluster
metadata:
  name: quorum
  namespace: apps
spec:
  instances: 3
  mode: sentinel
  sentinel:
    instances: 3
    quorum: 2
    downAfterMilliseconds: 2000
    failoverTimeout: 10000
)";

class SentinelQuorumE2eTest : public ClusterSandboxTest {
protected:
  std::string condition(const std::string& type, const std::string& field) {
    return jsonpath("rediscluster quorum",
                    "{.status.conditions[?(@.type==\"" + type + "\")]." + field + "}");
  }

  int masters() {
    int count = 0;
    for (int ordinal = 0; ordinal < 3; ++ordinal) {
      count += role("quorum", podIp("quorum-" + std::to_string(ordinal))) == "master" ? 1 : 0;
    }
    return count;
  }
};

TEST_F(SentinelQuorumE2eTest, WithoutAQuorumNobodyIsPromotedUntilTheSentinelsAreBack) {
  ASSERT_EQ(kubectlWithInput("apply", kCluster).exit_code, 0);
  waitForPhase("quorum", "Healthy", 120s);
  const std::string old_primary = jsonpath("rediscluster quorum", "{.status.currentPrimary}");
  writeKeys("quorum", clusterIp("quorum-leader"), 0, 50, 2);

  for (const char* sentinel : {"apps/quorum-sentinel-1", "apps/quorum-sentinel-2"}) {
    ASSERT_EQ(fault("freeze-pod", sentinel).exit_code, 0);
  }
  ASSERT_TRUE(eventually(
      [&] { return condition("Ready", "message").find("quorum") != std::string::npos; }, 30s))
      << "Ready: " << condition("Ready", "message") << "\noperator log:\n"
      << operatorLog();

  ASSERT_EQ(fault("kill-pod", "apps/" + old_primary).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] { return condition("PrimaryAvailable", "reason") == "SentinelQuorumLost"; }, 30s))
      << "PrimaryAvailable: " << condition("PrimaryAvailable", "reason") << " "
      << condition("PrimaryAvailable", "message");
  // Well past down-after-milliseconds (2 s) and the restart of the killed pod: still nobody.
  const bool promoted = eventually([&] { return masters() > 0; }, 15s);
  EXPECT_FALSE(promoted) << "a pod was promoted without a Sentinel quorum";
  EXPECT_EQ(jsonpath("rediscluster quorum", "{.status.currentPrimary}"), old_primary);
  EXPECT_NE(condition("PrimaryAvailable", "message").find("promotes nobody"), std::string::npos)
      << condition("PrimaryAvailable", "message");

  for (const char* sentinel : {"apps/quorum-sentinel-1", "apps/quorum-sentinel-2"}) {
    ASSERT_EQ(fault("thaw-pod", sentinel).exit_code, 0);
  }
  std::string primary;
  ASSERT_TRUE(eventually(
      [&] {
        primary = jsonpath("rediscluster quorum", "{.status.currentPrimary}");
        return primary != old_primary && !primary.empty();
      },
      60s))
      << "no failover once the quorum was back; operator log:\n"
      << operatorLog();
  waitForPhase("quorum", "Healthy", 90s);
  EXPECT_EQ(masters(), 1);
  EXPECT_EQ(role("quorum", podIp(old_primary)), "slave") << old_primary << " must return as a replica";
  int keys = -1;
  EXPECT_TRUE(eventually([&] { return (keys = countKeys("quorum", podIp(primary))) >= 50; }, 10s))
      << "acknowledged keys survive; " << primary << " holds " << keys;
}

} // namespace
} // namespace rdr::sandbox::testing
