// The fixture of the mode-sentinel end-to-end tests: seed 003's prod-redis verbatim, Healthy, and
// helpers that ask its Sentinels and pods.
#pragma once

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {


using SteadyClock = std::chrono::steady_clock;

inline double secondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

inline std::vector<std::string> words(const std::string& text) {
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
    waitForPhase("prod-redis", "Healthy", std::chrono::seconds(120));
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

} // namespace rdr::sandbox::testing
