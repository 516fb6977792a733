// The plan's replica-mode pieces: the designated leader on the source, and status.replication.
#include <algorithm>
#include <string>

#include "plan_internal.h"
#include "rdr/api/derived.h"
#include "rdr/controller/connection_drive.h"
#include "rdr/resources/pod.h"

namespace rdr::controller::detail {

using replication::NodeRole;

bool followsSource(const replication::NodeState& node, const SourceState& source) {
  if (source.paused) { // where a paused leader belongs: nowhere
    return node.role == NodeRole::Replica && node.master_host == resources::kFencedUpstreamHost &&
           node.master_port == resources::kFencedUpstreamPort;
  }
  return node.role == NodeRole::Replica && node.master_host == source.host &&
         node.master_port == source.port;
}

bool sourceUsable(const ClusterObservation& observation) {
  return observation.source && observation.source->allowed && observation.source->secret_ready &&
         !observation.source->host.empty();
}

resources::BootRole leaderBootRole(const ClusterObservation& observation) {
  const SourceState& source = *observation.source;
  const auto& spec_source = observation.cluster.spec.replica_mode->source;
  std::optional<std::string> secret;
  if (spec_source && !spec_source->auth_secret_name.empty()) {
    secret = spec_source->auth_secret_name;
  }
  return resources::BootRole::leaderFollowing(resources::Upstream{source.host, source.port, secret});
}

void planLeaderOnSource(const ClusterObservation& observation, const PodObservation& leader,
                        ClusterPlan& plan) {
  if (!leader.node || followsSource(*leader.node, *observation.source)) {
    return;
  }
  const SourceState& source = *observation.source;
  if (source.paused) { // read-only, keeping its replication ID and offset for a partial resume
    if (leader.node->role == NodeRole::Master) {
      plan.actions.emplace_back(RecordEvent{
          true, "Demoted",
          leader.pod.name + " stops accepting writes: " + connectionSourceName(source.connection) +
              " makes the cluster a replica of " + source.address + " (paused for now); when "
              "the link resumes, a full resync replaces this cluster's data."});
    }
    plan.actions.emplace_back(FollowPrimary{leader.pod.name, leader.pod.pod_ip,
                                            std::string(resources::kFencedUpstreamHost),
                                            resources::kFencedUpstreamPort, false});
    return;
  }
  if (!sourceUsable(observation)) {
    return;
  }
  if (leader.node->role == NodeRole::Master) {
    plan.actions.emplace_back(RecordEvent{
        true, "Demoted",
        leader.pod.name + " follows " + api::sourceDisplayName(observation.cluster.spec) + " (" +
            source.address + ") again: writes made while the cluster was promoted are discarded "
            "by the full resync."});
  }
  plan.actions.emplace_back(
      FollowPrimary{leader.pod.name, leader.pod.pod_ip, source.host, source.port, true});
}

// syncStatus rules, seen from the leader:
// 1. a full synchronisation is running                          -> FullSync;
// 2. the link is up                                             -> PartialSync (streaming);
// 3. paused (the leader follows nobody on purpose)               -> what the last status said;
// 4. the link never came up since the leader started (-1)       -> FullSync (the first sync is due);
// 5. otherwise (a link that was up and dropped)                 -> what the last status said.
api::ReplicationStatus replicationStatus(const ClusterObservation& observation,
                                         const PodObservation* leader) {
  const SourceState& source = *observation.source;
  api::ReplicationStatus status;
  status.source = source.address;
  const auto& previous = observation.cluster.status.replication;
  if (leader && leader->node && followsSource(*leader->node, source)) {
    const replication::NodeState& node = *leader->node;
    status.link_status = node.master_link_up ? api::LinkStatus::Up : api::LinkStatus::Down;
    if (node.sync_in_progress) {
      status.sync_status = api::SyncStatus::FullSync;
    } else if (node.master_link_up) {
      status.sync_status = api::SyncStatus::PartialSync;
    } else if (source.paused) {
      status.sync_status = previous ? previous->sync_status : api::SyncStatus::PartialSync;
    } else if (node.link_down_since_seconds.value_or(-1) < 0) {
      status.sync_status = api::SyncStatus::FullSync;
    } else if (previous) {
      status.sync_status = previous->sync_status;
    }
    status.offset = node.offset;
    status.replication_id = node.replid;
    status.last_io_seconds_ago = node.master_link_up ? node.last_io_seconds_ago : std::nullopt;
  } else if (previous) {
    status.offset = previous->offset; // the leader is away: keep what it had processed
    status.replication_id = previous->replication_id;
  }
  status.last_resync = source.resync ? source.resync : previous ? previous->last_resync : std::nullopt;
  if (source.node && source.node->role == NodeRole::Master) {
    status.upstream_offset = source.node->offset;
    status.lag_bytes = std::max<std::int64_t>(0, source.node->offset - status.offset);
  }
  return status;
}

std::string sourceLinkProblem(const ClusterObservation& observation, const PodObservation* leader) {
  const SourceState& source = *observation.source;
  if (source.paused) {
    return ""; // not a problem: planStatus reports the pause itself
  }
  if (!source.secret_ready) {
    return source.secret_problem;
  }
  if (!source.problem.empty()) {
    return source.problem;
  }
  const std::string name = leader ? leader->pod.name : "the designated leader";
  if (!leader || !leader->node) {
    return name + " is not reachable";
  }
  if (!followsSource(*leader->node, source)) {
    return name + " does not follow the source " + source.address + " yet";
  }
  if (leader->node->sync_in_progress) {
    return name + ": full sync from " + source.address + " in progress";
  }
  if (!leader->node->master_link_up) {
    return name + ": link to the source " + source.address + " is down";
  }
  return "";
}

} // namespace rdr::controller::detail
