// RedisCluster: enum names, and the object-level JSON (apiVersion, kind, metadata, spec, status).
#include "rdr/api/redis_cluster.h"

#include <array>

#include "enum_names.h"
#include "json_read.h"
#include "rdr/api/well_known.h"
#include "redis_cluster_json.h"

namespace rdr::api {
namespace {

using nlohmann::json;

constexpr std::array<detail::EnumName<ClusterMode>, 3> kModeNames = {{
    {ClusterMode::Standalone, "standalone"},
    {ClusterMode::Sentinel, "sentinel"},
    {ClusterMode::Cluster, "cluster"},
}};

constexpr std::array<detail::EnumName<ClusterPhase>, 7> kPhaseNames = {{
    {ClusterPhase::Creating, "Creating"},
    {ClusterPhase::Healthy, "Healthy"},
    {ClusterPhase::Replicating, "Replicating"},
    {ClusterPhase::Degraded, "Degraded"},
    {ClusterPhase::Promoting, "Promoting"},
    {ClusterPhase::FailingOver, "FailingOver"},
    {ClusterPhase::Failed, "Failed"},
}};

constexpr std::array<detail::EnumName<LinkStatus>, 2> kLinkNames = {{
    {LinkStatus::Up, "up"},
    {LinkStatus::Down, "down"},
}};

constexpr std::array<detail::EnumName<SyncStatus>, 2> kSyncNames = {{
    {SyncStatus::FullSync, "FullSync"},
    {SyncStatus::PartialSync, "PartialSync"},
}};

} // namespace

std::string_view toString(ClusterMode mode) {
  return detail::enumName(kModeNames, mode);
}
std::string_view toString(ClusterPhase phase) {
  return detail::enumName(kPhaseNames, phase);
}
std::string_view toString(LinkStatus status) {
  return detail::enumName(kLinkNames, status);
}
std::string_view toString(SyncStatus status) {
  return detail::enumName(kSyncNames, status);
}

Result<ClusterMode> parseClusterMode(std::string_view text) {
  return detail::parseEnum(kModeNames, text);
}
Result<ClusterPhase> parseClusterPhase(std::string_view text) {
  return detail::parseEnum(kPhaseNames, text);
}
Result<LinkStatus> parseLinkStatus(std::string_view text) {
  return detail::parseEnum(kLinkNames, text);
}
Result<SyncStatus> parseSyncStatus(std::string_view text) {
  return detail::parseEnum(kSyncNames, text);
}

Result<RedisCluster> parseRedisCluster(const json& object) {
  if (!object.is_object()) {
    return detail::typeError(kRedisClusterKind, "object", object);
  }
  RDR_RETURN_IF_ERROR(detail::checkTypeMeta(object, kRedisClusterApiVersion, kRedisClusterKind));
  RedisCluster cluster;
  RDR_ASSIGN_OR_RETURN(cluster.metadata, parseObjectMeta(detail::fieldOrNull(object, "metadata")));
  RDR_ASSIGN_OR_RETURN(cluster.spec,
                       detail::parseRedisClusterSpec(detail::fieldOrNull(object, "spec")));
  RDR_ASSIGN_OR_RETURN(cluster.status,
                       detail::parseRedisClusterStatus(detail::fieldOrNull(object, "status")));
  return cluster;
}

json toJson(const RedisCluster& cluster) {
  json out = {{"apiVersion", std::string(kRedisClusterApiVersion)},
              {"kind", std::string(kRedisClusterKind)},
              {"metadata", toJson(cluster.metadata)},
              {"spec", toJson(cluster.spec)}};
  if (cluster.status != RedisClusterStatus{}) {
    out["status"] = toJson(cluster.status);
  }
  return out;
}

} // namespace rdr::api
