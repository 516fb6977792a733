// The reconciler's test bench: the in-memory API, simulated Redis, a manual clock and a kubelet
// that boots a Redis node per pod from its arguments (a fresh IP per pod, as Kubernetes gives),
// and a Sentinel per Sentinel pod (mode: sentinel).
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "../../fakes/fake_kube_client.h"
#include "../../fakes/fake_redis.h"
#include "../../fakes/manual_clock.h"
#include "controller/rediscluster/reconciler.h"
#include "rdr/api/names.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/common/base64.h"
#include "rdr/runtime/sleeper.h"
#include "static_resolver.h"

namespace rdr::controller::testbench {

using nlohmann::json;

inline const kube::ObjectKey kKey{"apps", "cache"};

// A sleeper that moves the manual clock instead of waiting.
class ClockSleeper final : public runtime::Sleeper {
public:
  explicit ClockSleeper(rdr::testing::ManualClock& clock) : clock_(clock) {}
  bool sleepFor(std::chrono::milliseconds duration, std::stop_token) override {
    clock_.advance(duration);
    return true;
  }

private:
  rdr::testing::ManualClock& clock_;
};

class ReconcilerFixture : public ::testing::Test {
protected:
  ReconcilerFixture() : client_(clock_), sleeper_(clock_) {
    const json cluster = {{"apiVersion", "redis.io/v1"},
                          {"kind", "RedisCluster"},
                          {"metadata", {{"name", "cache"}, {"namespace", "apps"}}},
                          {"spec", {{"instances", 3}}}};
    EXPECT_TRUE(client_.create(kube::resources::redisClusters(), cluster).has_value());
    recreateOperator();
  }

  // A new reconciler with empty memory, as after an operator restart.
  void recreateOperator() {
    reconciler_.reset();
    events_ = std::make_unique<runtime::EventRecorder>(client_, runtime::EventRecorderOptions{},
                                                       clock_);
    reconciler_ = std::make_unique<RedisClusterReconciler>(ReconcilerDependencies{
        client_, clusters_, ClusterCaches{pods_, services_, config_maps_, pvcs_}, redis_, *events_,
        nullptr, clock_, sleeper_, "cluster.local", resolver_, AllowedNetworks{}, &connections_});
  }

  // What the informers would hold.
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
    fill(connections_, kube::resources::activeRedisConnections());
  }

  std::string password() {
    auto secret = client_.get(kube::resources::secrets(), {"apps", "cache-auth"});
    return secret ? base64Decode((*secret)["data"].value("password", "")).value_or("") : "";
  }

  // A Redis process booted from the pod's arguments (a new, empty dataset):
  // --masterauth "$REDIS_MASTER_PASSWORD" --replicaof host port, or a master.
  void bootRedis(int ordinal, const json& pod) {
    redis_.addNode(at(ordinal), password());
    redis_.alias(api::podName("cache", ordinal) + ".cache-headless.apps.svc.cluster.local",
                 at(ordinal));
    const json args = pod["spec"]["containers"][0].value("args", json::array());
    if (!args.empty()) {
      redis_.setConfig(at(ordinal), "masterauth", password());
      auto admin = redis_.admin(at(ordinal), {std::nullopt, password()});
      ASSERT_TRUE(admin->replicaOf({args[1].get<std::string>(), 6379}).has_value());
    }
  }

  // The kubelet: every new pod gets a fresh IP, a running container and a Redis node; a crashed
  // container is restarted once its backoff has passed.
  void runKubelet() {
    auto pods = client_.list(kube::resources::pods(), "apps", {});
    ASSERT_TRUE(pods.has_value());
    for (json pod : pods->items) {
      const std::string name = pod["metadata"]["name"];
      if (const auto index = api::sentinelIndex("cache", name)) {
        bootSentinel(*index, pod);
        continue;
      }
      const int ordinal = name.back() - '0';
      if (pod.contains("status") && pod["status"].contains("podIP")) {
        const auto due = restart_at_.find(ordinal);
        if (due != restart_at_.end() && clock_.now() >= due->second) {
          restart_at_.erase(due);
          restartContainer(ordinal);
        }
        continue;
      }
      restart_at_.erase(ordinal); // a new pod
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

  // mode: sentinel: a new Sentinel pod gets a fresh IP and a Sentinel that monitors nothing.
  void bootSentinel(int index, json pod) {
    if (pod.contains("status") && pod["status"].contains("podIP")) {
      return;
    }
    sentinels_[index] = redis::Endpoint{"127.10.1." + std::to_string(10 + next_ip_++), 26379};
    redis_.addSentinel(sentinels_[index]);
    pod["status"] = {{"podIP", sentinels_[index].host},
                     {"phase", "Running"},
                     {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                     {"containerStatuses",
                      {{{"name", "sentinel"},
                        {"restartCount", 0},
                        {"state", {{"running", json::object()}}}}}}};
    ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
  }

  json podObject(int ordinal) {
    auto pod = client_.get(kube::resources::pods(), {"apps", api::podName("cache", ordinal)});
    EXPECT_TRUE(pod.has_value());
    return pod ? *pod : json::object();
  }

  // The pod's Redis process dies; the kubelet restarts it (restartContainer) kCrashLoopDelay
  // later, as CrashLoopBackOff would.
  void crashPod(int ordinal) {
    restart_at_[ordinal] = clock_.now() + kCrashLoopDelay;
    redis_.setReachable(at(ordinal), false);
    json pod = podObject(ordinal);
    pod["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
    pod["status"]["conditions"][0]["status"] = "False";
    ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
  }

  // The kubelet restarts a pod's container behind the restart fence (resources/pod.h): a new,
  // empty Redis process at the pod's IP (no persistence here) that follows 127.0.0.1:0, whatever
  // the pod's args say. The others' links are held while the fake node is replaced, so that
  // nobody syncs from it during the instant the simulation has it as a master.
  void restartContainer(int ordinal) {
    restart_at_.erase(ordinal);
    for (const auto& [o, endpoint] : endpoints_) {
      if (o != ordinal) {
        redis_.setLinkUp(endpoint, false);
      }
    }
    redis_.addNode(at(ordinal), password());
    redis_.setConfig(at(ordinal), "masterauth", password());
    auto admin = redis_.admin(at(ordinal), {std::nullopt, password()});
    ASSERT_TRUE(admin->replicaOf({"127.0.0.1", 0}).has_value());
    for (const auto& [o, endpoint] : endpoints_) {
      redis_.setLinkUp(endpoint, true);
    }
    json pod = podObject(ordinal);
    auto& container = pod["status"]["containerStatuses"][0];
    container["restartCount"] = container.value("restartCount", 0) + 1;
    container["state"] = {{"running", json::object()}};
    pod["status"]["conditions"][0]["status"] = "True";
    ASSERT_TRUE(client_.updateStatus(kube::resources::pods(), pod).has_value());
  }

  void setInstances(int instances) {
    auto object = client_.get(kube::resources::redisClusters(), kKey);
    ASSERT_TRUE(object.has_value());
    (*object)["spec"]["instances"] = instances;
    ASSERT_TRUE(client_.update(kube::resources::redisClusters(), *object).has_value());
  }

  // One reconcile, one second, one kubelet pass; @return the stored status.
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

  std::string roleLabel(int ordinal) {
    auto pod = client_.get(kube::resources::pods(), {"apps", api::podName("cache", ordinal)});
    return pod ? (*pod)["metadata"]["labels"].value("redis.io/role", "") : "<no pod>";
  }

  // Masters among the Redis nodes of the pods that exist (invariant 1 wants exactly one).
  int masters() {
    int count = 0;
    for (const auto& [ordinal, endpoint] : endpoints_) {
      if (client_.get(kube::resources::pods(), {"apps", api::podName("cache", ordinal)})) {
        count += redis_.node(endpoint).role() == redis::Role::Master ? 1 : 0;
      }
    }
    return count;
  }

  const redis::Endpoint& at(int ordinal) { return endpoints_.at(ordinal); }

  rdr::testing::ManualClock clock_;
  rdr::testing::StaticResolver resolver_;
  int next_ip_ = 0;
  std::map<int, redis::Endpoint> endpoints_; // the current pod of each ordinal
  std::map<int, redis::Endpoint> sentinels_; // mode: sentinel: the current Sentinel of each index
  static constexpr std::chrono::seconds kCrashLoopDelay{3};
  std::map<int, SystemTime> restart_at_; // crashed containers and when the kubelet restarts them
  rdr::testing::FakeKubeClient client_;
  rdr::testing::FakeRedisConnector redis_;
  ClockSleeper sleeper_;
  runtime::Cache clusters_, pods_, services_, config_maps_, pvcs_, connections_;
  std::unique_ptr<runtime::EventRecorder> events_;
  std::unique_ptr<RedisClusterReconciler> reconciler_;
};

} // namespace rdr::controller::testbench
