// Built Sentinel pods as real Sentinel processes on loopback, configured at runtime as the operator
// will: they monitor the data pods, find each other and the replicas, fail over, survive restarts.
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/resources/pod_runner_test.h"
#include "rdr/api/derived.h"
#include "rdr/resources/pod.h"
#include "rdr/resources/redis_conf.h"
#include "rdr/resources/sentinel.h"
#include "unit/resources/test_clusters.h"

namespace rdr::resources {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using nlohmann::json;
using namespace std::chrono_literals;
using testing::PodRunner;
using testing::Reply;
using testing::RedisConnection;
using testing::RunningPod;
using testing::waitFor;

const std::string kPassword = "prod pa\"ss $HOME";

// A flat key/value array reply (SENTINEL MASTER) as a map.
std::map<std::string, std::string> fields(const std::string& flat) {
  std::map<std::string, std::string> out;
  std::istringstream lines(flat);
  std::string key;
  std::string value;
  while (std::getline(lines, key) && std::getline(lines, value)) {
    out[key] = value;
  }
  return out;
}

// The `# ??? sentinel auth-pass` comments in a Sentinel's file.
int commentedPasswords(const fs::path& conf) {
  std::istringstream lines(testing::readText(conf));
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    count += line.rfind("# ??? sentinel auth-pass ", 0) == 0 ? 1 : 0;
  }
  return count;
}

class SentinelIntegrationTest : public testing::PodRunnerTest {
protected:
  void SetUp() override {
    startRunner("rdr-sentinel", std::map<std::string, std::string>{{"prod-redis-auth", kPassword}});
  }

  RunningPod startData(int ordinal, const BootRole& role) {
    const auto pod = buildPod(cluster_, ordinal, role);
    EXPECT_TRUE(pod) << pod.error().toString();
    const auto conf = renderRedisConf(cluster_);
    EXPECT_TRUE(conf) << conf.error().toString();
    RunningPod running = runner_->start(*pod, *conf);
    EXPECT_TRUE(runner_->waitUntilServing(running, kPassword)) << "data pod " << ordinal;
    return running;
  }

  RunningPod startSentinel(int index, int port = 0) {
    const auto pod = buildSentinelPod(cluster_, index);
    EXPECT_TRUE(pod) << pod.error().toString();
    RunningPod running = runner_->startSentinel(*pod, port);
    EXPECT_TRUE(waitFor([&] { return RedisConnection(running.port).command({"PING"}).text ==
                                     "PONG"; },
                        10s))
        << "sentinel " << index << " never answered PING on port " << running.port;
    return running;
  }

  // What the operator will send to each Sentinel: monitor the primary, then its settings.
  void monitor(const RunningPod& sentinel, const RunningPod& primary) {
    RedisConnection conn(sentinel.port);
    const Reply added = conn.command(
        {"SENTINEL", "MONITOR", master_, "127.0.0.1", std::to_string(primary.port), "2"});
    ASSERT_FALSE(added.error) << added.text;
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"auth-pass", kPassword},
        {"down-after-milliseconds", "1000"},
        {"failover-timeout", "10000"},
        {"parallel-syncs", "1"}};
    for (const auto& [option, value] : settings) {
      const Reply set = conn.command({"SENTINEL", "SET", master_, option, value});
      ASSERT_FALSE(set.error) << option << ": " << set.text;
    }
  }

  // "ip:port" of SENTINEL GET-MASTER-ADDR-BY-NAME, or the error.
  std::string masterAddr(const RunningPod& sentinel) {
    const Reply reply =
        RedisConnection(sentinel.port).command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", master_});
    std::istringstream lines(reply.text);
    std::string ip;
    std::string port;
    std::getline(lines, ip);
    std::getline(lines, port);
    return reply.error ? reply.text : ip + ":" + port;
  }

  std::map<std::string, std::string> masterState(const RunningPod& sentinel) {
    return fields(RedisConnection(sentinel.port).command({"SENTINEL", "MASTER", master_}).text);
  }

  static std::string addr(const RunningPod& pod) { return "127.0.0.1:" + std::to_string(pod.port); }

  static std::string role(const RunningPod& pod) {
    RedisConnection conn(pod.port);
    conn.command({"AUTH", kPassword});
    return conn.infoField("replication", "role");
  }

  api::RedisCluster cluster_ = testing::seedProdRedis();
  std::string master_ = api::effectiveMasterName(cluster_);
};

TEST_F(SentinelIntegrationTest, SentinelsMonitorDiscoverEachOtherAndFailOverToAReplica) {
  const RunningPod primary = startData(0, BootRole::primary());
  const Upstream upstream{"127.0.0.1", primary.port, "prod-redis-auth"};
  std::vector<RunningPod> replicas = {startData(1, BootRole::replicaOf(upstream)),
                                      startData(2, BootRole::replicaOf(upstream))};
  std::vector<RunningPod> sentinels;
  for (int i = 0; i < sentinelInstances(cluster_); ++i) {
    sentinels.push_back(startSentinel(i));
    monitor(sentinels.back(), primary);
  }

  for (const RunningPod& sentinel : sentinels) {
    EXPECT_EQ(masterAddr(sentinel), addr(primary)) << "sentinel on " << sentinel.port;
  }
  // Through the primary's hello channel and INFO: the other two Sentinels and both replicas, and
  // the password works (flags stay plain "master").
  for (const RunningPod& sentinel : sentinels) {
    std::map<std::string, std::string> state;
    EXPECT_TRUE(waitFor(
        [&] {
          state = masterState(sentinel);
          return state["num-other-sentinels"] == "2" && state["num-slaves"] == "2" &&
                 state["flags"] == "master";
        },
        10s))
        << "sentinel on " << sentinel.port
        << ": num-other-sentinels=" << state["num-other-sentinels"]
        << " num-slaves=" << state["num-slaves"] << " flags=" << state["flags"];
  }

  runner_->crash(primary);
  // A majority agrees on a new master, one of the replicas.
  std::string elected;
  ASSERT_TRUE(waitFor(
      [&] {
        std::map<std::string, int> votes;
        for (const RunningPod& sentinel : sentinels) {
          ++votes[masterAddr(sentinel)];
        }
        for (const RunningPod& replica : replicas) {
          if (votes[addr(replica)] >= 2) {
            elected = addr(replica);
            return true;
          }
        }
        return false;
      },
      15s))
      << "no majority of Sentinels named a replica as the new master";
  const RunningPod& promoted = addr(replicas[0]) == elected ? replicas[0] : replicas[1];
  const RunningPod& other = addr(replicas[0]) == elected ? replicas[1] : replicas[0];
  EXPECT_TRUE(waitFor([&] { return role(promoted) == "master"; }, 5s));
  // Sentinel re-points the other replica at the new master (it authenticates with the cluster's
  // own password, the masterauth every data pod boots with).
  EXPECT_TRUE(waitFor(
      [&] {
        RedisConnection conn(other.port);
        conn.command({"AUTH", kPassword});
        return conn.infoField("replication", "master_port") == std::to_string(promoted.port) &&
               conn.infoField("replication", "master_link_status") == "up";
      },
      10s))
      << "the other replica never followed the new master";
}

TEST_F(SentinelIntegrationTest, RestartedSentinelKeepsWhatItWasConfiguredWith) {
  const RunningPod primary = startData(0, BootRole::primary());
  const RunningPod first = startSentinel(0);
  monitor(first, primary);
  const std::string id = RedisConnection(first.port).command({"SENTINEL", "MYID"}).text;
  ASSERT_FALSE(id.empty());
  const fs::path conf = work_dir_ / "prod-redis-sentinel-0" / "data" / "sentinel.conf";
  EXPECT_THAT(testing::readText(conf),
              HasSubstr("sentinel monitor " + master_ + " 127.0.0.1 " +
                        std::to_string(primary.port) + " 2"));

  // Redis cannot read back the raw auth-pass line it wrote, so each later rewrite of the file
  // (one per SENTINEL SET here) kept the previous one as a `# ???` comment.
  EXPECT_GE(commentedPasswords(conf), 2);

  // Container restarts: same pod, same emptyDir, same port; the script keeps the file and quotes
  // the password Sentinel wrote raw (it holds a space and a quote). Twice: the second restart
  // finds the line quoted already and must leave it so.
  RunningPod current = first;
  for (int restart = 1; restart <= 2; ++restart) {
    runner_->crash(current);
    current = startSentinel(0, first.port);
    EXPECT_EQ(RedisConnection(current.port).command({"SENTINEL", "MYID"}).text, id) << restart;
    EXPECT_EQ(masterAddr(current), addr(primary)) << restart;
    // Past down-after-milliseconds, a Sentinel whose password is refused (-NOAUTH is not a valid
    // PING reply) flags the primary s_down; this one still sees it answer.
    std::this_thread::sleep_for(2s);
    const auto state = masterState(current);
    EXPECT_EQ(state.at("flags"), "master") << "restart " << restart;
    EXPECT_LT(std::stoi(state.at("last-ok-ping-reply")), 1500) << "restart " << restart;
    EXPECT_EQ(state.at("down-after-milliseconds"), "1000") << "restart " << restart;
    EXPECT_EQ(state.at("failover-timeout"), "10000") << "restart " << restart;
    // The script dropped them; at most one rewrite since the start added one back.
    EXPECT_LE(commentedPasswords(conf), 1) << "restart " << restart;
  }
}

TEST_F(SentinelIntegrationTest, ProbesPassOnAServingSentinelAndFailWithoutOne) {
  const json pod = *buildSentinelPod(cluster_, 0);
  const RunningPod sentinel = startSentinel(0);
  const json& container = pod["spec"]["containers"][0];
  std::vector<std::string> scripts;
  for (const char* probe : {"readinessProbe", "livenessProbe"}) {
    std::string script = container[probe]["exec"]["command"][2];
    const std::string from = "-p 26379";
    script.replace(script.find(from), from.size(), "-p " + std::to_string(sentinel.port));
    scripts.push_back(script);
  }
  // A Sentinel has no password: the probes need no environment.
  for (const std::string& script : scripts) {
    EXPECT_EQ(testing::runShell(script, {}), 0) << script;
  }
  runner_->stopAll();
  for (const std::string& script : scripts) {
    EXPECT_NE(testing::runShell(script, {}), 0) << script;
  }
}

} // namespace
} // namespace rdr::resources
