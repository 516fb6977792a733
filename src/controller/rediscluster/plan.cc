// planCluster: refuse what cannot be served, else infrastructure, roles and status (pure).
#include <chrono>
#include <string>

#include "plan_internal.h"
#include "rdr/api/derived.h"
#include "rdr/api/names.h"
#include "rdr/api/validation.h"

namespace rdr::controller {
namespace {

// Why the operator will not act on this spec, or nothing:
// 1. the spec breaks a validation rule (the CRD normally refuses it first);
// 2. mode sentinel or cluster, which this version does not run yet (never half-work);
// 3. replica mode towards a source that resolves outside --allowed-source-networks: a manifest
//    must not point Redis at an arbitrary host.
std::optional<std::pair<std::string, std::string>> refusal(const ClusterObservation& observation) {
  const api::RedisCluster& cluster = observation.cluster;
  if (const auto errors = api::validate(cluster); !errors.empty()) { // rule 1
    std::string message = "the spec is invalid: ";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      message += (i ? "; " : "") + errors[i].path + ": " + errors[i].message;
    }
    return std::make_pair(std::string("InvalidSpec"), message);
  }
  if (cluster.spec.mode != api::ClusterMode::Standalone) { // rule 2
    return std::make_pair(
        std::string("UnsupportedMode"),
        "mode " + std::string(api::toString(cluster.spec.mode)) +
            " is not supported by this version of redis-dr-operator yet; use mode standalone "
            "(nothing was created)");
  }
  if (api::isReplicaModeEnabled(cluster.spec) && observation.source &&
      !observation.source->allowed) { // rule 3
    return std::make_pair(std::string("SourceNotAllowed"),
                          observation.source->problem + " (nothing was created or changed)");
  }
  return std::nullopt;
}

} // namespace

ClusterPlan planCluster(const ClusterObservation& observation) {
  const api::RedisCluster& cluster = observation.cluster;
  ClusterPlan plan;
  plan.status = cluster.status;
  plan.status.observed_generation = cluster.metadata.generation;
  plan.status.instances = static_cast<int>(observation.pods.size()); // data pods that exist
  plan.status.write_service = api::leaderServiceName(cluster.metadata.name);
  plan.requeue_after = std::chrono::seconds(cluster.spec.failover.probe_interval_seconds);

  if (const auto refused = refusal(observation)) {
    plan.spec_refused = true;
    plan.status.phase = api::ClusterPhase::Failed;
    api::Condition ready;
    ready.type = "Ready";
    ready.status = api::ConditionStatus::False;
    ready.reason = refused->first;
    ready.message = refused->second;
    ready.observed_generation = cluster.metadata.generation;
    api::setCondition(plan.status.conditions, ready, observation.now);
    return plan;
  }
  detail::planInfrastructure(observation, plan);
  const detail::RoleDecision roles = detail::planRoles(observation, plan);
  detail::planStatus(observation, roles, plan);
  return plan;
}

} // namespace rdr::controller
