// The hiredis RedisAdmin against real redis-server processes: AUTH, errors, replication
// commands, pause/WAIT, CONFIG, timeouts, and the connection pool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "integration/redis/redis_server.h"
#include "rdr/redis/admin.h"

namespace rdr::redis::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kPassword = "pw-Integration-7f3a";

class RedisAdminIntegrationTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!redisServerAvailable()) {
      GTEST_SKIP() << "redis-server is not installed";
    }
    char pattern[] = "/tmp/rdr-redis-it-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    servers_.clear(); // SIGKILL every server before its directory goes
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  RedisServer& startServer(std::vector<std::string> extra_args = {}) {
    const std::string name = "node" + std::to_string(servers_.size());
    servers_.push_back(
        std::make_unique<RedisServer>(dir_ / name, kPassword, std::move(extra_args)));
    EXPECT_TRUE(servers_.back()->serving()) << "redis-server did not start";
    return *servers_.back();
  }

  std::shared_ptr<RedisAdmin> admin(const RedisServer& server) {
    return connector_->admin(server.endpoint(), server.credentials());
  }

  // REPLICAOF upstream, then waits until the link is up and the replica has processed
  // everything the upstream had.
  void follow(RedisServer& replica, RedisServer& upstream) {
    ASSERT_TRUE(admin(replica)->replicaOf(upstream.endpoint()).has_value());
    ASSERT_TRUE(waitFor(
        [&] {
          const auto info = admin(replica)->replicationInfo();
          const auto source = admin(upstream)->replicationInfo();
          return info && source && info->master_link_up &&
                 info->processedOffset() == source->processedOffset();
        },
        10s))
        << "replica on port " << replica.port() << " did not catch up";
  }

  std::int64_t totalConnections(RedisAdmin& admin) {
    const auto stats = admin.command({"INFO", "stats"});
    EXPECT_TRUE(stats.has_value());
    const std::string key = "total_connections_received:";
    const std::size_t at = stats.has_value() ? stats->text.find(key) : std::string::npos;
    return at == std::string::npos ? -1 : std::stoll(stats->text.substr(at + key.size()));
  }

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<RedisServer>> servers_;
  std::unique_ptr<RedisConnector> connector_ =
      makeHiredisConnector(ConnectOptions{500ms, 1000ms});
};

TEST_F(RedisAdminIntegrationTest, AuthenticatesAndRefusesAWrongPasswordWithoutEchoingIt) {
  RedisServer& server = startServer();
  EXPECT_TRUE(admin(server)->ping().has_value());
  EXPECT_TRUE(connector_->admin(server.endpoint(), {"default", kPassword})->ping().has_value());

  const std::string wrong = "not-the-password-91c2";
  const Status refused = connector_->admin(server.endpoint(), {std::nullopt, wrong})->ping();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::Unauthorized);
  EXPECT_THAT(refused.error().message(), HasSubstr("redis " + server.endpoint().toString()));
  EXPECT_THAT(refused.error().message(), HasSubstr("WRONGPASS"));
  EXPECT_THAT(refused.error().message(), Not(HasSubstr(wrong)));
  EXPECT_THAT(refused.error().message(), Not(HasSubstr(kPassword)));

  const auto anonymous = connector_->admin(server.endpoint(), {})->replicationInfo();
  ASSERT_FALSE(anonymous.has_value());
  EXPECT_EQ(anonymous.error().code(), ErrorCode::Unauthorized);
  EXPECT_THAT(anonymous.error().message(), HasSubstr("NOAUTH"));
}

TEST_F(RedisAdminIntegrationTest, ConnectionRefusedIsTransientAndNamesTheEndpoint) {
  const Endpoint closed{"127.0.0.1", freeLoopbackPort()};
  const auto info = connector_->admin(closed, {std::nullopt, kPassword})->replicationInfo();
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), ErrorCode::Transient);
  EXPECT_EQ(info.error().message(),
            "redis " + closed.toString() + ": INFO replication: connection refused");
}

TEST_F(RedisAdminIntegrationTest, ReplicaFollowsAMasterAndBothReportIt) {
  RedisServer& master = startServer();
  RedisServer& replica = startServer();
  ASSERT_TRUE(admin(master)->command({"SET", "greeting", "hello"}).has_value());

  follow(replica, master);
  ASSERT_TRUE(admin(master)->command({"SET", "second", "write"}).has_value());
  ASSERT_TRUE(waitFor([&] {
    const auto m = admin(master)->replicationInfo();
    const auto r = admin(replica)->replicationInfo();
    return m && r && m->master_repl_offset > 0 && r->slave_repl_offset == m->master_repl_offset;
  }, 10s));

  const auto master_info = admin(master)->replicationInfo();
  ASSERT_TRUE(master_info.has_value());
  EXPECT_EQ(master_info->role, Role::Master);
  ASSERT_TRUE(waitFor([&] { // the master learns the replica's offset from its next ACK
    const auto info = admin(master)->replicationInfo();
    return info && info->replicas.size() == 1 &&
           info->replicas[0].offset == info->master_repl_offset;
  }, 5s));
  const auto master_role = admin(master)->role();
  ASSERT_TRUE(master_role.has_value());
  EXPECT_EQ(master_role->role, Role::Master);
  ASSERT_EQ(master_role->replicas.size(), 1u);
  EXPECT_EQ(master_role->replicas[0].port, replica.port());

  const auto replica_info = admin(replica)->replicationInfo();
  ASSERT_TRUE(replica_info.has_value());
  EXPECT_EQ(replica_info->role, Role::Replica);
  EXPECT_EQ(replica_info->master_host, "127.0.0.1");
  EXPECT_EQ(replica_info->master_port, master.port());
  EXPECT_EQ(replica_info->master_replid, master_info->master_replid);
  const auto replica_role = admin(replica)->role();
  ASSERT_TRUE(replica_role.has_value());
  EXPECT_EQ(replica_role->link_state, "connected");
  EXPECT_EQ(replica_role->master_port, master.port());
  const auto value = admin(replica)->command({"GET", "second"});
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->text, "write");
}

TEST_F(RedisAdminIntegrationTest, PromoteKeepsDataAndMovesTheOldReplidToReplid2) {
  RedisServer& master = startServer();
  RedisServer& replica = startServer();
  ASSERT_TRUE(admin(master)->command({"SET", "kept", "yes"}).has_value());
  follow(replica, master);
  const auto before = admin(replica)->replicationInfo();
  ASSERT_TRUE(before.has_value());

  ASSERT_TRUE(admin(replica)->promote().has_value());

  const auto after = admin(replica)->replicationInfo();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->role, Role::Master);
  EXPECT_EQ(after->master_replid2, before->master_replid);
  EXPECT_NE(after->master_replid, before->master_replid);
  EXPECT_EQ(after->second_repl_offset, before->processedOffset() + 1);
  const auto value = admin(replica)->command({"GET", "kept"});
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->text, "yes");
  EXPECT_TRUE(admin(replica)->command({"SET", "writable", "1"}).has_value());
}

TEST_F(RedisAdminIntegrationTest, RepointingAReplicaToThePromotedOneIsAPartialResync) {
  RedisServer& master = startServer();
  RedisServer& first = startServer();
  RedisServer& second = startServer();
  ASSERT_TRUE(admin(master)->command({"SET", "k", "v"}).has_value());
  follow(first, master);
  follow(second, master);

  ASSERT_TRUE(admin(first)->promote().has_value());
  const auto before = admin(first)->statsInfo();
  ASSERT_TRUE(before.has_value());
  follow(second, first);

  const auto after = admin(first)->statsInfo();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->sync_partial_ok, before->sync_partial_ok + 1);
  EXPECT_EQ(after->sync_full, before->sync_full);
}

TEST_F(RedisAdminIntegrationTest, PauseWritesHoldsAWriteUntilUnpause) {
  RedisServer& server = startServer();
  const auto patient = makeHiredisConnector(ConnectOptions{500ms, 5000ms});
  auto pauser = admin(server);
  ASSERT_TRUE(pauser->pauseWrites(10s).has_value());

  auto writer = std::async(std::launch::async, [&] {
    return patient->admin(server.endpoint(), server.credentials())->command({"SET", "p", "1"});
  });
  EXPECT_EQ(writer.wait_for(300ms), std::future_status::timeout) << "the write was not paused";
  EXPECT_TRUE(pauser->ping().has_value()); // reads still pass
  ASSERT_TRUE(pauser->unpause().has_value());
  ASSERT_EQ(writer.wait_for(3s), std::future_status::ready);
  const auto written = writer.get();
  ASSERT_TRUE(written.has_value()) << written.error().toString();
  EXPECT_EQ(written->text, "OK");
}

TEST_F(RedisAdminIntegrationTest, WaitCountsTheReplicasThatAcknowledged) {
  RedisServer& master = startServer();
  RedisServer& first = startServer();
  RedisServer& second = startServer();
  follow(first, master);
  follow(second, master);
  ASSERT_TRUE(admin(master)->command({"SET", "w", "1"}).has_value());

  const auto both = admin(master)->wait(2, 3000ms);
  ASSERT_TRUE(both.has_value()) << both.error().toString();
  EXPECT_EQ(*both, 2);
  const auto more = admin(master)->wait(3, 200ms); // times out with what it has
  ASSERT_TRUE(more.has_value()) << more.error().toString();
  EXPECT_EQ(*more, 2);
  const auto on_replica = admin(first)->wait(1, 100ms);
  ASSERT_FALSE(on_replica.has_value());
  EXPECT_EQ(on_replica.error().code(), ErrorCode::Invalid);
}

TEST_F(RedisAdminIntegrationTest, ConfigGetAndSetAndUnknownParameters) {
  RedisServer& server = startServer();
  const std::string secret = "new-masterauth-5d1e";
  ASSERT_TRUE(admin(server)->configSet("masterauth", secret).has_value());
  const auto masterauth = admin(server)->configGet("masterauth");
  ASSERT_TRUE(masterauth.has_value());
  EXPECT_EQ(*masterauth, secret);
  const auto priority = admin(server)->configGet("replica-priority");
  ASSERT_TRUE(priority.has_value());
  EXPECT_EQ(*priority, "100");

  const auto unknown = admin(server)->configGet("no-such-parameter");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::NotFound);
  EXPECT_THAT(unknown.error().message(), HasSubstr("CONFIG GET no-such-parameter"));
  const Status bad = admin(server)->configSet("no-such-parameter", "1");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::Invalid);
  EXPECT_THAT(bad.error().message(), HasSubstr("ERR"));
  const Status bad_value = admin(server)->configSet("maxmemory", "lots");
  ASSERT_FALSE(bad_value.has_value());
  EXPECT_EQ(bad_value.error().code(), ErrorCode::Invalid);
}

TEST_F(RedisAdminIntegrationTest, AFrozenServerTimesOutWithinTheCommandTimeout) {
  RedisServer& server = startServer();
  auto frozen = admin(server);
  ASSERT_TRUE(frozen->ping().has_value()); // leaves an idle pooled connection

  server.freeze();
  auto started = std::chrono::steady_clock::now();
  const Status pooled = frozen->ping();
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(pooled.has_value());
  EXPECT_EQ(pooled.error().code(), ErrorCode::Transient);
  EXPECT_THAT(pooled.error().message(), HasSubstr("PING: timed out after 1000 ms"));
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 2000ms);

  // A new connection: the kernel accepts it, AUTH then waits for a server that cannot answer.
  started = std::chrono::steady_clock::now();
  const auto fresh = frozen->replicationInfo();
  elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(fresh.has_value());
  EXPECT_EQ(fresh.error().code(), ErrorCode::Transient);
  EXPECT_THAT(fresh.error().message(), HasSubstr("timed out"));
  EXPECT_LT(elapsed, 2500ms);

  server.thaw();
  EXPECT_TRUE(waitFor([&] { return frozen->ping().has_value(); }, 5s));
}

TEST_F(RedisAdminIntegrationTest, ThePoolReusesConnectionsAcrossCallsAndThreads) {
  RedisServer& server = startServer();
  auto shared = admin(server);
  ASSERT_TRUE(shared->ping().has_value());
  const std::int64_t before = totalConnections(*shared);
  ASSERT_GT(before, 0);

  for (int call = 0; call < 50; ++call) {
    ASSERT_TRUE(shared->replicationInfo().has_value());
  }
  EXPECT_EQ(totalConnections(*shared), before);
  EXPECT_EQ(totalConnections(*admin(server)), before); // a new handle shares the pool

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&] {
      for (int call = 0; call < 25; ++call) {
        failures += shared->role().has_value() ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(totalConnections(*shared), before + 4); // at most one per concurrent caller
}

TEST_F(RedisAdminIntegrationTest, ThePoolRecoversAfterTheServerRestarts) {
  RedisServer& server = startServer();
  auto handle = admin(server);
  ASSERT_TRUE(handle->ping().has_value());

  // Restarted while our connection sat idle: the dead one is noticed before use.
  ASSERT_TRUE(server.restart()) << server.log();
  const Status first = handle->ping();
  EXPECT_TRUE(first.has_value()) << first.error().toString();

  // Down while called: Transient; once back, the next call reconnects.
  server.kill();
  const Status down = handle->ping();
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code(), ErrorCode::Transient);
  ASSERT_TRUE(server.restart()) << server.log();
  EXPECT_TRUE(handle->replicationInfo().has_value());
}

TEST_F(RedisAdminIntegrationTest, AnIdleConnectionClosedByTheServerIsNotReused) {
  RedisServer& server = startServer();
  auto handle = admin(server);
  ASSERT_TRUE(handle->ping().has_value());
  // The server drops every normal client (ours, idle in the pool); the next call must not fail.
  ASSERT_TRUE(connector_->admin(server.endpoint(), {"default", kPassword})
                  ->command({"CLIENT", "KILL", "TYPE", "normal"})
                  .has_value());
  const Status after = handle->ping();
  EXPECT_TRUE(after.has_value()) << after.error().toString();
}

} // namespace
} // namespace rdr::redis::testing
