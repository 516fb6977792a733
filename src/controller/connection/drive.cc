// Which ActiveRedisConnection drives a RedisCluster, and the replica-mode spec it amounts to.
#include "rdr/controller/connection_drive.h"

#include <algorithm>
#include <tuple>

#include "rdr/api/condition.h"
#include "rdr/api/validation.h"
#include "rdr/api/well_known.h"

namespace rdr::controller {

std::string connectionSourceName(std::string_view connection_name) {
  return "ActiveRedisConnection " + std::string(connection_name);
}

Result<std::vector<api::HostPort>> connectionAddresses(const api::ActiveRedisConnection& connection) {
  if (connection.spec.addresses.empty()) {
    return Error(ErrorCode::Invalid, "spec.addresses: must contain at least one address");
  }
  std::vector<api::HostPort> out;
  for (std::size_t i = 0; i < connection.spec.addresses.size(); ++i) {
    auto parsed = api::parseHostPort(connection.spec.addresses[i]);
    if (!parsed) {
      return Error(ErrorCode::Invalid,
                   "spec.addresses[" + std::to_string(i) + "]: " + parsed.error().message());
    }
    out.push_back(std::move(parsed).value());
  }
  return out;
}

bool namesConnection(const std::string& message, const std::string& connection_name) {
  const std::string needle = connectionSourceName(connection_name);
  for (std::size_t at = message.find(needle); at != std::string::npos;
       at = message.find(needle, at + 1)) {
    const std::size_t end = at + needle.size();
    if (end == message.size() || message[end] == ' ' || message[end] == ')') {
      return true;
    }
  }
  return false;
}

namespace {

bool holdsFinalizer(const api::ActiveRedisConnection& connection) {
  const auto& finalizers = connection.metadata.finalizers;
  return std::find(finalizers.begin(), finalizers.end(), kConnectionFinalizer) != finalizers.end();
}

std::string invalidSpec(const api::ActiveRedisConnection& connection) {
  std::string message;
  for (const api::FieldError& error : api::validate(connection)) {
    message += (message.empty() ? "" : "; ") + error.path + ": " + error.message;
  }
  return message;
}

} // namespace

DriveDecision decideDriver(const api::RedisCluster& cluster,
                           const std::vector<api::ActiveRedisConnection>& connections) {
  DriveDecision decision;
  std::vector<const api::ActiveRedisConnection*> candidates;
  for (const api::ActiveRedisConnection& connection : connections) {
    if (connection.spec.instance != cluster.metadata.name ||
        connection.metadata.namespace_ != cluster.metadata.namespace_) {
      continue;
    }
    const std::string& name = connection.metadata.name;
    if (const std::string invalid = invalidSpec(connection); !invalid.empty()) { // rule 1
      decision.refused[name] = "the spec is invalid: " + invalid;
    } else if (connection.metadata.deletion_timestamp && !holdsFinalizer(connection)) { // rule 2
      decision.refused[name] = "the connection is being deleted";
    } else if (cluster.spec.replica_mode && cluster.spec.replica_mode->enabled) { // rule 3
      decision.refused[name] =
          "RedisCluster " + cluster.metadata.name +
          " has spec.replicaMode enabled and follows its own source; a cluster follows one "
          "source: disable replicaMode or delete this connection";
    } else {
      candidates.push_back(&connection);
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
    return std::tie(a->metadata.creation_timestamp, a->metadata.name) <
           std::tie(b->metadata.creation_timestamp, b->metadata.name);
  });
  for (std::size_t i = 0; i < candidates.size(); ++i) { // rule 4
    if (i == 0) {
      decision.driver = candidates[i]->metadata.name;
    } else {
      decision.refused[candidates[i]->metadata.name] =
          "RedisCluster " + cluster.metadata.name + " already follows the source of "
          "ActiveRedisConnection " + *decision.driver + "; a cluster follows one source";
    }
  }
  return decision;
}

std::optional<api::HostPort> keptAddress(const api::RedisCluster& cluster,
                                         const api::ActiveRedisConnection& connection) {
  if (connection.metadata.deletion_timestamp || api::validate(connection).empty() ||
      (cluster.spec.replica_mode && cluster.spec.replica_mode->enabled) ||
      !cluster.status.replication) {
    return std::nullopt;
  }
  const api::Condition* mode =
      api::findCondition(cluster.status.conditions, api::kConditionReplicaMode);
  if (!mode || mode->reason != api::kReasonReplicaModeEnabled ||
      !namesConnection(mode->message, connection.metadata.name)) {
    return std::nullopt;
  }
  auto address = api::parseHostPort(cluster.status.replication->source);
  return address ? std::optional<api::HostPort>(*address) : std::nullopt;
}

api::RedisCluster drivenCluster(const api::RedisCluster& cluster,
                                const api::ActiveRedisConnection& connection,
                                const api::HostPort& address) {
  api::RedisCluster driven = cluster;
  api::ReplicaSourceSpec source;
  source.cluster_name = connectionSourceName(connection.metadata.name);
  source.host = address.host;
  source.port = address.port;
  source.auth_secret_name = connection.spec.secret_name;
  driven.spec.replica_mode =
      api::ReplicaModeSpec{true, source, connection.metadata.deletion_timestamp.has_value()};
  return driven;
}

} // namespace rdr::controller
