// Container specs made local: env resolution, mount path rewriting, conf dir lines, argv, backoff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rdr/common/base64.h"
#include "sandbox/nodeagent/container_spec.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::Pair;
using namespace std::chrono_literals;

const std::vector<LocalMount> kMounts = {{"/etc/redis", "/s/pods/apps_cache-0/u/config"},
                                         {"/data", "/s/pvcs/apps_cache-0-data_p"},
                                         {"/tmp", "/s/pods/apps_cache-0/u/tmp"}};

EnvSources sources() {
  EnvSources s;
  s.secret = [](const std::string& ns, const std::string& name) -> std::optional<json> {
    if (ns == "apps" && name == "cache-auth") {
      return json{{"data", {{"password", base64Encode("s3cret \"x\"")}}}};
    }
    return std::nullopt;
  };
  s.config_map = [](const std::string& ns, const std::string& name) -> std::optional<json> {
    if (ns == "apps" && name == "settings") {
      return json{{"data", {{"mode", "fast"}}}};
    }
    return std::nullopt;
  };
  return s;
}

json secretEnv(const std::string& var, const std::string& secret, const std::string& key,
               bool optional = false) {
  json ref = {{"name", secret}, {"key", key}};
  if (optional) {
    ref["optional"] = true;
  }
  return {{"name", var}, {"valueFrom", {{"secretKeyRef", ref}}}};
}

TEST(ResolveEnvTest, ResolvesValuesSecretsAndConfigMapsInSpecOrder) {
  const json container = {
      {"env",
       {{{"name", "A"}, {"value", "1"}},
        secretEnv("REDIS_PASSWORD", "cache-auth", "password"),
        {{"name", "MODE"},
         {"valueFrom", {{"configMapKeyRef", {{"name", "settings"}, {"key", "mode"}}}}}},
        secretEnv("SKIPPED", "absent", "password", true)}}};
  auto env = resolveEnv(container, "apps", sources());
  ASSERT_TRUE(env) << env.error().toString();
  EXPECT_THAT(*env, ElementsAre(Pair("A", "1"), Pair("REDIS_PASSWORD", "s3cret \"x\""),
                                Pair("MODE", "fast")));
}

TEST(ResolveEnvTest, MissingSecretOrKeyGivesTheKubeletMessage) {
  auto missing = resolveEnv({{"env", {secretEnv("P", "other-auth", "password")}}}, "apps",
                            sources());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "secret \"other-auth\" not found");
  auto no_key = resolveEnv({{"env", {secretEnv("P", "cache-auth", "user")}}}, "apps", sources());
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().message(), "couldn't find key user in Secret apps/cache-auth");
}

TEST(RewritePathsTest, RewritesMountPathsUsedAsPathsOnly) {
  EXPECT_EQ(rewritePaths("exec redis-server /etc/redis/redis.conf --dir /data \"$@\"", kMounts),
            "exec redis-server /s/pods/apps_cache-0/u/config/redis.conf --dir "
            "/s/pvcs/apps_cache-0-data_p \"$@\"");
  EXPECT_EQ(rewritePaths("/data", kMounts), "/s/pvcs/apps_cache-0-data_p");
  EXPECT_EQ(rewritePaths("--x=/tmp/a", kMounts), "--x=/s/pods/apps_cache-0/u/tmp/a");
  // Not a path of a mount: /database, /var/data, text containing /data inside a word.
  EXPECT_EQ(rewritePaths("/database /var/data x/data", kMounts), "/database /var/data x/data");
}

TEST(RewritePathsTest, LongerMountPathsWinOverTheirPrefixes) {
  const std::vector<LocalMount> nested = {{"/data", "/d"}, {"/data/logs", "/l"}};
  EXPECT_EQ(rewritePaths("/data/logs/x /data/y", nested), "/l/x /d/y");
}

TEST(RewriteConfDirTest, PointsTheDirLineAtTheLocalDirectoryAndNothingElse) {
  const std::string conf = "# dir /data is where\nport 6379\ndir /data\n  dir /data/sub\n"
                           "dbfilename dump.rdb\nlogfile /data/log\n";
  EXPECT_EQ(rewriteConfDir(conf, kMounts),
            "# dir /data is where\nport 6379\ndir /s/pvcs/apps_cache-0-data_p\n"
            "  dir /s/pvcs/apps_cache-0-data_p/sub\ndbfilename dump.rdb\nlogfile /data/log\n");
}

TEST(ContainerArgvTest, RedisContainerGetsItsConfigPathAndBindsThePodIp) {
  const json container = {
      {"name", "redis"},
      {"command", {"sh", "-c", "exec redis-server /etc/redis/redis.conf \"$@\"", "redis-server"}},
      {"args", {"--replicaof", "cache-0.cache-headless.apps.svc.cluster.local", "6379"}}};
  auto argv = containerArgv(container, kMounts, "127.10.0.7");
  ASSERT_TRUE(argv) << argv.error().toString();
  EXPECT_THAT(*argv,
              ElementsAre("sh", "-c",
                          "exec redis-server /s/pods/apps_cache-0/u/config/redis.conf \"$@\"",
                          "redis-server", "--replicaof",
                          "cache-0.cache-headless.apps.svc.cluster.local", "6379", "--bind",
                          "127.10.0.7", "--bind-source-addr", "127.10.0.7"));
}

TEST(ContainerArgvTest, OtherContainersRunAsGivenAndACommandIsRequired) {
  auto argv = containerArgv({{"name", "x"}, {"command", {"sleep"}}, {"args", {"60"}}}, kMounts,
                            "127.10.0.7");
  ASSERT_TRUE(argv);
  EXPECT_THAT(*argv, ElementsAre("sleep", "60"));
  EXPECT_FALSE(containerArgv({{"name", "x"}, {"args", {"60"}}}, kMounts, "127.10.0.7"));
}

TEST(ProbePortTest, PrefersTheNamedRedisPort) {
  EXPECT_EQ(probePort({{"ports", {{{"containerPort", 9121}}, {{"name", "redis"}, {"containerPort", 6379}}}}}),
            6379);
  EXPECT_EQ(probePort({{"ports", {{{"containerPort", 26379}}}}}), 26379);
  EXPECT_FALSE(probePort(json::object()));
}

TEST(CrashLoopDelayTest, DoublesFromTheInitialDelayUpToTheCap) {
  EXPECT_EQ(crashLoopDelay(1, 10s, 300s), 10s);
  EXPECT_EQ(crashLoopDelay(2, 10s, 300s), 20s);
  EXPECT_EQ(crashLoopDelay(3, 10s, 300s), 40s);
  EXPECT_EQ(crashLoopDelay(6, 10s, 300s), 300s); // 320 s capped
  EXPECT_EQ(crashLoopDelay(60, 10s, 300s), 300s);
}

} // namespace
} // namespace rdr::sandbox
