// One ActiveRedisConnection reconcile: read the caches and the Secret, plan, then write.
#include "reconciler.h"

#include <spdlog/spdlog.h>

#include "rdr/api/well_known.h"
#include "rdr/common/base64.h"
#include "rdr/controller/connection_drive.h"
#include "rdr/runtime/object_writes.h"

namespace rdr::controller {

using nlohmann::json;

ActiveRedisConnectionReconciler::ActiveRedisConnectionReconciler(
    ConnectionReconcilerDependencies dependencies)
    : deps_(std::move(dependencies)) {}

Result<runtime::ReconcileResult>
ActiveRedisConnectionReconciler::reconcile(const kube::ObjectKey& key) {
  const auto started = std::chrono::steady_clock::now();
  Result<runtime::ReconcileResult> result = reconcileConnection(key);
  if (deps_.metrics) {
    const auto outcome = !result ? observability::ReconcileOutcome::Error
                         : result->requeue_after ? observability::ReconcileOutcome::RequeueAfter
                                                 : observability::ReconcileOutcome::Success;
    deps_.metrics->observeReconcile("activeredisconnection", outcome,
                                    std::chrono::steady_clock::now() - started);
  }
  return result;
}

Result<runtime::ReconcileResult>
ActiveRedisConnectionReconciler::reconcileConnection(const kube::ObjectKey& key) {
  std::optional<json> object = deps_.connections.get(key);
  if (!object) {
    return runtime::ReconcileResult{};
  }
  auto parsed = api::parseActiveRedisConnection(*object);
  if (!parsed) {
    return parsed.error().wrap("reading ActiveRedisConnection " + key.toString());
  }
  RDR_ASSIGN_OR_RETURN(ConnectionInputs inputs, gather(*parsed));
  const ConnectionPlan plan = planConnection(inputs);

  if (plan.finalizer != FinalizerChange::None) {
    // A Conflict comes back to the runtime, which requeues at once with the fresh object.
    RDR_ASSIGN_OR_RETURN(object, runtime::changeFinalizer(
                                     deps_.client, kube::resources::activeRedisConnections(),
                                     *object, kConnectionFinalizer,
                                     plan.finalizer == FinalizerChange::Add
                                         ? runtime::FinalizerChange::Add
                                         : runtime::FinalizerChange::Remove));
    if (!object) {
      spdlog::info("ActiveRedisConnection {} is deleted: there was nothing to detach.",
                   key.toString());
      return runtime::ReconcileResult{};
    }
  }
  if (plan.status != parsed->status) {
    RDR_RETURN_IF_ERROR(runtime::writeStatus(deps_.client, kube::resources::activeRedisConnections(),
                                             *object, api::toJson(plan.status)));
    if (const auto event = transitionEvent(parsed->status, plan.status)) {
      deps_.events.event(*object,
                         event->warning ? runtime::EventType::Warning : runtime::EventType::Normal,
                         event->reason, event->message);
    }
  }
  return runtime::ReconcileResult{std::chrono::milliseconds(kResync)};
}

Result<ConnectionInputs>
ActiveRedisConnectionReconciler::gather(const api::ActiveRedisConnection& connection) {
  ConnectionInputs inputs;
  inputs.connection = connection;
  const std::string& namespace_ = connection.metadata.namespace_;
  if (!connection.spec.instance.empty()) {
    if (const auto target = deps_.clusters.get({namespace_, connection.spec.instance})) {
      auto cluster = api::parseRedisCluster(*target);
      if (!cluster) {
        return cluster.error().wrap("reading RedisCluster " + namespace_ + "/" +
                                    connection.spec.instance);
      }
      inputs.target = std::move(cluster).value();
    }
  }
  RDR_ASSIGN_OR_RETURN(const std::vector<json> siblings, deps_.connections.list(namespace_));
  for (const json& sibling : siblings) {
    auto other = api::parseActiveRedisConnection(sibling);
    if (!other) { // it reports its own parse error when it is reconciled
      continue;
    }
    // This reconcile's copy, so that both decide on the same object.
    inputs.connections.push_back(other->metadata.name == connection.metadata.name ? connection
                                                                                  : *other);
  }
  RDR_ASSIGN_OR_RETURN(inputs.secret, readSecret(connection));
  return inputs;
}

// A GET rather than an informer: the operator reads only the Secrets connections name, and the
// periodic resync notices one created later.
Result<ConnectionSecret>
ActiveRedisConnectionReconciler::readSecret(const api::ActiveRedisConnection& connection) {
  if (connection.spec.secret_name.empty()) {
    return ConnectionSecret::Unused;
  }
  auto secret = deps_.client.get(kube::resources::secrets(),
                                 {connection.metadata.namespace_, connection.spec.secret_name});
  if (!secret) {
    if (secret.error().is(ErrorCode::NotFound)) {
      return ConnectionSecret::Missing;
    }
    return secret.error().wrap("reading the Secret " + connection.spec.secret_name +
                               " of ActiveRedisConnection " + connection.metadata.name);
  }
  const json data = secret->value("data", json::object());
  const auto password = base64Decode(data.value(std::string(api::kSecretPasswordKey), ""));
  return password && !password->empty() ? ConnectionSecret::Ready : ConnectionSecret::NoPassword;
}

} // namespace rdr::controller
