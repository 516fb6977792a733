// Shared pieces of the RedisCluster plan (plan.cc, plan_resources.cc, plan_roles.cc, plan_status.cc).
#pragma once

#include <optional>
#include <string>

#include "rdr/controller/cluster_plan.h"
#include "rdr/replication/failure_detection.h"

namespace rdr::controller::detail {

// What plan_roles decided about the primary this round; plan_status words it.
struct RoleDecision {
  std::string primary;  // the pod recorded as currentPrimary after this round
  int primary_ordinal = 0;
  bool established = false; // the primary has been a master since the cluster was created
  replication::PrimaryAssessment assessment;
  std::string lost_primary;    // set when this round chose a new primary
  std::string choice_reason;   // why the new primary, or why none could be chosen
  bool failing_over = false;   // a chosen primary is not a master yet
  bool no_candidate = false;   // the primary failed and nobody can replace it
  bool failover_disabled = false;
};

// ConfigMap, generated Secret, Services and PVCs: created when missing, redis.conf kept current.
void planInfrastructure(const ClusterObservation& observation, ClusterPlan& plan);

// Primary health, failover, switchover on scale-down, promotion, re-pointing, labels, and the
// pods to create or delete.
RoleDecision planRoles(const ClusterObservation& observation, ClusterPlan& plan);

// phase, counts, instancesStatus and conditions.
void planStatus(const ClusterObservation& observation, const RoleDecision& roles, ClusterPlan& plan);

// The observation of the pod with this ordinal, if it exists.
const PodObservation* findPod(const ClusterObservation& observation, int ordinal);

} // namespace rdr::controller::detail
