// The RedisCluster controller: informers, work queue and the reconciler, as one Runnable.
#pragma once

#include <memory>
#include <string>

#include "rdr/app/runnable.h"
#include "rdr/common/clock.h"
#include "rdr/kube/client.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/redis/admin.h"

namespace rdr::controller {

struct RedisClusterControllerOptions {
  std::string watch_namespace; // empty: every namespace
  int workers = 2;
  std::string cluster_domain = "cluster.local";
  std::string event_instance; // reportingInstance of Events (the pod or host name)
  std::string allowed_source_networks; // --allowed-source-networks: CIDRs, comma-separated; "" any
};

// Watches RedisClusters and the Pods, Services, ConfigMaps and PVCs they own; reconciles each
// cluster when something changes and every spec.failover.probeIntervalSeconds.
std::unique_ptr<app::Runnable> makeRedisClusterController(kube::Client& client,
                                                          redis::RedisConnector& connector,
                                                          observability::OperatorMetrics* metrics,
                                                          RedisClusterControllerOptions options,
                                                          const Clock& clock = SystemClock::instance());

} // namespace rdr::controller
