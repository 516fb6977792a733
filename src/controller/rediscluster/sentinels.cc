// A cluster's Sentinels over the wire (sentinels.h).
#include "sentinels.h"

#include <spdlog/spdlog.h>

#include "rdr/api/host_port.h"
#include "rdr/api/well_known.h"
#include "rdr/redis/sentinel.h"

namespace rdr::controller {
namespace {

std::shared_ptr<redis::RedisAdmin> sentinelAdmin(redis::RedisConnector& connector,
                                                 const std::string& pod_ip) {
  return connector.admin({pod_ip, redis::kSentinelPort}, redis::Credentials{});
}

// quorum, down-after-milliseconds, failover-timeout and parallel-syncs, as SentinelSettings
// reports them.
Status applySettings(redis::RedisAdmin& sentinel, const SentinelSettings& settings) {
  for (const auto& [option, value] : settings.reported()) {
    RDR_RETURN_IF_ERROR(redis::sentinelSet(sentinel, settings.master_name, option, value));
  }
  return okStatus();
}

Status monitor(redis::RedisConnector& connector, const MonitorPrimary& action,
               const SentinelSettings& settings, const std::optional<std::string>& password) {
  auto primary = api::parseHostPort(action.primary);
  if (!primary) {
    return primary.error().wrap("the primary's address for Sentinel " + action.pod);
  }
  auto sentinel = sentinelAdmin(connector, action.pod_ip);
  const std::string& master = settings.master_name;
  RDR_RETURN_IF_ERROR(redis::sentinelRemove(*sentinel, master));
  RDR_RETURN_IF_ERROR(redis::sentinelMonitor(*sentinel, master, {primary->host, primary->port},
                                             settings.quorum));
  Status configured = password ? redis::sentinelSet(*sentinel, master, "auth-pass", *password)
                               : okStatus();
  if (configured) {
    configured = applySettings(*sentinel, settings);
  }
  if (!configured) {
    // Half configured (no password: every PING gets NOAUTH and it holds the primary down) is
    // worse than not monitoring: the entry goes, and the next round monitors from scratch.
    (void)redis::sentinelRemove(*sentinel, master);
    return configured.error().wrap("configuring Sentinel " + action.pod + " after MONITOR");
  }
  spdlog::info("Sentinel {} ({}) monitors {} as {} with quorum {}.", action.pod, action.pod_ip,
               action.primary, master, settings.quorum);
  return okStatus();
}

} // namespace

SentinelObservation observeSentinel(redis::RedisConnector& connector, const std::string& pod,
                                    const std::string& pod_ip, const std::string& master) {
  SentinelObservation observed;
  observed.pod = pod;
  observed.pod_ip = pod_ip;
  if (pod_ip.empty()) {
    return observed;
  }
  auto sentinel = sentinelAdmin(connector, pod_ip);
  auto named = redis::sentinelMasterAddress(*sentinel, master);
  if (!named) {
    spdlog::debug("Sentinel {} ({}) did not answer: {}", pod, pod_ip, named.error().message());
    return observed;
  }
  auto names = redis::sentinelMasterNames(*sentinel);
  if (!names) {
    spdlog::debug("Sentinel {} ({}) did not list its masters: {}", pod, pod_ip, names.error().message());
    return observed;
  }
  for (std::string& name : *names) {
    if (name != master) {
      observed.other_masters.push_back(std::move(name));
    }
  }
  if (*named) {
    // What it knows decides whether it can fail over (rule S4 of the plan): an answer without
    // it is no answer.
    auto known = redis::sentinelKnownIps(*sentinel, master);
    if (!known) {
      spdlog::debug("Sentinel {} ({}) did not list what it knows: {}", pod, pod_ip,
                    known.error().message());
      return observed;
    }
    observed.master = api::formatHostPort((*named)->host, (*named)->port);
    observed.known_ips = std::move(known).value();
    if (auto fields = redis::sentinelMasterFields(*sentinel, master)) {
      for (const char* name : {"quorum", "down-after-milliseconds", "failover-timeout", "parallel-syncs"}) {
        if (const auto field = fields->find(name); field != fields->end()) {
          observed.settings[name] = field->second;
        }
      }
      const auto flags = fields->find("flags");
      observed.failover_in_progress =
          flags != fields->end() && flags->second.find("failover_in_progress") != std::string::npos;
    }
  }
  observed.reachable = true;
  return observed;
}

Status executeSentinelAction(redis::RedisConnector& connector, const SentinelAction& action,
                             const SentinelSettings& settings,
                             const std::optional<std::string>& password) {
  if (const auto* monitor_action = std::get_if<MonitorPrimary>(&action)) {
    return monitor(connector, *monitor_action, settings, password);
  }
  if (const auto* stop = std::get_if<StopMonitoring>(&action)) {
    const std::string& master = stop->master.empty() ? settings.master_name : stop->master;
    RDR_RETURN_IF_ERROR(redis::sentinelRemove(*sentinelAdmin(connector, stop->pod_ip), master));
    spdlog::info("Sentinel {} ({}) stopped monitoring {}: {}.", stop->pod, stop->pod_ip, master,
                 master != settings.master_name ? "the cluster's master name is " + settings.master_name
                                                : "no Sentinel may fail this cluster over now (it "
                                                  "follows an external source, or leaves mode sentinel)");
    return okStatus();
  }
  if (const auto* apply = std::get_if<ApplySettings>(&action)) {
    RDR_RETURN_IF_ERROR(applySettings(*sentinelAdmin(connector, apply->pod_ip), settings));
    spdlog::info("Sentinel {} ({}) now uses quorum {}, down-after-milliseconds {} and "
                 "failover-timeout {} for {}.",
                 apply->pod, apply->pod_ip, settings.quorum, settings.down_after_milliseconds,
                 settings.failover_timeout, settings.master_name);
    return okStatus();
  }
  if (const auto* failover = std::get_if<ForceFailover>(&action)) {
    std::shared_ptr<redis::RedisAdmin> primary;
    if (!failover->pause_primary_ip.empty()) {
      primary = connector.admin({failover->pause_primary_ip, api::kRedisPort},
                                redis::Credentials{std::nullopt, password});
      RDR_RETURN_IF_ERROR(primary->pauseWrites(kHandOverPause));
    }
    if (Status asked = redis::sentinelFailover(*sentinelAdmin(connector, failover->pod_ip),
                                               settings.master_name);
        !asked) {
      if (primary) {
        (void)primary->unpause(); // refused: the primary goes on taking writes
      }
      return asked;
    }
    spdlog::warn("Sentinel {} ({}) was asked to fail {} over now (SENTINEL FAILOVER): {}.",
                 failover->pod, failover->pod_ip, settings.master_name, failover->why);
    return okStatus();
  }
  const auto& reset = std::get<ResetSentinel>(action);
  auto done = redis::sentinelReset(*sentinelAdmin(connector, reset.pod_ip), settings.master_name);
  if (!done) {
    return done.error();
  }
  spdlog::info("Sentinel {} ({}) was reset: it forgets replicas and Sentinels that are gone.",
               reset.pod, reset.pod_ip);
  return okStatus();
}

} // namespace rdr::controller
