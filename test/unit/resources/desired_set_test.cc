// The desired set: no password outside the generated Secret, labels, selectors, owner references.
#include "rdr/resources/desired_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rdr/common/base64.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

DesiredSet build(const api::RedisCluster& cluster, bool with_password = true) {
  DesiredSetInputs inputs{defaultBootRoles(cluster), std::nullopt};
  if (with_password) {
    inputs.generated_password = testing::kGeneratedPassword;
  }
  auto set = buildDesiredSet(cluster, inputs);
  EXPECT_TRUE(set) << set.error().toString();
  return set ? *set : DesiredSet{};
}

std::vector<api::RedisCluster> allClusters() {
  return {testing::standaloneWithStorage(), testing::seedDrRedis(),
          testing::emptyDirWithMinSync()};
}

bool selects(const json& selector, const json& labels) {
  for (const auto& [key, value] : selector.items()) {
    if (!labels.contains(key) || labels[key] != value) {
      return false;
    }
  }
  return true;
}

TEST(DesiredSetTest, PasswordAppearsOnlyAsTheSecretsBase64) {
  const std::string encoded = base64Encode(testing::kGeneratedPassword);
  const auto set = build(testing::standaloneWithStorage());
  ASSERT_TRUE(set.auth_secret);
  EXPECT_EQ((*set.auth_secret)["data"]["password"], encoded);
  EXPECT_THAT(set.auth_secret->dump(), Not(HasSubstr(testing::kGeneratedPassword)));
  for (const json& object : set.all()) {
    const std::string text = object.dump();
    EXPECT_THAT(text, Not(HasSubstr(testing::kGeneratedPassword))) << object["metadata"]["name"];
    if (object["kind"] != "Secret") {
      EXPECT_THAT(text, Not(HasSubstr(encoded))) << object["metadata"]["name"];
    }
  }
}

TEST(DesiredSetTest, GeneratedSecretOnlyWithoutAuthSecretAndWithAPassword) {
  EXPECT_TRUE(build(testing::standaloneWithStorage()).auth_secret);
  EXPECT_FALSE(build(testing::standaloneWithStorage(), false).auth_secret);
  EXPECT_FALSE(build(testing::seedDrRedis()).auth_secret); // spec.authSecret is set
}

TEST(DesiredSetTest, GeneratedSecretIsOpaqueAndSaysItIsNeverRotated) {
  const auto set = build(testing::standaloneWithStorage());
  const json& secret = *set.auth_secret;
  EXPECT_EQ(secret["metadata"]["name"], "cache-auth");
  EXPECT_EQ(secret["type"], "Opaque");
  EXPECT_EQ(secret["metadata"]["annotations"]["redis.io/generated"], "true");
  EXPECT_THAT(secret["metadata"]["annotations"]["kubernetes.io/description"].get<std::string>(),
              HasSubstr("never rotates"));
  const auto decoded = base64Decode(secret["data"]["password"].get<std::string>());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, testing::kGeneratedPassword);
}

TEST(DesiredSetTest, EveryObjectIsOwnedLabelledAndNamespaced) {
  for (const auto& cluster : allClusters()) {
    for (const json& object : build(cluster).all()) {
      const json& meta = object["metadata"];
      EXPECT_EQ(meta["namespace"], cluster.metadata.namespace_) << meta["name"];
      EXPECT_EQ(meta["labels"]["redis.io/cluster"], cluster.metadata.name) << meta["name"];
      EXPECT_EQ(meta["labels"]["app.kubernetes.io/managed-by"], "redis-dr-operator");
      EXPECT_EQ(meta["ownerReferences"], json::array({{{"apiVersion", "redis.io/v1"},
                                                       {"kind", "RedisCluster"},
                                                       {"name", cluster.metadata.name},
                                                       {"uid", cluster.metadata.uid},
                                                       {"controller", true},
                                                       {"blockOwnerDeletion", true}}}))
          << meta["name"];
    }
  }
}

TEST(DesiredSetTest, ServicesSelectThePodsTheContractSays) {
  for (const auto& cluster : allClusters()) {
    const auto set = build(cluster);
    ASSERT_EQ(set.services.size(), 3u);
    const auto& name = cluster.metadata.name;
    std::map<std::string, std::vector<std::string>> selected; // service -> pods
    for (const json& service : set.services) {
      for (const json& pod : set.pods) {
        if (selects(service["spec"]["selector"], pod["metadata"]["labels"])) {
          selected[service["metadata"]["name"]].push_back(pod["metadata"]["name"]);
        }
      }
      EXPECT_EQ(service["spec"]["ports"][0]["port"], 6379);
      EXPECT_EQ(service["spec"]["ports"][0]["name"], "redis");
    }
    const std::string leader = name + "-" + std::to_string(leaderOrdinal(cluster));
    EXPECT_EQ(selected[name + "-leader"], std::vector<std::string>{leader});
    EXPECT_EQ(selected[name + "-replicas"].size(), 2u);
    EXPECT_EQ(selected[name + "-headless"].size(), 3u);
    EXPECT_EQ(set.services[0]["spec"]["selector"],
              json({{"redis.io/cluster", name}, {"redis.io/role", "primary"}}));
    EXPECT_EQ(set.services[2]["spec"]["clusterIP"], "None");
    EXPECT_EQ(set.services[2]["spec"]["publishNotReadyAddresses"], true);
  }
}

TEST(DesiredSetTest, PvcsOnlyWithStorage) {
  const auto with = build(testing::standaloneWithStorage());
  ASSERT_EQ(with.pvcs.size(), 3u);
  EXPECT_EQ(with.pvcs[1]["metadata"]["name"], "cache-1-data");
  EXPECT_EQ(with.pvcs[1]["spec"]["accessModes"], json({"ReadWriteOnce"}));
  EXPECT_EQ(with.pvcs[1]["spec"]["resources"]["requests"]["storage"], "10Gi");
  EXPECT_EQ(with.pvcs[1]["spec"]["storageClassName"], "fast-ssd");
  EXPECT_EQ(with.pvcs[1]["metadata"]["labels"]["redis.io/instance"], "cache-1");
  EXPECT_FALSE(build(testing::seedDrRedis()).pvcs[0]["spec"].contains("storageClassName"));
  EXPECT_TRUE(build(testing::emptyDirWithMinSync()).pvcs.empty());
}

TEST(DesiredSetTest, AllListsObjectsInCreationOrder) {
  std::vector<std::string> kinds;
  for (const json& object : build(testing::standaloneWithStorage()).all()) {
    kinds.push_back(object["kind"]);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"ConfigMap", "Secret", "Service", "Service",
                                             "Service", "PersistentVolumeClaim",
                                             "PersistentVolumeClaim", "PersistentVolumeClaim",
                                             "Pod", "Pod", "Pod"}));
}

TEST(DesiredSetTest, RefusesAClusterWithoutUid) {
  auto cluster = testing::seedDrRedis();
  cluster.metadata.uid.clear();
  const auto set = buildDesiredSet(cluster, {defaultBootRoles(cluster), std::nullopt});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::Invalid);
}

TEST(DesiredSetTest, RefusesBootRolesThatBreakInvariantOne) {
  const auto cluster = testing::seedDrRedis();
  auto roles = defaultBootRoles(cluster);
  roles[2] = BootRole::primary();
  const auto set = buildDesiredSet(cluster, {roles, std::nullopt});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::Internal);
}

TEST(DesiredSetTest, RefusesAManagedDirectiveNamingIt) {
  auto cluster = testing::standaloneWithStorage();
  cluster.spec.redis["masterauth"] = "x";
  const auto set = buildDesiredSet(cluster, {defaultBootRoles(cluster), std::nullopt});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::Invalid);
  EXPECT_THAT(set.error().message(), HasSubstr("\"masterauth\" is managed by the operator"));
}

} // namespace
} // namespace rdr::resources
