// The ActiveRedisConnection controller: informers, work queue and the reconciler, as one Runnable.
#pragma once

#include <memory>
#include <string>

#include "rdr/app/runnable.h"
#include "rdr/common/clock.h"
#include "rdr/kube/client.h"
#include "rdr/observability/operator_metrics.h"

namespace rdr::controller {

struct ActiveRedisConnectionControllerOptions {
  std::string watch_namespace; // empty: every namespace
  int workers = 2;
  std::string event_instance; // reportingInstance of Events (the pod or host name)
};

// Watches ActiveRedisConnections and RedisClusters; keeps each connection's finalizer and writes
// its status from its target's status. It never talks to Redis: the RedisCluster controller
// follows the connection's source and detaches the target when the connection is deleted.
std::unique_ptr<app::Runnable>
makeActiveRedisConnectionController(kube::Client& client, observability::OperatorMetrics* metrics,
                                    ActiveRedisConnectionControllerOptions options,
                                    const Clock& clock = SystemClock::instance());

} // namespace rdr::controller
