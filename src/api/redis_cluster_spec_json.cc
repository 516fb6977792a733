// RedisCluster spec <-> JSON, with api.md's defaults applied exactly where the CRD applies them.
#include <utility>

#include "enum_names.h"
#include "json_read.h"
#include "redis_cluster_json.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using detail::joinPath;

Result<std::optional<SecretRef>> parseSecretRef(const json& spec, std::string_view field,
                                                std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(spec, field, path));
  if (object == nullptr) {
    return std::optional<SecretRef>();
  }
  RDR_ASSIGN_OR_RETURN(auto name, detail::readString(*object, "name", joinPath(path, field)));
  return std::optional<SecretRef>(SecretRef{name.value_or("")});
}

Result<std::optional<StorageSpec>> parseStorage(const json& spec, std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(spec, "storage", path));
  if (object == nullptr) {
    return std::optional<StorageSpec>();
  }
  const std::string here = joinPath(path, "storage");
  StorageSpec storage;
  RDR_ASSIGN_OR_RETURN(auto size, detail::readIntOrString(*object, "size", here));
  RDR_ASSIGN_OR_RETURN(storage.storage_class_name,
                       detail::readString(*object, "storageClassName", here));
  storage.size = size.value_or("");
  return std::optional<StorageSpec>(std::move(storage));
}

// Present: every absent sub-field takes its default (the CRD defaults inside an object that
// exists).
Result<std::optional<SentinelSpec>> parseSentinel(const json& spec, std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(spec, "sentinel", path));
  if (object == nullptr) {
    return std::optional<SentinelSpec>();
  }
  const std::string here = joinPath(path, "sentinel");
  SentinelSpec sentinel;
  RDR_ASSIGN_OR_RETURN(auto instances, detail::readInt32(*object, "instances", here));
  RDR_ASSIGN_OR_RETURN(auto quorum, detail::readInt32(*object, "quorum", here));
  RDR_ASSIGN_OR_RETURN(auto down_after, detail::readInt32(*object, "downAfterMilliseconds", here));
  RDR_ASSIGN_OR_RETURN(auto timeout, detail::readInt32(*object, "failoverTimeout", here));
  RDR_ASSIGN_OR_RETURN(sentinel.master_name, detail::readString(*object, "masterName", here));
  sentinel.instances = instances.value_or(sentinel.instances);
  sentinel.quorum = quorum.value_or(sentinel.quorum);
  sentinel.down_after_milliseconds = down_after.value_or(sentinel.down_after_milliseconds);
  sentinel.failover_timeout = timeout.value_or(sentinel.failover_timeout);
  return std::optional<SentinelSpec>(std::move(sentinel));
}

// Always populated: an absent `failover` is all defaults.
Result<FailoverSpec> parseFailover(const json& spec, std::string_view path) {
  FailoverSpec failover;
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(spec, "failover", path));
  if (object == nullptr) {
    return failover;
  }
  const std::string here = joinPath(path, "failover");
  RDR_ASSIGN_OR_RETURN(auto enabled, detail::readBool(*object, "enabled", here));
  RDR_ASSIGN_OR_RETURN(auto threshold, detail::readInt32(*object, "failureThreshold", here));
  RDR_ASSIGN_OR_RETURN(auto interval, detail::readInt32(*object, "probeIntervalSeconds", here));
  failover.enabled = enabled.value_or(failover.enabled);
  failover.failure_threshold = threshold.value_or(failover.failure_threshold);
  failover.probe_interval_seconds = interval.value_or(failover.probe_interval_seconds);
  return failover;
}

Result<std::optional<ReplicaSourceSpec>> parseSource(const json& replica_mode,
                                                     std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(replica_mode, "source", path));
  if (object == nullptr) {
    return std::optional<ReplicaSourceSpec>();
  }
  const std::string here = joinPath(path, "source");
  ReplicaSourceSpec source;
  RDR_ASSIGN_OR_RETURN(auto cluster_name, detail::readString(*object, "clusterName", here));
  RDR_ASSIGN_OR_RETURN(auto host, detail::readString(*object, "host", here));
  RDR_ASSIGN_OR_RETURN(auto port, detail::readInt32(*object, "port", here));
  RDR_ASSIGN_OR_RETURN(auto auth, detail::readString(*object, "authSecretName", here));
  source.cluster_name = cluster_name.value_or("");
  source.host = host.value_or("");
  source.port = port.value_or(source.port);
  source.auth_secret_name = auth.value_or("");
  return std::optional<ReplicaSourceSpec>(std::move(source));
}

Result<std::optional<ReplicaModeSpec>> parseReplicaMode(const json& spec, std::string_view path) {
  RDR_ASSIGN_OR_RETURN(const json* object, detail::readObject(spec, "replicaMode", path));
  if (object == nullptr) {
    return std::optional<ReplicaModeSpec>();
  }
  const std::string here = joinPath(path, "replicaMode");
  ReplicaModeSpec replica_mode;
  RDR_ASSIGN_OR_RETURN(auto enabled, detail::readBool(*object, "enabled", here));
  RDR_ASSIGN_OR_RETURN(auto promote, detail::readBool(*object, "promote", here));
  RDR_ASSIGN_OR_RETURN(replica_mode.source, parseSource(*object, here));
  replica_mode.enabled = enabled.value_or(false);
  replica_mode.promote = promote.value_or(false);
  return std::optional<ReplicaModeSpec>(std::move(replica_mode));
}

// A core/v1 value passed to the pods unchanged: only its JSON type is checked here.
Result<json> readPassThrough(const json& spec, std::string_view field, std::string_view path,
                             bool is_array) {
  if (is_array) {
    RDR_ASSIGN_OR_RETURN(const json* value, detail::readArray(spec, field, path));
    return value == nullptr ? json() : *value;
  }
  RDR_ASSIGN_OR_RETURN(const json* value, detail::readObject(spec, field, path));
  return value == nullptr ? json() : *value;
}

json toJson(const SecretRef& ref) {
  return {{"name", ref.name}};
}

json toJson(const ReplicaModeSpec& replica_mode) {
  json out = {{"enabled", replica_mode.enabled}, {"promote", replica_mode.promote}};
  if (replica_mode.source) {
    const ReplicaSourceSpec& source = *replica_mode.source;
    json source_json = {{"port", source.port}};
    if (!source.cluster_name.empty()) {
      source_json["clusterName"] = source.cluster_name;
    }
    if (!source.host.empty()) {
      source_json["host"] = source.host;
    }
    if (!source.auth_secret_name.empty()) {
      source_json["authSecretName"] = source.auth_secret_name;
    }
    out["source"] = std::move(source_json);
  }
  return out;
}

} // namespace

namespace detail {

Result<RedisClusterSpec> parseRedisClusterSpec(const json& spec) {
  const std::string path = "spec";
  RedisClusterSpec out;
  if (spec.is_null()) {
    return out;
  }
  if (!spec.is_object()) {
    return typeError(path, "object", spec);
  }
  RDR_ASSIGN_OR_RETURN(auto instances, readInt32(spec, "instances", path));
  RDR_ASSIGN_OR_RETURN(auto mode, readEnum(spec, "mode", path, parseClusterMode));
  RDR_ASSIGN_OR_RETURN(auto image, readString(spec, "imageName", path));
  RDR_ASSIGN_OR_RETURN(out.storage, parseStorage(spec, path));
  RDR_ASSIGN_OR_RETURN(out.resources, readPassThrough(spec, "resources", path, false));
  RDR_ASSIGN_OR_RETURN(auto node_selector, readStringMap(spec, "nodeSelector", path));
  RDR_ASSIGN_OR_RETURN(out.tolerations, readPassThrough(spec, "tolerations", path, true));
  RDR_ASSIGN_OR_RETURN(out.affinity, readPassThrough(spec, "affinity", path, false));
  RDR_ASSIGN_OR_RETURN(auto redis, readStringMap(spec, "redis", path));
  RDR_ASSIGN_OR_RETURN(out.auth_secret, parseSecretRef(spec, "authSecret", path));
  RDR_ASSIGN_OR_RETURN(auto min_sync, readInt32(spec, "minSyncReplicas", path));
  RDR_ASSIGN_OR_RETURN(out.tls_secret, parseSecretRef(spec, "tlsSecret", path));
  RDR_ASSIGN_OR_RETURN(out.sentinel, parseSentinel(spec, path));
  RDR_ASSIGN_OR_RETURN(out.failover, parseFailover(spec, path));
  RDR_ASSIGN_OR_RETURN(out.replica_mode, parseReplicaMode(spec, path));
  out.instances = instances.value_or(out.instances);
  out.mode = mode.value_or(out.mode);
  out.image_name = image.value_or(out.image_name);
  out.node_selector = node_selector.value_or(std::map<std::string, std::string>{});
  out.redis = redis.value_or(std::map<std::string, std::string>{});
  out.min_sync_replicas = min_sync.value_or(out.min_sync_replicas);
  return out;
}

} // namespace detail

// Fields with a CRD default are always written; optional ones only when set, so that the output
// equals what the API server stores after defaulting the user's manifest.
json toJson(const RedisClusterSpec& spec) {
  json out = {{"instances", spec.instances},
              {"mode", std::string(toString(spec.mode))},
              {"imageName", spec.image_name},
              {"minSyncReplicas", spec.min_sync_replicas},
              {"failover",
               {{"enabled", spec.failover.enabled},
                {"failureThreshold", spec.failover.failure_threshold},
                {"probeIntervalSeconds", spec.failover.probe_interval_seconds}}}};
  if (spec.storage) {
    out["storage"] = {{"size", spec.storage->size}};
    if (spec.storage->storage_class_name) {
      out["storage"]["storageClassName"] = *spec.storage->storage_class_name;
    }
  }
  if (!spec.resources.is_null()) {
    out["resources"] = spec.resources;
  }
  if (!spec.node_selector.empty()) {
    out["nodeSelector"] = spec.node_selector;
  }
  if (!spec.tolerations.is_null()) {
    out["tolerations"] = spec.tolerations;
  }
  if (!spec.affinity.is_null()) {
    out["affinity"] = spec.affinity;
  }
  if (!spec.redis.empty()) {
    out["redis"] = spec.redis;
  }
  if (spec.auth_secret) {
    out["authSecret"] = toJson(*spec.auth_secret);
  }
  if (spec.tls_secret) {
    out["tlsSecret"] = toJson(*spec.tls_secret);
  }
  if (spec.sentinel) {
    out["sentinel"] = {{"instances", spec.sentinel->instances},
                       {"quorum", spec.sentinel->quorum},
                       {"downAfterMilliseconds", spec.sentinel->down_after_milliseconds},
                       {"failoverTimeout", spec.sentinel->failover_timeout}};
    if (spec.sentinel->master_name) {
      out["sentinel"]["masterName"] = *spec.sentinel->master_name;
    }
  }
  if (spec.replica_mode) {
    out["replicaMode"] = toJson(*spec.replica_mode);
  }
  return out;
}

} // namespace rdr::api
