// The built redis.conf and pod commands in real redis-server processes on loopback: managed values,
// passwords required and hidden from ps, replicas and a DR cascade linking up, probes judging replies.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/resources/pod_runner_test.h"
#include "rdr/resources/pod.h"
#include "rdr/resources/redis_conf.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using namespace std::chrono_literals;
using testing::PodRunner;
using testing::RedisConnection;
using testing::RunningPod;
using testing::waitFor;

// Quotes, spaces and a '$' prove that the start script passes passwords through intact.
const std::string kLocalPassword = "local pa\"ss $HOME 'x'";
const std::string kSourcePassword = "source-password-42";

class RedisPodIntegrationTest : public testing::PodRunnerTest {
protected:
  void SetUp() override {
    startRunner("rdr-resources", {{"sessions-password", kLocalPassword},
                                  {"dr-redis-auth", kLocalPassword},
                                  {"cache-auth", kSourcePassword},
                                  {"prod-redis-auth", kSourcePassword}});
  }

  RunningPod startPod(const api::RedisCluster& cluster, int ordinal, const BootRole& role) {
    const auto pod = buildPod(cluster, ordinal, role);
    EXPECT_TRUE(pod) << pod.error().toString();
    const auto conf = renderRedisConf(cluster);
    EXPECT_TRUE(conf) << conf.error().toString();
    return runner_->start(*pod, *conf);
  }

  RunningPod startServing(const api::RedisCluster& cluster, int ordinal, const BootRole& role,
                          const std::string& password) {
    RunningPod running = startPod(cluster, ordinal, role);
    EXPECT_TRUE(runner_->waitUntilServing(running, password))
        << "pod " << ordinal << " did not serve on port " << running.port;
    return running;
  }

  static bool linkUp(int port, const std::string& password) {
    RedisConnection conn(port);
    conn.command({"AUTH", password});
    return conn.infoField("replication", "role") == "slave" &&
           conn.infoField("replication", "master_link_status") == "up";
  }

  static Upstream loopback(const RunningPod& pod, std::optional<std::string> secret) {
    return Upstream{"127.0.0.1", pod.port, std::move(secret)};
  }

};

api::RedisCluster sessionsWithUserDirectives() {
  auto cluster = testing::emptyDirWithMinSync();
  cluster.spec.redis = {{"maxmemory", "64mb"}, {"maxmemory-policy", "allkeys-lru"}};
  return cluster;
}

TEST_F(RedisPodIntegrationTest, PrimaryRunsWithTheManagedConfiguration) {
  const RunningPod primary =
      startServing(sessionsWithUserDirectives(), 0, BootRole::primary(), kLocalPassword);
  RedisConnection conn(primary.port);
  ASSERT_FALSE(conn.command({"AUTH", kLocalPassword}).error);
  const std::map<std::string, std::string> expected = {
      {"repl-diskless-sync", "yes"},   {"repl-diskless-sync-delay", "0"},
      {"min-replicas-to-write", "1"},  {"min-replicas-max-lag", "10"},
      {"replica-read-only", "yes"},    {"protected-mode", "yes"},
      {"appendonly", "yes"},           {"appendfsync", "everysec"},
      {"save", ""},                    {"maxmemory", "67108864"},
      {"maxmemory-policy", "allkeys-lru"}, {"masterauth", kLocalPassword},
      {"requirepass", kLocalPassword}};
  for (const auto& [name, value] : expected) {
    EXPECT_EQ(conn.configGet(name), value) << name;
  }
  EXPECT_EQ(conn.infoField("replication", "role"), "master");
}

TEST_F(RedisPodIntegrationTest, PasswordIsRequiredAndNotVisibleInTheProcessTitle) {
  const RunningPod primary =
      startServing(testing::seedDrRedis(), 0, BootRole::primary(), kLocalPassword);
  RedisConnection anonymous(primary.port);
  const auto denied = anonymous.command({"PING"});
  EXPECT_TRUE(denied.error);
  EXPECT_THAT(denied.text, HasSubstr("NOAUTH"));
  RedisConnection wrong(primary.port);
  EXPECT_TRUE(wrong.command({"AUTH", "not-the-password"}).error);
  RedisConnection right(primary.port);
  EXPECT_FALSE(right.command({"AUTH", kLocalPassword}).error);
  EXPECT_EQ(right.command({"PING"}).text, "PONG");

  // protected-mode yes never blocks a client that authenticates, even from an address Redis does
  // not count as local (as pods on their own 127.x addresses in the sandbox are).
  const std::string resp = "*2\r\n$4\r\nAUTH\r\n$" + std::to_string(kLocalPassword.size()) +
                           "\r\n" + kLocalPassword + "\r\n*1\r\n$4\r\nPING\r\n";
  EXPECT_EQ(testing::exchangeFrom("127.0.0.2", primary.port, resp), "+OK\r\n+PONG\r\n");

  // Redis rewrote its argv with its process title: ps shows no password.
  const std::string cmdline =
      testing::readText("/proc/" + std::to_string(primary.pid) + "/cmdline");
  EXPECT_THAT(cmdline, HasSubstr("redis-server"));
  EXPECT_THAT(cmdline, Not(HasSubstr("pa\"ss")));
  EXPECT_THAT(cmdline, Not(HasSubstr("requirepass")));
}

TEST_F(RedisPodIntegrationTest, EmptyPasswordIsRefusedBeforeRedisStarts) {
  PodRunner runner(work_dir_ / "empty", {{"sessions-password", ""}});
  const auto cluster = testing::emptyDirWithMinSync();
  const RunningPod pod = runner.start(*buildPod(cluster, 1, BootRole::primary()),
                                      *renderRedisConf(cluster));
  int code = -1;
  EXPECT_TRUE(waitFor([&] { return runner.exited(pod, &code); }, 5s));
  EXPECT_EQ(code, 1);
  EXPECT_THAT(testing::readText(pod.log), HasSubstr("refusing to start Redis without a password"));
}

TEST_F(RedisPodIntegrationTest, ReplicaBootsFollowingThePrimaryAndUnfencesWrites) {
  const auto cluster = testing::emptyDirWithMinSync(); // minSyncReplicas: 1
  const RunningPod primary = startServing(cluster, 1, BootRole::primary(), kLocalPassword);
  RedisConnection writer(primary.port);
  ASSERT_FALSE(writer.command({"AUTH", kLocalPassword}).error);
  // No replica yet: min-replicas-to-write fences writes.
  EXPECT_THAT(writer.command({"SET", "k", "v"}).text, HasSubstr("NOREPLICAS"));

  const RunningPod replica = startPod(
      cluster, 0, BootRole::replicaOf(loopback(primary, "sessions-password")));
  ASSERT_TRUE(waitFor([&] { return linkUp(replica.port, kLocalPassword); }, 10s))
      << "replica never reported role:slave with master_link_status:up";
  ASSERT_TRUE(waitFor([&] { return !writer.command({"SET", "k", "v"}).error; }, 5s))
      << "writes stayed fenced with a replica connected";

  RedisConnection reader(replica.port);
  ASSERT_FALSE(reader.command({"AUTH", kLocalPassword}).error);
  EXPECT_TRUE(waitFor([&] { return reader.command({"GET", "k"}).text == "v"; }, 5s));
  EXPECT_THAT(reader.command({"SET", "k", "w"}).text, HasSubstr("READONLY"));
}

TEST_F(RedisPodIntegrationTest, DrLeaderFollowsTheSourceWithItsPasswordAndReplicasCascade) {
  // The "source region": the primary of another cluster, with another password.
  const RunningPod source =
      startServing(testing::standaloneWithStorage(), 0, BootRole::primary(), kSourcePassword);
  const auto dr = testing::seedDrRedis();
  const RunningPod leader = startPod(
      dr, 0, BootRole::leaderFollowing(loopback(source, dr.spec.replica_mode->source->auth_secret_name)));
  ASSERT_TRUE(waitFor([&] { return linkUp(leader.port, kLocalPassword); }, 10s));
  const RunningPod replica =
      startPod(dr, 1, BootRole::replicaOf(loopback(leader, "dr-redis-auth")));
  ASSERT_TRUE(waitFor([&] { return linkUp(replica.port, kLocalPassword); }, 10s));

  RedisConnection writer(source.port);
  ASSERT_FALSE(writer.command({"AUTH", kSourcePassword}).error);
  ASSERT_FALSE(writer.command({"SET", "dr-key", "from-source"}).error);
  RedisConnection reader(replica.port);
  ASSERT_FALSE(reader.command({"AUTH", kLocalPassword}).error);
  EXPECT_TRUE(waitFor([&] { return reader.command({"GET", "dr-key"}).text == "from-source"; }, 5s));
  RedisConnection leader_conn(leader.port);
  ASSERT_FALSE(leader_conn.command({"AUTH", kLocalPassword}).error);
  EXPECT_THAT(leader_conn.command({"SET", "x", "y"}).text, HasSubstr("READONLY"));
}

// The restart fence: a promoted DR leader whose args still follow the source crashes while the
// source is alive. Its restart boots following nobody (127.0.0.1:0): it never contacts the
// source, which would full-resync it over the writes made since the promotion.
TEST_F(RedisPodIntegrationTest, ARestartedContainerBootsFollowingNobodyWhateverItsArgsSay) {
  const RunningPod source =
      startServing(testing::standaloneWithStorage(), 0, BootRole::primary(), kSourcePassword);
  const auto dr = testing::seedDrRedis();
  const json pod = *buildPod(
      dr, 0, BootRole::leaderFollowing(loopback(source, dr.spec.replica_mode->source->auth_secret_name)));
  const std::string conf = *renderRedisConf(dr);
  const RunningPod first = runner_->start(pod, conf);
  ASSERT_TRUE(waitFor([&] { return linkUp(first.port, kLocalPassword); }, 10s));
  RedisConnection source_conn(source.port);
  ASSERT_FALSE(source_conn.command({"AUTH", kSourcePassword}).error);
  const std::string full_syncs = source_conn.infoField("stats", "sync_full");

  {
    RedisConnection leader(first.port); // the promotion
    ASSERT_FALSE(leader.command({"AUTH", kLocalPassword}).error);
    ASSERT_FALSE(leader.command({"REPLICAOF", "NO", "ONE"}).error);
    ASSERT_FALSE(leader.command({"SET", "promoted-write", "1"}).error);
  }
  runner_->crash(first);
  const RunningPod restarted = runner_->start(pod, conf, first.port);
  ASSERT_TRUE(runner_->waitUntilServing(restarted, kLocalPassword));
  RedisConnection conn(restarted.port);
  ASSERT_FALSE(conn.command({"AUTH", kLocalPassword}).error);
  EXPECT_EQ(conn.infoField("replication", "role"), "slave");
  EXPECT_EQ(conn.infoField("replication", "master_host"), "127.0.0.1");
  EXPECT_EQ(conn.infoField("replication", "master_port"), "0");
  EXPECT_THAT(conn.command({"SET", "x", "y"}).text, HasSubstr("READONLY"));
  std::this_thread::sleep_for(1500ms); // Redis retries its upstream every second
  EXPECT_EQ(conn.infoField("replication", "master_link_status"), "down");
  EXPECT_EQ(source_conn.infoField("replication", "connected_slaves"), "0");
  EXPECT_EQ(source_conn.infoField("stats", "sync_full"), full_syncs) << "nothing synced from the source";
  EXPECT_THAT(testing::readText(restarted.log), HasSubstr("this container restarted"));

  // Where the operator takes over: it gives the pod its role from the live topology.
  ASSERT_FALSE(conn.command({"REPLICAOF", "NO", "ONE"}).error);
  EXPECT_FALSE(conn.command({"SET", "x", "y"}).error);
}

// A primary booting for the first time is a master; only a restart of the same pod is fenced,
// and a new pod (a new /tmp emptyDir) boots from its args again.
TEST_F(RedisPodIntegrationTest, OnlyARestartOfTheSamePodIsFenced) {
  const auto cluster = testing::standaloneWithStorage();
  const json pod = *buildPod(cluster, 0, BootRole::primary());
  const std::string conf = *renderRedisConf(cluster);
  const RunningPod first = runner_->start(pod, conf);
  ASSERT_TRUE(runner_->waitUntilServing(first, kSourcePassword));
  RedisConnection before(first.port);
  ASSERT_FALSE(before.command({"AUTH", kSourcePassword}).error);
  EXPECT_EQ(before.infoField("replication", "role"), "master");
  runner_->crash(first);

  const RunningPod restarted = runner_->start(pod, conf, first.port);
  ASSERT_TRUE(runner_->waitUntilServing(restarted, kSourcePassword));
  RedisConnection after(restarted.port);
  ASSERT_FALSE(after.command({"AUTH", kSourcePassword}).error);
  EXPECT_EQ(after.infoField("replication", "role"), "slave");
  runner_->crash(restarted);

  fs::remove_all(work_dir_ / "cache-0" / "tmp"); // the pod is re-created: a new emptyDir
  const RunningPod recreated = runner_->start(pod, conf, first.port);
  ASSERT_TRUE(runner_->waitUntilServing(recreated, kSourcePassword));
  RedisConnection fresh(recreated.port);
  ASSERT_FALSE(fresh.command({"AUTH", kSourcePassword}).error);
  EXPECT_EQ(fresh.infoField("replication", "role"), "master");
}

// The probe scripts of the pod, pointed at the test server's port.
std::string probeScript(const json& pod, const char* probe, int port) {
  std::string script = pod["spec"]["containers"][0][probe]["exec"]["command"][2];
  const std::string from = "-p 6379";
  script.replace(script.find(from), from.size(), "-p " + std::to_string(port));
  return script;
}

TEST_F(RedisPodIntegrationTest, ProbesJudgeTheReplyNotRedisCliExitCode) {
  const auto cluster = testing::seedDrRedis();
  const json pod = *buildPod(cluster, 0, BootRole::primary());
  const RunningPod primary = startServing(cluster, 0, BootRole::primary(), kLocalPassword);
  const std::string readiness = probeScript(pod, "readinessProbe", primary.port);
  const std::string liveness = probeScript(pod, "livenessProbe", primary.port);
  const std::map<std::string, std::string> good = {{"REDISCLI_AUTH", kLocalPassword}};
  const std::map<std::string, std::string> bad = {{"REDISCLI_AUTH", "wrong"}};

  EXPECT_EQ(testing::runShell(readiness, good), 0);
  EXPECT_EQ(testing::runShell(liveness, good), 0);
  // redis-cli exits 0 on an error reply; only the text tells an auth failure from PONG.
  EXPECT_NE(testing::runShell(readiness, bad), 0);

  runner_->stopAll();
  EXPECT_NE(testing::runShell(readiness, good), 0);
  EXPECT_NE(testing::runShell(liveness, good), 0);
}

TEST_F(RedisPodIntegrationTest, LivenessToleratesALoadingServerReadinessDoesNot) {
  // A stand-in redis-cli answering as a server loading a large dataset after a full sync.
  const fs::path bin = work_dir_ / "bin";
  fs::create_directories(bin);
  std::ofstream(bin / "redis-cli") << "#!/bin/sh\necho 'LOADING Redis is loading the dataset in "
                                      "memory'\n";
  fs::permissions(bin / "redis-cli", fs::perms::owner_all);
  const json pod = *buildPod(testing::seedDrRedis(), 0, BootRole::primary());
  const std::string path_prefix = "PATH=" + bin.string() + ":$PATH; ";
  const std::string liveness = pod["spec"]["containers"][0]["livenessProbe"]["exec"]["command"][2];
  const std::string readiness =
      pod["spec"]["containers"][0]["readinessProbe"]["exec"]["command"][2];
  EXPECT_EQ(testing::runShell(path_prefix + liveness, {}), 0);
  EXPECT_NE(testing::runShell(path_prefix + readiness, {}), 0);

  std::ofstream(bin / "redis-cli", std::ios::trunc)
      << "#!/bin/sh\necho 'Could not connect to Redis at 127.0.0.1:6379: Connection refused'\n";
  EXPECT_NE(testing::runShell(path_prefix + liveness, {}), 0);
}

} // namespace
} // namespace rdr::resources
