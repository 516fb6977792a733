// Semantic validation of both resources, with field paths, mirroring the CRD's rules so the
// operator never trusts its input (the API server may be older, or the CRD may be missing rules).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rdr/api/active_redis_connection.h"
#include "rdr/api/redis_cluster.h"

namespace rdr::api {

struct FieldError {
  std::string path;    // "spec.replicaMode.source.port"
  std::string message; // "must be between 1 and 65535, got 70000"

  // "spec.replicaMode.source.port: must be between 1 and 65535, got 70000"
  std::string toString() const;

  bool operator==(const FieldError&) const = default;
};

// Every rule of api.md: instances 1..15, port 1..65535, source.host required when enabled, promote
// requires enabled, minSyncReplicas in 0..instances-1, mode cluster exclusive with replica mode,
// sentinel ranges (quorum <= instances), failover ranges, and redis.conf directives the operator
// manages refused (case-insensitively). Returns all errors, in field order; empty when valid.
std::vector<FieldError> validate(const RedisCluster& cluster);

std::vector<FieldError> validate(const ActiveRedisConnection& connection);

// The redis.conf directives the operator manages and a user may not set through spec.redis:
// replicaof, slaveof, masterauth, masteruser, requirepass, bind, port, dir, daemonize,
// cluster-enabled, min-replicas-*, min-slaves-*, include, user, aclfile, replica-read-only,
// slave-read-only, rename-command (case-insensitive).
bool isManagedRedisDirective(std::string_view directive);

// One spec.redis entry: the key must be a single directive word, not a managed directive, and the
// value a single line (a newline would smuggle in another directive). Nothing when acceptable.
std::optional<FieldError> checkRedisDirective(std::string_view directive, std::string_view value);

// Joins errors as "a: x; b: y" for a condition message.
std::string joinFieldErrors(const std::vector<FieldError>& errors);

} // namespace rdr::api
