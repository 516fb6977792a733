// ActiveRedisConnection (redis.middleware.alauda.io/v1alpha1): a DR link from a target instance
// to a source, with the per-shard status shape of the seed documents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/api/object_meta.h"
#include "rdr/common/result.h"

namespace rdr::api {

struct ActiveRedisConnectionSpec {
  std::vector<std::string> addresses; // "host:port", alternatives tried in order
  std::string instance;               // the target RedisCluster in this namespace
  bool pause = false;
  std::string secret_name; // Secret with key "password" for the source; empty: no auth

  bool operator==(const ActiveRedisConnectionSpec&) const = default;
};

enum class ConnectionState { Healthy, Failed, Paused, Connecting };

enum class ShardLinkStatus { Connected, Disconnected };

struct ShardStatus {
  int index = 0;
  std::string offset = "0"; // processed replication offset, as a string (seed 000)
  std::string op_id = "0";  // the upstream replication ID the offset belongs to
  ShardLinkStatus status = ShardLinkStatus::Disconnected;
  std::string sync_status = "PartialSync"; // "FullSync" | "PartialSync"

  bool operator==(const ShardStatus&) const = default;
};

// Spelled in snake_case inside, as seed 000 shows: {service_id: 0, service_metadata: {instance: ns/name}}.
struct UpstreamPeer {
  std::int64_t service_id = 0;
  std::map<std::string, std::string> service_metadata;

  bool operator==(const UpstreamPeer&) const = default;
};

struct ActiveRedisConnectionStatus {
  std::string instance;
  std::optional<ConnectionState> status;
  std::string message; // "shard 0 status is Disconnected; ..."; empty when Healthy
  std::vector<ShardStatus> shards;
  std::optional<UpstreamPeer> upstream_peer;

  bool operator==(const ActiveRedisConnectionStatus&) const = default;
};

struct ActiveRedisConnection {
  ObjectMeta metadata;
  ActiveRedisConnectionSpec spec;
  ActiveRedisConnectionStatus status;

  bool operator==(const ActiveRedisConnection&) const = default;
};

std::string_view toString(ConnectionState state);
std::string_view toString(ShardLinkStatus status);
Result<ConnectionState> parseConnectionState(std::string_view text);
Result<ShardLinkStatus> parseShardLinkStatus(std::string_view text);

// Parses an ActiveRedisConnection (apiVersion/kind checked); Invalid with the field path on a
// wrong type. Absent fields take the CRD's defaults.
Result<ActiveRedisConnection> parseActiveRedisConnection(const nlohmann::json& object);

nlohmann::json toJson(const ActiveRedisConnection& connection);
nlohmann::json toJson(const ActiveRedisConnectionStatus& status);

} // namespace rdr::api
