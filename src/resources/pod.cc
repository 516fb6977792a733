// Data pods <name>-<ordinal>: container command, probes, security context, volumes, scheduling.
#include "rdr/resources/pod.h"

#include <string>

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/metadata.h"
#include "rdr/resources/redis_conf.h"
#include "pod_shape.h"

namespace rdr::resources {
namespace {

using nlohmann::json;

constexpr std::string_view kConfigVolume = "config";
constexpr std::string_view kDataVolume = "data";

// Why passwords travel as `sh -c` expansions of secretKeyRef variables:
// 1. nothing secret is written in the pod spec, the ConfigMap or a file (invariant 5); the spec
//    holds only "$REDIS_PASSWORD", which the shell expands when it execs redis-server;
// 2. Redis rewrites its process title at start-up ("redis-server *:6379" over argv), so the
//    arguments do not linger in `ps` or /proc/<pid>/cmdline (checked by the integration tests);
// 3. Redis 7 quotes each argument before parsing it as config, so any password (spaces, quotes)
//    passes intact, which a generated include file would have to escape by hand;
// 4. `exec` makes redis-server PID 1, so SIGTERM reaches it and it shuts down cleanly;
// 5. an empty password is refused before Redis starts rather than serving without authentication.
// Why a restarted container boots fenced (the restart fence):
// 6. the args say whom the pod follows when it is created; a promotion, failover or switchover
//    changes its role at runtime but cannot change a pod's args. Booting from them again would
//    make a promoted DR leader resync from its old source (losing every write made since the
//    promotion), or an emptied primary come back as a master its replicas resync from. So only
//    the first start of a pod uses them: the marker file in its /tmp emptyDir (which lives as
//    long as the pod and survives container restarts) tells a restart, and a restart boots as a
//    replica of kFencedUpstreamHost:kFencedUpstreamPort, an address that refuses every
//    connection: read-only, syncing from nobody, keeping what it loaded from disk. The controller
//    then gives it its role from the live topology (promote it again, or make it follow the
//    current primary or the source) as it would any replica that lost its upstream;
// 7. the marker is written before Redis starts, and a marker that cannot be written stops the
//    start, so a restart is never mistaken for a first start.
std::string startScript(bool with_masterauth) {
  const std::string marker(kRestartMarker);
  std::string script = "[ -n \"$" + std::string(kEnvPassword) +
                       "\" ] || { echo \"redis-dr-operator: " + std::string(kEnvPassword) +
                       " is empty; refusing to start Redis without a password\" >&2; exit 1; }\n";
  script += "if [ -e " + marker + " ]; then\n"
            "  echo \"redis-dr-operator: this container restarted; Redis boots as a replica of " +
            std::string(kFencedUpstreamHost) + ":" + std::to_string(kFencedUpstreamPort) +
            " (nobody) until the operator gives it its role\" >&2\n"
            "  set -- \"$@\" --replicaof " + std::string(kFencedUpstreamHost) + " " +
            std::to_string(kFencedUpstreamPort) + "\n"
            "fi\n";
  script += ": > " + marker + " || { echo \"redis-dr-operator: cannot write " + marker +
            "; refusing to start without the restart fence\" >&2; exit 1; }\n";
  script += "exec redis-server " + std::string(kConfigMountPath) + "/" +
            std::string(kRedisConfKey) + " --requirepass \"$" + std::string(kEnvPassword) + "\"";
  if (with_masterauth) {
    script += " --masterauth \"$" + std::string(kEnvMasterPassword) + "\"";
  }
  script += " \"$@\"\n";
  return script;
}

// Readiness: the server answers PING with PONG after authenticating (redis-cli takes the password
// from REDISCLI_AUTH, so it is never on a command line). The output is compared because redis-cli
// exits 0 even on an error reply. A loading server replies -LOADING and is not ready.
std::string readinessScript() {
  return "[ \"$(redis-cli -p " + std::to_string(api::kRedisPort) + " ping 2>/dev/null)\" = PONG ]";
}

// Liveness: only "is the event loop answering?". A replica loading the RDB of a long full sync
// replies -LOADING, a replica without its master and replica-serve-stale-data off -MASTERDOWN, a
// server running a long script -BUSY: all alive, and a restart would only start the work again.
// No reply at all (refused, hung) fails.
std::string livenessScript() {
  return "reply=\"$(redis-cli -p " + std::to_string(api::kRedisPort) +
         " ping 2>&1)\"\n"
         "case \"$reply\" in PONG|*LOADING*|*MASTERDOWN*|*BUSY*) exit 0 ;; esac\n"
         "echo \"$reply\"\n"
         "exit 1\n";
}

json secretEnv(std::string_view name, const std::string& secret) {
  return {{"name", name},
          {"valueFrom",
           {{"secretKeyRef", {{"name", secret}, {"key", api::kSecretPasswordKey}}}}}};
}

// The Secret holding the password of whom the pod follows: the upstream's, or for a master the
// cluster's own (so that a later REPLICAOF to a peer authenticates without a restart).
std::optional<std::string> masterAuthSecret(const api::RedisCluster& cluster,
                                            const BootRole& role) {
  if (role.replica_of) {
    return role.replica_of->auth_secret_name;
  }
  return api::authSecretName(cluster);
}

json container(const api::RedisCluster& cluster, const BootRole& role) {
  const std::string local_secret = api::authSecretName(cluster);
  const auto master_secret = masterAuthSecret(cluster, role);

  json env = json::array({secretEnv(kEnvPassword, local_secret),
                          secretEnv(kEnvRedisCliAuth, local_secret)});
  if (master_secret) {
    env.push_back(secretEnv(kEnvMasterPassword, *master_secret));
  }
  json args = json::array();
  if (role.replica_of) {
    // Invariant 1: the pod's own spec says whom it follows, so even a container restart that
    // happens before the controller acts boots it as a replica, never as a second master.
    args = {"--replicaof", role.replica_of->host, std::to_string(role.replica_of->port)};
  }
  json out = {
      {"name", kRedisContainer},
      {"image", cluster.spec.image_name},
      {"command", {"sh", "-c", startScript(master_secret.has_value()), "redis-server"}},
      {"env", std::move(env)},
      {"ports",
       {{{"name", kRedisPortName}, {"containerPort", api::kRedisPort}, {"protocol", "TCP"}}}},
      {"readinessProbe", detail::execProbe(readinessScript(), 5, 5, 3)},
      {"livenessProbe", detail::execProbe(livenessScript(), 30, 10, 6)},
      {"securityContext", detail::containerSecurityContext()},
      {"volumeMounts",
       {{{"name", kConfigVolume}, {"mountPath", kConfigMountPath}, {"readOnly", true}},
        {{"name", kDataVolume}, {"mountPath", kDataDir}},
        detail::tmpVolumeMount()}},
  };
  if (!args.empty()) {
    out["args"] = std::move(args);
  }
  if (!cluster.spec.resources.is_null() && !cluster.spec.resources.empty()) {
    out["resources"] = cluster.spec.resources;
  }
  return out;
}

// Volumes: the ConfigMap; the data volume (the pod's PVC, or an emptyDir); and a small /tmp, the
// only writable place besides /data under a read-only root (for shells and kubectl exec tools;
// Redis itself writes only in its dir).
json volumes(const api::RedisCluster& cluster, int ordinal) {
  json data = {{"name", kDataVolume}};
  if (cluster.spec.storage) {
    data["persistentVolumeClaim"] = {{"claimName", api::pvcName(cluster.metadata.name, ordinal)}};
  } else {
    data["emptyDir"] = json::object();
  }
  return {{{"name", kConfigVolume},
           {"configMap", {{"name", api::configMapName(cluster.metadata.name)}}}},
          std::move(data), detail::tmpVolume()};
}

} // namespace

Result<json> buildPod(const api::RedisCluster& cluster, int ordinal, const BootRole& role) {
  if (ordinal < 0 || ordinal >= cluster.spec.instances) {
    return Error(ErrorCode::Internal, "pod ordinal " + std::to_string(ordinal) +
                                          " is outside 0.." +
                                          std::to_string(cluster.spec.instances - 1));
  }
  const std::string name = api::podName(cluster.metadata.name, ordinal);
  if (const Status status = checkBootRole(role); !status) {
    return status.error().wrap("boot role of " + name);
  }
  RDR_ASSIGN_OR_RETURN(const std::string conf, renderRedisConf(cluster));

  Labels labels = instanceLabels(cluster, ordinal);
  labels[std::string(api::kLabelRole)] = std::string(toString(role.role));
  json spec = {
      {"hostname", name},
      {"subdomain", api::headlessServiceName(cluster.metadata.name)},
      // Redis needs neither the API nor the namespace's Service variables (which could also
      // collide with names like REDIS_PORT).
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"terminationGracePeriodSeconds", kTerminationGracePeriodSeconds},
      {"securityContext", detail::podSecurityContext()},
      {"containers", {container(cluster, role)}},
      {"volumes", volumes(cluster, ordinal)},
  };
  detail::applyScheduling(cluster, spec);
  return json{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", ownedMetadata(cluster, name, std::move(labels),
                                 {{std::string(kAnnotationConfigHash), configHash(conf)}})},
      {"spec", std::move(spec)},
  };
}

} // namespace rdr::resources
