// Executes a RedisCluster plan's actions in order, stopping at the first failure.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/common/result.h"
#include "rdr/controller/cluster_plan.h"
#include "rdr/kube/client.h"
#include "rdr/observability/operator_metrics.h"
#include "rdr/redis/admin.h"
#include "rdr/runtime/event_recorder.h"
#include "rdr/runtime/sleeper.h"

namespace rdr::controller {

struct ExecutionContext {
  kube::Client& client;
  redis::RedisConnector& connector;
  runtime::EventRecorder& events;
  observability::OperatorMetrics* metrics = nullptr; // optional
  const Clock& clock;
  runtime::Sleeper& sleeper;
  nlohmann::json cluster_object;  // the RedisCluster, for Events
  redis::Credentials credentials; // the cluster's own password: AUTH and masterauth
  std::optional<std::string> source_password; // replica mode: masterauth of the leader
  // A switchover waits at most this long for the new primary to catch up before promoting it.
  std::chrono::milliseconds catch_up_timeout{5000};
  // ... with the old primary's writes paused for this long (Redis lifts the pause by itself).
  std::chrono::milliseconds write_pause{10000};
};

// Runs every action; API writes tolerate NotFound on delete and AlreadyExists on create (the
// cache may lag behind the server). @return the first failure, with the action in its context.
Status executeActions(const std::vector<Action>& actions, ExecutionContext& context);

// The Switchover action (switchover.cc):
// 1. pause writes on the old primary (CLIENT PAUSE WRITE; Redis lifts it by itself if we die);
// 2. wait until the new primary has processed the old one's offset, at most catch_up_timeout
//    (past it, unpause and fail: nothing is promoted, the next reconcile tries again);
// 3. promote the new primary; 4. the old primary follows it; 5. unpause.
Status runSwitchover(const Switchover& action, ExecutionContext& context);

} // namespace rdr::controller
