// A cluster's Sentinels over the wire (sentinels.h).
#include "sentinels.h"

#include <spdlog/spdlog.h>

#include "rdr/api/host_port.h"
#include "rdr/redis/sentinel.h"

namespace rdr::controller {
namespace {

std::shared_ptr<redis::RedisAdmin> sentinelAdmin(redis::RedisConnector& connector,
                                                 const std::string& pod_ip) {
  return connector.admin({pod_ip, redis::kSentinelPort}, redis::Credentials{});
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
  if (password) {
    RDR_RETURN_IF_ERROR(redis::sentinelSet(*sentinel, master, "auth-pass", *password));
  }
  RDR_RETURN_IF_ERROR(redis::sentinelSet(*sentinel, master, "down-after-milliseconds",
                                         std::to_string(settings.down_after_milliseconds)));
  RDR_RETURN_IF_ERROR(redis::sentinelSet(*sentinel, master, "failover-timeout",
                                         std::to_string(settings.failover_timeout)));
  RDR_RETURN_IF_ERROR(redis::sentinelSet(*sentinel, master, "parallel-syncs", "1"));
  spdlog::info("Sentinel {} ({}) monitors {} as {} with quorum {}.", action.pod, action.pod_ip,
               action.primary, master, settings.quorum);
  return okStatus();
}

} // namespace

SentinelObservation observeSentinel(redis::RedisConnector& connector, const std::string& pod,
                                    const std::string& pod_ip, const std::string& master) {
  SentinelObservation observed{pod, pod_ip, false, std::nullopt, {}};
  if (pod_ip.empty()) {
    return observed;
  }
  auto sentinel = sentinelAdmin(connector, pod_ip);
  auto named = redis::sentinelMasterAddress(*sentinel, master);
  if (!named) {
    spdlog::debug("Sentinel {} ({}) did not answer: {}", pod, pod_ip, named.error().message());
    return observed;
  }
  observed.reachable = true;
  if (*named) {
    observed.master = api::formatHostPort((*named)->host, (*named)->port);
    if (auto known = redis::sentinelKnownIps(*sentinel, master)) {
      observed.known_ips = std::move(known).value();
    }
  }
  return observed;
}

Status executeSentinelAction(redis::RedisConnector& connector, const SentinelAction& action,
                             const SentinelSettings& settings,
                             const std::optional<std::string>& password) {
  if (const auto* monitor_action = std::get_if<MonitorPrimary>(&action)) {
    return monitor(connector, *monitor_action, settings, password);
  }
  if (const auto* stop = std::get_if<StopMonitoring>(&action)) {
    RDR_RETURN_IF_ERROR(
        redis::sentinelRemove(*sentinelAdmin(connector, stop->pod_ip), settings.master_name));
    spdlog::info("Sentinel {} ({}) stopped monitoring {}: the cluster follows an external source.",
                 stop->pod, stop->pod_ip, settings.master_name);
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
