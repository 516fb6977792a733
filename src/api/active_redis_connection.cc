// ActiveRedisConnection <-> JSON, status spelled exactly as seed 000 (snake_case in upstreamPeer).
#include "rdr/api/active_redis_connection.h"

#include <array>
#include <utility>

#include "enum_names.h"
#include "json_read.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/api/well_known.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using detail::joinPath;

constexpr std::array<detail::EnumName<ConnectionState>, 4> kStateNames = {{
    {ConnectionState::Healthy, "Healthy"},
    {ConnectionState::Failed, "Failed"},
    {ConnectionState::Paused, "Paused"},
    {ConnectionState::Connecting, "Connecting"},
}};

constexpr std::array<detail::EnumName<ShardLinkStatus>, 2> kShardLinkNames = {{
    {ShardLinkStatus::Connected, "Connected"},
    {ShardLinkStatus::Disconnected, "Disconnected"},
}};

Result<ActiveRedisConnectionSpec> parseSpec(const json& object) {
  const std::string path = "spec";
  ActiveRedisConnectionSpec spec;
  RDR_ASSIGN_OR_RETURN(const json* value, detail::readObject(object, "spec", ""));
  if (value == nullptr) {
    return spec;
  }
  RDR_ASSIGN_OR_RETURN(auto addresses, detail::readStringList(*value, "addresses", path));
  RDR_ASSIGN_OR_RETURN(auto instance, detail::readString(*value, "instance", path));
  RDR_ASSIGN_OR_RETURN(auto pause, detail::readBool(*value, "pause", path));
  RDR_ASSIGN_OR_RETURN(auto secret, detail::readString(*value, "secretName", path));
  spec.addresses = addresses.value_or(std::vector<std::string>{});
  spec.instance = instance.value_or("");
  spec.pause = pause.value_or(false);
  spec.secret_name = secret.value_or("");
  return spec;
}

Result<ShardStatus> parseShard(const json& value, const std::string& path) {
  if (!value.is_object()) {
    return detail::typeError(path, "object", value);
  }
  ShardStatus shard;
  RDR_ASSIGN_OR_RETURN(auto index, detail::readInt32(value, "index", path));
  RDR_ASSIGN_OR_RETURN(auto offset, detail::readString(value, "offset", path));
  RDR_ASSIGN_OR_RETURN(auto op_id, detail::readString(value, "opId", path));
  RDR_ASSIGN_OR_RETURN(auto status, detail::readEnum(value, "status", path, parseShardLinkStatus));
  // syncStatus is a string in the struct, but only the two names of SyncStatus are accepted.
  RDR_ASSIGN_OR_RETURN(auto sync, detail::readEnum(value, "syncStatus", path, parseSyncStatus));
  shard.index = index.value_or(shard.index);
  shard.offset = offset.value_or(shard.offset);
  shard.op_id = op_id.value_or(shard.op_id);
  shard.status = status.value_or(shard.status);
  if (sync) {
    shard.sync_status = std::string(toString(*sync));
  }
  return shard;
}

Result<std::optional<UpstreamPeer>> parseUpstreamPeer(const json& status, std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(status, "upstreamPeer", path));
  if (object == nullptr) {
    return std::optional<UpstreamPeer>();
  }
  const std::string here = joinPath(path, "upstreamPeer");
  UpstreamPeer peer;
  RDR_ASSIGN_OR_RETURN(auto service_id, detail::readInt(*object, "service_id", here));
  RDR_ASSIGN_OR_RETURN(auto metadata, detail::readStringMap(*object, "service_metadata", here));
  peer.service_id = service_id.value_or(0);
  peer.service_metadata = metadata.value_or(std::map<std::string, std::string>{});
  return std::optional<UpstreamPeer>(std::move(peer));
}

Result<ActiveRedisConnectionStatus> parseStatus(const json& object) {
  const std::string path = "status";
  ActiveRedisConnectionStatus status;
  RDR_ASSIGN_OR_RETURN(const json* value, detail::readObject(object, "status", ""));
  if (value == nullptr) {
    return status;
  }
  RDR_ASSIGN_OR_RETURN(auto instance, detail::readString(*value, "instance", path));
  RDR_ASSIGN_OR_RETURN(status.status,
                       detail::readEnum(*value, "status", path, parseConnectionState));
  RDR_ASSIGN_OR_RETURN(auto message, detail::readString(*value, "message", path));
  RDR_ASSIGN_OR_RETURN(const json* shards, detail::readArray(*value, "shards", path));
  RDR_ASSIGN_OR_RETURN(status.upstream_peer, parseUpstreamPeer(*value, path));
  status.instance = instance.value_or("");
  status.message = message.value_or("");
  if (shards != nullptr) {
    for (std::size_t i = 0; i < shards->size(); ++i) {
      RDR_ASSIGN_OR_RETURN(auto shard,
                           parseShard((*shards)[i], detail::indexPath(path + ".shards", i)));
      status.shards.push_back(std::move(shard));
    }
  }
  return status;
}

json toJson(const ActiveRedisConnectionSpec& spec) {
  json out = {{"addresses", spec.addresses}, {"instance", spec.instance}, {"pause", spec.pause}};
  if (!spec.secret_name.empty()) {
    out["secretName"] = spec.secret_name;
  }
  return out;
}

json toJson(const ShardStatus& shard) {
  return {{"index", shard.index},
          {"offset", shard.offset},
          {"opId", shard.op_id},
          {"status", std::string(toString(shard.status))},
          {"syncStatus", shard.sync_status}};
}

// service_metadata is always written, as null when empty: the shape of the Go original (a nil
// map without omitempty), and what seed 000 shows.
json toJson(const UpstreamPeer& peer) {
  json metadata = peer.service_metadata.empty() ? json() : json(peer.service_metadata);
  return {{"service_id", peer.service_id}, {"service_metadata", std::move(metadata)}};
}

} // namespace

std::string_view toString(ConnectionState state) {
  return detail::enumName(kStateNames, state);
}

std::string_view toString(ShardLinkStatus status) {
  return detail::enumName(kShardLinkNames, status);
}

Result<ConnectionState> parseConnectionState(std::string_view text) {
  return detail::parseEnum(kStateNames, text);
}

Result<ShardLinkStatus> parseShardLinkStatus(std::string_view text) {
  return detail::parseEnum(kShardLinkNames, text);
}

Result<ActiveRedisConnection> parseActiveRedisConnection(const json& object) {
  if (!object.is_object()) {
    return detail::typeError(kConnectionKind, "object", object);
  }
  RDR_RETURN_IF_ERROR(detail::checkTypeMeta(object, kConnectionApiVersion, kConnectionKind));
  ActiveRedisConnection connection;
  RDR_ASSIGN_OR_RETURN(connection.metadata,
                       parseObjectMeta(detail::fieldOrNull(object, "metadata")));
  RDR_ASSIGN_OR_RETURN(connection.spec, parseSpec(object));
  RDR_ASSIGN_OR_RETURN(connection.status, parseStatus(object));
  return connection;
}

json toJson(const ActiveRedisConnectionStatus& status) {
  json out = json::object();
  if (!status.instance.empty()) {
    out["instance"] = status.instance;
  }
  if (status.status) {
    out["status"] = std::string(toString(*status.status));
  }
  if (!status.message.empty()) {
    out["message"] = status.message;
  }
  if (!status.shards.empty()) {
    json shards = json::array();
    for (const auto& shard : status.shards) {
      shards.push_back(toJson(shard));
    }
    out["shards"] = std::move(shards);
  }
  if (status.upstream_peer) {
    out["upstreamPeer"] = toJson(*status.upstream_peer);
  }
  return out;
}

json toJson(const ActiveRedisConnection& connection) {
  json out = {{"apiVersion", std::string(kConnectionApiVersion)},
              {"kind", std::string(kConnectionKind)},
              {"metadata", toJson(connection.metadata)},
              {"spec", toJson(connection.spec)}};
  if (connection.status != ActiveRedisConnectionStatus{}) {
    out["status"] = toJson(connection.status);
  }
  return out;
}

} // namespace rdr::api
