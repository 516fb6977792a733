// Boot roles: invariant 1 checks, pod DNS names and the roles of a freshly created cluster.
#include "rdr/resources/boot_role.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

using ::testing::HasSubstr;

Upstream peer(std::string host) { return Upstream{std::move(host), 6379, "cache-auth"}; }

TEST(BootRoleTest, ReplicaWithoutUpstreamIsABug) {
  const Status status = checkBootRole(BootRole{PodRole::Replica, std::nullopt});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::Internal);
  EXPECT_THAT(status.error().message(), HasSubstr("whom the pod follows"));
}

TEST(BootRoleTest, UpstreamMustBeAHostAndPort) {
  EXPECT_FALSE(checkBootRole(BootRole::replicaOf(peer(""))));
  EXPECT_FALSE(checkBootRole(BootRole::replicaOf(peer("10.0.0.1 6380"))));
  EXPECT_FALSE(checkBootRole(BootRole::replicaOf(Upstream{"10.0.0.1", 0, std::nullopt})));
  EXPECT_FALSE(checkBootRole(BootRole::replicaOf(Upstream{"10.0.0.1", 65536, std::nullopt})));
  EXPECT_TRUE(checkBootRole(BootRole::replicaOf(Upstream{"10.0.0.1", 65535, std::nullopt})));
  EXPECT_TRUE(checkBootRole(BootRole::primary()));
  EXPECT_TRUE(checkBootRole(BootRole::leaderFollowing(peer("source.example"))));
}

TEST(BootRoleTest, SetNeedsOneRolePerInstance) {
  const auto cluster = testing::standaloneWithStorage();
  const Status status = checkBootRoles(cluster, {BootRole::primary()});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message(), "1 boot roles for 3 instances");
}

TEST(BootRoleTest, SetRefusesTwoMasters) {
  const auto cluster = testing::standaloneWithStorage();
  // Two pods booting without replicaof: two writers if both came up (invariant 1).
  const Status status = checkBootRoles(
      cluster, {BootRole::primary(), BootRole::replicaOf(peer("a")),
                BootRole{PodRole::Primary, std::nullopt}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::Internal);
}

TEST(BootRoleTest, SetNeedsExactlyOnePodLabelledPrimary) {
  const auto cluster = testing::standaloneWithStorage();
  const auto replica = BootRole::replicaOf(peer("a"));
  EXPECT_FALSE(checkBootRoles(cluster, {replica, replica, replica}));
  EXPECT_FALSE(checkBootRoles(
      cluster, {BootRole::leaderFollowing(peer("x")), BootRole::leaderFollowing(peer("y")),
                replica}));
  EXPECT_TRUE(checkBootRoles(cluster, {replica, BootRole::primary(), replica}));
}

TEST(BootRoleTest, SetNamesThePodWithABadRole) {
  const auto cluster = testing::standaloneWithStorage();
  const Status status = checkBootRoles(
      cluster, {BootRole::primary(), BootRole::replicaOf(peer("a")),
                BootRole{PodRole::Replica, std::nullopt}});
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message(), HasSubstr("boot role of cache-2: "));
}

TEST(BootRoleTest, PodHostGoesThroughTheHeadlessService) {
  const auto cluster = testing::seedDrRedis();
  EXPECT_EQ(podHost(cluster, 0), "dr-redis-0.dr-redis-headless.production.svc.cluster.local");
  EXPECT_EQ(podHost(cluster, 2, "corp.example"),
            "dr-redis-2.dr-redis-headless.production.svc.corp.example");
}

TEST(DefaultBootRolesTest, StandaloneLeaderIsPrimaryOthersFollowIt) {
  const auto cluster = testing::standaloneWithStorage();
  const auto roles = defaultBootRoles(cluster);
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0], BootRole::primary());
  const Upstream leader{"cache-0.cache-headless.apps.svc.cluster.local", 6379, "cache-auth"};
  EXPECT_EQ(roles[1], BootRole::replicaOf(leader));
  EXPECT_EQ(roles[2], BootRole::replicaOf(leader));
  EXPECT_TRUE(checkBootRoles(cluster, roles));
}

TEST(DefaultBootRolesTest, ReplicaModeLeaderFollowsTheSourceWithItsSecret) {
  const auto cluster = testing::seedDrRedis();
  const auto roles = defaultBootRoles(cluster);
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0], BootRole::leaderFollowing(Upstream{
                          "prod-redis-leader.production.svc.cluster.local", 6379,
                          "prod-redis-auth"}));
  for (size_t i = 1; i < roles.size(); ++i) {
    EXPECT_EQ(roles[i], BootRole::replicaOf(Upstream{
                            "dr-redis-0.dr-redis-headless.production.svc.cluster.local", 6379,
                            "dr-redis-auth"}));
  }
  EXPECT_TRUE(checkBootRoles(cluster, roles));
}

TEST(DefaultBootRolesTest, SourceWithoutSecretMeansNoMasterauth) {
  auto cluster = testing::seedDrRedis();
  cluster.spec.replica_mode->source->auth_secret_name.clear();
  const auto roles = defaultBootRoles(cluster);
  ASSERT_TRUE(roles[0].replica_of);
  EXPECT_EQ(roles[0].replica_of->auth_secret_name, std::nullopt);
}

TEST(DefaultBootRolesTest, PromotedClusterLeaderBootsAsPrimary) {
  auto cluster = testing::seedDrRedis();
  cluster.spec.replica_mode->promote = true;
  const auto roles = defaultBootRoles(cluster);
  EXPECT_EQ(roles[0], BootRole::primary());
  EXPECT_EQ(roles[1].role, PodRole::Replica);
}

TEST(DefaultBootRolesTest, LeaderIsTheCurrentPrimaryWhenItNamesAPod) {
  auto cluster = testing::emptyDirWithMinSync(); // currentPrimary: sessions-1
  EXPECT_EQ(leaderOrdinal(cluster), 1);
  const auto roles = defaultBootRoles(cluster);
  EXPECT_EQ(roles[1], BootRole::primary());
  EXPECT_EQ(roles[0].replica_of->host, "sessions-1.sessions-headless.web.svc.cluster.local");
  cluster.status.current_primary = "sessions-7"; // beyond instances: ignored
  EXPECT_EQ(leaderOrdinal(cluster), 0);
  cluster.status.current_primary = "other-1";
  EXPECT_EQ(leaderOrdinal(cluster), 0);
}

} // namespace
} // namespace rdr::resources
