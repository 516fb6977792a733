// One RedisCluster reconcile: observe, plan, record status first, then act.
#include "reconciler.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "execute.h"
#include "rdr/api/names.h"
#include "rdr/api/redis_cluster.h"

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
    RDR_RETURN_IF_ERROR(writeStatus(*object, plan.status));
    std::lock_guard lock(mutex_);
    last_status_write_[key.toString()] = deps_.clock.now();
  }
  exportMetrics(cluster, plan.status);
  if (plan.spec_refused) {
    if (link && link->connection.metadata.deletion_timestamp) { // never served: nothing to detach
      RDR_RETURN_IF_ERROR(dropFinalizer(
          *link, "RedisCluster " + cluster.metadata.name +
                     " is not served (its spec is refused), so it never followed the source: "
                     "there is nothing to detach."));
    }
    spdlog::warn("RedisCluster {} is not served: {}.", key.toString(),
                 plan.status.conditions.empty() ? "" : plan.status.conditions.front().message);
    return runtime::ReconcileResult{}; // back when the spec changes
  }

  ExecutionContext context{deps_.client, deps_.connector, deps_.events, deps_.metrics, deps_.clock,
                           deps_.sleeper, *object, redis::Credentials{std::nullopt, observed.password},
                           observed.source_password};
  if (Status executed = executeActions(plan.actions, context); !executed) {
    // Redis and API hiccups are retried at the next probe tick, which keeps probing (and
    // failure detection) going instead of backing off for minutes.
    if (executed.error().is(ErrorCode::Conflict)) {
      return executed.error();
    }
    spdlog::warn("RedisCluster {}: {}; retrying in {} ms.", key.toString(),
                 executed.error().toString(), plan.requeue_after.count());
  }
  if (link && link->connection.metadata.deletion_timestamp) {
    RDR_RETURN_IF_ERROR(finishDetach(*link, observed, plan));
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

// The detach of a deleted connection is done when the leader answered as a master in this
// round's observation, before this round's actions: the promotion ran in an earlier round and was
// seen to hold. Then the finalizer goes (the API server deletes the connection), with an Event.
Status RedisClusterReconciler::finishDetach(const ConnectionLink& link, const ObservedCluster& observed,
                                            const ClusterPlan& plan) {
  const ClusterObservation& observation = observed.observation;
  const auto ordinal =
      api::podOrdinal(observation.cluster.metadata.name, plan.status.current_primary);
  const auto leader = ordinal ? observation.pods.find(*ordinal) : observation.pods.end();
  if (leader == observation.pods.end() || !leader->second.node ||
      leader->second.node->role != replication::NodeRole::Master) {
    return okStatus(); // not yet: the promotion runs (or is retried) first
  }
  return dropFinalizer(link, "RedisCluster " + observation.cluster.metadata.name +
                                " is detached from " + observation.source->address + ": " +
                                leader->second.pod.name +
                                " ran REPLICAOF NO ONE and accepts writes as an independent "
                                "primary.");
}

Status RedisClusterReconciler::dropFinalizer(const ConnectionLink& link, const std::string& message) {
  const auto& finalizers = link.connection.metadata.finalizers;
  if (std::find(finalizers.begin(), finalizers.end(), kConnectionFinalizer) == finalizers.end()) {
    return okStatus();
  }
  const kube::ObjectKey key{link.connection.metadata.namespace_, link.connection.metadata.name};
  auto object = deps_.connections->get(key);
  if (!object) {
    return okStatus();
  }
  json updated = *object;
  json kept = json::array();
  for (const json& finalizer : updated["metadata"].value("finalizers", json::array())) {
    if (finalizer != kConnectionFinalizer) {
      kept.push_back(finalizer);
    }
  }
  updated["metadata"]["finalizers"] = kept;
  auto written = deps_.client.update(kube::resources::activeRedisConnections(), updated);
  if (!written) {
    if (written.error().is(ErrorCode::NotFound)) {
      return okStatus();
    }
    return written.error().wrap("removing the finalizer of ActiveRedisConnection " + key.toString());
  }
  deps_.events.event(updated, runtime::EventType::Normal, "Detached", message);
  spdlog::info("ActiveRedisConnection {}: {}", key.toString(), message);
  return okStatus();
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

Status RedisClusterReconciler::writeStatus(const json& object, const api::RedisClusterStatus& status) {
  json updated = {{"apiVersion", object.value("apiVersion", "")},
                  {"kind", object.value("kind", "")},
                  {"metadata",
                   {{"name", object["metadata"].value("name", "")},
                    {"namespace", object["metadata"].value("namespace", "")},
                    {"resourceVersion", object["metadata"].value("resourceVersion", "")}}},
                  {"status", api::toJson(status)}};
  auto written = deps_.client.updateStatus(kube::resources::redisClusters(), updated);
  if (!written) {
    return written.error().wrap("writing the status of RedisCluster " +
                                object["metadata"].value("namespace", "") + "/" +
                                object["metadata"].value("name", ""));
  }
  return okStatus();
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
