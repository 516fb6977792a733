// One ActiveRedisConnection reconcile: read the caches and the Secret, plan, then write.
#include "reconciler.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "rdr/api/well_known.h"
#include "rdr/common/base64.h"
#include "rdr/controller/connection_drive.h"

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
    RDR_ASSIGN_OR_RETURN(object, changeFinalizer(*object, plan.finalizer));
    if (!object) {
      spdlog::info("ActiveRedisConnection {} is deleted: there was nothing to detach.",
                   key.toString());
      return runtime::ReconcileResult{};
    }
  }
  if (plan.status != parsed->status) {
    RDR_RETURN_IF_ERROR(writeStatus(*object, plan.status));
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

Result<std::optional<json>>
ActiveRedisConnectionReconciler::changeFinalizer(const json& object, FinalizerChange change) {
  json updated = object;
  json& finalizers = updated["metadata"]["finalizers"];
  if (!finalizers.is_array()) {
    finalizers = json::array();
  }
  const std::string finalizer(kConnectionFinalizer);
  if (change == FinalizerChange::Add) {
    finalizers.push_back(finalizer);
  } else {
    finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), json(finalizer)),
                     finalizers.end());
  }
  const std::string name =
      object["metadata"].value("namespace", "") + "/" + object["metadata"].value("name", "");
  auto written = deps_.client.update(kube::resources::activeRedisConnections(), updated);
  if (!written) {
    if (change == FinalizerChange::Remove && written.error().is(ErrorCode::NotFound)) {
      return std::optional<json>(); // someone else removed the last finalizer first
    }
    // A Conflict comes back to the runtime, which requeues at once with the fresh object.
    const std::string verb = change == FinalizerChange::Add ? "adding" : "removing";
    return written.error().wrap(verb + " the finalizer of ActiveRedisConnection " + name);
  }
  if (change == FinalizerChange::Remove && finalizers.empty()) {
    return std::optional<json>(); // the API server deletes it now
  }
  return std::optional<json>(std::move(written).value());
}

Status
ActiveRedisConnectionReconciler::writeStatus(const json& object,
                                             const api::ActiveRedisConnectionStatus& status) {
  json updated = {{"apiVersion", object.value("apiVersion", "")},
                  {"kind", object.value("kind", "")},
                  {"metadata",
                   {{"name", object["metadata"].value("name", "")},
                    {"namespace", object["metadata"].value("namespace", "")},
                    {"resourceVersion", object["metadata"].value("resourceVersion", "")}}},
                  {"status", api::toJson(status)}};
  auto written = deps_.client.updateStatus(kube::resources::activeRedisConnections(), updated);
  if (!written) {
    return written.error().wrap("writing the status of ActiveRedisConnection " +
                                object["metadata"].value("namespace", "") + "/" +
                                object["metadata"].value("name", ""));
  }
  return okStatus();
}

} // namespace rdr::controller
