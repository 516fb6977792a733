// The questions controllers ask of a RedisCluster, derived from spec + last status every time
// (the operator never writes spec, so nothing here may depend on state it would have to store there).
#pragma once

#include <string>

#include "rdr/api/condition.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::api {

// What spec.replicaMode asks for, given what the last status recorded:
// 1. no replicaMode, or enabled=false            -> Standalone (an ordinary primary cluster);
// 2. enabled, promote=false, never promoted        -> FollowSource;
// 3. enabled, promote=true                         -> Promoted;
// 4. enabled, promote=false, status says Promoted  -> Demote (a DR drill going back to following;
//    writes made while promoted are discarded by the full resync).
enum class ReplicationIntent { Standalone, FollowSource, Promoted, Demote };

ReplicationIntent replicationIntent(const RedisCluster& cluster);

bool isReplicaModeEnabled(const RedisClusterSpec& spec);
// True while the cluster must follow its external source (FollowSource or Demote).
bool isReplica(const RedisCluster& cluster);
bool isPromoted(const RedisCluster& cluster);
bool isDemotionRequested(const RedisCluster& cluster);

// The pod that is (or will become) the primary: status.currentPrimary when it names one of the
// cluster's current pods, otherwise ordinal 0.
std::string designatedLeader(const RedisCluster& cluster);

// spec.sentinel.masterName, or the cluster's name.
std::string effectiveMasterName(const RedisCluster& cluster);

// The ReplicaMode condition for the current spec, worded exactly as api.md and seed 003:
// Enabled:  True,  "Cluster is replicating from <clusterName> (<host>:<port>)"
// Promoted: False, "Cluster promoted to standalone (former source: <clusterName>)"
// Disabled: False, "Replica mode is not enabled"
// A demotion keeps reason Enabled with a message that says local writes are being discarded.
Condition replicaModeCondition(const RedisCluster& cluster);

} // namespace rdr::api
