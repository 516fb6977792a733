// The plan's view of who could replace the primary, and of the primary's health.
#include <string>
#include <vector>

#include "plan_internal.h"
#include "rdr/api/well_known.h"

namespace rdr::controller::detail {
namespace {

using replication::NodeRole;

// A replica whose link to the primary went down at most this many probe intervals ago still
// counts as current (the link of every replica goes down when the primary dies).
constexpr int kRecentLinkIntervals = 10;

} // namespace

replication::PrimaryFacts primaryFacts(const PodObservation* pod) {
  replication::PrimaryFacts facts;
  if (pod == nullptr) {
    return facts;
  }
  facts.pod_exists = true;
  facts.pod_deleting = pod->pod.deleting;
  facts.container_running = pod->pod.container_running;
  facts.container_state = pod->pod.container_state;
  facts.reachable = pod->node.has_value();
  if (pod->node) {
    facts.role = pod->node->role;
  }
  facts.probes = pod->probes;
  return facts;
}

// True when the node follows the pod `primary` (by its DNS name or its IP) on the Redis port.
bool followsPrimary(const replication::NodeState& node, const std::string& primary_host,
                    const std::string& primary_ip) {
  return node.role == NodeRole::Replica && node.master_port == api::kRedisPort &&
         (node.master_host == primary_host || (!primary_ip.empty() && node.master_host == primary_ip));
}

std::vector<replication::Candidate> candidates(const ClusterObservation& observation,
                                               int lost_ordinal, Handover handover,
                                               const std::string& lost_host) {
  const auto& spec = observation.cluster.spec;
  const std::int64_t recent = static_cast<std::int64_t>(kRecentLinkIntervals) *
                              spec.failover.probe_interval_seconds;
  const auto lost = observation.pods.find(lost_ordinal);
  const std::string lost_ip = lost == observation.pods.end() ? "" : lost->second.pod.pod_ip;
  std::vector<replication::Candidate> result;
  for (const auto& [ordinal, pod] : observation.pods) {
    if (ordinal == lost_ordinal) {
      continue;
    }
    if (handover == Handover::Planned &&
        (ordinal >= spec.instances || !pod.node || !followsPrimary(*pod.node, lost_host, lost_ip) ||
         !pod.node->master_link_up || pod.node->sync_in_progress)) {
      continue;
    }
    replication::Candidate candidate;
    candidate.name = pod.pod.name;
    candidate.ordinal = ordinal;
    candidate.reachable = pod.node.has_value();
    candidate.deleting = pod.pod.deleting;
    if (pod.node) {
      candidate.offset = pod.node->offset;
      // Redis reports master_link_down_since_seconds:-1 when the link never came up since the
      // node started (a fresh, possibly empty pod): that is not a recent link.
      const std::int64_t down = pod.node->link_down_since_seconds.value_or(-1);
      candidate.link_recently_up = pod.node->role == NodeRole::Replica &&
                                   (pod.node->master_link_up || (down >= 0 && down <= recent));
    }
    result.push_back(std::move(candidate));
  }
  return result;
}

} // namespace rdr::controller::detail
