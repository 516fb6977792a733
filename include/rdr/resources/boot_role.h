// Boot roles: whether a data pod starts as the primary or as a replica of host:port, and with
// which Secret it authenticates to whom it follows. Decided by the controller, rendered by pod.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/api/redis_cluster.h"
#include "rdr/api/well_known.h"
#include "rdr/common/result.h"

namespace rdr::resources {

// The redis.io/role label of a pod, which the Services select on.
enum class PodRole { Primary, Replica };

std::string_view toString(PodRole role); // "primary" | "replica"

// Whom a pod replicates from.
struct Upstream {
  std::string host; // IP or DNS name
  int port = api::kRedisPort;
  // Secret in the cluster's namespace whose key "password" is the upstream's password
  // (becomes masterauth); nullopt: the upstream requires no password.
  std::optional<std::string> auth_secret_name;

  bool operator==(const Upstream&) const = default;
};

// How a pod boots.
// 1. role Replica: replica_of is required; the pod boots as a replica of it (invariant 1: a pod
//    that is not the current primary never boots as a master).
// 2. role Primary without replica_of: the pod boots as the cluster's only master.
// 3. role Primary with replica_of: the designated leader of a DR cluster; it follows the external
//    source yet is labelled primary, so that <name>-leader selects it and it is the one pod to
//    promote (api.md, "Labels, Services, pods").
struct BootRole {
  PodRole role = PodRole::Replica;
  std::optional<Upstream> replica_of;

  static BootRole primary() { return BootRole{PodRole::Primary, std::nullopt}; }
  static BootRole replicaOf(Upstream upstream) { return BootRole{PodRole::Replica, upstream}; }
  static BootRole leaderFollowing(Upstream source) { return BootRole{PodRole::Primary, source}; }

  bool operator==(const BootRole&) const = default;
};

// Internal (a bug in the caller, not a bad spec) when rule 1 is broken or the upstream's host is
// empty or holds whitespace, or its port is outside 1..65535.
Status checkBootRole(const BootRole& role);

// Internal unless the set keeps invariant 1 for a whole cluster: exactly one entry per instance,
// each valid, exactly one labelled primary (the one <name>-leader selects), and at most one
// booting as a master.
Status checkBootRoles(const api::RedisCluster& cluster, const std::vector<BootRole>& roles);

// The DNS name of a data pod through the headless Service, which publishes not-ready pods too:
// "<pod>.<name>-headless.<namespace>.svc.<cluster_domain>".
std::string podHost(const api::RedisCluster& cluster, int ordinal,
                    std::string_view cluster_domain = "cluster.local");

// The ordinal of api::designatedLeader(): status.currentPrimary when it names one of the
// cluster's pods, otherwise 0.
int leaderOrdinal(const api::RedisCluster& cluster);

// The boot roles of a cluster whose pods are all created afresh, leader = leaderOrdinal():
// 1. api::isReplica() (replicaMode enabled and not promoted, or a demotion back to following):
//    the leader follows replicaMode.source with the source's Secret (none when
//    source.authSecretName is empty);
// 2. otherwise the leader boots as the primary;
// 3. every other pod is a replica of the leader's podHost() with the cluster's own auth Secret
//    (one cross-region stream per cluster, not one per pod).
// Re-creating a single pod of a running cluster is the controller's decision, not this function's.
std::vector<BootRole> defaultBootRoles(const api::RedisCluster& cluster,
                                       std::string_view cluster_domain = "cluster.local");

} // namespace rdr::resources
