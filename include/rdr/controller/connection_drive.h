// Which ActiveRedisConnection drives a RedisCluster, and the replica-mode spec it amounts to
// (pure). Both the RedisCluster controller (which follows the source) and the
// ActiveRedisConnection controller (which reports on it) decide with these functions, so they
// never disagree about who drives a cluster.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/api/active_redis_connection.h"
#include "rdr/api/host_port.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::controller {

// Held by every connection until its target is detached (its leader ran REPLICAOF NO ONE) or
// there is nothing to detach (no target, or the connection never drove it).
inline constexpr std::string_view kConnectionFinalizer = "redis.middleware.alauda.io/detach";

// The source's name in the target's messages: "ActiveRedisConnection <name>".
std::string connectionSourceName(std::string_view connection_name);

// True when a ReplicaMode message names `connection_name` as its source
// ("ActiveRedisConnection <name>" followed by a space, ')' or the end, so "conn" is not "conn-2").
bool namesConnection(const std::string& message, const std::string& connection_name);

// The addresses of spec.addresses, in order; Invalid naming the first malformed one
// ("spec.addresses[1]: must be host:port ..."), or when there is none.
Result<std::vector<api::HostPort>> connectionAddresses(const api::ActiveRedisConnection& connection);

struct DriveDecision {
  std::optional<std::string> driver;          // the name of the connection that drives the cluster
  std::map<std::string, std::string> refused; // connection name -> why it does not drive it
};

// Who drives `cluster`, among `connections` (those naming it in spec.instance, same namespace;
// others are ignored). Rules, in order:
// 1. a connection whose spec is invalid (no instance, no address, a malformed address) drives
//    nothing: its message names the field;
// 2. a connection being deleted that no longer holds kConnectionFinalizer drives nothing (it is
//    gone as soon as the API server removes it);
// 3. a cluster whose spec.replicaMode.enabled is true follows its own source: no connection
//    drives it (a cluster follows one source; nothing flips between the two);
// 4. of the rest, the oldest (creationTimestamp, then name) drives; each other one is refused
//    naming it. A connection being deleted still drives while it holds the finalizer: it is
//    detaching the cluster.
DriveDecision decideDriver(const api::RedisCluster& cluster,
                           const std::vector<api::ActiveRedisConnection>& connections);

// The address a cluster keeps following when `connection`, which drove it (its last ReplicaMode
// condition, reason Enabled, names it, and status.replication.source says where), is refused only
// because its spec became invalid: an edit mistake must never promote a DR copy or flip its role.
// Nothing in every other case (not being deleted is required: a delete detaches).
std::optional<api::HostPort> keptAddress(const api::RedisCluster& cluster,
                                         const api::ActiveRedisConnection& connection);

// The cluster as the replica-mode machinery sees it while `connection` drives it through
// `address`: spec.replicaMode = {enabled, promote: the connection is being deleted (a detach
// promotes the leader), source {clusterName connectionSourceName(), host and port of `address`,
// authSecretName spec.secretName}}. Only read by the plan; never written to the API.
api::RedisCluster drivenCluster(const api::RedisCluster& cluster,
                                const api::ActiveRedisConnection& connection,
                                const api::HostPort& address);

} // namespace rdr::controller
