// Names of owned objects, and podOrdinal's edge cases.
#include "rdr/api/names.h"

#include <gtest/gtest.h>

#include "rdr/api/redis_cluster.h"

namespace rdr::api {
namespace {

TEST(NamesTest, SpellsEveryOwnedObject) {
  EXPECT_EQ(podName("redis-east", 4), "redis-east-4");
  EXPECT_EQ(pvcName("redis-east", 0), "redis-east-0-data");
  EXPECT_EQ(leaderServiceName("prod-redis"), "prod-redis-leader");
  EXPECT_EQ(replicasServiceName("prod-redis"), "prod-redis-replicas");
  EXPECT_EQ(headlessServiceName("prod-redis"), "prod-redis-headless");
  EXPECT_EQ(configMapName("prod-redis"), "prod-redis-config");
  EXPECT_EQ(generatedAuthSecretName("prod-redis"), "prod-redis-auth");
}

TEST(NamesTest, SpellsTheSentinelObjects) {
  EXPECT_EQ(sentinelPodName("prod-redis", 2), "prod-redis-sentinel-2");
  EXPECT_EQ(sentinelServiceName("prod-redis"), "prod-redis-sentinel");
}

TEST(NamesTest, ASentinelPodIsNeverTakenForADataPod) {
  EXPECT_EQ(podOrdinal("prod-redis", sentinelPodName("prod-redis", 0)), std::nullopt);
  EXPECT_EQ(podOrdinal("prod-redis", sentinelServiceName("prod-redis")), std::nullopt);
}

TEST(NamesTest, AuthSecretIsTheUsersOrTheGeneratedOne) {
  RedisCluster cluster;
  cluster.metadata.name = "dr-redis";
  EXPECT_EQ(authSecretName(cluster), "dr-redis-auth");
  cluster.spec.auth_secret = SecretRef{"prod-redis-auth"};
  EXPECT_EQ(authSecretName(cluster), "prod-redis-auth");
  cluster.spec.auth_secret = SecretRef{""};
  EXPECT_EQ(authSecretName(cluster), "dr-redis-auth");
}

struct OrdinalCase {
  std::string cluster;
  std::string pod;
  std::optional<int> expected;

  friend void PrintTo(const OrdinalCase& c, std::ostream* os) {
    *os << c.cluster << " / \"" << c.pod << '"';
  }
};

class PodOrdinalTest : public ::testing::TestWithParam<OrdinalCase> {};

TEST_P(PodOrdinalTest, ParsesOnlyNamesPodNameProduces) {
  EXPECT_EQ(podOrdinal(GetParam().cluster, GetParam().pod), GetParam().expected);
  if (GetParam().expected) {
    EXPECT_EQ(podName(GetParam().cluster, *GetParam().expected), GetParam().pod);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PodOrdinalTest,
                         ::testing::Values(OrdinalCase{"redis", "redis-0", 0},
                                           OrdinalCase{"redis", "redis-14", 14},
                                           OrdinalCase{"redis-east", "redis-east-3", 3},
                                           OrdinalCase{"redis", "redis-east-3", std::nullopt},
                                           OrdinalCase{"redis", "redis-01", std::nullopt},
                                           OrdinalCase{"redis", "redis-", std::nullopt},
                                           OrdinalCase{"redis", "redis", std::nullopt},
                                           OrdinalCase{"redis", "", std::nullopt},
                                           OrdinalCase{"redis", "redis--1", std::nullopt},
                                           OrdinalCase{"redis", "redis-+1", std::nullopt},
                                           OrdinalCase{"redis", "redis-1a", std::nullopt},
                                           OrdinalCase{"redis", "redis-99999999999", std::nullopt},
                                           OrdinalCase{"redis", "other-0", std::nullopt},
                                           OrdinalCase{"redis", "redis_0", std::nullopt},
                                           OrdinalCase{"redis", "xredis-0", std::nullopt}));

} // namespace
} // namespace rdr::api
