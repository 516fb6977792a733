// describe(): one short line per plan action, so tables can compare whole plans.
#include "plan_fixture.h"

#include <type_traits>

namespace rdr::controller::testing {
namespace {

// "cache-0.cache-headless.apps.svc.cluster.local" -> "cache-0"; other hosts unchanged.
std::string shortHost(const std::string& host) {
  const auto dot = host.find('.');
  return dot == std::string::npos || host.find("-headless.") == std::string::npos
             ? host
             : host.substr(0, dot);
}

std::string describeCreate(const nlohmann::json& object) {
  const std::string kind = object.value("kind", "");
  std::string line = "create " + kind + " " + object["metadata"].value("name", "");
  const auto& labels = object["metadata"].value("labels", nlohmann::json::object());
  if (kind == "Pod" && labels.value("app.kubernetes.io/component", "") == "sentinel") {
    line += " sentinel";
  } else if (kind == "Pod") {
    const auto& args = object["spec"]["containers"][0].value("args", nlohmann::json::array());
    line += args.empty() ? " primary" : " replica-of " + shortHost(args[1].get<std::string>());
  }
  return line;
}

// "sentinel monitor cache-sentinel-0 127.10.0.10:6379", "sentinel stop cache-sentinel-1", ...
std::string describeSentinel(const ConfigureSentinel& configure) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, MonitorPrimary>) {
          return "sentinel monitor " + a.pod + " " + a.primary;
        } else if constexpr (std::is_same_v<T, StopMonitoring>) {
          return "sentinel stop " + a.pod;
        } else if constexpr (std::is_same_v<T, ResetSentinel>) {
          return "sentinel reset " + a.pod;
        } else if constexpr (std::is_same_v<T, ApplySettings>) {
          return "sentinel apply-settings " + a.pod;
        } else {
          static_assert(std::is_same_v<T, ForceFailover>, "a SentinelAction describe() lacks");
          return "sentinel failover " + a.pod;
        }
      },
      configure.action);
}

} // namespace

std::vector<std::string> describe(const std::vector<Action>& actions) {
  std::vector<std::string> lines;
  for (const Action& action : actions) {
    lines.push_back(std::visit(
        [](const auto& a) -> std::string {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, CreateObject>) {
            return describeCreate(a.object);
          } else if constexpr (std::is_same_v<T, UpdateConfigMapData>) {
            return "update ConfigMap " + a.name;
          } else if constexpr (std::is_same_v<T, DeleteObject>) {
            return "delete " + a.kind + " " + a.name;
          } else if constexpr (std::is_same_v<T, SetPodRoleLabel>) {
            return "label " + a.pod + " " + a.role;
          } else if constexpr (std::is_same_v<T, PromotePod>) {
            return "promote " + a.pod;
          } else if constexpr (std::is_same_v<T, FollowPrimary>) {
            return "follow " + a.pod + " " + shortHost(a.upstream_host) +
                   (a.source_auth ? " (source)" : "");
          } else if constexpr (std::is_same_v<T, Switchover>) {
            return "switchover " + a.from_pod + " " + a.to_pod;
          } else if constexpr (std::is_same_v<T, RecordEvent>) {
            return std::string("event ") + (a.warning ? "Warning " : "Normal ") + a.reason;
          } else if constexpr (std::is_same_v<T, CountPromotion>) {
            return "count promotion";
          } else if constexpr (std::is_same_v<T, FinishDetach>) {
            return "finish detach " + a.connection;
          } else if constexpr (std::is_same_v<T, ConfigureSentinel>) {
            return describeSentinel(a);
          } else if constexpr (std::is_same_v<T, SetReplicaPriority>) {
            return "replica-priority " + a.pod + " " + std::to_string(a.priority);
          } else {
            static_assert(std::is_same_v<T, CountFailover>, "an Action describe() lacks");
            return "count failover";
          }
        },
        action));
  }
  return lines;
}

} // namespace rdr::controller::testing
