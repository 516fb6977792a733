// Mode sentinel end to end (issue 7), seed 003's prod-redis verbatim: real Sentinels
// (redis-server --sentinel) decide local failovers and the operator follows them (status, labels,
// the -leader Service, Events); Sentinel pods are re-created, rejoin and stale entries go;
// Sentinels scale; a restarted primary is failed over at once; a quorum above the Sentinel count
// is refused by the CRD. And a DR cluster in mode sentinel: its Sentinels monitor nothing while
// it follows a source, it never promotes itself when the source is lost, after promote:true its
// Sentinels monitor its new primary, and after promote:false they stop again.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> result;
  for (std::string word; in >> word;) {
    result.push_back(word);
  }
  return result;
}

class SentinelE2eTest : public ClusterSandboxTest {
protected:
  // Seed 003's prod-redis verbatim (mode: sentinel, no sentinel block: 3 Sentinels, quorum 2,
  // down-after 5000 ms) with its prod-redis-auth Secret, Healthy.
  void SetUp() override {
    ClusterSandboxTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ns_ = "production";
    createNamespace("production");
    ASSERT_EQ(kubectlWithInput("apply", passwordSecret("production", "prod-redis-auth", "prod-pass-1"))
                  .exit_code,
              0);
    const CommandResult applied = kubectlWithInput("apply", readSeed("003-prod-redis.yaml"));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    waitForPhase("prod-redis", "Healthy", 120s);
  }

  std::string primary(const std::string& cluster) {
    return jsonpath("rediscluster " + cluster, "{.status.currentPrimary}");
  }

  // "ip:6379" of the cluster's recorded primary pod.
  std::string primaryAddress(const std::string& cluster) {
    const std::string ip = podIp(primary(cluster));
    return ip.empty() ? "" : ip + ":6379";
  }

  std::string sentinelIp(const std::string& cluster, int index) {
    return podIp(cluster + "-sentinel-" + std::to_string(index));
  }

  std::string sentinelPods(const std::string& cluster) {
    return podNames("redis.io/cluster=" + cluster + ",app.kubernetes.io/component=sentinel");
  }

  // What each of the cluster's `count` Sentinel pods answers to GET-MASTER-ADDR-BY-NAME, quoted
  // and space-separated ('' for nil, '?' when it does not answer).
  std::string sentinelAnswers(const std::string& cluster, int count) {
    std::string answers;
    for (int index = 0; index < count; ++index) {
      answers += (index ? " '" : "'") + sentinelMasterAddress(sentinelIp(cluster, index), cluster) + "'";
    }
    return answers;
  }

  bool everySentinelNames(const std::string& cluster, int count, const std::string& address) {
    for (int index = 0; index < count; ++index) {
      if (sentinelMasterAddress(sentinelIp(cluster, index), cluster) != address) {
        return false;
      }
    }
    return true;
  }

  // Data pods of the cluster answering ROLE master.
  int masters(const std::string& cluster, int instances) {
    int count = 0;
    for (int ordinal = 0; ordinal < instances; ++ordinal) {
      count += role(cluster, podIp(cluster + "-" + std::to_string(ordinal))) == "master" ? 1 : 0;
    }
    return count;
  }

  // EXISTS key:<first> .. key:<first+count-1> on `host`: how many exist.
  int existing(const std::string& cluster, const std::string& host, int first, int count) {
    std::string keys;
    for (int i = first; i < first + count; ++i) {
      keys += " key:" + std::to_string(i);
    }
    const CommandResult answer = redisCli(cluster, host, "EXISTS" + keys);
    try {
      return answer.exit_code == 0 ? std::stoi(answer.out) : -1;
    } catch (const std::exception&) {
      return -1;
    }
  }

  bool set(const std::string& cluster, const std::string& host, const std::string& key) {
    return redisCli(cluster, host, "SET " + key + " yes").out.starts_with("OK");
  }

  std::string tail(const std::string& log) {
    return log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
  }

  void patch(const std::string& cluster, const std::string& json) {
    const CommandResult patched = kubectl("-n production patch rediscluster " + cluster +
                                          " --type=merge -p " + shellQuote(json));
    ASSERT_EQ(patched.exit_code, 0) << patched.err;
  }
};

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
  const auto killed_at = Clock::now();
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
  const auto restarted_at = Clock::now();
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
  const auto cut_at = Clock::now();
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
  const auto promoted_at = Clock::now();
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
