// Replica mode end to end, seed 003 in one sandbox: prod-redis (mode: sentinel, with its Sentinel
// pods) and dr-redis verbatim, replicating through prod-redis-leader's cluster DNS name; the
// promote -> write -> demote drill ("Test failover regularly").
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;

std::string secret(const std::string& name, const std::string& password) {
  return passwordSecret("production", name, password);
}

class ReplicaModeE2eTest : public ClusterSandboxTest {
protected:
  void SetUp() override {
    ClusterSandboxTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ns_ = "production";
    createNamespace("production");
    // Seed 003: the source's password copied into the DR namespace (here: the same one).
    ASSERT_EQ(kubectlWithInput("apply", secret("prod-redis-auth", "prod-pass-1")).exit_code, 0);
    ASSERT_EQ(kubectlWithInput("apply", secret("dr-redis-auth", "dr-pass-1")).exit_code, 0);
    const CommandResult applied = kubectlWithInput("apply", readSeed("003-prod-redis.yaml"));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    waitForPhase("prod-redis", "Healthy", 120s);
    const CommandResult dr = kubectlWithInput("apply", readSeed("003-dr-redis.yaml"));
    ASSERT_EQ(dr.exit_code, 0) << dr.err;
    waitForPhase("dr-redis", "Replicating", 90s);
  }

  // A counter of the source primary's INFO stats (sync_full, sync_partial_ok); -1 when absent.
  int sourceCounter(const std::string& name) {
    const std::string primary =
        podIp(jsonpath("rediscluster prod-redis", "{.status.currentPrimary}"));
    const CommandResult stats = redisCli("prod-redis", primary, "INFO stats");
    const auto at = stats.out.find(name + ":");
    if (at == std::string::npos) {
      return -1;
    }
    const auto start = at + name.size() + 1;
    return std::stoi(stats.out.substr(start, stats.out.find('\r', at) - start));
  }

  void patchPromote(bool promote) {
    ASSERT_EQ(kubectl(std::string("-n production patch rediscluster dr-redis --type=merge -p "
                                  "'{\"spec\":{\"replicaMode\":{\"promote\":") +
                      (promote ? "true" : "false") + "}}}'")
                  .exit_code,
              0);
  }

  std::string condition(const std::string& cluster, const std::string& type,
                        const std::string& field) {
    return jsonpath("rediscluster " + cluster,
                    "{.status.conditions[?(@.type==\"" + type + "\")]." + field + "}");
  }
};

TEST_F(ReplicaModeE2eTest, Seed003ReplicatesPromotesAndDemotes) {
  EXPECT_EQ(condition("dr-redis", "ReplicaMode", "message"),
            "Cluster is replicating from prod-redis-us-east "
            "(prod-redis-leader.production.svc.cluster.local:6379)");
  EXPECT_EQ(jsonpath("pod dr-redis-0", "{.metadata.labels.redis\\.io/role}"), "primary");

  const std::string source = clusterIp("prod-redis-leader");
  writeKeys("prod-redis", source, 0, 100, 2);
  for (int ordinal = 0; ordinal < 3; ++ordinal) {
    const std::string ip = podIp("dr-redis-" + std::to_string(ordinal));
    EXPECT_TRUE(eventually([&] { return countKeys("dr-redis", ip) == 100; }, 20s)) << ordinal;
    const CommandResult info = redisCli("dr-redis", ip, "INFO replication");
    EXPECT_NE(info.out.find("role:slave"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("master_link_status:up"), std::string::npos) << info.out;
  }
  EXPECT_TRUE(eventually(
      [&] {
        return jsonpath("rediscluster dr-redis",
                        "{.status.replication.linkStatus} {.status.replication.lagBytes}") == "up 0";
      },
      20s))
      << jsonpath("rediscluster dr-redis", "{.status.replication}");

  // Promote (seed 003), write on the DR side, then go back to following (a DR drill).
  patchPromote(true);
  const std::string dr_leader = clusterIp("dr-redis-leader");
  EXPECT_TRUE(eventually(
      [&] { return redisCli("dr-redis", dr_leader, "SET drill promoted").out.starts_with("OK"); }, 30s))
      << operatorLog();
  waitForPhase("dr-redis", "Healthy", 60s);
  EXPECT_EQ(condition("dr-redis", "ReplicaMode", "reason"), "Promoted");
  EXPECT_EQ(condition("dr-redis", "ReplicaMode", "message"),
            "Cluster promoted to standalone (former source: prod-redis-us-east)");
  EXPECT_NE(kubectl("-n production get events").out.find("Promoted"), std::string::npos);

  patchPromote(false);
  waitForPhase("dr-redis", "Replicating", 60s);
  const std::string leader_ip = podIp("dr-redis-0");
  EXPECT_TRUE(eventually([&] { return redisCli("dr-redis", leader_ip, "EXISTS drill").out == "0\n"; },
                         20s))
      << "writes made while promoted are discarded";
  EXPECT_EQ(countKeys("dr-redis", leader_ip), 100);
  EXPECT_NE(kubectl("-n production get events").out.find("Demoted"), std::string::npos);
}

TEST_F(ReplicaModeE2eTest, AnUnreachableSourceIsReportedAndNothingIsPromoted) {
  ASSERT_EQ(fault("cut", "production/prod-redis-leader").exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] { return condition("dr-redis", "ReplicationHealthy", "status") == "False"; }, 90s))
      << jsonpath("rediscluster dr-redis", "{.status}");
  EXPECT_EQ(condition("dr-redis", "ReplicationHealthy", "reason"), "SourceLinkDown");
  EXPECT_EQ(role("dr-redis", podIp("dr-redis-0")), "slave") << "nothing promoted";
  EXPECT_EQ(jsonpath("rediscluster dr-redis", "{.status.replication.linkStatus}"), "down");
  ASSERT_EQ(fault("heal", "production/prod-redis-leader").exit_code, 0);
  waitForPhase("dr-redis", "Replicating", 90s);
}

// Leader loss inside the DR cluster: a new leader is chosen by the failover rules and continues
// from the source with a partial resync (it holds the source's replication ID), which the
// source's own counters prove.
TEST_F(ReplicaModeE2eTest, ALostLeaderIsReplacedAndResumesWithAPartialResync) {
  const std::string source_primary = podIp(jsonpath("rediscluster prod-redis", "{.status.currentPrimary}"));
  writeKeys("prod-redis", source_primary, 0, 50, 2);
  const auto counter = [&](const std::string& name) { return sourceCounter(name); };
  ASSERT_TRUE(eventually([&] { return countKeys("dr-redis", podIp("dr-redis-1")) == 50; }, 20s));
  const int full_before = counter("sync_full");
  const int partial_before = counter("sync_partial_ok");

  ASSERT_EQ(fault("kill-pod", "production/dr-redis-0").exit_code, 0);
  std::string leader;
  ASSERT_TRUE(eventually(
      [&] {
        leader = jsonpath("rediscluster dr-redis", "{.status.currentPrimary}");
        return !leader.empty() && leader != "dr-redis-0";
      },
      30s))
      << operatorLog();
  waitForPhase("dr-redis", "Replicating", 90s);
  EXPECT_EQ(jsonpath("pod " + leader, "{.metadata.labels.redis\\.io/role}"), "primary");
  const CommandResult info = redisCli("dr-redis", podIp(leader), "INFO replication");
  EXPECT_NE(info.out.find("master_link_status:up"), std::string::npos) << info.out;
  EXPECT_EQ(counter("sync_full"), full_before) << "no full resync from the source";
  EXPECT_GT(counter("sync_partial_ok"), partial_before) << "the new leader continued partially";
  EXPECT_TRUE(eventually(
      [&] { return jsonpath("rediscluster dr-redis", "{.status.replication.lastResync}") == "PartialSync"; },
      20s))
      << jsonpath("rediscluster dr-redis", "{.status.replication}") << "\noperator log:\n"
      << operatorLog();
  writeKeys("prod-redis", source_primary, 50, 10, 2);
  EXPECT_TRUE(eventually([&] { return countKeys("dr-redis", podIp(leader)) == 60; }, 20s));
}

// The restart fence (resources/pod.h) end to end: the promoted leader's container restarts while
// the old source is alive and before the operator can act (it is stopped). Its pod spec still
// says "follow the source"; booting from it would full-resync over every write made since the
// promotion. It boots following nobody instead, and the operator, back, keeps the promoted data.
TEST_F(ReplicaModeE2eTest, APromotedLeaderRestartingWhileTheSourceLivesKeepsThePromotedWrites) {
  const std::string source_primary =
      podIp(jsonpath("rediscluster prod-redis", "{.status.currentPrimary}"));
  writeKeys("prod-redis", source_primary, 0, 50, 2);
  ASSERT_TRUE(eventually([&] { return countKeys("dr-redis", podIp("dr-redis-1")) == 50; }, 20s));
  patchPromote(true);
  const std::string dr_leader = clusterIp("dr-redis-leader");
  ASSERT_TRUE(eventually(
      [&] { return redisCli("dr-redis", dr_leader, "SET promoted yes").out.starts_with("OK"); }, 30s))
      << operatorLog();
  waitForPhase("dr-redis", "Healthy", 60s);
  ASSERT_EQ(jsonpath("rediscluster dr-redis", "{.status.currentPrimary}"), "dr-redis-0");
  writeKeys("dr-redis", podIp("dr-redis-0"), 1000, 100, 2); // acknowledged by both replicas
  const int keys = countKeys("dr-redis", podIp("dr-redis-0"));
  ASSERT_EQ(keys, 151);
  const int full_syncs = sourceCounter("sync_full");

  killOperator();
  ASSERT_EQ(fault("kill-pod", "production/dr-redis-0").exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        return jsonpath("pod dr-redis-0", "{.status.containerStatuses[0].restartCount}") == "1" &&
               role("dr-redis", podIp("dr-redis-0")) == "slave";
      },
      40s))
      << "the kubelet did not restart dr-redis-0";
  std::this_thread::sleep_for(3s); // an unfenced Redis would have synced from the source by now
  const CommandResult fenced = redisCli("dr-redis", podIp("dr-redis-0"), "INFO replication");
  EXPECT_NE(fenced.out.find("master_port:0"), std::string::npos) << fenced.out;
  EXPECT_EQ(sourceCounter("sync_full"), full_syncs) << "the restarted leader synced from the source";

  startOperator();
  EXPECT_TRUE(eventually(
      [&] { return redisCli("dr-redis", dr_leader, "SET after-restart yes").out.starts_with("OK"); },
      30s))
      << operatorLog();
  waitForPhase("dr-redis", "Healthy", 90s);
  EXPECT_EQ(condition("dr-redis", "ReplicaMode", "reason"), "Promoted");
  const std::string primary = jsonpath("rediscluster dr-redis", "{.status.currentPrimary}");
  EXPECT_EQ(countKeys("dr-redis", podIp(primary)), keys + 1) << "promoted writes were lost";
  for (int ordinal = 0; ordinal < 3; ++ordinal) {
    const std::string pod = "dr-redis-" + std::to_string(ordinal);
    const CommandResult info = redisCli("dr-redis", podIp(pod), "INFO replication");
    EXPECT_EQ(info.out.find("prod-redis"), std::string::npos) << pod << " follows the source";
    if (pod != primary) {
      EXPECT_NE(info.out.find("master_host:" + primary + "."), std::string::npos) << info.out;
    }
  }
  EXPECT_EQ(sourceCounter("sync_full"), full_syncs) << "nothing synced from the old source";
}

// Every bad source of issue 5 item 5, one after another on the running DR cluster: the condition
// says what is wrong, nothing is promoted, and a source outside --allowed-source-networks (the
// fixture's operator runs with 127.0.0.0/8) refuses the spec without contacting it.
TEST_F(ReplicaModeE2eTest, BadSourcesAreReportedAndNeverActedOn) {
  const auto patchSource = [&](const std::string& source_json) {
    const CommandResult patched =
        kubectl("-n production patch rediscluster dr-redis --type=merge -p " +
                shellQuote("{\"spec\":{\"replicaMode\":{\"source\":" + source_json + "}}}"));
    ASSERT_EQ(patched.exit_code, 0) << patched.err;
  };
  const auto expectReported = [&](const std::string& fragment) {
    std::string message;
    EXPECT_TRUE(eventually(
        [&] {
          message = condition("dr-redis", "ReplicationHealthy", "message");
          return condition("dr-redis", "ReplicationHealthy", "status") == "False" &&
                 message.find(fragment) != std::string::npos;
        },
        30s))
        << "expected \"" << fragment << "\" in ReplicationHealthy, got: " << message;
    EXPECT_EQ(role("dr-redis", podIp("dr-redis-0")), "slave") << "nothing promoted";
    EXPECT_EQ(jsonpath("pods", "{.items[*].metadata.name}"),
              "dr-redis-0 dr-redis-1 dr-redis-2 prod-redis-0 prod-redis-1 prod-redis-2 "
              "prod-redis-sentinel-0 prod-redis-sentinel-1 prod-redis-sentinel-2")
        << "nothing deleted";
  };

  ASSERT_EQ(kubectlWithInput("apply", secret("wrong-auth", "not-the-password")).exit_code, 0);
  patchSource(R"({"authSecretName":"wrong-auth"})");
  expectReported("refuses the password in Secret wrong-auth");

  patchSource(R"({"authSecretName":"no-such-secret"})");
  expectReported("the Secret no-such-secret named by replicaMode.source.authSecretName does not exist");

  patchSource(R"({"authSecretName":"prod-redis-auth","host":"prod-redis-1.prod-redis-headless.production.svc.cluster.local"})");
  expectReported("is itself a replica");

  patchSource(R"({"host":"no-such-service.production.svc.cluster.local"})");
  expectReported("cannot be resolved");

  patchSource(R"({"host":"10.1.2.3"})");
  ASSERT_TRUE(eventually([&] { return condition("dr-redis", "Ready", "reason") == "SourceNotAllowed"; }, 30s))
      << jsonpath("rediscluster dr-redis", "{.status.conditions}");
  EXPECT_EQ(jsonpath("rediscluster dr-redis", "{.status.phase}"), "Failed");
  EXPECT_NE(condition("dr-redis", "Ready", "message").find("--allowed-source-networks"), std::string::npos);
  EXPECT_EQ(role("dr-redis", podIp("dr-redis-0")), "slave");

  // Back to the real source: streaming again.
  patchSource(R"({"host":"prod-redis-leader.production.svc.cluster.local"})");
  waitForPhase("dr-redis", "Replicating", 60s);
}

} // namespace
} // namespace rdr::sandbox::testing
