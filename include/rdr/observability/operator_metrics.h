// The operator's metric families, declared in one place: names, help, labels and buckets.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/observability/metrics.h"

namespace rdr::observability {

inline constexpr std::string_view kReplicationLagBytes = "redis_replication_lag_bytes";
inline constexpr std::string_view kMasterLinkUp = "redis_master_link_up";
inline constexpr std::string_view kFailoversTotal = "redis_dr_failovers_total";
inline constexpr std::string_view kPromotionsTotal = "redis_dr_promotions_total";
inline constexpr std::string_view kReconcileDurationSeconds = "redis_dr_reconcile_duration_seconds";
inline constexpr std::string_view kReconcileTotal = "redis_dr_reconcile_total";
inline constexpr std::string_view kBuildInfo = "redis_dr_build_info";

// The `result` label of redis_dr_reconcile_total, with controller-runtime's values.
enum class ReconcileOutcome { Success, Error, Requeue, RequeueAfter };

// "success", "error", "requeue", "requeue_after".
std::string_view reconcileOutcomeName(ReconcileOutcome outcome);

// The reconcile duration buckets, in seconds (a reconcile probes Redis with short timeouts).
std::vector<double> reconcileDurationBuckets();

// Typed access to the operator's families. Per-cluster series are labelled {cluster, namespace}.
//
// Only the process holding the leader-election Lease reconciles, so only the leader sets
// per-cluster gauges; a standby exports none. Controllers must call forgetCluster() when a
// RedisCluster is deleted and forgetAllClusters() if the process ever stops leading without
// exiting.
class OperatorMetrics {
public:
  // Registers every family in `registry` and sets redis_dr_build_info{version} to 1.
  // @return AlreadyExists when the families are registered already.
  static Result<OperatorMetrics> create(Registry& registry, std::string_view version);

  void setReplicationLag(std::string_view ns, std::string_view cluster, double bytes);
  void setMasterLinkUp(std::string_view ns, std::string_view cluster, bool up);
  void countFailover(std::string_view ns, std::string_view cluster);
  void countPromotion(std::string_view ns, std::string_view cluster);
  // Removes every per-cluster series of one cluster (it was deleted).
  void forgetCluster(std::string_view ns, std::string_view cluster);
  // Removes every per-cluster series (the process no longer leads).
  void forgetAllClusters();

  // Counts one reconcile of `controller` and records how long it took.
  void observeReconcile(std::string_view controller, ReconcileOutcome outcome,
                        std::chrono::duration<double> elapsed);

  const std::shared_ptr<Gauge>& replicationLagBytes() const { return replicationLagBytes_; }
  const std::shared_ptr<Gauge>& masterLinkUp() const { return masterLinkUp_; }
  const std::shared_ptr<Counter>& failovers() const { return failovers_; }
  const std::shared_ptr<Counter>& promotions() const { return promotions_; }
  const std::shared_ptr<Histogram>& reconcileDuration() const { return reconcileDuration_; }
  const std::shared_ptr<Counter>& reconciles() const { return reconciles_; }
  const std::shared_ptr<Gauge>& buildInfo() const { return buildInfo_; }

private:
  OperatorMetrics() = default;

  std::shared_ptr<Gauge> replicationLagBytes_;
  std::shared_ptr<Gauge> masterLinkUp_;
  std::shared_ptr<Counter> failovers_;
  std::shared_ptr<Counter> promotions_;
  std::shared_ptr<Histogram> reconcileDuration_;
  std::shared_ptr<Counter> reconciles_;
  std::shared_ptr<Gauge> buildInfo_;
};

} // namespace rdr::observability
