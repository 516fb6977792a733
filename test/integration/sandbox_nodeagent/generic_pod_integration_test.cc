// The node agent runs any command, not only redis: restart policies, ConfigMap refresh, and the
// PVC hand-over between a terminating pod and its successor.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "integration/sandbox_nodeagent/node_agent_fixture.h"

namespace rdr::sandbox::testing {
namespace {

namespace fs = std::filesystem;

json genericPod(const std::string& name, const std::string& script, const json& extra_spec = {}) {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "apps"}}},
              {"spec",
               {{"containers",
                 {{{"name", "main"}, {"image", "busybox"}, {"command", {"sh", "-c", script}}}}}}}};
  for (auto it = extra_spec.begin(); it != extra_spec.end(); ++it) {
    pod["spec"][it.key()] = it.value();
  }
  return pod;
}

class GenericPodTest : public NodeAgentTest {
protected:
  json status(const std::string& name) {
    auto got = client_->get(kube::resources::pods(), {"apps", name});
    return got ? got->value("status", json::object()) : json::object();
  }
  json container(const std::string& name) {
    const json statuses = status(name).value("containerStatuses", json::array());
    return statuses.empty() ? json::object() : statuses[0];
  }
  std::string waitingReason(const std::string& name) {
    return container(name).value("state", json::object()).value("waiting", json::object())
        .value("reason", "");
  }
  void create(const json& object, const kube::Resource& resource = kube::resources::pods()) {
    auto created = client_->create(resource, object);
    ASSERT_TRUE(created) << created.error().toString();
  }
  static std::string readText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(GenericPodTest, ContainerWithoutPortsIsReadyWhileItRunsAndNeverPolicyEndsTheFailedPod) {
  startAll("127.251.7.0/24");
  create(genericPod("sleeper", "exec sleep 60"));
  create(genericPod("failing", "echo going down; exit 3", {{"restartPolicy", "Never"}}));
  ASSERT_TRUE(waitUntil([&] { return container("sleeper").value("ready", false); }, 10s))
      << status("sleeper").dump(2);
  ASSERT_TRUE(waitUntil([&] { return status("failing").value("phase", "") == "Failed"; }, 10s))
      << status("failing").dump(2);
  const json terminated = container("failing")["state"]["terminated"];
  EXPECT_EQ(terminated["exitCode"], 3);
  EXPECT_EQ(terminated["reason"], "Error");
  EXPECT_EQ(container("failing")["restartCount"], 0);
  EXPECT_EQ(readText(state_dir_ / "pods" / "apps_failing" / "main.log"), "going down\n");
}

TEST_F(GenericPodTest, CrashingContainerWaitsInCrashLoopBackOffWithGrowingRestartCount) {
  startAll("127.251.8.0/24");
  create(genericPod("crasher", "exit 1"));
  ASSERT_TRUE(waitUntil([&] { return container("crasher").value("restartCount", 0) >= 2; }, 10s))
      << status("crasher").dump(2);
  EXPECT_EQ(status("crasher")["phase"], "Running");
  EXPECT_EQ(container("crasher")["lastState"]["terminated"]["exitCode"], 1);
}

TEST_F(GenericPodTest, ChangedConfigMapIsRewrittenInThePodsVolume) {
  startAll("127.251.9.0/24");
  create({{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "settings"}, {"namespace", "apps"}}},
          {"data", {{"mode", "one"}, {"other", "x"}}}},
         kube::resources::configMaps());
  json pod = genericPod("reader", "exec sleep 60",
                        {{"volumes",
                          {{{"name", "cfg"},
                            {"configMap",
                             {{"name", "settings"},
                              {"items", {{{"key", "mode"}, {"path", "mode.txt"}}}}}}}}}});
  pod["spec"]["containers"][0]["volumeMounts"] = {{{"name", "cfg"}, {"mountPath", "/cfg"}}};
  create(pod);
  ASSERT_TRUE(waitUntil([&] { return container("reader").value("ready", false); }, 10s));
  const std::string uid =
      client_->get(kube::resources::pods(), {"apps", "reader"})->at("metadata").value("uid", "");
  const fs::path dir = state_dir_ / "pods" / "apps_reader" / uid / "cfg";
  EXPECT_EQ(readText(dir / "mode.txt"), "one");
  EXPECT_FALSE(fs::exists(dir / "other")); // items pick the keys
  auto current = client_->get(kube::resources::configMaps(), {"apps", "settings"});
  ASSERT_TRUE(current);
  (*current)["data"]["mode"] = "two";
  ASSERT_TRUE(client_->update(kube::resources::configMaps(), *current));
  EXPECT_TRUE(waitUntil([&] { return readText(dir / "mode.txt") == "two"; }, 10s));
}

TEST_F(GenericPodTest, NewPodWaitsUntilTheTerminatingPodReleasedTheirPvc) {
  startAll("127.251.10.0/24");
  create({{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", {{"name", "shared"}, {"namespace", "apps"}}},
          {"spec",
           {{"accessModes", {"ReadWriteOnce"}},
            {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}},
         kube::resources::persistentVolumeClaims());
  // The first process ignores SIGTERM: it holds the claim for its whole grace period (2 s).
  auto withClaim = [](json pod) {
    pod["spec"]["volumes"] = {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "shared"}}}}};
    pod["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
    return pod;
  };
  create(withClaim(genericPod("stubborn", "trap '' TERM; while true; do sleep 0.1; done",
                              {{"terminationGracePeriodSeconds", 2}})));
  ASSERT_TRUE(waitUntil([&] { return container("stubborn").value("ready", false); }, 10s))
      << status("stubborn").dump(2);
  ASSERT_TRUE(client_->remove(kube::resources::pods(), {"apps", "stubborn"}));
  create(withClaim(genericPod("successor", "exec sleep 60")));
  EXPECT_TRUE(waitUntil([&] { return waitingReason("successor") == "ContainerCreating"; }, 5s))
      << status("successor").dump(2);
  EXPECT_NE(container("successor").value("state", json::object()).dump().find(
                "waiting for a terminating pod"),
            std::string::npos);
  EXPECT_TRUE(waitUntil([&] { return container("successor").value("ready", false); }, 10s))
      << status("successor").dump(2);
}

} // namespace
} // namespace rdr::sandbox::testing
