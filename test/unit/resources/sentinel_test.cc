// Sentinel pods and Service: names, labels apart from data pods, port, volumes, the start script.
#include "rdr/resources/sentinel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rdr/resources/pod.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

json sentinelPod(const api::RedisCluster& cluster, int index) {
  auto built = buildSentinelPod(cluster, index);
  EXPECT_TRUE(built) << built.error().toString();
  return built ? *built : json();
}

const json& sentinelContainer(const json& pod) { return pod["spec"]["containers"][0]; }

std::string script(const json& pod) {
  return sentinelContainer(pod)["command"][2].get<std::string>();
}

TEST(SentinelTest, PodsAreNamedAfterTheClusterAndIndex) {
  const auto cluster = testing::seedProdRedis();
  for (int i = 0; i < 3; ++i) {
    const json pod = sentinelPod(cluster, i);
    EXPECT_EQ(pod["metadata"]["name"], "prod-redis-sentinel-" + std::to_string(i));
    EXPECT_EQ(pod["metadata"]["namespace"], "production");
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["kind"], "RedisCluster");
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["uid"], cluster.metadata.uid);
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["controller"], true);
  }
}

TEST(SentinelTest, IndexOutsideTheGroupIsRefused) {
  auto cluster = testing::seedProdRedis();
  for (const int index : {-1, 3}) {
    const auto built = buildSentinelPod(cluster, index);
    ASSERT_FALSE(built) << index;
    EXPECT_EQ(built.error().code(), ErrorCode::Internal);
    EXPECT_THAT(built.error().message(), HasSubstr("outside 0..2"));
  }
  cluster.spec.sentinel = api::SentinelSpec{};
  cluster.spec.sentinel->instances = 5;
  EXPECT_EQ(sentinelInstances(cluster), 5);
  EXPECT_TRUE(buildSentinelPod(cluster, 4));
  EXPECT_FALSE(buildSentinelPod(cluster, 5));
}

TEST(SentinelTest, OnlyASentinelModeClusterHasSentinelPods) {
  const auto built = buildSentinelPod(testing::seedDrRedis(), 0);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code(), ErrorCode::Internal);
  EXPECT_THAT(built.error().message(), HasSubstr("mode: sentinel"));
}

TEST(SentinelTest, LabelsSetSentinelsApartFromDataPodsWithoutARole) {
  const auto cluster = testing::seedProdRedis();
  const json labels = sentinelPod(cluster, 1)["metadata"]["labels"];
  EXPECT_EQ(labels["redis.io/cluster"], "prod-redis");
  EXPECT_EQ(labels["redis.io/instance"], "prod-redis-sentinel-1");
  EXPECT_EQ(labels["app.kubernetes.io/component"], "sentinel");
  EXPECT_EQ(labels["app.kubernetes.io/instance"], "prod-redis");
  EXPECT_EQ(labels["app.kubernetes.io/managed-by"], "redis-dr-operator");
  // A role label would put a Sentinel behind the -leader or -replicas Service.
  EXPECT_FALSE(labels.contains("redis.io/role"));

  const auto data_pod = buildPod(cluster, 0, BootRole::primary());
  ASSERT_TRUE(data_pod);
  EXPECT_EQ((*data_pod)["metadata"]["labels"]["app.kubernetes.io/component"], "redis");
}

TEST(SentinelTest, ContainerListensOnTheSentinelPortWithTheClustersImage) {
  auto cluster = testing::seedProdRedis();
  cluster.spec.image_name = "redis:7.2.4";
  const json pod = sentinelPod(cluster, 0);
  const json& container = sentinelContainer(pod);
  EXPECT_EQ(container["name"], "sentinel");
  EXPECT_EQ(container["image"], "redis:7.2.4");
  ASSERT_EQ(container["ports"].size(), 1u);
  EXPECT_EQ(container["ports"][0]["name"], "sentinel");
  EXPECT_EQ(container["ports"][0]["containerPort"], 26379);
  EXPECT_FALSE(container.contains("args"));
  // Nothing secret: no environment at all.
  EXPECT_FALSE(container.contains("env"));
}

TEST(SentinelTest, DataAndTmpAreEmptyDirsEvenWithStorage) {
  const json pod = sentinelPod(testing::seedProdRedis(), 0);
  const json& volumes = pod["spec"]["volumes"];
  ASSERT_EQ(volumes.size(), 2u);
  EXPECT_EQ(volumes[0]["name"], "data");
  EXPECT_EQ(volumes[0]["emptyDir"], json::object());
  EXPECT_EQ(volumes[1]["name"], "tmp");
  EXPECT_EQ(volumes[1]["emptyDir"]["sizeLimit"], "64Mi");
  const json& mounts = sentinelContainer(pod)["volumeMounts"];
  EXPECT_EQ(mounts[0], (json{{"name", "data"}, {"mountPath", "/data"}}));
  EXPECT_EQ(mounts[1], (json{{"name", "tmp"}, {"mountPath", "/tmp"}}));
}

TEST(SentinelTest, ScriptWritesTheConfigOnlyWhenMissingThenExecsSentinel) {
  const json pod = sentinelPod(testing::seedProdRedis(), 0);
  const json& command = sentinelContainer(pod)["command"];
  ASSERT_EQ(command.size(), 4u);
  EXPECT_EQ(command[0], "sh");
  EXPECT_EQ(command[1], "-c");
  EXPECT_EQ(command[3], "redis-server");
  const std::string text = script(pod);
  // if the file exists: only re-quote it; else: write the initial one; then exec Sentinel.
  const size_t kept = text.find("if [ -e /data/sentinel.conf ]; then\n  sed ");
  const size_t fresh = text.find("else\n  printf '%s\\n' 'port 26379'");
  const size_t done = text.find("fi\n");
  const size_t exec = text.find("exec redis-server /data/sentinel.conf --sentinel \"$@\"\n");
  ASSERT_NE(kept, std::string::npos) << text;
  ASSERT_NE(fresh, std::string::npos) << text;
  ASSERT_NE(exec, std::string::npos) << text;
  EXPECT_LT(kept, fresh);
  EXPECT_LT(fresh, done);
  EXPECT_LT(done, exec);
  EXPECT_EQ(text.find("printf"), fresh + 7) << "the initial file is written in one place only";
  for (const char* line : {"'port 26379'", "'dir /data'", "'protected-mode no'",
                           "'sentinel resolve-hostnames yes'",
                           "'sentinel announce-hostnames no'"}) {
    EXPECT_THAT(text, HasSubstr(line));
  }
  // Written to a temporary name, then renamed; a failure stops the start.
  EXPECT_THAT(text, HasSubstr("> /data/sentinel.conf.new &&\n"
                              "    mv /data/sentinel.conf.new /data/sentinel.conf ||\n"));
  EXPECT_THAT(text, HasSubstr("exit 1"));
  // The kept file's auth-pass lines are quoted once (the sed is run for real by the integration
  // tests, with a password holding a space and a quote).
  EXPECT_THAT(text, HasSubstr(R"(sed -e '/^# ??? sentinel auth-pass /d' )"
                              R"(-e '/^sentinel auth-pass [^ ]* ".*"$/b' -e )"));
  // Monitoring is configured at runtime: no monitor line, no password.
  EXPECT_THAT(text, Not(HasSubstr("monitor")));
  EXPECT_THAT(text, Not(HasSubstr("PASSWORD")));
}

TEST(SentinelTest, ProbesJudgeThePingReply) {
  const json pod = sentinelPod(testing::seedProdRedis(), 0);
  const json& container = sentinelContainer(pod);
  for (const char* probe : {"readinessProbe", "livenessProbe"}) {
    const json& command = container[probe]["exec"]["command"];
    ASSERT_EQ(command.size(), 3u) << probe;
    EXPECT_EQ(command[2], "[ \"$(redis-cli -p 26379 ping 2>/dev/null)\" = PONG ]") << probe;
  }
  EXPECT_GT(container["livenessProbe"]["initialDelaySeconds"].get<int>(),
            container["readinessProbe"]["initialDelaySeconds"].get<int>());
  EXPECT_GT(container["livenessProbe"]["failureThreshold"].get<int>(),
            container["readinessProbe"]["failureThreshold"].get<int>());
}

TEST(SentinelTest, RunsAsNonRootWithoutTokenOrServiceLinks) {
  const json pod = sentinelPod(testing::seedProdRedis(), 0);
  EXPECT_EQ(pod["spec"]["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["spec"]["enableServiceLinks"], false);
  EXPECT_EQ(pod["spec"]["securityContext"]["runAsUser"], kRedisUserId);
  EXPECT_EQ(pod["spec"]["securityContext"]["runAsNonRoot"], true);
  const json& security = sentinelContainer(pod)["securityContext"];
  EXPECT_EQ(security["readOnlyRootFilesystem"], true);
  EXPECT_EQ(security["allowPrivilegeEscalation"], false);
  EXPECT_EQ(security["capabilities"]["drop"], json::array({"ALL"}));
}

TEST(SentinelTest, SchedulingFieldsPassThroughAndAreOmittedWhenAbsent) {
  auto cluster = testing::seedProdRedis();
  const json plain = sentinelPod(cluster, 0);
  EXPECT_FALSE(plain["spec"].contains("nodeSelector"));
  EXPECT_FALSE(plain["spec"].contains("tolerations"));
  EXPECT_FALSE(plain["spec"].contains("affinity"));

  const auto scheduled = testing::emptyDirWithMinSync();
  cluster.spec.node_selector = scheduled.spec.node_selector;
  cluster.spec.tolerations = scheduled.spec.tolerations;
  cluster.spec.affinity = {{"podAntiAffinity", json::object()}};
  const json pod = sentinelPod(cluster, 0);
  EXPECT_EQ(pod["spec"]["nodeSelector"], json(scheduled.spec.node_selector));
  EXPECT_EQ(pod["spec"]["tolerations"], scheduled.spec.tolerations);
  EXPECT_EQ(pod["spec"]["affinity"], cluster.spec.affinity);
}

TEST(SentinelTest, ServiceSelectsTheSentinelsOnPort26379) {
  const json service = buildSentinelService(testing::seedProdRedis());
  EXPECT_EQ(service["kind"], "Service");
  EXPECT_EQ(service["metadata"]["name"], "prod-redis-sentinel");
  EXPECT_EQ(service["metadata"]["labels"]["app.kubernetes.io/component"], "sentinel");
  EXPECT_EQ(service["metadata"]["ownerReferences"][0]["name"], "prod-redis");
  EXPECT_EQ(service["spec"]["type"], "ClusterIP");
  EXPECT_EQ(service["spec"]["selector"], (json{{"redis.io/cluster", "prod-redis"},
                                                {"app.kubernetes.io/component", "sentinel"}}));
  ASSERT_EQ(service["spec"]["ports"].size(), 1u);
  EXPECT_EQ(service["spec"]["ports"][0], (json{{"name", "sentinel"},
                                               {"port", 26379},
                                               {"targetPort", 26379},
                                               {"protocol", "TCP"}}));

  // The selector matches every Sentinel pod's labels.
  const json labels = sentinelPod(testing::seedProdRedis(), 2)["metadata"]["labels"];
  for (const auto& [key, value] : service["spec"]["selector"].items()) {
    EXPECT_EQ(labels[key], value) << key;
  }
}

} // namespace
} // namespace rdr::resources
