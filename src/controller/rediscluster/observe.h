// The observe step of a RedisCluster reconcile: caches, the auth Secret, parallel Redis probes.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "rdr/common/clock.h"
#include "rdr/controller/cluster_plan.h"
#include "rdr/controller/connection_drive.h"
#include "rdr/controller/source_probe.h"
#include "rdr/replication/resync.h"
#include "rdr/kube/client.h"
#include "rdr/redis/admin.h"
#include "rdr/runtime/cache.h"

namespace rdr::controller {

// The informer caches the controller reads (owned objects are selected by redis.io/cluster).
struct ClusterCaches {
  const runtime::Cache& pods;
  const runtime::Cache& services;
  const runtime::Cache& config_maps;
  const runtime::Cache& pvcs;
};

// Remembers probe histories between reconciles (failure detection counts across rounds).
class ProbeHistory {
public:
  replication::ProbeRecord record(const std::string& pod_key, bool succeeded, SystemTime now,
                                  std::chrono::milliseconds interval, const std::string& error);
  // Forgets every pod of a cluster (it was deleted).
  void forgetCluster(const std::string& cluster_key);

private:
  std::mutex mutex_;
  std::map<std::string, replication::ProbeRecord> records_; // "ns/cluster/pod"
};

// The ActiveRedisConnection that drives a cluster (decideDriver), with its parsed addresses.
struct ConnectionLink {
  api::ActiveRedisConnection connection;
  std::vector<api::HostPort> addresses; // spec.addresses, in order; never empty
};

struct ObservedCluster {
  ClusterObservation observation;
  // The cluster's password when it could be read (or was just generated): AUTH and masterauth.
  std::optional<std::string> password;
  // Replica mode: the source's password (replicaMode.source.authSecretName), when readable.
  std::optional<std::string> source_password;
  // Replica mode: the source's INFO stats, when it answered.
  std::optional<redis::StatsInfo> source_stats;
};

class Observer {
public:
  Observer(kube::Client& client, ClusterCaches caches, redis::RedisConnector& connector,
           ProbeHistory& history, const Clock& clock, std::string cluster_domain,
           HostResolver& resolver, AllowedNetworks allowed)
      : client_(client), caches_(caches), connector_(connector), history_(history), clock_(clock),
        cluster_domain_(std::move(cluster_domain)), resolver_(resolver),
        allowed_(std::move(allowed)) {}

  // Reads what exists and probes every pod with an IP in parallel. Probe failures are
  // observations; only a failed API read is an error. With a driving connection the observed
  // cluster is drivenCluster() towards the address chosen (chooseConnectionAddress rules).
  Result<ObservedCluster> observe(const api::RedisCluster& cluster,
                                  const ConnectionLink* link = nullptr);

  // Forgets what was remembered about a cluster (it was deleted).
  void forgetCluster(const std::string& cluster_key);

private:
  Status readAuth(const api::RedisCluster& cluster, ObservedCluster& observed);
  // Replica mode: the source's Secret, and (while the cluster follows it) the source itself.
  Status observeSource(const api::RedisCluster& cluster, ObservedCluster& observed);
  // A connection's source: the address to follow among its addresses, or paused.
  Status observeConnection(const api::RedisCluster& cluster, const ConnectionLink& link,
                           ObservedCluster& observed);
  // The source's Secret into observed.source_password, or why it cannot be used.
  Status readSourceSecret(const api::RedisCluster& cluster, const std::string& secret_name,
                          const std::string& named_by, ObservedCluster& observed,
                          SourceState& source);
  std::optional<std::string> rememberedPassword(const api::RedisCluster& cluster);
  void remember(const api::RedisCluster& cluster, const std::string& password);
  // Sets observation.source->resync while a resync of the leader from the source (partial or
  // full, replication::trackResync) is not yet in the stored status.
  void detectResync(const api::RedisCluster& cluster, ObservedCluster& observed);
  void probePods(const api::RedisCluster& cluster, ObservedCluster& observed);
  // mode: sentinel: what each Sentinel pod says about the master (observeSentinel), in parallel.
  void askSentinels(const api::RedisCluster& cluster, ClusterObservation& observation);

  kube::Client& client_;
  ClusterCaches caches_;
  redis::RedisConnector& connector_;
  ProbeHistory& history_;
  const Clock& clock_;
  std::string cluster_domain_;
  HostResolver& resolver_;
  AllowedNetworks allowed_;
  std::mutex mutex_;
  // The last password of each cluster's generated Secret ("ns/name"), so that a deleted Secret
  // is re-created with the password the pods run with, not a new one they would refuse.
  std::map<std::string, std::string> passwords_;
  // Per cluster ("ns/name"): the resync tracker of its leader's link to the source.
  std::map<std::string, replication::ResyncTracker> source_sync_;
};

// A random password for the generated <name>-auth Secret: 32 characters of [A-Za-z0-9].
std::string generatePassword();

// The node state the plan needs, from INFO replication.
replication::NodeState toNodeState(const redis::ReplicationInfo& info);

} // namespace rdr::controller
