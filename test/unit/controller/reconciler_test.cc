// RedisClusterReconciler against the in-memory API and simulated Redis: bootstrap to Healthy,
// failover of a crashed primary, and convergence after an operator restart mid-failover.
#include <gtest/gtest.h>

#include "../../fakes/fake_kube_client.h"
#include "../../fakes/fake_redis.h"
#include "../../fakes/manual_clock.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/common/base64.h"
#include "rdr/runtime/sleeper.h"
#include "controller/rediscluster/reconciler.h"
#include "static_resolver.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

const kube::ObjectKey kKey{"apps", "cache"};

json clusterObject(int instances) {
  return {{"apiVersion", "redis.io/v1"},
          {"kind", "RedisCluster"},
          {"metadata", {{"name", "cache"}, {"namespace", "apps"}}},
          {"spec", {{"instances", instances}}}};
}


class ReconcilerTest : public ::testing::Test {
protected:
  ReconcilerTest() : client_(clock_) {
    EXPECT_TRUE(client_.create(kube::resources::redisClusters(), clusterObject(3)).has_value());
    recreateOperator();
  }

  // A new reconciler with empty memory, as after an operator restart.
  void recreateOperator() {
    reconciler_.reset();
    events_ = std::make_unique<runtime::EventRecorder>(client_, runtime::EventRecorderOptions{},
                                                       clock_);
    reconciler_ = std::make_unique<RedisClusterReconciler>(ReconcilerDependencies{
        client_, clusters_, ClusterCaches{pods_, services_, config_maps_, pvcs_}, redis_, *events_,
        nullptr, clock_, runtime::RealSleeper::instance(), "cluster.local", resolver_, AllowedNetworks{}});
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

  // The kubelet: every new pod gets an IP, a running container and a Redis node booted from its
  // arguments; crashed pods stay down.
  void runKubelet() {
    auto pods = client_.list(kube::resources::pods(), "apps", {});
    ASSERT_TRUE(pods.has_value());
    for (json pod : pods->items) {
      const std::string name = pod["metadata"]["name"];
      const int ordinal = name.back() - '0';
      if (pod.contains("status") && pod["status"].contains("podIP")) {
        continue;
      }
      // A fresh IP per pod, as Kubernetes gives a re-created pod.
      const redis::Endpoint endpoint{"127.10.0." + std::to_string(10 + next_ip_++), 6379};
      endpoints_[ordinal] = endpoint;
      redis_.addNode(endpoint, password());
      redis_.alias("cache-" + std::to_string(ordinal) + ".cache-headless.apps.svc.cluster.local",
                   endpoint);
      const json args = pod["spec"]["containers"][0].value("args", json::array());
      if (!args.empty()) { // --masterauth "$REDIS_MASTER_PASSWORD" --replicaof host port
        redis_.setConfig(endpoint, "masterauth", password());
        auto admin = redis_.admin(endpoint, {std::nullopt, password()});
        ASSERT_TRUE(admin->replicaOf({args[1].get<std::string>(), 6379}).has_value());
      }
      pod["status"] = {{"podIP", endpoint.host},
                       {"phase", "Running"},
                       {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                       {"containerStatuses",
                        {{{"name", "redis"}, {"restartCount", 0}, {"state", {{"running", json::object()}}}}}}};
      ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
    }
  }

  void crashPod(int ordinal) {
    redis_.setReachable(at(ordinal), false);
    auto pod = client_.get(kube::resources::pods(), {"apps", "cache-" + std::to_string(ordinal)});
    ASSERT_TRUE(pod.has_value());
    (*pod)["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
    (*pod)["status"]["conditions"][0]["status"] = "False";
    ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), *pod).has_value());
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

  api::RedisClusterStatus reconcileUntil(api::ClusterPhase phase, int rounds = 10) {
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

  std::string roleLabel(int ordinal) {
    auto pod = client_.get(kube::resources::pods(), {"apps", "cache-" + std::to_string(ordinal)});
    return pod ? (*pod)["metadata"]["labels"].value("redis.io/role", "") : "<no pod>";
  }

  const redis::Endpoint& at(int ordinal) { return endpoints_.at(ordinal); }

  testing::ManualClock clock_;
  testing::StaticResolver resolver_;
  int next_ip_ = 0;
  std::map<int, redis::Endpoint> endpoints_; // the current pod of each ordinal
  testing::FakeKubeClient client_;
  testing::FakeRedisConnector redis_;
  runtime::Cache clusters_, pods_, services_, config_maps_, pvcs_;
  std::unique_ptr<runtime::EventRecorder> events_;
  std::unique_ptr<RedisClusterReconciler> reconciler_;
};

TEST_F(ReconcilerTest, BootstrapsToHealthy) {
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  ASSERT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_EQ(status.ready_instances, 3);
  EXPECT_EQ(redis_.node(at(0)).role(), redis::Role::Master);
  EXPECT_EQ(redis_.node(at(1)).role(), redis::Role::Replica);
  EXPECT_TRUE(redis_.node(at(2)).linkUp());
  EXPECT_FALSE(password().empty());
  // Steady state: nothing is sent to Redis but probes.
  redis_.clearCommands();
  reconcileOnce();
  EXPECT_TRUE(redis_.mutations().empty()) << redis_.mutations().front();
}

TEST_F(ReconcilerTest, FailsOverACrashedPrimaryToTheMostAdvancedReplica) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  ASSERT_TRUE(redis_.write(at(0), 500).has_value());
  redis_.setLinkUp(at(1), false); // cache-1 falls behind
  ASSERT_TRUE(redis_.write(at(0), 100).has_value());
  redis_.setLinkUp(at(1), true);
  redis_.setOffset(at(1), 500);
  crashPod(0);

  api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(status.current_primary, "cache-2");
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_EQ(roleLabel(2), "primary");
  EXPECT_EQ(roleLabel(0), "<no pod>") << "the crashed old primary is re-created as a replica";
  status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_EQ(roleLabel(0), "replica");
  EXPECT_EQ(redis_.node(at(1)).info().master_host,
            "cache-2.cache-headless.apps.svc.cluster.local");
}

int masters(testing::FakeRedisConnector& redis, const std::map<int, redis::Endpoint>& endpoints) {
  int count = 0;
  for (const auto& [ordinal, endpoint] : endpoints) {
    count += redis.node(endpoint).role() == redis::Role::Master ? 1 : 0;
  }
  return count;
}

TEST_F(ReconcilerTest, ARestartAfterTheChoiceWasRecordedConverges) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  crashPod(0);
  // The state an operator leaves when it dies right after writing its choice (invariant 2) and
  // before REPLICAOF NO ONE: status names cache-2, which is still a replica.
  auto object = client_.get(kube::resources::redisClusters(), kKey);
  (*object)["status"]["currentPrimary"] = "cache-2";
  (*object)["status"]["phase"] = "FailingOver";
  ASSERT_TRUE(client_.updateStatus(kube::resources::redisClusters(), *object).has_value());
  ASSERT_EQ(redis_.node(at(2)).role(), redis::Role::Replica);

  recreateOperator();
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-2") << "the recorded choice is kept";
  EXPECT_EQ(redis_.node(at(2)).role(), redis::Role::Master);
  EXPECT_EQ(masters(redis_, endpoints_), 1) << "invariant 1: one master";
  EXPECT_EQ(roleLabel(2), "primary");
}

TEST_F(ReconcilerTest, ARestartAfterThePromotionBeforeTheRelabelConverges) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  crashPod(0);
  client_.failNext(testing::Verb::Patch, ErrorCode::Transient, 10); // dies at the relabel
  syncCaches();
  ASSERT_TRUE(reconciler_->reconcile(kKey).has_value());
  EXPECT_EQ(redis_.node(at(1)).role(), redis::Role::Master);
  EXPECT_EQ(roleLabel(1), "replica") << "the relabel did not happen";

  client_.failNext(testing::Verb::Patch, ErrorCode::Transient, 0);
  recreateOperator();
  const api::RedisClusterStatus status = reconcileUntil(api::ClusterPhase::Healthy);
  EXPECT_EQ(status.current_primary, "cache-1");
  EXPECT_EQ(roleLabel(1), "primary");
  EXPECT_EQ(roleLabel(0), "replica");
  EXPECT_EQ(masters(redis_, endpoints_), 1) << "invariant 1: one master";
}

TEST_F(ReconcilerTest, PodsRefusingThePasswordAreReportedNotFailedOver) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  auto secret = client_.get(kube::resources::secrets(), {"apps", "cache-auth"});
  (*secret)["data"]["password"] = base64Encode("rotated-behind-our-back");
  ASSERT_TRUE(client_.update(kube::resources::secrets(), *secret).has_value());
  redis_.clearCommands();
  api::RedisClusterStatus status;
  for (int i = 0; i < 5; ++i) {
    status = reconcileOnce();
  }
  EXPECT_EQ(status.current_primary, "cache-0");
  EXPECT_TRUE(redis_.mutations().empty()) << redis_.mutations().front();
  const api::Condition* primary = api::findCondition(status.conditions, "PrimaryAvailable");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->reason, "AuthSecretUnavailable");
  EXPECT_NE(primary->message.find("refuse the password in the Secret cache-auth"), std::string::npos)
      << primary->message;
  EXPECT_EQ(primary->message.find("rotated-behind-our-back"), std::string::npos);
}

TEST_F(ReconcilerTest, OffsetsAloneAreWrittenAtMostEveryTenSeconds) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  reconcileOnce(); // settle: the last status write now lies behind us
  const auto writes = [&] {
    int count = 0;
    for (const auto& call : client_.calls()) {
      count += call.verb == testing::Verb::UpdateStatus && call.resource == "redisclusters.redis.io";
    }
    return count;
  };
  const int before = writes();
  ASSERT_TRUE(redis_.write(at(0), 4096).has_value());
  api::RedisClusterStatus status = reconcileOnce(); // the clock moves 1 s per round
  EXPECT_EQ(writes(), before) << "a moving offset alone is not written at once";
  for (int round = 0; round < 10 && writes() == before; ++round) {
    status = reconcileOnce();
  }
  EXPECT_EQ(writes(), before + 1) << "written within 10 s";
  EXPECT_EQ(status.instances_status[0].replication_offset, redis_.node(at(0)).offset());

  crashPod(2); // anything else is written at once
  reconcileOnce();
  EXPECT_EQ(writes(), before + 2);
}

TEST_F(ReconcilerTest, ADeletedGeneratedSecretComesBackWithThePasswordThePodsUse) {
  ASSERT_EQ(reconcileUntil(api::ClusterPhase::Healthy).phase, api::ClusterPhase::Healthy);
  const std::string before = password();
  ASSERT_TRUE(client_.remove(kube::resources::secrets(), {"apps", "cache-auth"}).has_value());
  const api::RedisClusterStatus status = reconcileOnce();
  EXPECT_EQ(password(), before);
  EXPECT_EQ(status.phase, api::ClusterPhase::Healthy);
  EXPECT_TRUE(api::isConditionTrue(status.conditions, "PrimaryAvailable"));
}

} // namespace
} // namespace rdr::controller
