// RedisCluster (redis.io/v1): spec and status as C++ values, and their JSON form.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/api/condition.h"
#include "rdr/api/object_meta.h"
#include "rdr/common/result.h"

namespace rdr::api {

// ---------------------------------------------------------------- spec

enum class ClusterMode { Standalone, Sentinel, Cluster };

struct StorageSpec {
  std::string size;                              // a Kubernetes quantity, e.g. "100Gi"
  std::optional<std::string> storage_class_name; // absent: the cluster's default class

  bool operator==(const StorageSpec&) const = default;
};

struct SecretRef {
  std::string name;

  bool operator==(const SecretRef&) const = default;
};

// Sentinel group settings; only meaningful for mode: sentinel.
struct SentinelSpec {
  int instances = 3;
  int quorum = 2;
  int down_after_milliseconds = 5000;
  int failover_timeout = 60000;
  std::optional<std::string> master_name; // absent: the cluster's name (see effectiveMasterName)

  bool operator==(const SentinelSpec&) const = default;
};

// In-cluster high availability for mode: standalone.
struct FailoverSpec {
  bool enabled = true;
  int failure_threshold = 3;
  int probe_interval_seconds = 1;

  bool operator==(const FailoverSpec&) const = default;
};

// The external primary a cluster in replica mode follows.
struct ReplicaSourceSpec {
  std::string cluster_name; // human-readable, used in the ReplicaMode condition message
  std::string host;         // an IP address or a DNS name
  int port = 6379;
  std::string auth_secret_name; // Secret in this namespace with key "password"; empty: no auth

  bool operator==(const ReplicaSourceSpec&) const = default;
};

struct ReplicaModeSpec {
  bool enabled = false;
  std::optional<ReplicaSourceSpec> source;
  bool promote = false;

  bool operator==(const ReplicaModeSpec&) const = default;
};

struct RedisClusterSpec {
  int instances = 3;
  ClusterMode mode = ClusterMode::Standalone;
  std::string image_name = "redis:7.2";
  std::optional<StorageSpec> storage; // absent: emptyDir
  // core/v1 types passed to the pods unchanged; null when absent.
  nlohmann::json resources;
  std::map<std::string, std::string> node_selector;
  nlohmann::json tolerations;
  nlohmann::json affinity;
  std::map<std::string, std::string> redis; // extra redis.conf directives
  std::optional<SecretRef> auth_secret;     // absent: the operator generates <name>-auth
  int min_sync_replicas = 0;
  std::optional<SecretRef> tls_secret;
  std::optional<SentinelSpec> sentinel;
  FailoverSpec failover;
  std::optional<ReplicaModeSpec> replica_mode;

  bool operator==(const RedisClusterSpec&) const = default;
};

// ---------------------------------------------------------------- status

enum class ClusterPhase { Creating, Healthy, Replicating, Degraded, Promoting, FailingOver, Failed };

enum class LinkStatus { Up, Down };

enum class SyncStatus { FullSync, PartialSync };

struct InstanceStatus {
  std::string name;
  std::string role; // "primary" | "replica"
  std::string pod_ip;
  bool ready = false;
  std::optional<LinkStatus> master_link_status; // replicas only
  std::int64_t replication_offset = 0;
  std::optional<std::int64_t> lag_bytes; // replicas only: primary offset minus this offset
  int connected_replicas = 0;

  bool operator==(const InstanceStatus&) const = default;
};

// The link to an upstream (replica mode or an ActiveRedisConnection), seen from the leader.
struct ReplicationStatus {
  std::string source; // "host:port"
  LinkStatus link_status = LinkStatus::Down;
  std::optional<SyncStatus> sync_status;
  std::optional<std::int64_t> upstream_offset; // the source's master_repl_offset when reachable
  std::int64_t offset = 0;                     // the leader's processed offset
  std::optional<std::int64_t> lag_bytes;       // upstream_offset - offset, when known
  std::optional<std::int64_t> last_io_seconds_ago;
  // How the leader's last (re)connection to the source synchronised: PartialSync (the source
  // continued the stream) or FullSync (a whole new copy), from the source's sync counters.
  std::optional<SyncStatus> last_resync;
  // The replication ID `offset` belongs to: the leader's master_replid while it follows the
  // source (the source's ID); empty when unknown.
  std::string replication_id;

  bool operator==(const ReplicationStatus&) const = default;
};

struct RedisClusterStatus {
  std::optional<ClusterPhase> phase;
  int instances = 0;
  int ready_instances = 0;
  std::string current_primary;
  std::string write_service;
  std::int64_t observed_generation = 0;
  std::vector<Condition> conditions;
  std::vector<InstanceStatus> instances_status;
  std::optional<ReplicationStatus> replication;

  bool operator==(const RedisClusterStatus&) const = default;
};

struct RedisCluster {
  ObjectMeta metadata;
  RedisClusterSpec spec;
  RedisClusterStatus status;

  bool operator==(const RedisCluster&) const = default;
};

// ---------------------------------------------------------------- enum names

std::string_view toString(ClusterMode mode);
std::string_view toString(ClusterPhase phase);
std::string_view toString(LinkStatus status);
std::string_view toString(SyncStatus status);
Result<ClusterMode> parseClusterMode(std::string_view text);
Result<ClusterPhase> parseClusterPhase(std::string_view text);
Result<LinkStatus> parseLinkStatus(std::string_view text);
Result<SyncStatus> parseSyncStatus(std::string_view text);

// ---------------------------------------------------------------- JSON

// Parses a RedisCluster object (apiVersion/kind are checked). Absent fields take the defaults of
// api.md, exactly as the CRD's schema defaults them; a present field of the wrong type or an
// unknown enum value is Invalid with its path: "spec.mode: unsupported value \"foo\" ...".
// Semantic rules (ranges, cross-field rules) are checked by validate(), not here.
Result<RedisCluster> parseRedisCluster(const nlohmann::json& object);

// The full object with every defaulted field written out; status is omitted when empty.
nlohmann::json toJson(const RedisCluster& cluster);
nlohmann::json toJson(const RedisClusterSpec& spec);
nlohmann::json toJson(const RedisClusterStatus& status);

} // namespace rdr::api
