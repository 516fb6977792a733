// The RedisCluster reconcile's pure step: spec + observations + now -> actions + status.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/clock.h"
#include "rdr/controller/pod_view.h"
#include "rdr/controller/sentinel_plan.h"
#include "rdr/replication/failure_detection.h"
#include "rdr/replication/node_state.h"

namespace rdr::controller {

// One data pod as observed this round.
struct PodObservation {
  PodView pod;
  std::optional<replication::NodeState> node; // the probe's answer; nothing when it failed
  std::string probe_error;                     // why the probe failed (or was not tried)
  bool refuses_password = false;               // the probe was refused: NOAUTH / WRONGPASS
  replication::ProbeRecord probes;             // history, including this round
};

// The external source of a cluster in replica mode, as observed this round.
struct SourceState {
  std::string host;
  int port = 6379;
  std::string address; // "host:port", as status.replication.source spells it
  // The Secret named by replicaMode.source.authSecretName (none named: ready, no password).
  bool secret_ready = true;
  std::string secret_problem;
  bool allowed = true; // resolves inside --allowed-source-networks
  std::optional<replication::NodeState> node; // the source's INFO replication, when reachable
  std::string problem; // why it is not usable (unresolvable, refused, unreachable, a replica ...)
  // Set in the round the leader's link to the source came up: how it synchronised.
  std::optional<api::SyncStatus> resync;
  std::string resync_evidence; // e.g. "the source's sync_partial_ok went from 3 to 4"
  // The ActiveRedisConnection that drives the cluster; empty for spec.replicaMode.
  std::string connection;
  // That connection is being deleted (it still holds its finalizer): the leader is promoted,
  // then the finalizer goes (FinishDetach).
  bool detaching = false;
  // The connection's spec.pause: the leader follows nobody (the restart fence's address),
  // read-only, keeping its replication position; the source is not contacted.
  bool paused = false;
};

// One Sentinel pod (mode: sentinel) as observed this round.
struct SentinelPodObservation {
  PodView pod;                 // its ordinal is empty: Sentinel pods are <name>-sentinel-<index>
  SentinelObservation answer;  // what it said (reachable false when it was not asked or failed)
};

struct ClusterObservation {
  api::RedisCluster cluster;
  std::map<int, PodObservation> pods; // by ordinal, including ordinals >= spec.instances
  // mode: sentinel, and Sentinel pods left over from it: by index, including indexes beyond
  // spec.sentinel.instances.
  std::map<int, SentinelPodObservation> sentinels;
  std::set<std::string> services;     // names of the owned Services that exist
  std::set<std::string> pvcs;         // names of the owned PVCs that exist
  std::optional<std::string> redis_conf; // the ConfigMap's redis.conf, when the ConfigMap exists
  // The auth Secret: present with a usable password, or why not.
  bool auth_secret_ready = false;
  std::string auth_secret_problem;
  // Only when the generated Secret must be created: the password to put in it.
  std::optional<std::string> generated_password;
  // Replica mode (spec.replicaMode.enabled): the source. Absent otherwise.
  std::optional<SourceState> source;
  SystemTime now{};
  std::string cluster_domain = "cluster.local";
};

// ---------------------------------------------------------------- actions (executed in order)

struct CreateObject {
  nlohmann::json object; // kind decides the resource
};
struct UpdateConfigMapData {
  std::string name;
  nlohmann::json data;
};
struct DeleteObject {
  std::string kind; // "Pod" | "PersistentVolumeClaim" | "Service"
  std::string name;
  std::string reason; // for the log
};
struct SetPodRoleLabel {
  std::string pod;
  std::string role; // "primary" | "replica"
};
// REPLICAOF NO ONE on the pod the plan recorded as currentPrimary (invariant 2).
struct PromotePod {
  std::string pod;
  std::string pod_ip;
};
// CONFIG SET masterauth <password>, then REPLICAOF host port. The password is the cluster's own,
// or the source's when the designated leader of a replica-mode cluster follows the source.
struct FollowPrimary {
  std::string pod;
  std::string pod_ip;
  std::string upstream_host;
  int upstream_port = 6379;
  bool source_auth = false;
};
// CONFIG SET replica-priority <priority> (mode sentinel: 0 keeps Sentinel from promoting a pod
// that a scale-down removes).
struct SetReplicaPriority {
  std::string pod;
  std::string pod_ip;
  int priority = 100;
};
// A planned hand-over from a healthy primary: pause its writes, let `to` catch up, promote `to`,
// make `from` follow it, unpause.
struct Switchover {
  std::string from_pod;
  std::string from_ip;
  std::string to_pod;
  std::string to_ip;
  std::string to_host; // the DNS name `from` follows afterwards
};
struct RecordEvent {
  bool warning = false;
  std::string reason;
  std::string message;
};
struct CountFailover {};
struct CountPromotion {};
// The detach of a deleted ActiveRedisConnection is done: its finalizer goes (the API server then
// deletes it), with an Event Detached on it saying `message`.
struct FinishDetach {
  std::string connection;
  std::string message;
};

// One action on a Sentinel (MONITOR, REMOVE, RESET, SET, FAILOVER: sentinel_plan.h), with the
// group's settings; MONITOR also sets the cluster's password as auth-pass.
struct ConfigureSentinel {
  SentinelAction action;
  SentinelSettings settings;
};

using Action = std::variant<CreateObject, UpdateConfigMapData, DeleteObject, SetPodRoleLabel,
                            PromotePod, FollowPrimary, Switchover, RecordEvent, CountFailover,
                            CountPromotion, FinishDetach, ConfigureSentinel, SetReplicaPriority>;

struct ClusterPlan {
  // The status to write. The executor writes it before any other action when it differs from the
  // stored one, so the choice of primary is recorded before it is acted on (invariant 2).
  api::RedisClusterStatus status;
  std::vector<Action> actions;
  std::chrono::milliseconds requeue_after{1000};
  // Set when the spec cannot be served (invalid, unsupported): nothing is created or changed and
  // the cluster is not requeued until its spec changes.
  bool spec_refused = false;
};

// The whole decision. Pure: same inputs, same plan.
ClusterPlan planCluster(const ClusterObservation& observation);

// Whether the planned status is written now. Rules:
// 1. nothing changed: no write;
// 2. anything but the per-pod offsets and lag changed: write now;
// 3. only offsets and lag moved (a cluster taking writes): at most every `offset_refresh` after
//    the last write (`last_write`; none known: now), so a busy cluster costs one status write
//    per refresh, not one per probe.
bool statusWriteDue(const api::RedisClusterStatus& stored, const api::RedisClusterStatus& planned,
                    std::optional<SystemTime> last_write, SystemTime now,
                    std::chrono::seconds offset_refresh);

} // namespace rdr::controller
