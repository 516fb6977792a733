// RedisCluster status <-> JSON, field names in camelCase exactly as api.md spells them.
#include <utility>

#include "enum_names.h"
#include "json_read.h"
#include "redis_cluster_json.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using detail::joinPath;

Result<InstanceStatus> parseInstanceStatus(const json& value, const std::string& path) {
  if (!value.is_object()) {
    return detail::typeError(path, "object", value);
  }
  InstanceStatus instance;
  RDR_ASSIGN_OR_RETURN(auto name, detail::readString(value, "name", path));
  RDR_ASSIGN_OR_RETURN(auto role, detail::readString(value, "role", path));
  RDR_ASSIGN_OR_RETURN(auto pod_ip, detail::readString(value, "podIP", path));
  RDR_ASSIGN_OR_RETURN(auto ready, detail::readBool(value, "ready", path));
  RDR_ASSIGN_OR_RETURN(instance.master_link_status,
                       detail::readEnum(value, "masterLinkStatus", path, parseLinkStatus));
  RDR_ASSIGN_OR_RETURN(auto offset, detail::readInt(value, "replicationOffset", path));
  RDR_ASSIGN_OR_RETURN(instance.lag_bytes, detail::readInt(value, "lagBytes", path));
  RDR_ASSIGN_OR_RETURN(auto connected, detail::readInt32(value, "connectedReplicas", path));
  instance.name = name.value_or("");
  instance.role = role.value_or("");
  instance.pod_ip = pod_ip.value_or("");
  instance.ready = ready.value_or(false);
  instance.replication_offset = offset.value_or(0);
  instance.connected_replicas = connected.value_or(0);
  return instance;
}

Result<std::optional<ReplicationStatus>> parseReplication(const json& status,
                                                          std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(status, "replication", path));
  if (object == nullptr) {
    return std::optional<ReplicationStatus>();
  }
  const std::string here = joinPath(path, "replication");
  ReplicationStatus replication;
  RDR_ASSIGN_OR_RETURN(auto source, detail::readString(*object, "source", here));
  RDR_ASSIGN_OR_RETURN(auto link, detail::readEnum(*object, "linkStatus", here, parseLinkStatus));
  RDR_ASSIGN_OR_RETURN(replication.sync_status,
                       detail::readEnum(*object, "syncStatus", here, parseSyncStatus));
  RDR_ASSIGN_OR_RETURN(replication.upstream_offset,
                       detail::readInt(*object, "upstreamOffset", here));
  RDR_ASSIGN_OR_RETURN(auto offset, detail::readInt(*object, "offset", here));
  RDR_ASSIGN_OR_RETURN(replication.lag_bytes, detail::readInt(*object, "lagBytes", here));
  RDR_ASSIGN_OR_RETURN(replication.last_io_seconds_ago,
                       detail::readInt(*object, "lastIOSecondsAgo", here));
  RDR_ASSIGN_OR_RETURN(replication.last_resync,
                       detail::readEnum(*object, "lastResync", here, parseSyncStatus));
  RDR_ASSIGN_OR_RETURN(auto replid, detail::readString(*object, "replicationId", here));
  replication.replication_id = replid.value_or("");
  replication.source = source.value_or("");
  replication.link_status = link.value_or(LinkStatus::Down);
  replication.offset = offset.value_or(0);
  return std::optional<ReplicationStatus>(std::move(replication));
}

json toJson(const InstanceStatus& instance) {
  json out = {{"name", instance.name},
              {"role", instance.role},
              {"ready", instance.ready},
              {"replicationOffset", instance.replication_offset},
              {"connectedReplicas", instance.connected_replicas}};
  if (!instance.pod_ip.empty()) {
    out["podIP"] = instance.pod_ip;
  }
  if (instance.master_link_status) {
    out["masterLinkStatus"] = std::string(toString(*instance.master_link_status));
  }
  if (instance.lag_bytes) {
    out["lagBytes"] = *instance.lag_bytes;
  }
  return out;
}

json toJson(const ReplicationStatus& replication) {
  json out = {{"source", replication.source},
              {"linkStatus", std::string(toString(replication.link_status))},
              {"offset", replication.offset}};
  if (replication.sync_status) {
    out["syncStatus"] = std::string(toString(*replication.sync_status));
  }
  if (replication.upstream_offset) {
    out["upstreamOffset"] = *replication.upstream_offset;
  }
  if (replication.lag_bytes) {
    out["lagBytes"] = *replication.lag_bytes;
  }
  if (replication.last_io_seconds_ago) {
    out["lastIOSecondsAgo"] = *replication.last_io_seconds_ago;
  }
  if (replication.last_resync) {
    out["lastResync"] = std::string(toString(*replication.last_resync));
  }
  if (!replication.replication_id.empty()) {
    out["replicationId"] = replication.replication_id;
  }
  return out;
}

} // namespace

namespace detail {

Result<RedisClusterStatus> parseRedisClusterStatus(const json& status) {
  const std::string path = "status";
  RedisClusterStatus out;
  if (status.is_null()) {
    return out;
  }
  if (!status.is_object()) {
    return typeError(path, "object", status);
  }
  RDR_ASSIGN_OR_RETURN(out.phase, readEnum(status, "phase", path, parseClusterPhase));
  RDR_ASSIGN_OR_RETURN(auto instances, readInt32(status, "instances", path));
  RDR_ASSIGN_OR_RETURN(auto ready, readInt32(status, "readyInstances", path));
  RDR_ASSIGN_OR_RETURN(auto primary, readString(status, "currentPrimary", path));
  RDR_ASSIGN_OR_RETURN(auto write_service, readString(status, "writeService", path));
  RDR_ASSIGN_OR_RETURN(auto generation, readInt(status, "observedGeneration", path));
  RDR_ASSIGN_OR_RETURN(const json* conditions, readArray(status, "conditions", path));
  RDR_ASSIGN_OR_RETURN(const json* instances_status, readArray(status, "instancesStatus", path));
  RDR_ASSIGN_OR_RETURN(out.replication, parseReplication(status, path));
  out.instances = instances.value_or(0);
  out.ready_instances = ready.value_or(0);
  out.current_primary = primary.value_or("");
  out.write_service = write_service.value_or("");
  out.observed_generation = generation.value_or(0);
  if (conditions != nullptr) {
    for (std::size_t i = 0; i < conditions->size(); ++i) {
      RDR_ASSIGN_OR_RETURN(
          auto condition,
          parseCondition((*conditions)[i], indexPath(joinPath(path, "conditions"), i)));
      out.conditions.push_back(std::move(condition));
    }
  }
  if (instances_status != nullptr) {
    for (std::size_t i = 0; i < instances_status->size(); ++i) {
      RDR_ASSIGN_OR_RETURN(auto instance,
                           parseInstanceStatus((*instances_status)[i],
                                               indexPath(joinPath(path, "instancesStatus"), i)));
      out.instances_status.push_back(std::move(instance));
    }
  }
  return out;
}

} // namespace detail

// Counts and observedGeneration are always written (kubectl's READY column shows 0, not
// <none>); strings, lists and optional values only when set.
json toJson(const RedisClusterStatus& status) {
  json out = {{"instances", status.instances},
              {"readyInstances", status.ready_instances},
              {"observedGeneration", status.observed_generation}};
  if (status.phase) {
    out["phase"] = std::string(toString(*status.phase));
  }
  if (!status.current_primary.empty()) {
    out["currentPrimary"] = status.current_primary;
  }
  if (!status.write_service.empty()) {
    out["writeService"] = status.write_service;
  }
  if (!status.conditions.empty()) {
    json conditions = json::array();
    for (const auto& condition : status.conditions) {
      conditions.push_back(toJson(condition));
    }
    out["conditions"] = std::move(conditions);
  }
  if (!status.instances_status.empty()) {
    json instances = json::array();
    for (const auto& instance : status.instances_status) {
      instances.push_back(toJson(instance));
    }
    out["instancesStatus"] = std::move(instances);
  }
  if (status.replication) {
    out["replication"] = toJson(*status.replication);
  }
  return out;
}

} // namespace rdr::api
