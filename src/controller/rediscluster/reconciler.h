// RedisClusterReconciler: observe -> plan -> status -> execute, for one RedisCluster key.
#pragma once

#include <string>

#include "observe.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/runtime/controller.h"
#include "rdr/runtime/event_recorder.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::controller {

struct ReconcilerDependencies {
  kube::Client& client;
  const runtime::Cache& clusters;
  ClusterCaches caches;
  redis::RedisConnector& connector;
  runtime::EventRecorder& events;
  observability::OperatorMetrics* metrics = nullptr;
  const Clock& clock;
  runtime::Sleeper& sleeper;
  std::string cluster_domain = "cluster.local";
};

class RedisClusterReconciler final : public runtime::Reconciler {
public:
  explicit RedisClusterReconciler(ReconcilerDependencies dependencies);

  // runtime::Reconciler
  Result<runtime::ReconcileResult> reconcile(const kube::ObjectKey& key) override;

private:
  Result<runtime::ReconcileResult> reconcileCluster(const kube::ObjectKey& key);
  Status writeStatus(const nlohmann::json& object, const api::RedisClusterStatus& status);
  void exportMetrics(const api::RedisCluster& cluster, const api::RedisClusterStatus& status);

  ReconcilerDependencies deps_;
  ProbeHistory history_;
  Observer observer_;
};

} // namespace rdr::controller
