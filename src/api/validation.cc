// Semantic validation of RedisCluster and ActiveRedisConnection: api.md's rules with field paths.
#include "rdr/api/validation.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "rdr/api/host_port.h"

namespace rdr::api {
namespace {

constexpr int kMaxInstances = 15;
constexpr int kMaxPort = 65535;

// A directive the operator sets itself, and why a user may not.
struct ManagedDirective {
  std::string_view name; // lower case; a trailing '-' makes it a prefix ("min-replicas-")
  std::string_view why;
};

constexpr std::array<ManagedDirective, 18> kManagedDirectives = {{
    {"replicaof", "the operator decides which node each pod replicates from (use spec.replicaMode "
                  "for an external source)"},
    {"slaveof", "the operator decides which node each pod replicates from (use spec.replicaMode "
                "for an external source)"},
    {"masterauth", "replication credentials come from spec.authSecret and "
                   "spec.replicaMode.source.authSecretName"},
    {"masteruser", "replication credentials come from spec.authSecret and "
                   "spec.replicaMode.source.authSecretName"},
    {"requirepass", "the password comes from the Secret named by spec.authSecret"},
    {"bind", "Services and probes rely on the address the operator binds"},
    {"port", "Services and probes rely on port 6379"},
    {"dir", "the data directory is the pod's volume (spec.storage)"},
    {"daemonize", "Redis must run in the foreground of its container"},
    {"cluster-enabled", "it follows spec.mode"},
    {"min-replicas-", "it follows spec.minSyncReplicas"},
    {"min-slaves-", "it follows spec.minSyncReplicas"},
    {"include", "an included file could set any managed directive behind the operator's back"},
    {"user", "ACL rules for the default user could switch password authentication off"},
    {"aclfile", "ACL rules for the default user could switch password authentication off"},
    {"replica-read-only", "a writable replica would be a second writer in the cluster"},
    {"slave-read-only", "a writable replica would be a second writer in the cluster"},
    {"rename-command", "the operator needs REPLICAOF, CONFIG, INFO and ROLE under their own names"},
}};

std::string lowerCase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const ManagedDirective* findManaged(std::string_view directive) {
  const std::string lower = lowerCase(directive);
  for (const auto& managed : kManagedDirectives) {
    const bool is_prefix = managed.name.back() == '-';
    if (is_prefix ? lower.starts_with(managed.name) : lower == managed.name) {
      return &managed;
    }
  }
  return nullptr;
}

// Ranges the CRD declares too (crds/redisclusters.redis.io.yaml): the API server and the operator
// must accept exactly the same specs (test/unit/contract/).
constexpr int kMaxSentinels = 15;
constexpr int kMaxFailureThreshold = 100;
constexpr int kMaxProbeIntervalSeconds = 3600;

// A Kubernetes resource quantity ("100Gi", "1.5G", "500M", "1e9"), the CRD's pattern.
bool isQuantity(const std::string& text) {
  static const std::regex kQuantity(
      R"(^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$)");
  return std::regex_match(text, kQuantity);
}

std::string between(int min, int max, std::int64_t got) {
  return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
         std::to_string(got);
}

std::string atLeast(int min, std::int64_t got) {
  return "must be at least " + std::to_string(min) + ", got " + std::to_string(got);
}

bool hasWhitespace(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

void validateSentinel(const SentinelSpec& sentinel, std::vector<FieldError>& errors) {
  if (sentinel.instances < 1 || sentinel.instances > kMaxSentinels) {
    errors.push_back({"spec.sentinel.instances", between(1, kMaxSentinels, sentinel.instances)});
  }
  if (sentinel.instances >= 1 && (sentinel.quorum < 1 || sentinel.quorum > sentinel.instances)) {
    errors.push_back({"spec.sentinel.quorum", "must be between 1 and spec.sentinel.instances (" +
                                                  std::to_string(sentinel.instances) + "), got " +
                                                  std::to_string(sentinel.quorum)});
  } else if (sentinel.instances < 1 && sentinel.quorum < 1) {
    errors.push_back({"spec.sentinel.quorum", atLeast(1, sentinel.quorum)});
  }
  if (sentinel.down_after_milliseconds < 1) {
    errors.push_back(
        {"spec.sentinel.downAfterMilliseconds", atLeast(1, sentinel.down_after_milliseconds)});
  }
  if (sentinel.failover_timeout < 1) {
    errors.push_back({"spec.sentinel.failoverTimeout", atLeast(1, sentinel.failover_timeout)});
  }
  // The name goes into "sentinel monitor <name> ..." lines: a space would split it.
  // Sentinel writes the name unquoted into its own file: whitespace or a quote would make the
  // file unreadable at its next start.
  if (sentinel.master_name &&
      (sentinel.master_name->empty() || hasWhitespace(*sentinel.master_name) ||
       sentinel.master_name->find_first_of("\"'\\") != std::string::npos)) {
    errors.push_back({"spec.sentinel.masterName",
                      "must be non-empty without whitespace or quotes, got \"" +
                          *sentinel.master_name + "\""});
  }
}

void validateReplicaMode(const ReplicaModeSpec& replica_mode, std::vector<FieldError>& errors) {
  if (replica_mode.enabled && !replica_mode.source) {
    errors.push_back({"spec.replicaMode.source", "required when spec.replicaMode.enabled is true"});
  }
  if (replica_mode.source) {
    const ReplicaSourceSpec& source = *replica_mode.source;
    if (replica_mode.enabled && source.host.empty()) {
      errors.push_back(
          {"spec.replicaMode.source.host", "required when spec.replicaMode.enabled is true"});
    }
    if (source.port < 1 || source.port > kMaxPort) {
      errors.push_back({"spec.replicaMode.source.port", between(1, kMaxPort, source.port)});
    }
  }
  if (replica_mode.promote && !replica_mode.enabled) {
    errors.push_back({"spec.replicaMode.promote", "requires spec.replicaMode.enabled to be true"});
  }
}

} // namespace

std::string FieldError::toString() const {
  return path + ": " + message;
}

bool isManagedRedisDirective(std::string_view directive) {
  return findManaged(directive) != nullptr;
}

std::string joinFieldErrors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& error : errors) {
    if (!out.empty()) {
      out += "; ";
    }
    out += error.toString();
  }
  return out;
}

// The rules, in the order of the spec's fields:
// 1. instances in 1..15;
// 2. mode cluster is not combined with an enabled replicaMode (sharded DR is a later milestone);
// 3. storage.size is a non-empty quantity; imageName and secret names are not empty;
// 4. spec.redis: each key one directive word, each value one line, and no directive the operator
//    manages (compared case-insensitively): see checkRedisDirective;
// 5. minSyncReplicas in 0..instances-1;
// 6. sentinel: instances in 1..15, quorum in 1..instances, timings >= 1, masterName one word
//    without quotes;
// 7. failover: failureThreshold in 1..100, probeIntervalSeconds in 1..3600;
// 8. replicaMode: source and source.host required when enabled, port 1..65535, promote requires
//    enabled.
std::optional<FieldError> checkRedisDirective(std::string_view directive, std::string_view value) {
  const std::string path = "spec.redis." + std::string(directive);
  const bool plain_word =
      !directive.empty() && std::all_of(directive.begin(), directive.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_';
      });
  if (!plain_word) {
    return FieldError{path, "a redis.conf directive is one word of letters, digits, '-' and '_'"};
  }
  if (const ManagedDirective* managed = findManaged(directive)) {
    return FieldError{path, "\"" + std::string(directive) + "\" is managed by the operator: " +
                                std::string(managed->why)};
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return FieldError{path, "the value must be a single line"};
  }
  return std::nullopt;
}

std::vector<FieldError> validate(const RedisCluster& cluster) {
  const RedisClusterSpec& spec = cluster.spec;
  std::vector<FieldError> errors;
  const bool instances_valid = spec.instances >= 1 && spec.instances <= kMaxInstances;
  if (!instances_valid) {
    errors.push_back({"spec.instances", between(1, kMaxInstances, spec.instances)});
  }
  if (spec.mode == ClusterMode::Cluster && spec.replica_mode && spec.replica_mode->enabled) {
    errors.push_back({"spec.mode", "\"cluster\" cannot be combined with spec.replicaMode.enabled: "
                                   "disaster recovery of sharded clusters is a later milestone"});
  }
  if (spec.storage && spec.storage->size.empty()) {
    errors.push_back({"spec.storage.size", "must not be empty"});
  } else if (spec.storage && !isQuantity(spec.storage->size)) {
    errors.push_back({"spec.storage.size", "must be a Kubernetes quantity such as 100Gi, got \"" +
                                               spec.storage->size + "\""});
  }
  if (spec.image_name.empty()) {
    errors.push_back({"spec.imageName", "must not be empty"});
  }
  if (spec.auth_secret && spec.auth_secret->name.empty()) {
    errors.push_back({"spec.authSecret.name", "must not be empty"});
  }
  if (spec.tls_secret && spec.tls_secret->name.empty()) {
    errors.push_back({"spec.tlsSecret.name", "must not be empty"});
  }
  for (const auto& [directive, value] : spec.redis) {
    if (auto error = checkRedisDirective(directive, value)) {
      errors.push_back(std::move(*error));
    }
  }
  if (instances_valid && (spec.min_sync_replicas < 0 || spec.min_sync_replicas >= spec.instances)) {
    errors.push_back({"spec.minSyncReplicas",
                      "must be between 0 and " + std::to_string(spec.instances - 1) +
                          " (less than spec.instances, " + std::to_string(spec.instances) +
                          "), got " + std::to_string(spec.min_sync_replicas)});
  } else if (!instances_valid && spec.min_sync_replicas < 0) {
    errors.push_back({"spec.minSyncReplicas", atLeast(0, spec.min_sync_replicas)});
  }
  if (spec.sentinel) {
    validateSentinel(*spec.sentinel, errors);
  }
  if (spec.failover.failure_threshold < 1 ||
      spec.failover.failure_threshold > kMaxFailureThreshold) {
    errors.push_back({"spec.failover.failureThreshold",
                      between(1, kMaxFailureThreshold, spec.failover.failure_threshold)});
  }
  if (spec.failover.probe_interval_seconds < 1 ||
      spec.failover.probe_interval_seconds > kMaxProbeIntervalSeconds) {
    errors.push_back({"spec.failover.probeIntervalSeconds",
                      between(1, kMaxProbeIntervalSeconds, spec.failover.probe_interval_seconds)});
  }
  if (spec.replica_mode) {
    validateReplicaMode(*spec.replica_mode, errors);
  }
  return errors;
}

// 1. instance is required (the RedisCluster to drive, in the same namespace);
// 2. at least one address, each host:port with port 1..65535 (IPv6 as [addr]:port).
std::vector<FieldError> validate(const ActiveRedisConnection& connection) {
  const ActiveRedisConnectionSpec& spec = connection.spec;
  std::vector<FieldError> errors;
  if (spec.instance.empty()) {
    errors.push_back({"spec.instance", "required"});
  }
  if (spec.addresses.empty()) {
    errors.push_back({"spec.addresses", "must contain at least one address"});
  }
  for (std::size_t i = 0; i < spec.addresses.size(); ++i) {
    const auto parsed = parseHostPort(spec.addresses[i]);
    if (!parsed) {
      errors.push_back({"spec.addresses[" + std::to_string(i) + "]", parsed.error().message()});
    }
  }
  return errors;
}

} // namespace rdr::api
