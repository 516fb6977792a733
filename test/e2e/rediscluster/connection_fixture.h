// The ActiveRedisConnection e2e fixture: manifests for a source c6 behind a LoadBalancer, a
// target c6-dest and their connections (seed 000), and the checks the connection tests share.
#pragma once

#include <chrono>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cluster_fixture.h"

namespace rdr::sandbox::testing {

inline constexpr const char* kFinalizer = "redis.middleware.alauda.io/detach";
inline const std::string kSourcePassword = "c6-e2e-password";

inline std::string secret(const std::string& name, const std::string& password) {
  return passwordSecret("default", name, password);
}

inline std::string cluster(const std::string& name, int instances, const std::string& extra = "") {
  return "apiVersion: redis.io/v1\nkind: RedisCluster\nmetadata:\n  name: " + name +
         "\n  namespace: default\nspec:\n  instances: " + std::to_string(instances) +
         "\n  mode: standalone\n" + extra;
}

// A LoadBalancer Service selecting the cluster's primary, like config/dr-demo/east-source.yaml.
inline std::string loadBalancer(const std::string& cluster_name) {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + cluster_name +
         "-external\n  namespace: default\nspec:\n  type: LoadBalancer\n  selector:\n"
         "    redis.io/cluster: " + cluster_name + "\n    redis.io/role: primary\n"
         "  ports:\n    - name: redis\n      port: 6379\n      targetPort: 6379\n";
}

inline std::string connection(const std::string& name, const std::string& instance,
                       const std::string& address, const std::string& secret_name) {
  return "apiVersion: redis.middleware.alauda.io/v1alpha1\nkind: ActiveRedisConnection\n"
         "metadata:\n  name: " + name + "\n  namespace: default\nspec:\n  addresses:\n  - \"" +
         address + "\"\n  instance: " + instance + "\n  secretName: " + secret_name + "\n";
}

// Seed 000's manifest as a user would re-apply it: the address replaced, and what the API server
// owns (uid, resourceVersion, creationTimestamp, status) and the ownerReference to an ActiveRedis
// that does not exist here (the garbage collector would delete the connection) left out.
inline std::string seedConnection(const std::string& address) {
  std::istringstream in(readSeed("000-c6-dest-conn.yaml"));
  std::string out, line;
  bool skipping_block = false;
  while (std::getline(in, line)) {
    if (line == "status:") {
      break; // the rest of the file is the status
    }
    if (skipping_block) {
      if (line.starts_with("  - ") || line.starts_with("    ")) {
        continue;
      }
      skipping_block = false;
    }
    if (line == "  ownerReferences:") {
      skipping_block = true;
      continue;
    }
    if (line.starts_with("  uid:") || line.starts_with("  resourceVersion:") ||
        line.starts_with("  creationTimestamp:")) {
      continue;
    }
    out += line + "\n";
  }
  return std::regex_replace(out, std::regex("192\\.168\\.1\\.11:30011"), address);
}

inline std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  return out;
}

class ConnectionE2eTest : public ClusterSandboxTest {
protected:
  void SetUp() override {
    ClusterSandboxTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ns_ = "default";
    createNamespace("default");
  }

  void apply(const std::string& manifest) {
    const CommandResult applied = kubectlWithInput("apply", manifest);
    ASSERT_EQ(applied.exit_code, 0) << applied.err << "\n" << manifest;
  }

  // The source c6 (Secret c6-auth) and its LoadBalancer c6-external; @return the ingress IP.
  std::string startSource(int instances) {
    apply(secret("c6-auth", kSourcePassword));
    apply(cluster("c6", instances, "  authSecret:\n    name: c6-auth\n"));
    apply(loadBalancer("c6"));
    std::string ip;
    EXPECT_TRUE(eventually(
        [&] { return !(ip = jsonpath("svc c6-external", "{.status.loadBalancer.ingress[0].ip}")).empty(); },
        std::chrono::seconds(30)));
    return ip;
  }

  std::string conn(const std::string& name, const std::string& path) {
    return jsonpath("activeredisconnection " + name, path);
  }

  // Waits until the connection's status is `state` and its message satisfies `message_ok`.
  void expectConnection(const std::string& name, const std::string& state,
                        const std::function<bool(const std::string&)>& message_ok,
                        const std::string& expected,
                        std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::string seen;
    const bool reached = eventually(
        [&] {
          seen = conn(name, "{.status.status}|{.status.message}");
          const auto bar = seen.find('|');
          return bar != std::string::npos && seen.substr(0, bar) == state &&
                 message_ok(seen.substr(bar + 1));
        },
        timeout);
    ASSERT_TRUE(reached) << "ActiveRedisConnection " << name << ": expected " << state << " "
                         << expected << ", got \"" << seen << "\"\n"
                         << kubectl("-n default get activeredisconnection " + name + " -o yaml").out
                         << "\noperator log tail:\n" << logTail();
  }

  void expectConnection(const std::string& name, const std::string& state,
                        const std::string& exact_message,
                        std::chrono::seconds timeout = std::chrono::seconds(30)) {
    expectConnection(
        name, state, [&](const std::string& m) { return m == exact_message; },
        "\"" + exact_message + "\"", timeout);
  }

  // The operator's log lines (info and above) that contain `needle`, at most the last 40.
  std::string logLines(const std::string& needle) const {
    std::istringstream in(operatorLog());
    std::vector<std::string> kept;
    for (std::string line; std::getline(in, line);) {
      if (line.find(needle) != std::string::npos && line.find(" debug ") == std::string::npos) {
        kept.push_back(line);
      }
    }
    std::string out;
    for (std::size_t i = kept.size() > 40 ? kept.size() - 40 : 0; i < kept.size(); ++i) {
      out += kept[i] + "\n";
    }
    return out;
  }

  std::string logTail() const {
    const std::string log = operatorLog();
    return log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
  }

  std::string condition(const std::string& cluster_name, const std::string& type,
                        const std::string& field) {
    return jsonpath("rediscluster " + cluster_name,
                    "{.status.conditions[?(@.type==\"" + type + "\")]." + field + "}");
  }

  std::string leaderPod(const std::string& cluster_name) {
    return jsonpath("rediscluster " + cluster_name, "{.status.currentPrimary}");
  }

  std::string info(const std::string& cluster_name, const std::string& host,
                   const std::string& section) {
    return redisCli(cluster_name, host, "INFO " + section).out;
  }

  // A counter of INFO stats on `host` (sync_full, sync_partial_ok); -1 when absent.
  long counter(const std::string& cluster_name, const std::string& host, const std::string& name) {
    const std::string stats = info(cluster_name, host, "stats");
    const auto at = stats.find(name + ":");
    if (at == std::string::npos) {
      return -1;
    }
    const auto start = at + name.size() + 1;
    return std::stol(stats.substr(start, stats.find('\r', at) - start));
  }

  // "Kind/name reason" of every Event in the namespace, one a line.
  std::string events() {
    return kubectl("-n default get events -o " +
                   shellQuote("jsonpath={range .items[*]}{.involvedObject.kind}/"
                              "{.involvedObject.name} {.reason}{\"\\n\"}{end}"))
        .out;
  }

  bool gone(const std::string& what) {
    const CommandResult got = kubectl("-n default get " + what);
    return got.exit_code != 0 && got.err.find("NotFound") != std::string::npos;
  }

  // A paused target's leader: a replica of 127.0.0.1:0 (nobody), read-only.
  void expectFollowsNobody(const std::string& leader) {
    std::string replication;
    EXPECT_TRUE(eventually(
        [&] {
          replication = info("c6-dest", leader, "replication");
          return replication.find("master_host:127.0.0.1\r") != std::string::npos &&
                 replication.find("master_port:0\r") != std::string::npos;
        },
        std::chrono::seconds(5)))
        << replication;
    EXPECT_NE(redisCli("c6-dest", leader, "SET paused yes").out.find("READONLY"), std::string::npos)
        << "a paused target is read-only";
  }

  void patchConnection(const std::string& name, const std::string& spec_json) {
    const CommandResult patched =
        kubectl("-n default patch activeredisconnection " + name + " --type=merge -p " +
                shellQuote("{\"spec\":" + spec_json + "}"));
    ASSERT_EQ(patched.exit_code, 0) << patched.err;
  }
};

} // namespace rdr::sandbox::testing
