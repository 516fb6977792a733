// The operator's metric families: registration and the typed helpers the controllers call.
#include "rdr/observability/operator_metrics.h"

#include <string>

namespace rdr::observability {
namespace {

LabelValues clusterLabels(std::string_view ns, std::string_view cluster) {
  return {std::string(cluster), std::string(ns)};
}

} // namespace

std::string_view reconcileOutcomeName(ReconcileOutcome outcome) {
  switch (outcome) {
  case ReconcileOutcome::Success:
    return "success";
  case ReconcileOutcome::Error:
    return "error";
  case ReconcileOutcome::Requeue:
    return "requeue";
  case ReconcileOutcome::RequeueAfter:
    return "requeue_after";
  }
  return "error";
}

std::vector<double> reconcileDurationBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

Result<OperatorMetrics> OperatorMetrics::create(Registry& registry, std::string_view version) {
  const std::vector<std::string> perCluster = {"cluster", "namespace"};
  OperatorMetrics m;
  RDR_ASSIGN_OR_RETURN(
      m.replicationLagBytes_,
      registry.addGauge(std::string(kReplicationLagBytes),
                        "Bytes the cluster's leader is behind its replication source "
                        "(source offset minus processed offset).",
                        perCluster));
  RDR_ASSIGN_OR_RETURN(m.masterLinkUp_,
                       registry.addGauge(std::string(kMasterLinkUp),
                                         "Master link status of the cluster's leader "
                                         "(1=up, 0=down).",
                                         perCluster));
  RDR_ASSIGN_OR_RETURN(m.failovers_,
                       registry.addCounter(std::string(kFailoversTotal),
                                           "Failovers the operator carried out.", perCluster));
  RDR_ASSIGN_OR_RETURN(m.promotions_,
                       registry.addCounter(std::string(kPromotionsTotal),
                                           "Promotions of a disaster-recovery cluster to primary.",
                                           perCluster));
  RDR_ASSIGN_OR_RETURN(m.reconcileDuration_,
                       registry.addHistogram(std::string(kReconcileDurationSeconds),
                                             "Time taken by one reconcile, per controller.",
                                             {"controller"}, reconcileDurationBuckets()));
  RDR_ASSIGN_OR_RETURN(m.reconciles_, registry.addCounter(std::string(kReconcileTotal),
                                                          "Reconciles per controller and result.",
                                                          {"controller", "result"}));
  RDR_ASSIGN_OR_RETURN(m.buildInfo_,
                       registry.addGauge(std::string(kBuildInfo),
                                         "Build information of the operator; the value is 1.",
                                         {"version"}));
  m.buildInfo_->set({std::string(version)}, 1);
  return m;
}

void OperatorMetrics::setReplicationLag(std::string_view ns, std::string_view cluster,
                                        double bytes) {
  replicationLagBytes_->set(clusterLabels(ns, cluster), bytes);
}

void OperatorMetrics::setMasterLinkUp(std::string_view ns, std::string_view cluster, bool up) {
  masterLinkUp_->set(clusterLabels(ns, cluster), up ? 1 : 0);
}

void OperatorMetrics::countFailover(std::string_view ns, std::string_view cluster) {
  failovers_->inc(clusterLabels(ns, cluster));
}

void OperatorMetrics::countPromotion(std::string_view ns, std::string_view cluster) {
  promotions_->inc(clusterLabels(ns, cluster));
}

void OperatorMetrics::forgetCluster(std::string_view ns, std::string_view cluster) {
  const LabelValues labels = clusterLabels(ns, cluster);
  replicationLagBytes_->remove(labels);
  masterLinkUp_->remove(labels);
  failovers_->remove(labels);
  promotions_->remove(labels);
}

void OperatorMetrics::forgetAllClusters() {
  replicationLagBytes_->clear();
  masterLinkUp_->clear();
  failovers_->clear();
  promotions_->clear();
}

void OperatorMetrics::observeReconcile(std::string_view controller, ReconcileOutcome outcome,
                                       std::chrono::duration<double> elapsed) {
  reconciles_->inc({std::string(controller), std::string(reconcileOutcomeName(outcome))});
  reconcileDuration_->observe({std::string(controller)}, elapsed.count());
}

} // namespace rdr::observability
