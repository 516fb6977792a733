// Boot roles: validation of the invariants they carry, pod DNS names, and a fresh cluster's roles.
#include "rdr/resources/boot_role.h"

#include <algorithm>
#include <cctype>

#include "rdr/api/derived.h"
#include "rdr/api/names.h"

namespace rdr::resources {

std::string_view toString(PodRole role) {
  return role == PodRole::Primary ? api::kRolePrimary : api::kRoleReplica;
}

Status checkBootRole(const BootRole& role) {
  if (role.role == PodRole::Replica && !role.replica_of) {
    return Error(ErrorCode::Internal, "a replica boot role must say whom the pod follows");
  }
  if (!role.replica_of) {
    return okStatus();
  }
  const Upstream& up = *role.replica_of;
  const bool blank = up.host.empty() || std::any_of(up.host.begin(), up.host.end(), [](char c) {
                       return std::isspace(static_cast<unsigned char>(c)) != 0;
                     });
  if (blank) {
    return Error(ErrorCode::Internal, "upstream host \"" + up.host + "\" is not a host name");
  }
  if (up.port < 1 || up.port > 65535) {
    return Error(ErrorCode::Internal,
                 "upstream port " + std::to_string(up.port) + " is outside 1..65535");
  }
  return okStatus();
}

Status checkBootRoles(const api::RedisCluster& cluster, const std::vector<BootRole>& roles) {
  if (roles.size() != static_cast<size_t>(cluster.spec.instances)) {
    return Error(ErrorCode::Internal, std::to_string(roles.size()) + " boot roles for " +
                                          std::to_string(cluster.spec.instances) + " instances");
  }
  int primaries = 0;
  int masters = 0;
  for (size_t i = 0; i < roles.size(); ++i) {
    const Status status = checkBootRole(roles[i]);
    if (!status) {
      return status.error().wrap("boot role of " +
                                 api::podName(cluster.metadata.name, static_cast<int>(i)));
    }
    primaries += roles[i].role == PodRole::Primary ? 1 : 0;
    masters += roles[i].replica_of ? 0 : 1;
  }
  if (primaries != 1) {
    return Error(ErrorCode::Internal, std::to_string(primaries) +
                                          " pods labelled primary; the leader Service needs one");
  }
  if (masters > 1) {
    return Error(ErrorCode::Internal, std::to_string(masters) +
                                          " pods would boot as masters (invariant 1: at most one)");
  }
  return okStatus();
}

std::string podHost(const api::RedisCluster& cluster, int ordinal,
                    std::string_view cluster_domain) {
  const auto& name = cluster.metadata.name;
  return api::podName(name, ordinal) + "." + api::headlessServiceName(name) + "." +
         cluster.metadata.namespace_ + ".svc." + std::string(cluster_domain);
}

int leaderOrdinal(const api::RedisCluster& cluster) {
  return api::podOrdinal(cluster.metadata.name, api::designatedLeader(cluster)).value_or(0);
}

std::vector<BootRole> defaultBootRoles(const api::RedisCluster& cluster,
                                       std::string_view cluster_domain) {
  const int leader = leaderOrdinal(cluster);
  const auto& replica_mode = cluster.spec.replica_mode;
  std::vector<BootRole> roles;
  roles.reserve(static_cast<size_t>(std::max(cluster.spec.instances, 0)));
  for (int i = 0; i < cluster.spec.instances; ++i) {
    if (i != leader) {
      roles.push_back(BootRole::replicaOf(Upstream{podHost(cluster, leader, cluster_domain),
                                                   api::kRedisPort,
                                                   api::authSecretName(cluster)}));
    } else if (api::isReplica(cluster) && replica_mode->source) {
      const auto& source = *replica_mode->source;
      std::optional<std::string> secret;
      if (!source.auth_secret_name.empty()) {
        secret = source.auth_secret_name;
      }
      roles.push_back(BootRole::leaderFollowing(Upstream{source.host, source.port, secret}));
    } else {
      roles.push_back(BootRole::primary());
    }
  }
  return roles;
}

} // namespace rdr::resources
