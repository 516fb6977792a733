// Data pods: boot role in args and labels, passwords only through secretKeyRef, pass-through fields.
#include "rdr/resources/pod.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rdr/resources/redis_conf.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

json pod(const api::RedisCluster& cluster, int ordinal, const BootRole& role) {
  auto built = buildPod(cluster, ordinal, role);
  EXPECT_TRUE(built) << built.error().toString();
  return built ? *built : json();
}

const json& redisContainer(const json& pod) { return pod["spec"]["containers"][0]; }

// The Secret each environment variable reads, by variable name.
std::map<std::string, std::string> secretRefs(const json& pod) {
  std::map<std::string, std::string> refs;
  for (const auto& env : redisContainer(pod)["env"]) {
    EXPECT_FALSE(env.contains("value")) << env.dump() << ": a literal value";
    EXPECT_EQ(env["valueFrom"]["secretKeyRef"]["key"], "password");
    refs[env["name"]] = env["valueFrom"]["secretKeyRef"]["name"];
  }
  return refs;
}

TEST(PodTest, EveryNonLeaderPodBootsWithReplicaof) {
  for (const auto& cluster : {testing::standaloneWithStorage(), testing::seedDrRedis(),
                              testing::emptyDirWithMinSync()}) {
    const auto roles = defaultBootRoles(cluster);
    for (int i = 0; i < cluster.spec.instances; ++i) {
      const json built = pod(cluster, i, roles[static_cast<size_t>(i)]);
      const json& labels = built["metadata"]["labels"];
      if (labels["redis.io/role"] == "replica") {
        const json& args = redisContainer(built)["args"];
        ASSERT_EQ(args.size(), 3u) << built["metadata"]["name"];
        EXPECT_EQ(args[0], "--replicaof");
        EXPECT_EQ(args[2], "6379");
      }
    }
  }
}

TEST(PodTest, ReplicaRoleWithoutUpstreamIsRefused) {
  const auto built = buildPod(testing::seedDrRedis(), 1, BootRole{PodRole::Replica, std::nullopt});
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code(), ErrorCode::Internal);
  EXPECT_THAT(built.error().message(), HasSubstr("boot role of dr-redis-1: "));
}

TEST(PodTest, OrdinalOutsideTheClusterIsRefused) {
  EXPECT_FALSE(buildPod(testing::seedDrRedis(), 3, BootRole::primary()));
  EXPECT_FALSE(buildPod(testing::seedDrRedis(), -1, BootRole::primary()));
}

TEST(PodTest, PrimaryBootsWithoutReplicaofAndKeepsLocalMasterauth) {
  const auto cluster = testing::standaloneWithStorage();
  const json built = pod(cluster, 0, BootRole::primary());
  EXPECT_FALSE(redisContainer(built).contains("args"));
  EXPECT_EQ(built["metadata"]["labels"]["redis.io/role"], "primary");
  EXPECT_EQ(secretRefs(built), (std::map<std::string, std::string>{
                                   {"REDIS_PASSWORD", "cache-auth"},
                                   {"REDISCLI_AUTH", "cache-auth"},
                                   {"REDIS_MASTER_PASSWORD", "cache-auth"}}));
}

TEST(PodTest, DrLeaderIsLabelledPrimaryAndFollowsTheSourceWithItsSecret) {
  const auto cluster = testing::seedDrRedis();
  const json built = pod(cluster, 0, defaultBootRoles(cluster)[0]);
  EXPECT_EQ(built["metadata"]["labels"]["redis.io/role"], "primary");
  EXPECT_EQ(redisContainer(built)["args"],
            json({"--replicaof", "prod-redis-leader.production.svc.cluster.local", "6379"}));
  const auto refs = secretRefs(built);
  EXPECT_EQ(refs.at("REDIS_PASSWORD"), "dr-redis-auth");
  EXPECT_EQ(refs.at("REDIS_MASTER_PASSWORD"), "prod-redis-auth");
}

TEST(PodTest, UpstreamWithoutPasswordMeansNoMasterauth) {
  const auto cluster = testing::seedDrRedis();
  const json built =
      pod(cluster, 0, BootRole::leaderFollowing(Upstream{"10.1.2.3", 6380, std::nullopt}));
  EXPECT_EQ(secretRefs(built).count("REDIS_MASTER_PASSWORD"), 0u);
  const std::string script = redisContainer(built)["command"][2];
  EXPECT_THAT(script, Not(HasSubstr("masterauth")));
  EXPECT_EQ(redisContainer(built)["args"], json({"--replicaof", "10.1.2.3", "6380"}));
}

TEST(PodTest, StartScriptExpandsPasswordsFromTheEnvironment) {
  const json built = pod(testing::seedDrRedis(), 1, defaultBootRoles(testing::seedDrRedis())[1]);
  const json& command = redisContainer(built)["command"];
  ASSERT_EQ(command.size(), 4u);
  EXPECT_EQ(command[0], "sh");
  EXPECT_EQ(command[1], "-c");
  EXPECT_EQ(command[3], "redis-server"); // $0 of the script; the args become "$@"
  const std::string script = command[2];
  EXPECT_THAT(script, HasSubstr("exec redis-server /etc/redis/redis.conf --requirepass "
                                "\"$REDIS_PASSWORD\" --masterauth \"$REDIS_MASTER_PASSWORD\" "
                                "\"$@\""));
  EXPECT_THAT(script, HasSubstr("[ -n \"$REDIS_PASSWORD\" ] ||"));
}

TEST(PodTest, LabelsNameTheClusterInstanceAndRole) {
  const auto cluster = testing::seedDrRedis();
  const json built = pod(cluster, 2, defaultBootRoles(cluster)[2]);
  EXPECT_EQ(built["metadata"]["labels"],
            json({{"redis.io/cluster", "dr-redis"},
                  {"redis.io/role", "replica"},
                  {"redis.io/instance", "dr-redis-2"},
                  {"app.kubernetes.io/name", "redis"},
                  {"app.kubernetes.io/instance", "dr-redis"},
                  {"app.kubernetes.io/managed-by", "redis-dr-operator"},
                  {"app.kubernetes.io/component", "redis"}}));
  EXPECT_EQ(built["spec"]["hostname"], "dr-redis-2");
  EXPECT_EQ(built["spec"]["subdomain"], "dr-redis-headless");
}

TEST(PodTest, ConfigHashAnnotationMatchesTheConfigMap) {
  const auto cluster = testing::emptyDirWithMinSync();
  const json built = pod(cluster, 0, BootRole::replicaOf(Upstream{"h", 6379, std::nullopt}));
  EXPECT_EQ(built["metadata"]["annotations"]["redis.io/config-hash"],
            configHash(*renderRedisConf(cluster)));
}

TEST(PodTest, ManagedDirectiveInSpecIsRefused) {
  auto cluster = testing::seedDrRedis();
  cluster.spec.redis["requirepass"] = "oops";
  const auto built = buildPod(cluster, 0, BootRole::primary());
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code(), ErrorCode::Invalid);
}

TEST(PodTest, DataVolumeIsThePvcOrAnEmptyDir) {
  const json with_pvc = pod(testing::seedDrRedis(), 1, BootRole::primary());
  EXPECT_EQ(with_pvc["spec"]["volumes"][1],
            json({{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "dr-redis-1-data"}}}}));
  const json without = pod(testing::emptyDirWithMinSync(), 1, BootRole::primary());
  EXPECT_EQ(without["spec"]["volumes"][1], json({{"name", "data"}, {"emptyDir", json::object()}}));
}

TEST(PodTest, SchedulingFieldsPassThroughAndAreOmittedWhenAbsent) {
  const auto with = testing::emptyDirWithMinSync();
  const json built = pod(with, 1, BootRole::primary());
  EXPECT_EQ(built["spec"]["nodeSelector"], json(with.spec.node_selector));
  EXPECT_EQ(built["spec"]["tolerations"], with.spec.tolerations);
  EXPECT_EQ(redisContainer(built)["resources"], with.spec.resources);
  EXPECT_FALSE(built["spec"].contains("affinity"));

  auto empty = testing::seedDrRedis();
  empty.spec.tolerations = json::array();
  empty.spec.affinity = json::object();
  const json plain = pod(empty, 1, BootRole::primary());
  for (const char* field : {"nodeSelector", "tolerations", "affinity"}) {
    EXPECT_FALSE(plain["spec"].contains(field)) << field;
  }
  EXPECT_FALSE(redisContainer(plain).contains("resources"));

  empty.spec.affinity = {{"podAntiAffinity", {{"preferredDuringSchedulingIgnoredDuringExecution",
                                               json::array()}}}};
  EXPECT_EQ(pod(empty, 1, BootRole::primary())["spec"]["affinity"], empty.spec.affinity);
}

TEST(PodTest, RunsAsNonRootWithAReadOnlyRoot) {
  const json built = pod(testing::seedDrRedis(), 0, BootRole::primary());
  const json& pod_sc = built["spec"]["securityContext"];
  EXPECT_EQ(pod_sc["runAsNonRoot"], true);
  EXPECT_EQ(pod_sc["runAsUser"], 999);
  EXPECT_EQ(pod_sc["fsGroup"], 999);
  EXPECT_EQ(pod_sc["seccompProfile"]["type"], "RuntimeDefault");
  const json& sc = redisContainer(built)["securityContext"];
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["capabilities"]["drop"], json({"ALL"}));
}

TEST(PodTest, ProbesAuthenticateThroughTheEnvironment) {
  const json built = pod(testing::seedDrRedis(), 0, BootRole::primary());
  const std::string readiness = redisContainer(built)["readinessProbe"]["exec"]["command"][2];
  const std::string liveness = redisContainer(built)["livenessProbe"]["exec"]["command"][2];
  for (const auto& script : {readiness, liveness}) {
    EXPECT_THAT(script, HasSubstr("redis-cli -p 6379 ping"));
    EXPECT_THAT(script, Not(HasSubstr(" -a "))); // REDISCLI_AUTH, never a password argument
  }
  EXPECT_THAT(liveness, HasSubstr("*LOADING*"));
}

} // namespace
} // namespace rdr::resources
