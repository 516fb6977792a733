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

} // namespace

SentinelPlan planSentinels(const std::vector<SentinelObservation>& sentinels,
                           const SentinelGroupFacts& facts) {
  const int configured = facts.configured;
  const bool following_source = facts.following_source;
  const std::optional<std::string>& recorded_primary = facts.recorded_primary;
  const SentinelSettings& wanted = facts.wanted;
  SentinelPlan plan;
  for (const SentinelObservation& sentinel : sentinels) { // rule 0
    for (const std::string& other : sentinel.other_masters) {
      if (sentinel.reachable) {
        plan.actions.emplace_back(StopMonitoring{sentinel.pod, sentinel.pod_ip, other});
      }
    }
  }
  if (following_source) { // rule 1
    for (const SentinelObservation& sentinel : sentinels) {
      if (sentinel.reachable && sentinel.master) {
        plan.actions.emplace_back(StopMonitoring{sentinel.pod, sentinel.pod_ip, ""});
      }
    }
    return plan;
  }
  std::vector<replication::SentinelAnswer> answers; // rule 2
  for (const SentinelObservation& sentinel : sentinels) {
    answers.push_back({sentinel.pod, sentinel.reachable, sentinel.master});
  }
  plan.verdict = replication::readSentinels(answers, configured);
  using Kind = replication::SentinelVerdictKind;
  std::optional<std::string> target; // rule 3
  std::vector<std::string> named;
  for (const SentinelObservation& sentinel : sentinels) {
    if (sentinel.reachable && sentinel.master &&
        std::find(named.begin(), named.end(), *sentinel.master) == named.end()) {
      named.push_back(*sentinel.master);
    }
  }
  if (plan.verdict.kind == Kind::Agreed) {
    target = plan.verdict.primary; // a
  } else if (named.size() == 1) {
    target = named.front(); // b
  } else if (named.empty()) {
    target = recorded_primary; // c
  }
  const bool lost = plan.verdict.kind == Kind::Agreed && recorded_primary &&
                    !namesDataPod(*plan.verdict.primary, facts.data_ips) &&
                    std::none_of(sentinels.begin(), sentinels.end(), [&](const auto& sentinel) {
                      return std::any_of(facts.data_ips.begin(), facts.data_ips.end(),
                                         [&](const std::string& ip) { return contains(sentinel.known_ips, ip); });
                    }); // d
  for (const SentinelObservation& sentinel : sentinels) {
    if (lost && sentinel.reachable) {
      plan.actions.emplace_back(MonitorPrimary{sentinel.pod, sentinel.pod_ip, *recorded_primary});
    } else if (target && sentinel.reachable && !sentinel.master) {
      plan.actions.emplace_back(MonitorPrimary{sentinel.pod, sentinel.pod_ip, *target});
    }
  }
  const auto reported = wanted.reported();
  for (const SentinelObservation& sentinel : sentinels) { // rule 6
    if (sentinel.reachable && sentinel.master && !sentinel.settings.empty() &&
        sentinel.settings != reported) {
      plan.actions.emplace_back(ApplySettings{sentinel.pod, sentinel.pod_ip});
    }
  }
  const bool failing_over = std::any_of(sentinels.begin(), sentinels.end(), [](const auto& sentinel) {
    return sentinel.failover_in_progress;
  });
  if (plan.verdict.kind != Kind::Agreed || !plan.actions.empty() || !recorded_primary ||
      plan.verdict.primary != recorded_primary || failing_over) { // rule 7a
    return plan;
  }
  for (const SentinelObservation& sentinel : sentinels) { // rule 7
    const bool stale = std::any_of(sentinel.known_ips.begin(), sentinel.known_ips.end(),
                                   [&](const std::string& ip) { return !contains(facts.current_ips, ip); });
    const bool others_know = std::all_of(sentinels.begin(), sentinels.end(), [&](const auto& other) {
      return &other == &sentinel || !other.reachable || knowsEveryReplica(other, facts.streaming_replicas);
    }); // rule 7b
    if (sentinel.reachable && stale && others_know) {
      plan.actions.emplace_back(ResetSentinel{sentinel.pod, sentinel.pod_ip});
      break; // rule 7c
    }
  }
  return plan;
}

} // namespace rdr::controller
