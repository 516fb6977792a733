// RedisClusterReconciler: observe -> plan -> status -> execute, for one RedisCluster key.
#pragma once

#include <map>
#include <mutex>
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
  HostResolver& resolver;
  AllowedNetworks allowed_sources; // --allowed-source-networks
  // ActiveRedisConnections (any namespace the controller watches); none: no connection drives.
  const runtime::Cache* connections = nullptr;
};

class RedisClusterReconciler final : public runtime::Reconciler {
public:
  explicit RedisClusterReconciler(ReconcilerDependencies dependencies);

  // runtime::Reconciler
  Result<runtime::ReconcileResult> reconcile(const kube::ObjectKey& key) override;

private:
  Result<runtime::ReconcileResult> reconcileCluster(const kube::ObjectKey& key);
  // The ActiveRedisConnection that drives the cluster (decideDriver), if any.
  Result<std::optional<ConnectionLink>> drivingConnection(const api::RedisCluster& cluster);
  bool shouldWriteStatus(const kube::ObjectKey& key, const api::RedisClusterStatus& stored,
                         const api::RedisClusterStatus& planned);
  void exportMetrics(const api::RedisCluster& cluster, const api::RedisClusterStatus& status);

  // How often a status whose only change is offsets and lag is written.
  static constexpr std::chrono::seconds kOffsetRefresh{10};
  // The shortest pause between two probe rounds of one cluster.
  static constexpr std::chrono::milliseconds kMinRequeue{100};

  ReconcilerDependencies deps_;
  std::mutex mutex_;
  std::map<std::string, SystemTime> last_status_write_; // by "namespace/name"
  ProbeHistory history_;
  Observer observer_;
};

} // namespace rdr::controller
