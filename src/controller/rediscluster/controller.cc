// The RedisCluster controller as a Runnable: six informers feeding one work queue.
#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "rdr/api/well_known.h"
#include "rdr/controller/rediscluster_controller.h"
#include "reconciler.h"

namespace rdr::controller {
namespace {

class RedisClusterController final : public app::Runnable {
public:
  RedisClusterController(kube::Client& client, redis::RedisConnector& connector,
                         observability::OperatorMetrics* metrics,
                         RedisClusterControllerOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock),
        clusters_(informer(client, kube::resources::redisClusters(), "")),
        pods_(informer(client, kube::resources::pods(), std::string(api::kLabelCluster))),
        services_(informer(client, kube::resources::services(), std::string(api::kLabelCluster))),
        config_maps_(informer(client, kube::resources::configMaps(), std::string(api::kLabelCluster))),
        pvcs_(informer(client, kube::resources::persistentVolumeClaims(),
                       std::string(api::kLabelCluster))),
        connections_(informer(client, kube::resources::activeRedisConnections(), "")),
        events_(client, runtime::EventRecorderOptions{"redis-dr-operator", options_.event_instance}, clock),
        resolver_(makeSystemResolver()),
        allowed_sources_(parseAllowedNetworks(options_.allowed_source_networks)),
        reconciler_(ReconcilerDependencies{
            client, clusters_->cache(),
            ClusterCaches{pods_->cache(), services_->cache(), config_maps_->cache(), pvcs_->cache()},
            connector, events_, metrics, clock, runtime::RealSleeper::instance(),
            options_.cluster_domain, *resolver_, allowed_sources_.value_or(AllowedNetworks{}),
            &connections_->cache()}),
        controller_(runtime::ControllerOptions{"rediscluster", options_.workers,
                                               [this] {
                                                 for (auto* informer : all()) {
                                                   if (!informer->hasSynced()) {
                                                     return false;
                                                   }
                                                 }
                                                 return true;
                                               }},
                    reconciler_, clock) {
    // Status writes of our own do not wake us: the cluster requeues itself every probe interval.
    clusters_->addHandlers(runtime::onGenerationChange(controller_.enqueueObject()));
    for (auto* owned : {pods_.get(), services_.get(), config_maps_.get(), pvcs_.get()}) {
      owned->addHandlers(controller_.enqueueOwner("RedisCluster"));
    }
    // Spec changes (pause, addresses), creation and deletion matter to the cluster; the
    // connection controller's status and finalizer writes do not.
    connections_->addHandlers(runtime::onGenerationChange(enqueueTarget()));
  }

  ~RedisClusterController() override { stop(); }

  std::string name() const override { return "rediscluster-controller"; }

  Status start() override {
    if (!allowed_sources_) { // the flag parser refuses this first; never run with an unknown list
      return allowed_sources_.error().wrap("reading --allowed-source-networks");
    }
    for (auto* informer : all()) {
      informer->start();
    }
    controller_.start();
    spdlog::info("The RedisCluster controller watches {} with {} worker(s).",
                 options_.watch_namespace.empty() ? "every namespace"
                                                  : "namespace " + options_.watch_namespace,
                 options_.workers);
    return okStatus();
  }

  void stop() override {
    for (auto* informer : all()) {
      informer->stop(); // handlers capture the controller: stop them first
    }
    controller_.stop();
  }

private:
  std::unique_ptr<runtime::Informer> informer(kube::Client& client, kube::Resource resource,
                                              std::string label_selector) {
    runtime::InformerOptions options;
    options.namespace_ = options_.watch_namespace;
    options.label_selector = std::move(label_selector);
    return std::make_unique<runtime::Informer>(client, std::move(resource), options, clock_,
                                               runtime::RealSleeper::instance());
  }

  std::vector<runtime::Informer*> all() {
    return {clusters_.get(), pods_.get(), services_.get(), config_maps_.get(), pvcs_.get(),
            connections_.get()};
  }

  // An ActiveRedisConnection event wakes the RedisCluster its spec.instance names (both, when an
  // update changed it): the cluster follows, pauses or detaches accordingly.
  runtime::EventHandlers enqueueTarget() {
    const auto target = [this](const nlohmann::json& connection) {
      const auto& metadata = connection.value("metadata", nlohmann::json::object());
      const std::string instance =
          connection.value("spec", nlohmann::json::object()).value("instance", "");
      if (!instance.empty()) {
        controller_.enqueue({metadata.value("namespace", ""), instance});
      }
    };
    return runtime::EventHandlers{
        target, [target](const nlohmann::json& old_object, const nlohmann::json& new_object) {
          target(old_object);
          target(new_object);
        },
        target};
  }

  RedisClusterControllerOptions options_;
  const Clock& clock_;
  std::unique_ptr<runtime::Informer> clusters_;
  std::unique_ptr<runtime::Informer> pods_;
  std::unique_ptr<runtime::Informer> services_;
  std::unique_ptr<runtime::Informer> config_maps_;
  std::unique_ptr<runtime::Informer> pvcs_;
  std::unique_ptr<runtime::Informer> connections_;
  runtime::EventRecorder events_;
  std::unique_ptr<HostResolver> resolver_;
  Result<AllowedNetworks> allowed_sources_;
  RedisClusterReconciler reconciler_;
  runtime::Controller controller_;
};

} // namespace

std::unique_ptr<app::Runnable> makeRedisClusterController(kube::Client& client,
                                                          redis::RedisConnector& connector,
                                                          observability::OperatorMetrics* metrics,
                                                          RedisClusterControllerOptions options,
                                                          const Clock& clock) {
  return std::make_unique<RedisClusterController>(client, connector, metrics, std::move(options),
                                                  clock);
}

} // namespace rdr::controller
