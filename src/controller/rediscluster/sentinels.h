// A cluster's Sentinels over the wire: what one Sentinel says (observeSentinel) and carrying out
// planSentinels' actions (executeSentinelAction). Used by observe.cc and execute.cc.
#pragma once

#include <optional>
#include <string>

#include "rdr/common/result.h"
#include "rdr/controller/sentinel_plan.h"
#include "rdr/redis/admin.h"

namespace rdr::controller {

// GET-MASTER-ADDR-BY-NAME, then (when it monitors the master) REPLICAS and SENTINELS. A Sentinel
// that does not answer is an observation (reachable false), never an error.
SentinelObservation observeSentinel(redis::RedisConnector& connector, const std::string& pod,
                                    const std::string& pod_ip, const std::string& master);

// MonitorPrimary: REMOVE when it monitors the name already, MONITOR <primary> <quorum>, then SET
// auth-pass (the cluster's password, when there is one), down-after-milliseconds,
// failover-timeout and parallel-syncs 1. StopMonitoring: REMOVE. ResetSentinel: RESET <master>.
Status executeSentinelAction(redis::RedisConnector& connector, const SentinelAction& action,
                             const SentinelSettings& settings,
                             const std::optional<std::string>& password);

} // namespace rdr::controller
