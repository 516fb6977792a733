// The operator's families: names and labels as api.md and seed 003 spell them, removal per cluster.
#include <chrono>

#include <gtest/gtest.h>

#include "rdr/observability/operator_metrics.h"

namespace rdr::observability {
namespace {

TEST(OperatorMetricsTest, BuildInfoIsExportedFromTheStart) {
  Registry registry;
  auto metrics = OperatorMetrics::create(registry, "0.1.0");
  ASSERT_TRUE(metrics.has_value()) << metrics.error().toString();
  EXPECT_EQ(registry.render(),
            "# HELP redis_dr_build_info Build information of the operator; the value is 1.\n"
            "# TYPE redis_dr_build_info gauge\n"
            "redis_dr_build_info{version=\"0.1.0\"} 1\n");
}

TEST(OperatorMetricsTest, PerClusterSeriesUseClusterAndNamespaceLabels) {
  Registry registry;
  auto metrics = OperatorMetrics::create(registry, "0.1.0").value();
  metrics.setReplicationLag("default", "redis-west", 10485760);
  metrics.setMasterLinkUp("default", "redis-west", true);
  metrics.setMasterLinkUp("dr", "redis-east", false);
  metrics.countFailover("default", "redis-west");
  metrics.countPromotion("default", "redis-west");
  metrics.countPromotion("default", "redis-west");
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE redis_replication_lag_bytes gauge\n"
                      "redis_replication_lag_bytes{cluster=\"redis-west\",namespace=\"default\"} "
                      "1.048576e+07\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("redis_master_link_up{cluster=\"redis-east\",namespace=\"dr\"} 0\n"
                      "redis_master_link_up{cluster=\"redis-west\",namespace=\"default\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE redis_dr_failovers_total counter\n"
                      "redis_dr_failovers_total{cluster=\"redis-west\",namespace=\"default\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("redis_dr_promotions_total{cluster=\"redis-west\",namespace=\"default\"} 2\n"),
      std::string::npos)
      << text;
}

TEST(OperatorMetricsTest, ForgetClusterRemovesOnlyThatCluster) {
  Registry registry;
  auto metrics = OperatorMetrics::create(registry, "v").value();
  metrics.setReplicationLag("ns", "a", 1);
  metrics.setReplicationLag("ns", "b", 2);
  metrics.setMasterLinkUp("ns", "a", true);
  metrics.countFailover("ns", "a");
  metrics.forgetCluster("ns", "a");
  const std::string text = registry.render();
  EXPECT_EQ(text.find("cluster=\"a\""), std::string::npos) << text;
  EXPECT_NE(text.find("redis_replication_lag_bytes{cluster=\"b\",namespace=\"ns\"} 2\n"),
            std::string::npos)
      << text;
  metrics.forgetAllClusters();
  EXPECT_EQ(registry.render().find("cluster="), std::string::npos);
}

TEST(OperatorMetricsTest, ObserveReconcileCountsResultAndDuration) {
  Registry registry;
  auto metrics = OperatorMetrics::create(registry, "v").value();
  metrics.observeReconcile("rediscluster", ReconcileOutcome::Success,
                           std::chrono::milliseconds(20));
  metrics.observeReconcile("rediscluster", ReconcileOutcome::RequeueAfter,
                           std::chrono::milliseconds(2000));
  EXPECT_EQ(metrics.reconciles()->value({"rediscluster", "success"}), 1);
  EXPECT_EQ(metrics.reconciles()->value({"rediscluster", "requeue_after"}), 1);
  const auto snapshot = metrics.reconcileDuration()->snapshot({"rediscluster"});
  EXPECT_EQ(snapshot.count, 2u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 2.02);
  const std::string text = registry.render();
  EXPECT_NE(text.find("redis_dr_reconcile_duration_seconds_bucket{controller=\"rediscluster\","
                      "le=\"0.025\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("redis_dr_reconcile_total{controller=\"rediscluster\",result=\"success\"} 1\n"),
      std::string::npos)
      << text;
}

TEST(OperatorMetricsTest, RegisteringTwiceFails) {
  Registry registry;
  ASSERT_TRUE(OperatorMetrics::create(registry, "v").has_value());
  const auto again = OperatorMetrics::create(registry, "v");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(ErrorCode::AlreadyExists));
}

TEST(OperatorMetricsTest, OutcomeNamesMatchControllerRuntime) {
  EXPECT_EQ(reconcileOutcomeName(ReconcileOutcome::Success), "success");
  EXPECT_EQ(reconcileOutcomeName(ReconcileOutcome::Error), "error");
  EXPECT_EQ(reconcileOutcomeName(ReconcileOutcome::Requeue), "requeue");
  EXPECT_EQ(reconcileOutcomeName(ReconcileOutcome::RequeueAfter), "requeue_after");
}

} // namespace
} // namespace rdr::observability
