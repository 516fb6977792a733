// RedisClusterReconciler edge cases from the review, against the in-memory API and simulated
// Redis: a primary container restarting empty, a scale-down while the primary is down, and a
// switchover whose target cannot catch up.
#include <gtest/gtest.h>

#include "../../fakes/fake_kube_client.h"
#include "../../fakes/fake_redis.h"
#include "../../fakes/manual_clock.h"
#include "controller/rediscluster/execute.h"
#include "controller/rediscluster/reconciler.h"
#include "static_resolver.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/common/base64.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

const kube::ObjectKey kKey{"apps", "cache"};

// A sleeper that moves the manual clock instead of waiting.
class ClockSleeper final : public runtime::Sleeper {
public:
  explicit ClockSleeper(testing::ManualClock& clock) : clock_(clock) {}
  bool sleepFor(std::chrono::milliseconds duration, std::stop_token) override {
    clock_.advance(duration);
    return true;
  }

private:
  testing::ManualClock& clock_;
};

class ReconcilerEdgeTest : public ::testing::Test {
protected:
  ReconcilerEdgeTest() : client_(clock_), sleeper_(clock_) {
    const json cluster = {{"apiVersion", "redis.io/v1"},
                          {"kind", "RedisCluster"},
                          {"metadata", {{"name", "cache"}, {"namespace", "apps"}}},
                          {"spec", {{"instances", 3}}}};
    EXPECT_TRUE(client_.create(kube::resources::redisClusters(), cluster).has_value());
    events_ = std::make_unique<runtime::EventRecorder>(client_, runtime::EventRecorderOptions{},
                                                       clock_);
    reconciler_ = std::make_unique<RedisClusterReconciler>(ReconcilerDependencies{
        client_, clusters_, ClusterCaches{pods_, services_, config_maps_, pvcs_}, redis_, *events_,
        nullptr, clock_, sleeper_, "cluster.local", resolver_, AllowedNetworks{}});
  }

  void syncCaches() {
    const auto fill = [&](runtime::Cache& cache, const kube::Resource& resource) {
      auto listed = client_.list(resource, "", {});
      ASSERT_TRUE(listed.has_value());
      cache.replace(listed->items);
    };
    fill(clusters_, kube::resources::redisClusters());
    fill(pods_, kube::resources::pods());
    fill(services_, kube::resources::services());
    fill(config_maps_, kube::resources::configMaps());
    fill(pvcs_, kube::resources::persistentVolumeClaims());
  }

  std::string password() {
    auto secret = client_.get(kube::resources::secrets(), {"apps", "cache-auth"});
    return secret ? base64Decode((*secret)["data"].value("password", "")).value_or("") : "";
  }

  std::string pathOf(int ordinal) { return "cache-" + std::to_string(ordinal); }

  // A Redis process booted from the pod's arguments (a new, empty dataset).
  void bootRedis(int ordinal, const json& pod) {
    redis_.addNode(at(ordinal), password());
    redis_.alias(pathOf(ordinal) + ".cache-headless.apps.svc.cluster.local", at(ordinal));
    const json args = pod["spec"]["containers"][0].value("args", json::array());
    if (!args.empty()) {
      redis_.setConfig(at(ordinal), "masterauth", password());
      auto admin = redis_.admin(at(ordinal), {std::nullopt, password()});
      ASSERT_TRUE(admin->replicaOf({args[1].get<std::string>(), 6379}).has_value());
    }
  }

  void runKubelet() {
    auto pods = client_.list(kube::resources::pods(), "apps", {});
    ASSERT_TRUE(pods.has_value());
    for (json pod : pods->items) {
      const std::string name = pod["metadata"]["name"];
      const int ordinal = name.back() - '0';
      if (pod.contains("status") && pod["status"].contains("podIP")) {
        continue;
      }
      endpoints_[ordinal] = redis::Endpoint{"127.10.0." + std::to_string(10 + next_ip_++), 6379};
      bootRedis(ordinal, pod);
      pod["status"] = {{"podIP", at(ordinal).host},
                       {"phase", "Running"},
                       {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                       {"containerStatuses",
                        {{{"name", "redis"}, {"restartCount", 0}, {"state", {{"running", json::object()}}}}}}};
      ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
    }
  }

  json podObject(int ordinal) {
    auto pod = client_.get(kube::resources::pods(), {"apps", pathOf(ordinal)});
    EXPECT_TRUE(pod.has_value());
    return pod ? *pod : json::object();
  }

  void crashPod(int ordinal) {
    redis_.setReachable(at(ordinal), false);
    json pod = podObject(ordinal);
    pod["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
    pod["status"]["conditions"][0]["status"] = "False";
    ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
  }

  void setInstances(int instances) {
    auto object = client_.get(kube::resources::redisClusters(), kKey);
    ASSERT_TRUE(object.has_value());
    (*object)["spec"]["instances"] = instances;
    ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  }

  api::RedisClusterStatus reconcileOnce() {
    syncCaches();
    auto result = reconciler_->reconcile(kKey);
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().toString());
    clock_.advance(std::chrono::seconds(1));
    runKubelet();
    auto object = client_.get(kube::resources::redisClusters(), kKey);
    return api::parseRedisCluster(*object).value().status;
  }

  api::RedisClusterStatus reconcileUntil(api::ClusterPhase phase, int rounds = 15) {
    api::RedisClusterStatus status;
    for (int i = 0; i < rounds; ++i) {
      status = reconcileOnce();
      if (status.phase == phase) {
        return status;
      }
    }
    ADD_FAILURE() << "not " << api::toString(phase) << " after " << rounds
                  << " rounds: " << api::toJson(status).dump();
    return status;
  }

  int masters() {
    int count = 0;
    for (const auto& [ordinal, endpoint] : endpoints_) {
      if (client_.get(kube::resources::pods(), {"apps", pathOf(ordinal)})) {
        count += redis_.node(endpoint).role() == redis::Role::Master ? 1 : 0;
      }
    }
    return count;
  }

  const redis::Endpoint& at(int ordinal) { return endpoints_.at(ordinal); }

  testing::ManualClock clock_;
  testing::StaticResolver resolver_;
  int next_ip_ = 0;
  std::map<int, redis::Endpoint> endpoints_;
  testing::FakeKubeClient client_;
  testing::FakeRedisConnector redis_;
  ClockSleeper sleeper_;
  runtime::Cache clusters_, pods_, services_, config_maps_, pvcs_;
  std::unique_ptr<runtime::EventRecorder> events_;
  std::unique_ptr<RedisClusterReconciler> reconciler_;
};

// The promoted primary's container restarts (no persistence): Redis comes back empty, as a
// replica of the upstream its args name. Promoting it again would wipe every pod.
TEST_F(ReconcilerEdgeTest, APrimaryContainerRestartingEmptyDoesNotWipeTheData) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 500).has_value());
  crashPod(0);
  api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  const std::string primary = status.current_primary;
  ASSERT_NE(primary, "cache-0");
  const int ordinal = primary.back() - '0';
  ASSERT_TRUE(redis_.write(at(ordinal), 1000).has_value());

  // The container restarts from its (stale) args. Redis starts as a replica right away; the
  // links of the others are held while the fake node is replaced so that nobody syncs from it
  // during the instant the simulation has it as a master.
  for (const auto& [o, endpoint] : endpoints_) {
    if (o != ordinal) {
      redis_.setLinkUp(endpoint, false);
    }
  }
  bootRedis(ordinal, podObject(ordinal));
  for (const auto& [o, endpoint] : endpoints_) {
    redis_.setLinkUp(endpoint, true);
  }
  ASSERT_EQ(redis_.node(at(ordinal)).offset(), 0);
  status = reconcileUntil(api::ClusterPhase::Healthy);
  const int now_primary = status.current_primary.back() - '0';
  EXPECT_NE(status.current_primary, primary) << "the empty pod is not promoted again";
  EXPECT_GE(redis_.node(at(now_primary)).offset(), 1500) << "acknowledged writes are kept";
  for (const auto& [o, endpoint] : endpoints_) {
    EXPECT_GE(redis_.node(endpoint).offset(), 1500) << "pod cache-" << o << " was wiped";
  }
  EXPECT_EQ(masters(), 1);
}

// Scale 3 -> 1 while the primary crash-loops: the replicas holding the data are not deleted;
// one takes over, cache-0 comes back as its replica, and a switchover hands back to cache-0.
TEST_F(ReconcilerEdgeTest, AScaleDownWhileThePrimaryIsDownKeepsTheData) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 700).has_value());
  crashPod(0);
  setInstances(1);
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy, 20);
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_GE(redis_.node(at(0)).offset(), 700) << "the data survived the scale-down";
  EXPECT_EQ(masters(), 1);
}

// Freeze the primary (its process stops answering, its container still "running"), let the
// failover happen, then thaw it: one master, the acknowledged data kept, the old primary back
// as a replica.
TEST_F(ReconcilerEdgeTest, AFrozenThenThawedPrimaryRejoinsAsAReplica) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 300).has_value());
  const redis::Endpoint frozen = at(0);
  redis_.setReachable(frozen, false);
  api::RedisClusterStatus status;
  for (int i = 0; i < 4 && status.current_primary != "cache-1"; ++i) {
    status = reconcileOnce();
  }
  ASSERT_EQ(status.current_primary, "cache-1");
  redis_.setReachable(frozen, true); // thawed: still a master until someone says otherwise
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(masters(), 1);
  EXPECT_GE(redis_.node(at(1)).offset(), 300);
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Replica);
}

// The primary and one replica crash together: the remaining replica takes over.
TEST_F(ReconcilerEdgeTest, ThePrimaryAndAReplicaCrashingTogetherFailOverToTheLastOne) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 300).has_value());
  crashPod(0);
  crashPod(1);
  const api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(status.current_primary, "cache-2");
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_GE(redis_.node(at(2)).offset(), 300);
}

// A switchover whose target does not catch up within the timeout is abandoned (the old primary
// unpaused and still the master) instead of promoting a replica that misses writes.
TEST_F(ReconcilerEdgeTest, ASwitchoverThatCannotCatchUpDoesNotPromote) {
  const redis::Endpoint from{"127.20.0.1", 6379};
  const redis::Endpoint to{"127.20.0.2", 6379};
  redis_.addNode(from);
  redis_.addNode(to);
  redis_.alias("old.cache-headless.apps.svc.cluster.local", from);
  ASSERT_TRUE(redis_.admin(to, {})->replicaOf({from.host, 6379}).has_value());
  ASSERT_TRUE(redis_.write(from, 100).has_value());
  redis_.setLinkUp(to, false);
  ASSERT_TRUE(redis_.write(from, 900).has_value()); // `to` misses these

  ExecutionContext context{client_, redis_, *events_, nullptr, clock_, sleeper_,
                           json{{"metadata", {{"name", "cache"}, {"namespace", "apps"}}}},
                           redis::Credentials{}, std::nullopt};
  const Switchover action{"cache-2", from.host, "cache-1", to.host, "to.cache-headless"};
  EXPECT_FALSE(runSwitchover(action, context).has_value());
  EXPECT_EQ(redis_.node(to).role(), redis::Role::Replica) << "not promoted without the data";
  EXPECT_EQ(redis_.node(from).role(), redis::Role::Master);
  EXPECT_FALSE(redis_.node(from).writesPaused());
}

} // namespace
} // namespace rdr::controller
