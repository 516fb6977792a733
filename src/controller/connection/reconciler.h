// ActiveRedisConnectionReconciler: gather -> plan -> finalizer -> status, for one connection key.
#pragma once

#include <chrono>

#include "plan.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/runtime/cache.h"
#include "rdr/runtime/controller.h"
#include "rdr/runtime/event_recorder.h"

namespace rdr::controller {

struct ConnectionReconcilerDependencies {
  kube::Client& client;
  const runtime::Cache& connections;
  const runtime::Cache& clusters;
  runtime::EventRecorder& events;
  observability::OperatorMetrics* metrics = nullptr;
};

// Reports on a connection and holds its finalizer; never talks to Redis (the RedisCluster
// controller follows the source and detaches the target).
class ActiveRedisConnectionReconciler final : public runtime::Reconciler {
public:
  explicit ActiveRedisConnectionReconciler(ConnectionReconcilerDependencies dependencies);

  // runtime::Reconciler
  Result<runtime::ReconcileResult> reconcile(const kube::ObjectKey& key) override;

  // How often a connection is looked at again without an event: the source's Secret has no
  // informer, so a Secret created later is noticed within this period.
  static constexpr std::chrono::seconds kResync{10};

private:
  Result<runtime::ReconcileResult> reconcileConnection(const kube::ObjectKey& key);
  Result<ConnectionInputs> gather(const api::ActiveRedisConnection& connection);
  Result<ConnectionSecret> readSecret(const api::ActiveRedisConnection& connection);
  // @return the stored object after the change; nothing when the object is gone.

  ConnectionReconcilerDependencies deps_;
};

} // namespace rdr::controller
