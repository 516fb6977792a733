// Sentinel's commands, over a RedisAdmin connected to a Sentinel (port 26379): errors as values,
// the auth-pass value never in a message.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rdr/common/result.h"
#include "rdr/redis/admin.h"

namespace rdr::redis {

inline constexpr int kSentinelPort = 26379;

// SENTINEL GET-MASTER-ADDR-BY-NAME <master>: the address this Sentinel names as the master, or
// nothing when it monitors no master by that name.
Result<std::optional<Endpoint>> sentinelMasterAddress(RedisAdmin& sentinel,
                                                      const std::string& master);

// SENTINEL REPLICAS <master> and SENTINEL SENTINELS <master>: the IPs of the replicas and the
// other Sentinels this Sentinel knows for the master, those that are gone included.
Result<std::vector<std::string>> sentinelKnownIps(RedisAdmin& sentinel, const std::string& master);

// SENTINEL MONITOR <master> <ip> <port> <quorum>. Sentinel wants an IP address (unless
// resolve-hostnames is on).
Status sentinelMonitor(RedisAdmin& sentinel, const std::string& master, const Endpoint& primary,
                       int quorum);

// SENTINEL SET <master> <option> <value>: down-after-milliseconds, failover-timeout,
// parallel-syncs, quorum, auth-pass (its value is never logged or put in an error).
Status sentinelSet(RedisAdmin& sentinel, const std::string& master, const std::string& option,
                   const std::string& value);

// SENTINEL REMOVE <master>: stop monitoring it. A master it does not monitor is not an error.
Status sentinelRemove(RedisAdmin& sentinel, const std::string& master);

// SENTINEL MASTER <master>: the fields this Sentinel reports for the master (quorum,
// down-after-milliseconds, failover-timeout, parallel-syncs, flags, ...), by name.
Result<std::map<std::string, std::string>> sentinelMasterFields(RedisAdmin& sentinel,
                                                                const std::string& master);

// SENTINEL MASTERS: the names of every master this Sentinel monitors.
Result<std::vector<std::string>> sentinelMasterNames(RedisAdmin& sentinel);

// SENTINEL FAILOVER <master>: this Sentinel fails the master over now, choosing the replica by
// its own rules, without asking the others. A failover already in progress is not an error.
Status sentinelFailover(RedisAdmin& sentinel, const std::string& master);

// SENTINEL RESET <pattern>: forget the replicas and Sentinels learned for matching masters (stale
// entries of pods that are gone); @return how many masters were reset.
Result<int> sentinelReset(RedisAdmin& sentinel, const std::string& pattern);

} // namespace rdr::redis
