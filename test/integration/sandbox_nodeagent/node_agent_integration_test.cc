// The node agent runs operator-built pods as real redis-servers: status, probes, faults, restarts,
// deletion, PVC data across re-creation, and a missing Secret.

#include <fstream>

#include <gtest/gtest.h>

#include "integration/sandbox_nodeagent/node_agent_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

bool inCidr(const std::string& ip, const std::string& prefix) { return ip.rfind(prefix, 0) == 0; }

TEST_F(NodeAgentTest, PrimaryPodRunsReadyOnItsOwnIpAndAnswersPingWithItsPassword) {
  startAll("127.251.1.0/24");
  createClusterObjects();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s)) << pod().value_or(json()).dump(2);
  const json status = pod()->at("status");
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_TRUE(inCidr(status["podIP"], "127.251.1.")) << status["podIP"];
  EXPECT_EQ(status["podIPs"][0]["ip"], status["podIP"]);
  EXPECT_EQ(status["hostIP"], "127.0.0.1");
  EXPECT_TRUE(status.contains("startTime"));
  EXPECT_EQ(containerStatus()["state"].begin().key(), "running");
  EXPECT_EQ(containerStatus()["ready"], true);
  EXPECT_EQ(redisCommand(podIp(), password_, {"PING"}), "+PONG");
  EXPECT_EQ(redisCommand(podIp(), "wrong", {"PING"}).rfind("-NOAUTH", 0), 0u);
  EXPECT_EQ(agent_->podIp(kNamespace, kPod), podIp());
  // The PVC the emulator left Pending is bound with the requested capacity.
  auto pvc = client_->get(kube::resources::persistentVolumeClaims(), {kNamespace, "cache-0-data"});
  ASSERT_TRUE(pvc);
  EXPECT_EQ(pvc->at("status").value("phase", ""), "Bound");
  EXPECT_EQ(pvc->at("status")["capacity"]["storage"], "1Gi");
}

TEST_F(NodeAgentTest, KilledProcessIsRestartedAfterTheBackoffWithRestartCountOne) {
  startAll("127.251.2.0/24");
  createClusterObjects();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s));
  const std::string ip = podIp();
  ASSERT_TRUE(agent_->killPod(kNamespace, kPod));
  ASSERT_TRUE(waitUntil([&] { return restartCount() == 1; }, 10s)) << containerStatus().dump(2);
  const json last = containerStatus()["lastState"]["terminated"];
  EXPECT_EQ(last["signal"], 9);
  EXPECT_EQ(last["exitCode"], 137);
  EXPECT_EQ(last["reason"], "Error");
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 10s)) << containerStatus().dump(2);
  EXPECT_EQ(podIp(), ip); // a restarted container keeps its pod's IP
  EXPECT_EQ(redisCommand(ip, password_, {"PING"}), "+PONG");
  EXPECT_TRUE(agent_->killPod(kNamespace, "nope").error().is(ErrorCode::NotFound));
}

TEST_F(NodeAgentTest, FrozenPodGoesNotReadyAndThawedPodReadyAgain) {
  startAll("127.251.3.0/24");
  createClusterObjects();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s));
  ASSERT_TRUE(agent_->freezePod(kNamespace, kPod));
  ASSERT_TRUE(waitUntil([&] { return !podReady(); }, 10s));
  EXPECT_EQ(restartCount(), 0); // frozen, not crashed
  ASSERT_TRUE(agent_->thawPod(kNamespace, kPod));
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 10s));
  EXPECT_EQ(redisCommand(podIp(), password_, {"PING"}), "+PONG");
}

TEST_F(NodeAgentTest, DeletedPodStopsItsProcessAndReleasesItsIp) {
  startAll("127.251.4.0/24");
  createClusterObjects();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s));
  const std::string ip = podIp();
  deletePod();
  EXPECT_TRUE(waitUntil([&] { return agent_->podIp(kNamespace, kPod).empty(); }, 10s));
  EXPECT_TRUE(waitUntil([&] { return redisCommand(ip, password_, {"PING"}).empty(); }, 10s))
      << "redis-server still answers on " << ip;
  EXPECT_TRUE(agent_->killPod(kNamespace, kPod).error().is(ErrorCode::NotFound));
}

TEST_F(NodeAgentTest, PvcDataSurvivesPodRecreationButEmptyDirDoesNot) {
  startAll("127.251.5.0/24");
  createClusterObjects();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s));
  const std::string first_ip = podIp();
  const std::string first_uid = pod()->at("metadata").value("uid", "");
  ASSERT_EQ(redisCommand(first_ip, password_, {"SET", "greeting", "hello"}), "+OK");
  const fs::path empty_dir = state_dir_ / "pods" / "apps_cache-0" / first_uid / "tmp";
  ASSERT_TRUE(fs::is_directory(empty_dir));
  { std::ofstream(empty_dir / "scratch") << "x"; }
  deletePod();
  createPod();
  ASSERT_TRUE(waitUntil([&] {
    const auto object = pod();
    return object && object->at("metadata").value("uid", "") != first_uid && podReady();
  }, 30s)) << pod().value_or(json()).dump(2);
  EXPECT_NE(podIp(), first_ip); // a re-created pod gets a new IP
  EXPECT_EQ(redisCommand(podIp(), password_, {"GET", "greeting"}), "hello");
  EXPECT_FALSE(fs::exists(empty_dir)) << "the old pod's emptyDir is still there";
  const std::string new_uid = pod()->at("metadata").value("uid", "");
  EXPECT_FALSE(fs::exists(state_dir_ / "pods" / "apps_cache-0" / new_uid / "tmp" / "scratch"));
}

TEST_F(NodeAgentTest, MissingSecretKeepsTheContainerInCreateContainerConfigErrorUntilItExists) {
  startAll("127.251.6.0/24");
  createClusterObjects(/*with_secret=*/false);
  ASSERT_TRUE(waitUntil([&] {
    return containerStatus().value("state", json::object()).value("waiting", json::object())
               .value("reason", "") == "CreateContainerConfigError";
  }, 10s)) << containerStatus().dump(2);
  EXPECT_EQ(containerStatus()["state"]["waiting"]["message"], "secret \"cache-auth\" not found");
  EXPECT_EQ(pod()->at("status")["phase"], "Pending");
  createSecret();
  ASSERT_TRUE(waitUntil([&] { return podReady(); }, 20s)) << containerStatus().dump(2);
  EXPECT_EQ(restartCount(), 0);
}

} // namespace
} // namespace rdr::sandbox::testing
