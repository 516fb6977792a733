// Observes a RedisCluster: owned objects from the caches, its password, and its pods' Redis.
#include "observe.h"

#include "sentinels.h"

#include <future>
#include <random>

#include "rdr/api/derived.h"
#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/common/base64.h"
#include "rdr/controller/address_choice.h"
#include "rdr/resources/redis_conf.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

std::set<std::string> namesOf(const runtime::Cache& cache, const std::string& ns,
                              const std::string& selector) {
  std::set<std::string> names;
  if (auto objects = cache.list(ns, selector); objects) {
    for (const json& object : *objects) {
      names.insert(object["metadata"].value("name", ""));
    }
  }
  return names;
}

} // namespace

replication::ProbeRecord ProbeHistory::record(const std::string& pod_key, bool succeeded,
                                              SystemTime now, std::chrono::milliseconds interval,
                                              const std::string& error) {
  std::lock_guard lock(mutex_);
  replication::ProbeRecord& record = records_[pod_key];
  replication::recordProbe(record, succeeded, now, interval, error);
  return record;
}

void ProbeHistory::forgetCluster(const std::string& cluster_key) {
  std::lock_guard lock(mutex_);
  const std::string prefix = cluster_key + "/";
  for (auto it = records_.lower_bound(prefix); it != records_.end() && it->first.starts_with(prefix);) {
    it = records_.erase(it);
  }
}

std::string generatePassword() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device; // /dev/urandom on Linux
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string password;
  for (int i = 0; i < 32; ++i) {
    password += kAlphabet[pick(device)];
  }
  return password;
}

replication::NodeState toNodeState(const redis::ReplicationInfo& info) {
  replication::NodeState node;
  node.role = info.role == redis::Role::Master ? replication::NodeRole::Master
                                               : replication::NodeRole::Replica;
  node.master_host = info.master_host;
  node.master_port = info.master_port;
  node.master_link_up = info.master_link_up;
  node.link_down_since_seconds = info.master_link_down_since_seconds;
  node.last_io_seconds_ago = info.master_last_io_seconds_ago;
  node.sync_in_progress = info.master_sync_in_progress;
  node.offset = info.processedOffset();
  node.replid = info.master_replid;
  node.replid2 = info.master_replid2;
  node.connected_replicas = info.connected_slaves;
  node.replica_priority = info.slave_priority;
  return node;
}

Result<ObservedCluster> Observer::observe(const api::RedisCluster& cluster,
                                         const ConnectionLink* link) {
  ObservedCluster observed;
  ClusterObservation& observation = observed.observation;
  observation.cluster = cluster;
  observation.now = clock_.now();
  observation.cluster_domain = cluster_domain_;
  const std::string& ns = cluster.metadata.namespace_;
  const std::string selector = std::string(api::kLabelCluster) + "=" + cluster.metadata.name;

  RDR_ASSIGN_OR_RETURN(const std::vector<json> pods, caches_.pods.list(ns, selector));
  for (const json& pod : pods) {
    PodView view = viewPod(pod, cluster.metadata.name);
    if (view.ordinal) {
      const int ordinal = *view.ordinal;
      observation.pods[ordinal].pod = std::move(view);
    } else if (const auto index = api::sentinelIndex(cluster.metadata.name, view.name)) {
      observation.sentinels[*index].pod = std::move(view);
    }
  }
  observation.services = namesOf(caches_.services, ns, selector);
  observation.pvcs = namesOf(caches_.pvcs, ns, selector);
  if (auto config_map = caches_.config_maps.get({ns, api::configMapName(cluster.metadata.name)})) {
    observation.redis_conf =
        (*config_map).value("data", json::object()).value(std::string(resources::kRedisConfKey), "");
  }
  RDR_RETURN_IF_ERROR(readAuth(cluster, observed));
  if (link) {
    RDR_RETURN_IF_ERROR(observeConnection(cluster, *link, observed));
  } else {
    RDR_RETURN_IF_ERROR(observeSource(cluster, observed));
  }
  const api::RedisCluster& effective = observation.cluster;
  // Sentinels are asked while the pods are probed: both are a network round trip.
  auto sentinels = std::async(std::launch::async, [&] { askSentinels(effective, observation); });
  probePods(effective, observed);
  sentinels.get();
  detectResync(effective, observed);
  return observed;
}

// Only while following the source, with the source's counters in hand; the decision is
// replication::trackResync (rules there), the tracker lives here between rounds.
void Observer::detectResync(const api::RedisCluster& cluster, ObservedCluster& observed) {
  ClusterObservation& observation = observed.observation;
  if (!observation.source || !api::isReplica(cluster)) {
    return;
  }
  const int leader = api::podOrdinal(cluster.metadata.name, cluster.status.current_primary).value_or(0);
  const auto pod = observation.pods.find(leader);
  const bool link_up = pod != observation.pods.end() && pod->second.node &&
                       pod->second.node->role == replication::NodeRole::Replica &&
                       pod->second.node->master_host == observation.source->host &&
                       pod->second.node->master_link_up;
  if (!observed.source_stats) {
    // No counters this round (the source was not probed: paused, or unreachable): a link seen
    // down is still remembered, so that its coming back up is a transition the next round with
    // counters compares against the counters from before the outage (rule 3 of trackResync).
    std::lock_guard lock(mutex_);
    const auto entry = source_sync_.find(cluster.metadata.namespace_ + "/" + cluster.metadata.name);
    if (entry != source_sync_.end() && !link_up) {
      entry->second.link_up = false;
    }
    return;
  }
  const replication::SyncCounters now{observed.source_stats->sync_full,
                                      observed.source_stats->sync_partial_ok};
  std::optional<replication::ResyncKind> stored;
  if (cluster.status.replication && cluster.status.replication->last_resync) {
    stored = *cluster.status.replication->last_resync == api::SyncStatus::FullSync
                 ? replication::ResyncKind::Full
                 : replication::ResyncKind::Partial;
  }
  std::lock_guard lock(mutex_);
  const auto [entry, first] = source_sync_.try_emplace(
      cluster.metadata.namespace_ + "/" + cluster.metadata.name,
      replication::firstResyncTracker(now, link_up));
  if (!first) {
    entry->second = replication::trackResync(entry->second, now, link_up, stored);
  }
  if (entry->second.pending) {
    observation.source->resync = *entry->second.pending == replication::ResyncKind::Full
                                     ? api::SyncStatus::FullSync
                                     : api::SyncStatus::PartialSync;
    observation.source->resync_evidence = entry->second.evidence;
  }
}

Status Observer::readSourceSecret(const api::RedisCluster& cluster, const std::string& secret_name,
                                  const std::string& named_by, ObservedCluster& observed,
                                  SourceState& source) {
  if (secret_name.empty()) {
    return okStatus();
  }
  auto secret = client_.get(kube::resources::secrets(), {cluster.metadata.namespace_, secret_name});
  if (!secret && !secret.error().is(ErrorCode::NotFound)) {
    return secret.error().wrap("reading the source's Secret " + secret_name);
  }
  const auto decoded =
      secret ? base64Decode((*secret).value("data", json::object()).value("password", ""))
             : Result<std::string>(Error(ErrorCode::NotFound, ""));
  if (decoded && !decoded->empty()) {
    observed.source_password = *decoded;
    return okStatus();
  }
  source.secret_ready = false;
  source.secret_problem =
      secret ? "the Secret " + secret_name + " named by " + named_by +
                   " has no non-empty key \"password\""
             : "the Secret " + secret_name + " named by " + named_by +
                   " does not exist in namespace " + cluster.metadata.namespace_;
  return okStatus();
}

Status Observer::observeSource(const api::RedisCluster& cluster, ObservedCluster& observed) {
  const auto& mode = cluster.spec.replica_mode;
  if (!api::isReplicaModeEnabled(cluster.spec) || !mode || !mode->source) {
    return okStatus();
  }
  const api::ReplicaSourceSpec& spec = *mode->source;
  SourceState source;
  source.host = spec.host;
  source.port = spec.port;
  source.address = api::sourceAddress(cluster.spec);
  RDR_RETURN_IF_ERROR(readSourceSecret(cluster, spec.auth_secret_name,
                                       "replicaMode.source.authSecretName", observed, source));
  if (api::isReplica(cluster)) { // a promoted cluster keeps the source only as history
    SourceObservation probed = probeSource(spec.host, spec.port, observed.source_password, resolver_,
                                           connector_, allowed_, spec.auth_secret_name);
    source.allowed = probed.allowed;
    source.node = probed.node;
    source.problem = probed.problem;
    observed.source_stats = probed.stats;
  }
  observed.observation.source = std::move(source);
  return okStatus();
}

// A connection's source: the probes here, the address chosen by the rules of address_choice.h.
Status Observer::observeConnection(const api::RedisCluster& cluster, const ConnectionLink& link,
                                   ObservedCluster& observed) {
  const api::ActiveRedisConnection& connection = link.connection;
  const std::string named_by = "spec.secretName of ActiveRedisConnection " + connection.metadata.name;
  SourceState source;
  RDR_RETURN_IF_ERROR(
      readSourceSecret(cluster, connection.spec.secret_name, named_by, observed, source));
  const bool detaching = connection.metadata.deletion_timestamp.has_value();
  source.paused = connection.spec.pause && !detaching;
  std::size_t chosen = 0;
  if (source.paused || detaching) {
    const auto& last = cluster.status.replication;
    chosen = keptAddressIndex(link.addresses, last ? last->source : "");
  } else {
    std::vector<SourceObservation> probes;
    for (const api::HostPort& address : link.addresses) {
      probes.push_back(probeSource(address.host, address.port, observed.source_password, resolver_,
                                   connector_, allowed_, connection.spec.secret_name));
      if (probes.back().problem.empty() && probes.back().node) {
        break; // the first usable one: the later addresses are not contacted
      }
    }
    const AddressChoice choice =
        chooseProbedAddress(probes, link.addresses.size(), connection.metadata.name);
    chosen = choice.index;
    source.allowed = choice.allowed;
    source.problem = choice.problem;
    if (choice.usable) {
      source.node = probes[chosen].node;
      observed.source_stats = probes[chosen].stats;
    }
  }
  const api::HostPort& address = link.addresses[chosen];
  observed.observation.cluster = drivenCluster(cluster, connection, address);
  source.host = address.host;
  source.port = address.port;
  source.address = api::formatHostPort(address.host, address.port);
  source.connection = connection.metadata.name;
  source.detaching = detaching;
  observed.observation.source = std::move(source);
  return okStatus();
}

std::optional<std::string> Observer::rememberedPassword(const api::RedisCluster& cluster) {
  std::lock_guard lock(mutex_);
  const auto it = passwords_.find(cluster.metadata.namespace_ + "/" + cluster.metadata.name);
  return it == passwords_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void Observer::remember(const api::RedisCluster& cluster, const std::string& password) {
  if (cluster.spec.auth_secret) {
    return; // only the generated Secret is ever re-created by the operator
  }
  std::lock_guard lock(mutex_);
  passwords_[cluster.metadata.namespace_ + "/" + cluster.metadata.name] = password;
}

void Observer::forgetCluster(const std::string& cluster_key) {
  std::lock_guard lock(mutex_);
  passwords_.erase(cluster_key);
  source_sync_.erase(cluster_key);
}

Status Observer::readAuth(const api::RedisCluster& cluster, ObservedCluster& observed) {
  ClusterObservation& observation = observed.observation;
  const std::string name = api::authSecretName(cluster);
  auto secret = client_.get(kube::resources::secrets(), {cluster.metadata.namespace_, name});
  if (!secret) {
    if (!secret.error().is(ErrorCode::NotFound)) {
      return secret.error().wrap("reading the auth Secret " + name);
    }
    if (cluster.spec.auth_secret) {
      observation.auth_secret_problem =
          "the Secret " + name + " named by spec.authSecret does not exist";
      return okStatus();
    }
    // The generated Secret is missing: re-create it with the password the pods already use when
    // this process has seen it (someone deleted the Secret), else generate one (a new cluster).
    observation.generated_password = rememberedPassword(cluster).value_or(generatePassword());
    observed.password = observation.generated_password;
    remember(cluster, *observed.password);
    observation.auth_secret_ready = true;
    return okStatus();
  }
  const json data = (*secret).value("data", json::object());
  const std::string encoded = data.value("password", "");
  auto decoded = base64Decode(encoded);
  if (encoded.empty() || !decoded || decoded->empty()) {
    observation.auth_secret_problem = "the Secret " + name + " has no non-empty key \"password\"";
    return okStatus();
  }
  observed.password = std::move(decoded).value();
  remember(cluster, *observed.password);
  observation.auth_secret_ready = true;
  return okStatus();
}

void Observer::askSentinels(const api::RedisCluster& cluster, ClusterObservation& observation) {
  // Also outside mode sentinel while its Sentinel pods remain: they are told to stop before
  // they are deleted.
  if (cluster.spec.mode != api::ClusterMode::Sentinel && observation.sentinels.empty()) {
    return;
  }
  const std::string master = api::effectiveMasterName(cluster);
  std::map<int, std::future<SentinelObservation>> pending;
  for (auto& [index, sentinel] : observation.sentinels) {
    sentinel.answer = SentinelObservation();
    sentinel.answer.pod = sentinel.pod.name;
    sentinel.answer.pod_ip = sentinel.pod.pod_ip;
    if (sentinel.pod.deleting || sentinel.pod.pod_ip.empty()) {
      continue;
    }
    pending.emplace(index, std::async(std::launch::async, [this, name = sentinel.pod.name,
                                                           ip = sentinel.pod.pod_ip, master] {
                      return observeSentinel(connector_, name, ip, master);
                    }));
  }
  for (auto& [index, future] : pending) {
    observation.sentinels[index].answer = future.get();
  }
}

void Observer::probePods(const api::RedisCluster& cluster, ObservedCluster& observed) {
  ClusterObservation& observation = observed.observation;
  const auto interval = std::chrono::seconds(cluster.spec.failover.probe_interval_seconds);
  const redis::Credentials credentials{std::nullopt, observed.password};
  std::map<int, std::future<Result<redis::ReplicationInfo>>> pending;
  for (auto& [ordinal, pod] : observation.pods) {
    if (!observation.auth_secret_ready) {
      pod.probe_error = "not probed: the password is unavailable";
      continue;
    }
    if (pod.pod.pod_ip.empty()) {
      pod.probe_error = "the pod has no IP yet";
      continue;
    }
    auto admin = connector_.admin({pod.pod.pod_ip, api::kRedisPort}, credentials);
    pending.emplace(ordinal, std::async(std::launch::async, [admin] { return admin->replicationInfo(); }));
  }
  for (auto& [ordinal, future] : pending) {
    Result<redis::ReplicationInfo> info = future.get();
    PodObservation& pod = observation.pods[ordinal];
    if (info) {
      pod.node = toNodeState(*info);
    } else {
      pod.probe_error = info.error().message();
      pod.refuses_password = info.error().is(ErrorCode::Unauthorized);
    }
  }
  if (!observation.auth_secret_ready) {
    return; // no verdicts without a password: an unreadable Secret is not a dead primary
  }
  const std::string prefix = cluster.metadata.namespace_ + "/" + cluster.metadata.name + "/";
  for (auto& [ordinal, pod] : observation.pods) {
    pod.probes = history_.record(prefix + pod.pod.name, pod.node.has_value(), observation.now,
                                 interval, pod.probe_error);
  }
}

} // namespace rdr::controller
