// Everything a RedisCluster owns, built at once from the cluster and the pods' boot roles.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/api/redis_cluster.h"
#include "rdr/common/result.h"
#include "rdr/resources/boot_role.h"

namespace rdr::resources {

struct DesiredSetInputs {
  // One per instance, ordinal order; checkBootRoles() must accept them.
  std::vector<BootRole> boot_roles;
  // Only when spec.authSecret is absent and the controller is about to create <name>-auth: the
  // password it generated. Left empty on later reconciles, since the Secret is never updated.
  std::optional<std::string> generated_password;
};

struct DesiredSet {
  nlohmann::json config_map;
  std::optional<nlohmann::json> auth_secret; // the generated Secret, when it is to be created
  std::vector<nlohmann::json> services;      // leader, replicas, headless
  std::vector<nlohmann::json> pvcs;          // by ordinal; empty without spec.storage
  std::vector<nlohmann::json> pods;          // by ordinal

  // Every object, in creation order: ConfigMap, Secret, Services, PVCs, pods (a pod's volumes and
  // Secret references exist before the pod does).
  std::vector<nlohmann::json> all() const;
};

// Builds the desired set. Invalid when the cluster lacks the metadata its objects need (name,
// namespace, uid for the owner references) or spec.redis sets a managed directive; Internal when
// the boot roles break invariant 1 (checkBootRoles).
Result<DesiredSet> buildDesiredSet(const api::RedisCluster& cluster, const DesiredSetInputs& inputs);

} // namespace rdr::resources
