// planCluster: refuse what cannot be served, else infrastructure, roles and status (pure).
#include <algorithm>
#include <chrono>
#include <string>

#include "plan_internal.h"
#include "rdr/api/derived.h"
#include "rdr/api/names.h"
#include "rdr/api/validation.h"
#include "rdr/api/well_known.h"

namespace rdr::controller {
namespace {

// Why the operator will not act on this spec, or nothing:
// 1. the spec breaks a validation rule (the CRD normally refuses it first);
// 2. mode cluster (sharded), which this version does not run yet (never half-work);
// 3. replica mode towards a source that resolves outside --allowed-source-networks: a manifest
//    must not point Redis at an arbitrary host. (An ActiveRedisConnection's source outside them
//    is a link problem the connection reports; its target cluster goes on being served.)
std::optional<std::pair<std::string, std::string>> refusal(const ClusterObservation& observation) {
  const api::RedisCluster& cluster = observation.cluster;
  if (const auto errors = api::validate(cluster); !errors.empty()) { // rule 1
    std::string message = "the spec is invalid: ";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      message += (i ? "; " : "") + errors[i].path + ": " + errors[i].message;
    }
    return std::make_pair(std::string(api::kReasonInvalidSpec), message);
  }
  if (cluster.spec.mode == api::ClusterMode::Cluster) { // rule 2
    return std::make_pair(
        std::string(api::kReasonUnsupportedMode),
        "mode " + std::string(api::toString(cluster.spec.mode)) +
            " is not supported by this version of redis-dr-operator yet; use mode standalone "
            "or sentinel (nothing was created)");
  }
  if (api::isReplicaModeEnabled(cluster.spec) && observation.source &&
      observation.source->connection.empty() && !observation.source->allowed) { // rule 3
    return std::make_pair(std::string("SourceNotAllowed"),
                          observation.source->problem + " (nothing was created or changed)");
  }
  return std::nullopt;
}

// A live Redis that refuses the password is not a failed one: while any pod refuses it, the plan
// treats the password as unavailable (no role decision, no failover, as without a readable
// Secret) and the condition names the pods. Nothing when no pod refuses it.
std::optional<ClusterObservation> withPasswordRefusals(const ClusterObservation& observation) {
  std::string refused_by;
  for (const auto& [ordinal, pod] : observation.pods) {
    if (pod.refuses_password) {
      refused_by += (refused_by.empty() ? "" : ", ") + pod.pod.name;
    }
  }
  if (refused_by.empty() || !observation.auth_secret_ready) {
    return std::nullopt;
  }
  ClusterObservation adjusted = observation;
  adjusted.auth_secret_ready = false;
  adjusted.auth_secret_problem =
      "pod(s) " + refused_by + " refuse the password in the Secret " +
      api::authSecretName(observation.cluster) +
      " (was the Secret changed or re-created? pods keep the password they started with)";
  return adjusted;
}

// When the detach of a deleted ActiveRedisConnection is done (FinishDetach, the plan's last
// action):
// 1. the cluster's spec is refused (`primary` absent): it never followed the source, so there is
//    nothing to detach;
// 2. the primary answered as a master in this round's observation, taken before this round's
//    actions: the promotion ran in an earlier round and was seen to hold.
void planDetach(const ClusterObservation& observation, std::optional<int> primary,
                ClusterPlan& plan) {
  if (!observation.source || !observation.source->detaching) {
    return;
  }
  const std::string& name = observation.cluster.metadata.name;
  const std::string& connection = observation.source->connection;
  if (!primary) { // rule 1
    plan.actions.emplace_back(FinishDetach{
        connection, "RedisCluster " + name + " is not served (its spec is refused), so it never "
                    "followed the source: there is nothing to detach."});
    return;
  }
  const auto pod = observation.pods.find(*primary);
  if (pod != observation.pods.end() && pod->second.node &&
      pod->second.node->role == replication::NodeRole::Master) { // rule 2
    plan.actions.emplace_back(FinishDetach{
        connection, "RedisCluster " + name + " is detached from " + observation.source->address +
                        ": " + pod->second.pod.name +
                        " ran REPLICAOF NO ONE and accepts writes as an independent primary."});
  }
}

ClusterPlan planObservation(const ClusterObservation& observation) {
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
    planDetach(observation, std::nullopt, plan);
    return plan;
  }
  detail::planInfrastructure(observation, plan);
  const detail::SentinelGroup sentinels = detail::planSentinelGroup(observation);
  // Sentinels stop monitoring before the plan re-points a demoted leader at the source (they
  // would fail over to a replica when the primary they watch becomes one); otherwise they are
  // configured after the roles are settled.
  const auto configureSentinels = [&] {
    const bool asks_failover = std::any_of(plan.actions.begin(), plan.actions.end(), [](const Action& a) {
      const auto* configure = std::get_if<ConfigureSentinel>(&a);
      return configure && std::holds_alternative<ForceFailover>(configure->action);
    });
    for (const SentinelAction& action : sentinels.plan.actions) {
      if (asks_failover && std::holds_alternative<ResetSentinel>(action)) {
        continue; // rule 7a of planSentinels: a reset would abort the failover just asked for
      }
      plan.actions.emplace_back(ConfigureSentinel{action, detail::sentinelSettings(observation.cluster)});
    }
  };
  if (sentinels.following) {
    configureSentinels();
  }
  const detail::RoleDecision roles = detail::planRoles(observation, sentinels, plan);
  if (sentinels.runs && !sentinels.following) {
    configureSentinels();
  }
  // The Sentinel pods and Service last: a refused create never holds up the data pods' roles.
  detail::planSentinelResources(observation, plan);
  detail::planStatus(observation, roles, sentinels, plan);
  planDetach(observation, roles.primary_ordinal, plan);
  return plan;
}

} // namespace

ClusterPlan planCluster(const ClusterObservation& observation) {
  if (const auto adjusted = withPasswordRefusals(observation)) {
    return planObservation(*adjusted);
  }
  return planObservation(observation);
}

namespace {

api::RedisClusterStatus withoutOffsets(api::RedisClusterStatus status) {
  for (auto& instance : status.instances_status) {
    instance.replication_offset = 0;
    instance.lag_bytes.reset();
  }
  return status;
}

} // namespace

bool statusWriteDue(const api::RedisClusterStatus& stored, const api::RedisClusterStatus& planned,
                    std::optional<SystemTime> last_write, SystemTime now,
                    std::chrono::seconds offset_refresh) {
  if (planned == stored) { // rule 1
    return false;
  }
  if (withoutOffsets(planned) != withoutOffsets(stored)) { // rule 2
    return true;
  }
  return !last_write || now - *last_write >= offset_refresh; // rule 3
}

} // namespace rdr::controller
