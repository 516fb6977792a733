// redis.conf rendering: managed directives refused by name, defaults, min-replicas, user order.
#include "rdr/resources/redis_conf.h"

#include "rdr/api/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string render(const api::RedisCluster& cluster) {
  auto conf = renderRedisConf(cluster);
  EXPECT_TRUE(conf) << conf.error().toString();
  return conf ? *conf : std::string();
}

class ManagedDirectiveTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ManagedDirectiveTest, IsRefusedWithItsName) {
  auto cluster = testing::standaloneWithStorage();
  cluster.spec.redis[GetParam()] = "x";
  const auto conf = renderRedisConf(cluster);
  ASSERT_FALSE(conf);
  EXPECT_EQ(conf.error().code(), ErrorCode::Invalid);
  EXPECT_THAT(conf.error().message(),
              HasSubstr("spec.redis." + GetParam() + ": \"" + GetParam() +
                        "\" is managed by the operator: "));
  // The same rule as api::validate(), so a spec that validates always renders.
  EXPECT_TRUE(api::isManagedRedisDirective(GetParam()));
  // The ConfigMap and pod builders refuse it the same way.
  EXPECT_FALSE(buildConfigMap(cluster));
}

INSTANTIATE_TEST_SUITE_P(
    Directives, ManagedDirectiveTest,
    ::testing::Values("replicaof", "slaveof", "REPLICAOF", "masterauth", "masteruser",
                      "requirepass", "RequirePass", "bind", "port", "dir", "include", "user",
                      "aclfile", "replica-read-only", "slave-read-only", "rename-command",
                      "min-replicas-to-write", "min-replicas-max-lag", "min-slaves-to-write",
                      "Min-Slaves-Max-Lag", "daemonize", "cluster-enabled"),
    [](const auto& info) {
      std::string name = info.param;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(RedisConfTest, UnmanagedDirectivesAreAccepted) {
  for (const std::string key : {"maxmemory", "save", "appendonly", "repl-diskless-sync-delay",
                                "notify-keyspace-events", "client-output-buffer-limit"}) {
    EXPECT_FALSE(api::isManagedRedisDirective(key)) << key;
  }
}

TEST(RedisConfTest, RefusesValuesThatWouldAddDirectives) {
  auto cluster = testing::standaloneWithStorage();
  cluster.spec.redis["maxmemory"] = "1gb\nrequirepass hunter2";
  const auto conf = renderRedisConf(cluster);
  ASSERT_FALSE(conf);
  EXPECT_EQ(conf.error().message(), "spec.redis.maxmemory: the value must be a single line");
  cluster.spec.redis["maxmemory"] = "1gb\rreplicaof 10.0.0.1 6379";
  EXPECT_FALSE(renderRedisConf(cluster));
}

TEST(RedisConfTest, RefusesKeysThatAreNotAWord) {
  for (const std::string key : {"", "max memory", "a\nrequirepass", "#comment"}) {
    auto cluster = testing::standaloneWithStorage();
    cluster.spec.redis[key] = "1";
    const auto conf = renderRedisConf(cluster);
    ASSERT_FALSE(conf) << key;
    EXPECT_THAT(conf.error().message(), HasSubstr("one word of letters")) << key;
  }
}

TEST(RedisConfTest, WritesTheOperatorsDirectives) {
  const std::string conf = render(testing::seedDrRedis());
  for (const std::string line :
       {"\nport 6379\n", "\nbind * -::*\n", "\ndir /data\n", "\nprotected-mode yes\n",
        "\nreplica-read-only yes\n", "\nrepl-diskless-sync yes\n",
        "\nrepl-diskless-sync-delay 0\n", "\nappendonly yes\n", "\nappendfsync everysec\n",
        "\nsave \"\"\n"}) {
    EXPECT_THAT(conf, HasSubstr(line));
  }
}

TEST(RedisConfTest, MinReplicasOnlyWhenMinSyncReplicasIsSet) {
  auto cluster = testing::seedDrRedis();
  EXPECT_THAT(render(cluster), Not(HasSubstr("min-replicas")));
  cluster.spec.min_sync_replicas = 2;
  const std::string conf = render(cluster);
  EXPECT_THAT(conf, HasSubstr("\nmin-replicas-to-write 2\nmin-replicas-max-lag 10\n"));
}

TEST(RedisConfTest, UserDirectivesComeLastInKeyOrderAndReplaceDefaults) {
  auto cluster = testing::seedDrRedis();
  cluster.spec.redis = {{"save", "3600 1"}, {"Appendonly", "no"}, {"maxmemory", "1gb"},
                        {"lazyfree-lazy-eviction", "yes"}, {"notify-keyspace-events", ""}};
  const std::string conf = render(cluster);
  EXPECT_THAT(conf, HasSubstr("# spec.redis\nAppendonly no\nlazyfree-lazy-eviction yes\n"
                              "maxmemory 1gb\nnotify-keyspace-events \"\"\nsave 3600 1\n"));
  // The user's value replaces the default instead of following it (save lines would accumulate).
  EXPECT_THAT(conf, Not(HasSubstr("save \"\"")));
  EXPECT_THAT(conf, Not(HasSubstr("appendonly yes")));
  EXPECT_THAT(conf, HasSubstr("appendfsync everysec"));
}

TEST(RedisConfTest, NeverMentionsPasswordsOrReplicaof) {
  for (const auto& cluster : {testing::standaloneWithStorage(), testing::seedDrRedis(),
                              testing::emptyDirWithMinSync()}) {
    const std::string conf = render(cluster);
    EXPECT_THAT(conf, Not(HasSubstr("\nrequirepass")));
    EXPECT_THAT(conf, Not(HasSubstr("\nmasterauth")));
    EXPECT_THAT(conf, Not(HasSubstr("\nreplicaof")));
    EXPECT_THAT(conf, Not(HasSubstr("prod-redis-auth")));
  }
}

TEST(RedisConfTest, PersistenceCommentSaysWhatTheVolumeKeeps) {
  EXPECT_THAT(render(testing::standaloneWithStorage()), HasSubstr("a PVC"));
  EXPECT_THAT(render(testing::emptyDirWithMinSync()), HasSubstr("an emptyDir"));
}

TEST(ConfigHashTest, IsFnv1a64) {
  EXPECT_EQ(configHash(""), "cbf29ce484222325");
  EXPECT_EQ(configHash("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(configHash("foobar"), "85944171f73967e8");
}

TEST(ConfigHashTest, ChangesWithTheConfiguration) {
  auto cluster = testing::seedDrRedis();
  const std::string before = configHash(render(cluster));
  cluster.spec.redis["maxmemory"] = "1gb";
  EXPECT_NE(configHash(render(cluster)), before);
}

TEST(ConfigMapTest, CarriesRedisConfUnderItsKey) {
  const auto cluster = testing::seedDrRedis();
  const auto cm = buildConfigMap(cluster);
  ASSERT_TRUE(cm) << cm.error().toString();
  EXPECT_EQ((*cm)["kind"], "ConfigMap");
  EXPECT_EQ((*cm)["metadata"]["name"], "dr-redis-config");
  EXPECT_EQ((*cm)["data"]["redis.conf"], render(cluster));
}

} // namespace
} // namespace rdr::resources
