// planSentinels: point, stop or reset a cluster's Sentinels (rules in sentinel_plan.h).
#include <algorithm>

#include "rdr/controller/sentinel_plan.h"

namespace rdr::controller {

std::map<std::string, std::string> SentinelSettings::reported() const {
  return {{"quorum", std::to_string(quorum)},
          {"down-after-milliseconds", std::to_string(down_after_milliseconds)},
          {"failover-timeout", std::to_string(failover_timeout)},
          {"parallel-syncs", "1"}};
}

namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool knowsEveryReplica(const SentinelObservation& sentinel, const std::vector<std::string>& replicas) {
  return std::all_of(replicas.begin(), replicas.end(),
                     [&](const std::string& ip) { return contains(sentinel.known_ips, ip); });
}

// True when "ip:port" is the address of one of the data pods.
bool namesDataPod(const std::string& address, const std::vector<std::string>& data_ips) {
  const auto colon = address.rfind(':');
  return colon != std::string::npos && contains(data_ips, address.substr(0, colon));
}

using Kind = replication::SentinelVerdictKind;

// Rule 0 (every name but the cluster's) or, with `cluster_name`, rule 1 (the cluster's name).
void stopMonitoring(const std::vector<SentinelObservation>& sentinels, bool cluster_name,
                    std::vector<SentinelAction>& actions) {
  for (const SentinelObservation& sentinel : sentinels) {
    if (!sentinel.reachable) {
      continue;
    }
    if (cluster_name) {
      if (sentinel.master) {
        actions.emplace_back(StopMonitoring{sentinel.pod, sentinel.pod_ip, ""});
      }
      continue;
    }
    for (const std::string& other : sentinel.other_masters) {
      actions.emplace_back(StopMonitoring{sentinel.pod, sentinel.pod_ip, other});
    }
  }
}

// Rule 3 a-c: the address a Sentinel that monitors nothing is pointed at, if any.
std::optional<std::string> monitorTarget(const std::vector<SentinelObservation>& sentinels,
                                         const replication::SentinelVerdict& verdict,
                                         const std::optional<std::string>& recorded_primary) {
  std::vector<std::string> named;
  for (const SentinelObservation& sentinel : sentinels) {
    if (sentinel.reachable && sentinel.master && !contains(named, *sentinel.master)) {
      named.push_back(*sentinel.master);
    }
  }
  if (verdict.kind == Kind::Agreed) {
    return verdict.primary; // a
  }
  if (named.size() == 1) {
    return named.front(); // b
  }
  return named.empty() ? recorded_primary : std::nullopt; // c
}

// Rule 3d: they agree on an address that is no data pod and none knows a data pod.
bool groupLostThePods(const std::vector<SentinelObservation>& sentinels,
                      const replication::SentinelVerdict& verdict, const SentinelGroupFacts& facts) {
  if (verdict.kind != Kind::Agreed || !facts.recorded_primary ||
      namesDataPod(*verdict.primary, facts.data_ips)) {
    return false;
  }
  return std::none_of(sentinels.begin(), sentinels.end(), [&](const SentinelObservation& sentinel) {
    return std::any_of(facts.data_ips.begin(), facts.data_ips.end(),
                       [&](const std::string& ip) { return contains(sentinel.known_ips, ip); });
  });
}

// Rule 7: at most one ResetSentinel, on its conditions a-c.
std::optional<SentinelAction> staleReset(const std::vector<SentinelObservation>& sentinels,
                                         const replication::SentinelVerdict& verdict,
                                         const SentinelGroupFacts& facts) {
  const bool failing_over = std::any_of(sentinels.begin(), sentinels.end(), [](const auto& sentinel) {
    return sentinel.failover_in_progress;
  });
  if (verdict.kind != Kind::Agreed || !facts.recorded_primary ||
      verdict.primary != facts.recorded_primary || failing_over) { // a
    return std::nullopt;
  }
  for (const SentinelObservation& sentinel : sentinels) {
    const bool stale = std::any_of(sentinel.known_ips.begin(), sentinel.known_ips.end(),
                                   [&](const std::string& ip) { return !contains(facts.current_ips, ip); });
    const bool others_know = std::all_of(sentinels.begin(), sentinels.end(), [&](const auto& other) {
      return &other == &sentinel || !other.reachable || knowsEveryReplica(other, facts.streaming_replicas);
    }); // b
    if (sentinel.reachable && stale && others_know) {
      return ResetSentinel{sentinel.pod, sentinel.pod_ip}; // c
    }
  }
  return std::nullopt;
}

} // namespace

SentinelPlan planSentinels(const std::vector<SentinelObservation>& sentinels,
                           const SentinelGroupFacts& facts) {
  SentinelPlan plan;
  stopMonitoring(sentinels, /*cluster_name=*/false, plan.actions); // rule 0
  if (facts.following_source) {
    stopMonitoring(sentinels, /*cluster_name=*/true, plan.actions); // rule 1
    return plan;
  }
  std::vector<replication::SentinelAnswer> answers; // rule 2
  for (const SentinelObservation& sentinel : sentinels) {
    answers.push_back({sentinel.pod, sentinel.reachable, sentinel.master});
  }
  plan.verdict = replication::readSentinels(answers, facts.configured);
  const std::optional<std::string> target = monitorTarget(sentinels, plan.verdict, facts.recorded_primary);
  const bool lost = groupLostThePods(sentinels, plan.verdict, facts);
  for (const SentinelObservation& sentinel : sentinels) { // rule 3
    if (lost && sentinel.reachable) {
      plan.actions.emplace_back(MonitorPrimary{sentinel.pod, sentinel.pod_ip, *facts.recorded_primary});
    } else if (target && sentinel.reachable && !sentinel.master) {
      plan.actions.emplace_back(MonitorPrimary{sentinel.pod, sentinel.pod_ip, *target});
    }
  }
  const auto reported = facts.wanted.reported();
  for (const SentinelObservation& sentinel : sentinels) { // rule 6
    if (sentinel.reachable && sentinel.master && !sentinel.settings.empty() &&
        sentinel.settings != reported) {
      plan.actions.emplace_back(ApplySettings{sentinel.pod, sentinel.pod_ip});
    }
  }
  if (plan.actions.empty()) { // rule 7a: nothing else planned
    if (auto reset = staleReset(sentinels, plan.verdict, facts)) {
      plan.actions.push_back(std::move(*reset));
    }
  }
  return plan;
}

} // namespace rdr::controller
