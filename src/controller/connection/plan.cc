// The status and finalizer of an ActiveRedisConnection, derived from its target's status (pure).
#include "plan.h"

#include <algorithm>
#include <regex>

#include "rdr/api/condition.h"
#include "rdr/api/validation.h"
#include "rdr/api/well_known.h"
#include "rdr/controller/connection_drive.h"

namespace rdr::controller {
namespace {

using api::ConnectionState;
using api::ShardLinkStatus;

using api::kReasonLinkPaused;
using api::kReasonSourceLinkDown;
using api::kReasonUnsupportedMode;

// The source's sentence of the target's ReplicationHealthy message, without the replicas' part
// the RedisCluster controller appends ("...; 2 of 2 replicas stream from c6-dest-0").
std::string sourceProblem(const std::string& message) {
  static const std::regex kReplicasPart("; (\\d+ of \\d+ replicas stream from .*|no replicas are configured)$");
  return std::regex_replace(message, kReplicasPart, "");
}

bool holdsFinalizer(const api::ActiveRedisConnection& connection) {
  const auto& finalizers = connection.metadata.finalizers;
  return std::find(finalizers.begin(), finalizers.end(), kConnectionFinalizer) != finalizers.end();
}

// The target as this controller may use it: absent when it is gone or on its way out.
const api::RedisCluster* liveTarget(const ConnectionInputs& inputs) {
  if (!inputs.target || inputs.target->metadata.deletion_timestamp) {
    return nullptr;
  }
  return &*inputs.target;
}

std::string firstAddress(const api::ActiveRedisConnection& connection) {
  return connection.spec.addresses.empty() ? "" : connection.spec.addresses.front();
}

// Whether the target's status already reports on this connection: its ReplicaMode condition
// names it, as the source it follows (reason Enabled) or, once this connection is being deleted,
// as the former source it detached from. A Promoted message naming a connection that is not
// being deleted is history of an earlier connection with the same name, not this one.
bool targetReportsOn(const api::RedisCluster& target,
                     const api::ActiveRedisConnection& connection) {
  const api::Condition* mode =
      api::findCondition(target.status.conditions, api::kConditionReplicaMode);
  if (!mode || mode->status != api::ConditionStatus::True ||
      !namesConnection(mode->message, connection.metadata.name)) {
    return false;
  }
  return mode->reason == api::kReasonReplicaModeEnabled ||
         connection.metadata.deletion_timestamp.has_value();
}

// Shard 0 (a non-sharded source has one) and the peer, from the target's replication status
// when it reports on this connection, otherwise an unknown, disconnected shard at the first
// address. The operator cannot know the source's namespace and name (a connection names only
// addresses), so upstreamPeer.service_metadata.instance is the "host:port" in use.
void describeLink(const api::ActiveRedisConnection& connection, const api::ReplicationStatus* link,
                  api::ActiveRedisConnectionStatus& status) {
  api::ShardStatus shard;
  std::string peer = firstAddress(connection);
  if (link) {
    shard.offset = std::to_string(link->offset);
    shard.op_id = link->replication_id.empty() ? "0" : link->replication_id;
    shard.status =
        link->link_status == api::LinkStatus::Up ? ShardLinkStatus::Connected
                                                 : ShardLinkStatus::Disconnected;
    if (link->sync_status) {
      shard.sync_status = std::string(api::toString(*link->sync_status));
    }
    if (!link->source.empty()) {
      peer = link->source;
    }
  }
  status.shards = {shard};
  status.upstream_peer = api::UpstreamPeer{0, {{"instance", peer}}};
}

void set(api::ActiveRedisConnectionStatus& status, ConnectionState state, std::string message) {
  status.status = state;
  status.message = std::move(message);
}

// The target's own refusal of its spec (its RedisCluster controller serves nothing then, so it
// will never follow the source): "RedisCluster <instance> cannot follow a source: <why>".
std::string targetRefusal(const api::RedisCluster& target) {
  const api::Condition* ready = api::findCondition(target.status.conditions, api::kConditionReady);
  if (!ready || ready->status != api::ConditionStatus::False ||
      (ready->reason != api::kReasonInvalidSpec && ready->reason != kReasonUnsupportedMode)) {
    return "";
  }
  return "RedisCluster " + target.metadata.name + " cannot follow a source: " + ready->message;
}

std::string invalidSpec(const api::ActiveRedisConnection& connection) {
  const auto errors = api::validate(connection);
  return errors.empty() ? "" : "the spec is invalid: " + api::joinFieldErrors(errors);
}

std::string secretProblem(const ConnectionInputs& inputs) {
  const auto& meta = inputs.connection.metadata;
  const std::string secret = "the Secret " + inputs.connection.spec.secret_name +
                             " named by spec.secretName";
  switch (inputs.secret) {
  case ConnectionSecret::Missing:
    return secret + " does not exist in namespace " + meta.namespace_;
  case ConnectionSecret::NoPassword:
    return secret + " in namespace " + meta.namespace_ + " has no non-empty key \"password\"";
  case ConnectionSecret::Unused:
  case ConnectionSecret::Ready:
    break;
  }
  return "";
}

// Why the link is down while nobody reported a problem (rule 10).
std::string downDetail(const api::ActiveRedisConnection& connection,
                       const api::ReplicationStatus* link) {
  if (connection.spec.pause) {
    return "pausing";
  }
  if (!link || !link->last_resync) {
    return "the first synchronisation is running";
  }
  if (link->sync_status == api::SyncStatus::FullSync) {
    return "a full synchronisation is running";
  }
  return "waiting for the link to " + (link->source.empty() ? firstAddress(connection)
                                                             : link->source) + " to come up";
}

// Rule 6: the last status, saying the target detaches.
api::ActiveRedisConnectionStatus detachingStatus(const api::ActiveRedisConnection& connection,
                                                 const api::ReplicationStatus* link) {
  api::ActiveRedisConnectionStatus status = connection.status;
  status.instance = connection.spec.instance;
  if (!status.status || status.status == ConnectionState::Healthy) {
    status.status = ConnectionState::Connecting;
  }
  if (status.shards.empty() || !status.upstream_peer) {
    describeLink(connection, link, status);
  }
  status.message =
      "detaching: waiting for " + connection.spec.instance + "'s leader to run REPLICAOF NO ONE";
  return status;
}

// Rules 7-10: the link of a connection the target follows, as its status reports it.
void linkState(const api::ActiveRedisConnection& connection, const api::RedisCluster& target,
               const api::ReplicationStatus* link, api::ActiveRedisConnectionStatus& status) {
  const api::Condition* health =
      api::findCondition(target.status.conditions, api::kConditionReplicationHealthy);
  const std::string_view reason = health ? std::string_view(health->reason) : "";
  if (connection.spec.pause && reason == kReasonLinkPaused) { // 7
    status.shards.front().status = ShardLinkStatus::Disconnected;
    set(status, ConnectionState::Paused,
        "the link is paused (spec.pause); " + connection.spec.instance +
            " keeps its replication position at offset " + status.shards.front().offset);
  } else if (link && link->link_status == api::LinkStatus::Up) { // 8
    set(status, ConnectionState::Healthy, "");
  } else if (reason == kReasonSourceLinkDown) { // 9
    set(status, ConnectionState::Failed,
        "shard 0 status is Disconnected (" + sourceProblem(health->message) + ")");
  } else { // 10
    set(status, ConnectionState::Connecting,
        "shard 0 status is Disconnected: " + downDetail(connection, link));
  }
}

} // namespace

// The finalizer (first match wins):
// a. a connection not being deleted gets kConnectionFinalizer when it lacks it;
// b. a connection being deleted loses it here only when there is nothing to detach: its target
//    does not exist (or is being deleted), or decideDriver says it does not drive the target;
// c. otherwise it stays: the RedisCluster controller removes it once the leader ran
//    REPLICAOF NO ONE.
//
// The status (first match wins; shards and upstreamPeer come from describeLink):
// 1. an invalid spec -> Failed "the spec is invalid: spec.addresses[0]: ...";
// 2. the target is missing or being deleted -> Failed "RedisCluster <instance> does not exist in
//    namespace <ns>" (or "... is being deleted");
// 3. spec.secretName names a missing Secret or one without a non-empty "password" -> Failed;
// 4. decideDriver refuses the connection (replicaMode conflict, another connection drives) ->
//    Failed with its reason; so does a target that refuses its own spec (Ready reason InvalidSpec
//    or UnsupportedMode, e.g. spec.mode cluster): "RedisCluster <instance> cannot follow a
//    source: <Ready message>" (it still drives it: the finalizer stays, see b);
// 5. the target's status does not report on it yet (targetReportsOn) and it is not being
//    deleted -> Connecting "waiting for RedisCluster <instance> to follow <first address>";
// 6. being deleted (detaching) -> the last status is kept with the message "detaching: waiting
//    for <instance>'s leader to run REPLICAOF NO ONE"; Healthy becomes Connecting (a Healthy
//    status carries no message), Failed and Paused stay so that the problem remains visible;
// 7. spec.pause and the target's ReplicationHealthy reason LinkPaused -> Paused, the shard
//    Disconnected at the offset the target keeps;
// 8. the target's link is up -> Healthy, no message, the shard Connected;
// 9. the link is down and ReplicationHealthy says SourceLinkDown -> Failed "shard 0 status is
//    Disconnected (<ReplicationHealthy message>)": the seed's words, then the detail;
// 10. otherwise (the first full sync runs, a pause is not done yet) -> Connecting "shard 0 status
//    is Disconnected: <what is going on>".
ConnectionPlan planConnection(const ConnectionInputs& inputs) {
  const api::ActiveRedisConnection& connection = inputs.connection;
  const std::string& name = connection.metadata.name;
  const std::string& instance = connection.spec.instance;
  const bool deleting = connection.metadata.deletion_timestamp.has_value();
  const api::RedisCluster* target = liveTarget(inputs);

  ConnectionPlan plan;
  std::optional<DriveDecision> decision;
  if (target) {
    decision = decideDriver(*target, inputs.connections);
    plan.drives_target = decision->driver == name;
  }
  if (!deleting && !holdsFinalizer(connection)) {
    plan.finalizer = FinalizerChange::Add;
  } else if (deleting && holdsFinalizer(connection) && !plan.drives_target) {
    plan.finalizer = FinalizerChange::Remove;
  }

  api::ActiveRedisConnectionStatus& status = plan.status;
  status.instance = instance;
  const bool reported = target && plan.drives_target && targetReportsOn(*target, connection);
  const api::ReplicationStatus* link =
      reported && target->status.replication ? &*target->status.replication : nullptr;
  describeLink(connection, link, status);

  if (const std::string invalid = invalidSpec(connection); !invalid.empty()) { // 1
    set(status, ConnectionState::Failed, invalid);
  } else if (!target) { // 2
    set(status, ConnectionState::Failed,
        "RedisCluster " + instance +
            (inputs.target ? " is being deleted in namespace " : " does not exist in namespace ") +
            connection.metadata.namespace_);
  } else if (const std::string secret = secretProblem(inputs); !secret.empty()) { // 3
    set(status, ConnectionState::Failed, secret);
  } else if (!plan.drives_target) { // 4
    const auto refused = decision->refused.find(name);
    set(status, ConnectionState::Failed,
        refused != decision->refused.end() ? refused->second
                                           : "RedisCluster " + instance + " does not follow it");
  } else if (const std::string refusal = targetRefusal(*target); !refusal.empty()) { // 4
    set(status, ConnectionState::Failed, refusal);
  } else if (!reported && !deleting) { // 5
    set(status, ConnectionState::Connecting, "waiting for RedisCluster " + instance +
                                                 " to follow " + firstAddress(connection));
  } else if (deleting) { // 6
    status = detachingStatus(connection, link);
  } else { // 7-10
    linkState(connection, *target, link, status);
  }
  return plan;
}

std::optional<ConnectionEvent> transitionEvent(const api::ActiveRedisConnectionStatus& before,
                                               const api::ActiveRedisConnectionStatus& after) {
  if (!after.status || before.status == after.status) {
    return std::nullopt;
  }
  switch (*after.status) {
  case ConnectionState::Failed:
    return ConnectionEvent{true, "LinkFailed", after.message};
  case ConnectionState::Healthy: {
    std::string peer = "its source";
    if (after.upstream_peer) {
      const auto& metadata = after.upstream_peer->service_metadata;
      if (const auto it = metadata.find("instance"); it != metadata.end()) {
        peer = "the source at " + it->second;
      }
    }
    return ConnectionEvent{false, "LinkHealthy",
                           after.instance + " streams from " + peer};
  }
  case ConnectionState::Paused:
    return ConnectionEvent{false, "LinkPaused", after.message};
  case ConnectionState::Connecting:
    break;
  }
  return std::nullopt;
}

} // namespace rdr::controller
