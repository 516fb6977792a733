// The node agent end to end: `dev/sandbox up`, the real kubectl applies a Redis pod and its
// Service, redis-cli reaches it by ClusterIP and by DNS name, every fault action, and `down`.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "sandbox_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* const kPassword = "e2e-node-agent-secret";

const char* const kManifest = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: kv-config
  namespace: apps
data:
  redis.conf: |
    port 6379
    bind * -::*
    dir /data
    appendonly no
    save ""
---
apiVersion: v1
kind: Secret
metadata:
  name: kv-auth
  namespace: apps
stringData:
  password: e2e-node-agent-secret
---
apiVersion: v1
kind: Pod
metadata:
  name: kv-0
  namespace: apps
  labels:
    app: kv
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: redis
    image: redis:7.2
    command: ["sh", "-c", "exec redis-server /etc/redis/redis.conf --requirepass \"$REDIS_PASSWORD\" \"$@\"", "redis-server"]
    env:
    - name: REDIS_PASSWORD
      valueFrom:
        secretKeyRef: {name: kv-auth, key: password}
    ports:
    - {name: redis, containerPort: 6379}
    readinessProbe:
      exec:
        command: ["redis-cli", "ping"]
      failureThreshold: 3
    volumeMounts:
    - {name: config, mountPath: /etc/redis}
    - {name: data, mountPath: /data}
  volumes:
  - name: config
    configMap: {name: kv-config}
  - name: data
    emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: kv
  namespace: apps
spec:
  selector:
    app: kv
  ports:
  - {name: redis, port: 6379, targetPort: 6379}
)";

bool poll(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(200ms);
  }
  return condition();
}

// The pids of processes whose working directory lies in `state` (the sandbox's redis-servers).
std::set<pid_t> processesIn(const fs::path& state) {
  std::set<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::error_code ec;
    const fs::path cwd = fs::read_symlink(entry.path() / "cwd", ec);
    if (!ec && cwd.string().rfind(state.string() + "/", 0) == 0) {
      pids.insert(std::stoi(name));
    }
  }
  return pids;
}

class NodeAgentE2eTest : public SandboxTest {
protected:
  void SetUp() override {
    if (std::system("command -v redis-server >/dev/null && command -v redis-cli >/dev/null") != 0) {
      GTEST_SKIP() << "redis-server and redis-cli are not installed (apt-get install redis-server)";
    }
    ::setenv("RDR_SANDBOX_RESTART_BACKOFF_MS", "1000", 1);
    ::setenv("RDR_SANDBOX_PROBE_PERIOD_MS", "300", 1);
    SandboxTest::SetUp();
  }

  std::string podField(const std::string& jsonpath) {
    return kubectl("-n apps get pod kv-0 -o jsonpath=" + shellQuote("{" + jsonpath + "}")).out;
  }
  bool ready() { return podField(".status.conditions[?(@.type==\"Ready\")].status") == "True"; }

  // redis-cli PING to `host` (password from REDISCLI_AUTH, never on the command line), optionally
  // inside the sandbox's mount namespace.
  std::string ping(const std::string& host, bool inside = false) {
    const std::string cli = "REDISCLI_AUTH=" + shellQuote(kPassword) + " timeout 5 redis-cli -h " +
                            shellQuote(host) + " ping";
    if (!inside) {
      return runShell(cli, scratch_).out;
    }
    return devSandbox("exec " + name_ + " -- env REDISCLI_AUTH=" + shellQuote(kPassword) +
                      " timeout 5 redis-cli -h " + shellQuote(host) + " ping")
        .out;
  }
};

TEST_F(NodeAgentE2eTest, PodRunsBehindItsServiceAndEveryFaultActionWorks) {
  createNamespace("apps");
  const CommandResult applied = kubectlWithInput("apply", kManifest);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  const CommandResult waited =
      kubectl("-n apps wait --for=condition=Ready pod/kv-0 --timeout=30s");
  ASSERT_EQ(waited.exit_code, 0) << waited.err << podField("");
  const std::string pod_ip = podField(".status.podIP");
  EXPECT_EQ(pod_ip.rfind("127.", 0), 0u) << pod_ip;
  const std::string cluster_ip =
      kubectl("-n apps get service kv -o jsonpath='{.spec.clusterIP}'").out;
  ASSERT_FALSE(cluster_ip.empty());
  // The slot's address plan: pods from 127.b.0.0/17, ClusterIPs from 127.b.128.0/18.
  const std::string slot_prefix = pod_ip.substr(0, pod_ip.find('.', 4) + 1); // "127.b."
  EXPECT_EQ(cluster_ip.rfind(slot_prefix, 0), 0u) << cluster_ip << " vs pod " << pod_ip;
  const int third = std::stoi(cluster_ip.substr(slot_prefix.size()));
  EXPECT_TRUE(third >= 128 && third < 192) << cluster_ip;
  EXPECT_LT(std::stoi(pod_ip.substr(slot_prefix.size())), 128) << pod_ip;

  // Reachable through the Service's ClusterIP, and by its DNS name inside the sandbox.
  EXPECT_TRUE(poll([&] { return ping(cluster_ip) == "PONG\n"; }, 10s)) << cluster_ip;
  if (::geteuid() == 0) {
    EXPECT_EQ(ping("kv.apps.svc.cluster.local", /*inside=*/true), "PONG\n");
  } else {
    std::cerr << "not root: the sandbox has no private /etc/hosts; skipping the DNS name check\n";
  }

  // freeze -> NotReady, thaw -> Ready.
  CommandResult fault = devSandbox("fault " + name_ + " freeze-pod apps/kv-0");
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_TRUE(poll([&] { return !ready(); }, 15s));
  fault = devSandbox("fault " + name_ + " thaw-pod apps/kv-0");
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_TRUE(poll([&] { return ready(); }, 15s));

  // kill -> restartCount 1 after the (1 s) backoff, Ready again.
  fault = devSandbox("fault " + name_ + " kill-pod apps/kv-0");
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_TRUE(poll([&] { return podField(".status.containerStatuses[0].restartCount") == "1"; },
                   15s));
  EXPECT_TRUE(poll([&] { return ready(); }, 15s));

  // cut -> the Service refuses traffic; heal -> it forwards again.
  fault = devSandbox("fault " + name_ + " cut apps/kv");
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_NE(ping(cluster_ip), "PONG\n");
  fault = devSandbox("fault " + name_ + " heal apps/kv");
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_TRUE(poll([&] { return ping(cluster_ip) == "PONG\n"; }, 10s));

  // Unknown targets and actions are refused with a clear message.
  fault = devSandbox("fault " + name_ + " kill-pod apps/absent");
  EXPECT_NE(fault.exit_code, 0);
  EXPECT_NE(fault.err.find("HTTP 404"), std::string::npos) << fault.err;
  fault = devSandbox("fault " + name_ + " melt apps/kv-0");
  EXPECT_NE(fault.exit_code, 0);

  // down stops every redis-server of the sandbox.
  const fs::path state = fs::path(kubeconfig_).parent_path();
  const std::set<pid_t> before = processesIn(state);
  EXPECT_FALSE(before.empty()) << "no process of the sandbox runs in " << state;
  const CommandResult down = devSandbox("down " + name_);
  started_ = false;
  ASSERT_EQ(down.exit_code, 0) << down.err;
  // A leftover's cwd still reads "<state>/... (deleted)" after the state directory is removed.
  EXPECT_TRUE(poll([&] { return processesIn(state).empty(); }, 5s))
      << processesIn(state).size() << " process(es) still run in " << state << " after down";
}

} // namespace
} // namespace rdr::sandbox::testing
