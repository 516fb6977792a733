// One RedisCluster reconcile: observe, plan, record status first, then act.
#include "reconciler.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "execute.h"
#include "rdr/api/names.h"
#include "rdr/api/redis_cluster.h"
#include "rdr/runtime/object_writes.h"

namespace rdr::controller {

using nlohmann::json;

RedisClusterReconciler::RedisClusterReconciler(ReconcilerDependencies dependencies)
    : deps_(std::move(dependencies)),
      observer_(deps_.client, deps_.caches, deps_.connector, history_, deps_.clock,
                deps_.cluster_domain, deps_.resolver, deps_.allowed_sources) {}

Result<runtime::ReconcileResult> RedisClusterReconciler::reconcile(const kube::ObjectKey& key) {
  const auto started = std::chrono::steady_clock::now();
  Result<runtime::ReconcileResult> result = reconcileCluster(key);
  if (deps_.metrics) {
    const auto outcome = !result ? observability::ReconcileOutcome::Error
                         : result->requeue_after ? observability::ReconcileOutcome::RequeueAfter
                                                 : observability::ReconcileOutcome::Success;
    deps_.metrics->observeReconcile("rediscluster", outcome,
                                    std::chrono::steady_clock::now() - started);
  }
  return result;
}

Result<runtime::ReconcileResult> RedisClusterReconciler::reconcileCluster(const kube::ObjectKey& key) {
  const auto started = std::chrono::steady_clock::now();
  const std::optional<json> object = deps_.clusters.get(key);
  if (!object) {
    history_.forgetCluster(key.toString());
    observer_.forgetCluster(key.toString());
    {
      std::lock_guard lock(mutex_);
      last_status_write_.erase(key.toString());
    }
    if (deps_.metrics) {
      deps_.metrics->forgetCluster(key.namespace_, key.name);
    }
    return runtime::ReconcileResult{};
  }
  auto parsed = api::parseRedisCluster(*object);
  if (!parsed) {
    return parsed.error().wrap("reading RedisCluster " + key.toString());
  }
  const api::RedisCluster& cluster = *parsed;
  if (cluster.metadata.deletion_timestamp) {
    return runtime::ReconcileResult{}; // garbage collection removes what it owns
  }

  RDR_ASSIGN_OR_RETURN(const std::optional<ConnectionLink> link, drivingConnection(cluster));
  RDR_ASSIGN_OR_RETURN(ObservedCluster observed, observer_.observe(cluster, link ? &*link : nullptr));
  const ClusterPlan plan = planCluster(observed.observation);

  // Status first: the primary the plan chose is recorded before anything acts on it (invariant 2).
  if (shouldWriteStatus(key, cluster.status, plan.status)) {
    RDR_RETURN_IF_ERROR(runtime::writeStatus(deps_.client, kube::resources::redisClusters(),
                                             *object, api::toJson(plan.status)));
    std::lock_guard lock(mutex_);
    last_status_write_[key.toString()] = deps_.clock.now();
  }
  exportMetrics(cluster, plan.status);
  ExecutionContext context{deps_.client, deps_.connector, deps_.events, deps_.metrics, deps_.clock,
                           deps_.sleeper, *object, redis::Credentials{std::nullopt, observed.password},
                           observed.source_password};
  if (plan.spec_refused) {
    spdlog::warn("RedisCluster {} is not served: {}.", key.toString(),
                 plan.status.conditions.empty() ? "" : plan.status.conditions.front().message);
    RDR_RETURN_IF_ERROR(executeActions(plan.actions, context)); // at most a FinishDetach
    return runtime::ReconcileResult{}; // back when the spec changes
  }
  if (Status executed = executeActions(plan.actions, context); !executed) {
    // Redis and API hiccups are retried at the next probe tick, which keeps probing (and
    // failure detection) going instead of backing off for minutes.
    if (executed.error().is(ErrorCode::Conflict)) {
      return executed.error();
    }
    spdlog::warn("RedisCluster {}: {}; retrying in {} ms.", key.toString(),
                 executed.error().toString(), plan.requeue_after.count());
  }
  // The next probe round starts one interval after this one started, not after it ended: a
  // frozen pod makes a round last its probe timeout, which would otherwise stretch failure
  // detection to failureThreshold x (interval + timeout).
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return runtime::ReconcileResult{
      std::max<std::chrono::milliseconds>(kMinRequeue, plan.requeue_after - elapsed)};
}

Result<std::optional<ConnectionLink>> RedisClusterReconciler::drivingConnection(
    const api::RedisCluster& cluster) {
  if (deps_.connections == nullptr) {
    return std::optional<ConnectionLink>();
  }
  RDR_ASSIGN_OR_RETURN(const std::vector<json> objects,
                       deps_.connections->list(cluster.metadata.namespace_, ""));
  std::vector<api::ActiveRedisConnection> naming;
  for (const json& object : objects) {
    auto connection = api::parseActiveRedisConnection(object);
    if (connection && connection->spec.instance == cluster.metadata.name) {
      naming.push_back(std::move(connection).value());
    }
  }
  DriveDecision decision = decideDriver(cluster, naming);
  for (const api::ActiveRedisConnection& connection : naming) {
    if (decision.driver && connection.metadata.name == *decision.driver) {
      RDR_ASSIGN_OR_RETURN(auto addresses, connectionAddresses(connection));
      return std::optional<ConnectionLink>(ConnectionLink{connection, std::move(addresses)});
    }
  }
  for (const api::ActiveRedisConnection& connection : naming) {
    if (const auto kept = keptAddress(cluster, connection); kept && !decision.driver) {
      spdlog::warn("RedisCluster {}/{} keeps following {}: ActiveRedisConnection {} is refused ({}).",
                   cluster.metadata.namespace_, cluster.metadata.name,
                   cluster.status.replication->source, connection.metadata.name,
                   decision.refused[connection.metadata.name]);
      return std::optional<ConnectionLink>(ConnectionLink{connection, {*kept}});
    }
  }
  return std::optional<ConnectionLink>();
}

bool RedisClusterReconciler::shouldWriteStatus(const kube::ObjectKey& key,
                                               const api::RedisClusterStatus& stored,
                                               const api::RedisClusterStatus& planned) {
  std::optional<SystemTime> last;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = last_status_write_.find(key.toString()); it != last_status_write_.end()) {
      last = it->second;
    }
  }
  return statusWriteDue(stored, planned, last, deps_.clock.now(), kOffsetRefresh);
}

// Seed 003's series for an in-cluster primary: the largest lag of a replica behind the primary,
// and whether every replica's link is up (replica mode will report the cross-cluster link).
void RedisClusterReconciler::exportMetrics(const api::RedisCluster& cluster,
                                           const api::RedisClusterStatus& status) {
  if (!deps_.metrics) {
    return;
  }
  if (status.replication) { // replica mode: the cross-cluster link, as seed 003's alerts mean it
    deps_.metrics->setReplicationLag(cluster.metadata.namespace_, cluster.metadata.name,
                                     static_cast<double>(status.replication->lag_bytes.value_or(0)));
    deps_.metrics->setMasterLinkUp(cluster.metadata.namespace_, cluster.metadata.name,
                                   status.replication->link_status == api::LinkStatus::Up);
    return;
  }
  std::int64_t lag = 0;
  bool links_up = true;
  for (const auto& instance : status.instances_status) {
    if (instance.role != "replica") {
      continue;
    }
    lag = std::max(lag, instance.lag_bytes.value_or(0));
    links_up = links_up && instance.master_link_status == api::LinkStatus::Up;
  }
  deps_.metrics->setReplicationLag(cluster.metadata.namespace_, cluster.metadata.name,
                                   static_cast<double>(lag));
  deps_.metrics->setMasterLinkUp(cluster.metadata.namespace_, cluster.metadata.name, links_up);
}

} // namespace rdr::controller
