// The ActiveRedisConnection controller as a Runnable: two informers feeding one work queue.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "rdr/controller/activeredisconnection_controller.h"
#include "reconciler.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

std::string instanceOf(const json& connection) {
  const json spec = connection.value("spec", json::object());
  return spec.is_object() ? spec.value("instance", "") : "";
}

class ActiveRedisConnectionController final : public app::Runnable {
public:
  ActiveRedisConnectionController(kube::Client& client, observability::OperatorMetrics* metrics,
                                  ActiveRedisConnectionControllerOptions options,
                                  const Clock& clock)
      : options_(std::move(options)), clock_(clock),
        connections_(informer(client, kube::resources::activeRedisConnections())),
        clusters_(informer(client, kube::resources::redisClusters())),
        events_(client, runtime::EventRecorderOptions{"redis-dr-operator", options_.event_instance},
                clock),
        reconciler_(ConnectionReconcilerDependencies{client, connections_->cache(),
                                                     clusters_->cache(), events_, metrics}),
        controller_(runtime::ControllerOptions{"activeredisconnection", options_.workers,
                                               [this] {
                                                 return connections_->hasSynced() &&
                                                        clusters_->hasSynced();
                                               }},
                    reconciler_, clock) {
    // A connection's change can change who drives its target (decideDriver), so it wakes every
    // connection naming the same RedisCluster. Our own status writes do not wake us.
    connections_->addHandlers(runtime::onGenerationChange(runtime::EventHandlers{
        [this](const json& object) { enqueueSiblings(object); },
        [this](const json& old_object, const json& object) {
          enqueueSiblings(old_object);
          enqueueSiblings(object);
        },
        [this](const json& object) { enqueueSiblings(object); }}));
    // Every change of a RedisCluster, its status writes included: the connections' status is
    // derived from the status the RedisCluster controller writes.
    clusters_->addHandlers(runtime::EventHandlers{
        [this](const json& cluster) { enqueueConnectionsOf(cluster); },
        [this](const json&, const json& cluster) { enqueueConnectionsOf(cluster); },
        [this](const json& cluster) { enqueueConnectionsOf(cluster); }});
  }

  ~ActiveRedisConnectionController() override { stop(); }

  std::string name() const override { return "activeredisconnection-controller"; }

  Status start() override {
    connections_->start();
    clusters_->start();
    controller_.start();
    spdlog::info("The ActiveRedisConnection controller watches {} with {} worker(s).",
                 options_.watch_namespace.empty() ? "every namespace"
                                                  : "namespace " + options_.watch_namespace,
                 options_.workers);
    return okStatus();
  }

  void stop() override {
    connections_->stop(); // handlers capture the controller: stop them first
    clusters_->stop();
    controller_.stop();
  }

private:
  std::unique_ptr<runtime::Informer> informer(kube::Client& client, kube::Resource resource) {
    runtime::InformerOptions options;
    options.namespace_ = options_.watch_namespace;
    return std::make_unique<runtime::Informer>(client, std::move(resource), options, clock_,
                                               runtime::RealSleeper::instance());
  }

  // The connections of `namespace_` whose spec.instance is `instance`, from the informer's cache.
  void enqueueNaming(const std::string& namespace_, const std::string& instance) {
    auto listed = connections_->cache().list(namespace_);
    if (!listed) {
      spdlog::warn("Cannot list the ActiveRedisConnections of namespace {}: {}.", namespace_,
                   listed.error().toString());
      return;
    }
    for (const json& connection : *listed) {
      if (instanceOf(connection) == instance) {
        controller_.enqueue(runtime::Cache::keyOf(connection));
      }
    }
  }

  void enqueueSiblings(const json& connection) {
    controller_.enqueue(runtime::Cache::keyOf(connection));
    const std::string instance = instanceOf(connection);
    if (!instance.empty()) {
      enqueueNaming(runtime::Cache::keyOf(connection).namespace_, instance);
    }
  }

  void enqueueConnectionsOf(const json& cluster) {
    const kube::ObjectKey key = runtime::Cache::keyOf(cluster);
    enqueueNaming(key.namespace_, key.name);
  }

  ActiveRedisConnectionControllerOptions options_;
  const Clock& clock_;
  std::unique_ptr<runtime::Informer> connections_;
  std::unique_ptr<runtime::Informer> clusters_;
  runtime::EventRecorder events_;
  ActiveRedisConnectionReconciler reconciler_;
  runtime::Controller controller_;
};

} // namespace

std::unique_ptr<app::Runnable>
makeActiveRedisConnectionController(kube::Client& client, observability::OperatorMetrics* metrics,
                                    ActiveRedisConnectionControllerOptions options,
                                    const Clock& clock) {
  return std::make_unique<ActiveRedisConnectionController>(client, metrics, std::move(options),
                                                           clock);
}

} // namespace rdr::controller
