// Executes plan actions: Kubernetes writes, Redis commands, Events and counters.
#include "execute.h"

#include "sentinels.h"

#include "rdr/controller/connection_drive.h"
#include "rdr/runtime/object_writes.h"

#include <spdlog/spdlog.h>

#include "rdr/kube/resource.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

Status within(Status status, const std::string& context) {
  if (!status) {
    return status.error().wrap(context);
  }
  return status;
}

kube::Resource resourceOfKind(const std::string& kind) {
  if (kind == "ConfigMap") {
    return kube::resources::configMaps();
  }
  if (kind == "Secret") {
    return kube::resources::secrets();
  }
  if (kind == "Service") {
    return kube::resources::services();
  }
  if (kind == "PersistentVolumeClaim") {
    return kube::resources::persistentVolumeClaims();
  }
  return kube::resources::pods();
}

class Executor {
public:
  explicit Executor(ExecutionContext& context)
      : context_(context),
        namespace_(context.cluster_object["metadata"].value("namespace", "")),
        cluster_(context.cluster_object["metadata"].value("name", "")) {}

  Status operator()(const CreateObject& action) {
    const std::string kind = action.object.value("kind", "");
    const std::string name = action.object["metadata"].value("name", "");
    auto created = context_.client.create(resourceOfKind(kind), action.object);
    if (!created && !created.error().is(ErrorCode::AlreadyExists)) {
      return created.error().wrap("creating " + kind + " " + namespace_ + "/" + name);
    }
    spdlog::info("RedisCluster {}/{}: created {} {}.", namespace_, cluster_, kind, name);
    return okStatus();
  }

  Status operator()(const UpdateConfigMapData& action) {
    auto patched = context_.client.patch(kube::resources::configMaps(), {namespace_, action.name},
                                         kube::PatchType::Merge, json{{"data", action.data}});
    if (!patched) {
      return patched.error().wrap("updating ConfigMap " + namespace_ + "/" + action.name);
    }
    spdlog::info("RedisCluster {}/{}: updated redis.conf in ConfigMap {} (pods pick it up when "
                 "they are re-created).",
                 namespace_, cluster_, action.name);
    return okStatus();
  }

  Status operator()(const DeleteObject& action) {
    Status removed = context_.client.remove(resourceOfKind(action.kind), {namespace_, action.name});
    if (!removed && !removed.error().is(ErrorCode::NotFound)) {
      return removed.error().wrap("deleting " + action.kind + " " + namespace_ + "/" + action.name);
    }
    spdlog::info("RedisCluster {}/{}: deleted {} {}: {}.", namespace_, cluster_, action.kind,
                 action.name, action.reason);
    return okStatus();
  }

  Status operator()(const SetPodRoleLabel& action) {
    const json patch = {{"metadata", {{"labels", {{"redis.io/role", action.role}}}}}};
    auto patched = context_.client.patch(kube::resources::pods(), {namespace_, action.pod},
                                         kube::PatchType::Merge, patch);
    if (!patched) {
      return patched.error().wrap("labelling pod " + namespace_ + "/" + action.pod + " " +
                                  action.role);
    }
    spdlog::info("RedisCluster {}/{}: labelled pod {} redis.io/role={}.", namespace_, cluster_,
                 action.pod, action.role);
    return okStatus();
  }

  Status operator()(const PromotePod& action) {
    RDR_RETURN_IF_ERROR(within(admin(action.pod_ip)->promote(), "promoting pod " + action.pod));
    spdlog::warn("RedisCluster {}/{}: promoted pod {} ({}) with REPLICAOF NO ONE.", namespace_,
                 cluster_, action.pod, action.pod_ip);
    return okStatus();
  }

  Status operator()(const FollowPrimary& action) {
    auto node = admin(action.pod_ip);
    const std::optional<std::string>& masterauth =
        action.source_auth ? context_.source_password : context_.credentials.password;
    // An empty masterauth clears a stale one: a source without a password needs none.
    RDR_RETURN_IF_ERROR(within(node->configSet("masterauth", masterauth.value_or("")),
                               "setting masterauth on pod " + action.pod));
    RDR_RETURN_IF_ERROR(within(node->replicaOf({action.upstream_host, action.upstream_port}),
                               "re-pointing pod " + action.pod));
    spdlog::info("RedisCluster {}/{}: pod {} ({}) now follows {}:{}.", namespace_, cluster_,
                 action.pod, action.pod_ip, action.upstream_host, action.upstream_port);
    return okStatus();
  }

  Status operator()(const SetReplicaPriority& action) {
    RDR_RETURN_IF_ERROR(within(admin(action.pod_ip)->configSet("replica-priority",
                                                              std::to_string(action.priority)),
                               "setting replica-priority on pod " + action.pod));
    spdlog::info("RedisCluster {}/{}: pod {} ({}) has replica-priority {}{}.", namespace_, cluster_,
                 action.pod, action.pod_ip, action.priority,
                 action.priority == 0 ? " (Sentinel never promotes it: it is being scaled down)" : "");
    return okStatus();
  }

  Status operator()(const Switchover& action) { return runSwitchover(action, context_); }

  Status operator()(const RecordEvent& action) {
    context_.events.event(context_.cluster_object,
                          action.warning ? runtime::EventType::Warning : runtime::EventType::Normal,
                          action.reason, action.message);
    return okStatus();
  }

  Status operator()(const CountFailover&) {
    if (context_.metrics) {
      context_.metrics->countFailover(namespace_, cluster_);
    }
    return okStatus();
  }

  Status operator()(const CountPromotion&) {
    if (context_.metrics) {
      context_.metrics->countPromotion(namespace_, cluster_);
    }
    return okStatus();
  }

  Status operator()(const FinishDetach& action) {
    const kube::Resource connections = kube::resources::activeRedisConnections();
    auto object = context_.client.get(connections, {namespace_, action.connection});
    if (!object) {
      return object.error().is(ErrorCode::NotFound) ? okStatus() : object.error();
    }
    RDR_RETURN_IF_ERROR(runtime::changeFinalizer(context_.client, connections, *object,
                                                 kConnectionFinalizer,
                                                 runtime::FinalizerChange::Remove));
    context_.events.event(*object, runtime::EventType::Normal, "Detached", action.message);
    spdlog::info("ActiveRedisConnection {}/{}: {}", namespace_, action.connection, action.message);
    return okStatus();
  }

  // A Sentinel that fails a command never stops the data pods' actions: it is warned about and
  // the next round plans it again.
  Status operator()(const ConfigureSentinel& action) {
    Status done = executeSentinelAction(context_.connector, action.action, action.settings,
                                        context_.credentials.password);
    if (!done) {
      spdlog::warn("RedisCluster {}/{}: {}; the next round tries again.", namespace_, cluster_,
                   done.error().toString());
    }
    return okStatus();
  }

private:
  std::shared_ptr<redis::RedisAdmin> admin(const std::string& ip) {
    return context_.connector.admin({ip, 6379}, context_.credentials);
  }

  ExecutionContext& context_;
  std::string namespace_;
  std::string cluster_;
};

} // namespace

Status executeActions(const std::vector<Action>& actions, ExecutionContext& context) {
  Executor executor(context);
  for (const Action& action : actions) {
    RDR_RETURN_IF_ERROR(std::visit(executor, action));
  }
  return okStatus();
}

} // namespace rdr::controller
