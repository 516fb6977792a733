// The questions controllers ask of a RedisCluster, derived from spec + last status every time
// (the operator never writes spec, so nothing here may depend on state it would have to store
// there).
#pragma once

#include <string>
#include <string_view>

#include "rdr/api/condition.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::api {

// What spec.replicaMode asks for, given what the last status recorded:
// 1. no replicaMode, or enabled=false            -> Standalone (an ordinary primary cluster);
// 2. enabled, promote=false, never promoted        -> FollowSource;
// 3. enabled, promote=true                         -> Promoted;
// 4. enabled, promote=false, status says Promoted  -> Demote (a DR drill going back to following;
//    writes made while promoted are discarded by the full resync).
//
// How a demotion is represented: the last status's ReplicaMode condition has reason Promoted
// (rule 4). replicaModeCondition() then writes reason Enabled, status True, with a message that
// starts with kDemotionMessagePrefix and says local writes are being discarded. The demotion stays
// visible (and replicationIntent() stays Demote) while that message is in the last status and the
// leader has not finished its full resync: status.replication absent, its link down, or its
// syncStatus not yet PartialSync. Once the leader streams from the source, the intent becomes
// FollowSource and the condition goes back to the ordinary Enabled message (status stays True, so
// lastTransitionTime does not move). Callers emit the Warning Event when setCondition() changes
// the ReplicaMode condition away from reason Promoted, so the Event is sent once.
enum class ReplicationIntent { Standalone, FollowSource, Promoted, Demote };

// The ReplicaMode message of a demotion in progress begins with this.
inline constexpr std::string_view kDemotionMessagePrefix = "Cluster demoted: ";

ReplicationIntent replicationIntent(const RedisCluster& cluster);
std::string_view toString(ReplicationIntent intent);

bool isReplicaModeEnabled(const RedisClusterSpec& spec);
// True while the cluster must follow its external source (FollowSource or Demote).
bool isReplica(const RedisCluster& cluster);
bool isPromoted(const RedisCluster& cluster);
bool isDemotionRequested(const RedisCluster& cluster);

// The pod that is (or will become) the primary: status.currentPrimary when it names one of the
// cluster's current pods (ordinal below spec.instances), otherwise ordinal 0.
std::string designatedLeader(const RedisCluster& cluster);

// spec.sentinel.masterName (when set and not empty), or the cluster's name.
std::string effectiveMasterName(const RedisCluster& cluster);

// "host:port" of the external source ("[addr]:port" for IPv6), as status.replication.source
// spells it; empty when spec.replicaMode.source is absent.
std::string sourceAddress(const RedisClusterSpec& spec);
// The source as messages name it: source.clusterName, or sourceAddress() when the name is empty.
std::string sourceDisplayName(const RedisClusterSpec& spec);

// The ReplicaMode condition for the current spec, worded exactly as api.md and seed 003:
// Enabled:  True,  "Cluster is replicating from <clusterName> (<host>:<port>)"
// Promoted: False, "Cluster promoted to standalone (former source: <clusterName>)"
// Disabled: False, "Replica mode is not enabled"
// Demote:   True, reason Enabled, "Cluster demoted: replicating from <clusterName> (<host>:<port>)
//           again; writes made while promoted are being discarded by a full resync"
// <clusterName> is host:port when source.clusterName is empty. observedGeneration is
// metadata.generation; lastTransitionTime is left empty for setCondition() to fill.
Condition replicaModeCondition(const RedisCluster& cluster);

} // namespace rdr::api
