// viewPod on the pods the resources module builds (golden files) plus kubelet-written status.
#include <gtest/gtest.h>

#include "rdr/common/file.h"
#include "rdr/common/yaml.h"
#include "rdr/controller/pod_view.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

json goldenPod(const std::string& file) {
  auto text = readFile(std::string(RDR_TEST_DATA_DIR) + "/golden/resources/standalone-pvc/" + file);
  EXPECT_TRUE(text.has_value());
  return parseYamlDocument(*text).value();
}

TEST(ViewPod, ReadsTheBootRoleFromTheArguments) {
  const PodView replica = viewPod(goldenPod("pod-cache-1.yaml"), "cache");
  EXPECT_EQ(replica.name, "cache-1");
  EXPECT_EQ(replica.ordinal, 1);
  EXPECT_FALSE(replica.boots_as_master);
  EXPECT_EQ(replica.boot_upstream_host, "cache-0.cache-headless.apps.svc.cluster.local");
  EXPECT_EQ(replica.boot_upstream_port, 6379);
  EXPECT_EQ(replica.role_label, "replica");
  EXPECT_EQ(replica.config_hash.size(), 16u);
  EXPECT_TRUE(replica.restarts_fenced) << "the start script holds the restart fence";

  const PodView primary = viewPod(goldenPod("pod-cache-0.yaml"), "cache");
  EXPECT_TRUE(primary.boots_as_master);
  EXPECT_EQ(primary.role_label, "primary");
  EXPECT_FALSE(primary.container_running);
  EXPECT_EQ(primary.container_state, "");
  EXPECT_EQ(viewPod(goldenPod("pod-cache-0.yaml"), "other").ordinal, std::nullopt);
}

// A pod built before the restart fence existed: its args decide every boot.
TEST(ViewPod, APodWithoutTheRestartFenceIsRecognised) {
  json pod = goldenPod("pod-cache-1.yaml");
  pod["spec"]["containers"][0]["command"] = {"sh", "-c", "exec redis-server \"$@\"", "redis-server"};
  EXPECT_FALSE(viewPod(pod, "cache").restarts_fenced);
}

TEST(ViewPod, ReadsWhatTheKubeletReports) {
  json pod = goldenPod("pod-cache-0.yaml");
  pod["status"] = {
      {"podIP", "127.10.0.7"},
      {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
      {"containerStatuses",
       {{{"name", "redis"}, {"restartCount", 2}, {"state", {{"running", {{"startedAt", "x"}}}}}}}}};
  PodView view = viewPod(pod, "cache");
  EXPECT_EQ(view.pod_ip, "127.10.0.7");
  EXPECT_TRUE(view.ready);
  EXPECT_TRUE(view.container_running);
  EXPECT_EQ(view.restart_count, 2);

  pod["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
  pod["status"]["conditions"][0]["status"] = "False";
  pod["metadata"]["deletionTimestamp"] = "2026-11-22T10:00:00Z";
  view = viewPod(pod, "cache");
  EXPECT_FALSE(view.container_running);
  EXPECT_FALSE(view.ready);
  EXPECT_TRUE(view.deleting);
  EXPECT_EQ(view.container_state, "waiting: CrashLoopBackOff");
}

} // namespace
} // namespace rdr::controller
