// Sentinel pods and their Service: start script, probes, security context, volumes, scheduling.
#include "rdr/resources/sentinel.h"

#include <string>

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/pod.h"
#include "pod_shape.h"

namespace rdr::resources {
namespace {

using nlohmann::json;

constexpr std::string_view kDataVolume = "data";

// The configuration a Sentinel starts from, one directive a line:
// 1. port 26379: clients and the other Sentinels reach it there (an argument may override it, as
//    the sandbox and the integration tests do, because arguments come after the file);
// 2. dir /data: the writable emptyDir, where Sentinel also rewrites this file;
// 3. protected-mode no: seed 001's clients connect to Sentinels without a password, from other
//    pods; without it a Sentinel with no password answers only loopback clients;
// 4. resolve-hostnames yes: the operator may name the primary by a DNS name;
// 5. announce-hostnames no: Sentinels tell clients IP addresses, which every client can use.
// No `sentinel monitor` line: the operator adds monitoring at runtime, with the password.
constexpr std::string_view kInitialConfig[] = {
    "port 26379",
    "dir /data",
    "protected-mode no",
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames no",
};

// Why the script writes the file only when it is missing:
// 1. Sentinel persists what it learns (the monitored primary after a failover, the other
//    Sentinels, the replicas, its own id and the current epoch) by rewriting its file; a container
//    restart keeps the emptyDir, so the restarted Sentinel comes back knowing all of it, with the
//    same id (the others do not count it twice);
// 2. the file is written to a temporary name and renamed, so a crash while writing never leaves
//    half a file that would then be kept;
// 3. a file that cannot be written stops the start (Sentinel refuses an unwritable file anyway);
// 4. `exec` makes redis-server PID 1, so SIGTERM reaches it.
// Why a kept file has its auth-pass lines quoted (kQuotedAuthPass, kRequoteAuthPass):
// 5. Sentinel writes `sentinel auth-pass <master> <password>` with the password raw (every Redis
//    version up to 7.2 at least), so a password with a space or a quote makes the file unreadable
//    and the restarted Sentinel exits at once ("Unbalanced quotes in configuration line"): a crash
//    loop. The script turns the value into a double-quoted string (backslashes and quotes escaped),
//    which Redis reads back as the same password; any password without a newline survives;
// 6. quoting is done once: a value already in double quotes is left as it is (Sentinel does not
//    rewrite its file at start-up when it has an id, so a second restart can find the quoted
//    line). A raw password that itself begins and ends with `"` is taken as quoted, the one
//    password this cannot keep (Redis itself reads that raw line as a different password);
// 7. masterName has no whitespace (validation) and cluster names are DNS labels, so the prefix
//    `sentinel auth-pass <master> ` holds no backslash or quote for the escaping to touch;
// 8. while it runs, each rewrite of the file turns the unreadable raw line it wrote last time into
//    a comment `# ??? sentinel auth-pass ...` (Redis keeps lines it cannot parse as comments) and
//    writes a new one: the file gains a line, holding the password, per rewrite. The script drops
//    those comments (kDroppedComments), so they pile up only between two restarts.
constexpr std::string_view kDroppedComments = R"(/^# ??? sentinel auth-pass /d)";
constexpr std::string_view kQuotedAuthPass = R"(/^sentinel auth-pass [^ ]* ".*"$/b)";
constexpr std::string_view kRequoteAuthPass =
    R"(/^sentinel auth-pass /{s/\\/\\\\/g;s/"/\\"/g;)"
    R"(s/^\(sentinel auth-pass [^ ]*\) \(.*\)$/\1 "\2"/;})";

std::string startScript() {
  const std::string conf(kSentinelConfPath);
  const std::string install = " > " + conf + ".new &&\n    mv " + conf + ".new " + conf +
                              " ||\n    { echo \"redis-dr-operator: cannot write " + conf +
                              "; refusing to start Sentinel\" >&2; exit 1; }\n";
  std::string lines;
  for (const std::string_view line : kInitialConfig) {
    lines += " '" + std::string(line) + "'";
  }
  std::string script = "if [ -e " + conf + " ]; then\n";
  script += "  sed -e '" + std::string(kDroppedComments) + "' -e '" + std::string(kQuotedAuthPass) +
            "' -e '" + std::string(kRequoteAuthPass) + "' " + conf + install;
  script += "else\n";
  script += "  printf '%s\\n'" + lines + install;
  script += "fi\n";
  script += "exec redis-server " + conf + " --sentinel \"$@\"\n";
  return script;
}

// Readiness and liveness alike: the Sentinel answers PING with PONG. The output is compared
// because redis-cli exits 0 even on an error reply. A Sentinel has no LOADING or BUSY state.
std::string pingScript() {
  return "[ \"$(redis-cli -p " + std::to_string(api::kSentinelPort) +
         " ping 2>/dev/null)\" = PONG ]";
}

json container(const api::RedisCluster& cluster) {
  return {
      {"name", kSentinelContainer},
      {"image", cluster.spec.image_name},
      {"command", {"sh", "-c", startScript(), "redis-server"}},
      {"ports",
       {{{"name", kSentinelPortName},
         {"containerPort", api::kSentinelPort},
         {"protocol", "TCP"}}}},
      {"readinessProbe", detail::execProbe(pingScript(), 5, 5, 3)},
      // More tolerant: a Sentinel that misses a few pings is still part of the quorum, and a
      // restart would only make it re-learn the peers.
      {"livenessProbe", detail::execProbe(pingScript(), 15, 10, 6)},
      // As the data pods (pod.cc): restricted profile, read-only root.
      {"securityContext", detail::containerSecurityContext()},
      {"volumeMounts",
       {{{"name", kDataVolume}, {"mountPath", kSentinelDataDir}}, detail::tmpVolumeMount()}},
  };
}

} // namespace

int sentinelInstances(const api::RedisCluster& cluster) {
  return cluster.spec.sentinel.value_or(api::SentinelSpec{}).instances;
}

Labels sentinelLabels(const api::RedisCluster& cluster) {
  Labels labels = commonLabels(cluster);
  labels[std::string(api::kLabelAppComponent)] = std::string(kComponentSentinel);
  return labels;
}

Result<json> buildSentinelPod(const api::RedisCluster& cluster, int index) {
  if (cluster.spec.mode != api::ClusterMode::Sentinel) {
    return Error(ErrorCode::Internal, "Sentinel pods are built only for mode: sentinel");
  }
  const int instances = sentinelInstances(cluster);
  if (index < 0 || index >= instances) {
    return Error(ErrorCode::Internal, "sentinel index " + std::to_string(index) +
                                          " is outside 0.." + std::to_string(instances - 1));
  }
  const std::string name = api::sentinelPodName(cluster.metadata.name, index);
  Labels labels = sentinelLabels(cluster);
  labels[std::string(api::kLabelInstance)] = name;
  json spec = {
      // Sentinel needs neither the API nor the namespace's Service variables.
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"terminationGracePeriodSeconds", kSentinelTerminationGracePeriodSeconds},
      {"securityContext", detail::podSecurityContext()},
      {"containers", {container(cluster)}},
      // Sentinel's state is small and re-learnt, and the operator reconfigures a re-created
      // Sentinel: an emptyDir, never a PVC. /tmp as the data pods, for shells and exec tools.
      {"volumes",
       {{{"name", kDataVolume}, {"emptyDir", json::object()}}, detail::tmpVolume()}},
  };
  detail::applyScheduling(cluster, spec);
  return json{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", ownedMetadata(cluster, name, std::move(labels))},
      {"spec", std::move(spec)},
  };
}

json buildSentinelService(const api::RedisCluster& cluster) {
  const std::string name = api::sentinelServiceName(cluster.metadata.name);
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", ownedMetadata(cluster, name, sentinelLabels(cluster))},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector",
             {{api::kLabelCluster, cluster.metadata.name},
              {api::kLabelAppComponent, kComponentSentinel}}},
            {"ports",
             {{{"name", kSentinelPortName},
               {"port", api::kSentinelPort},
               {"targetPort", api::kSentinelPort},
               {"protocol", "TCP"}}}}}}};
}

} // namespace rdr::resources
