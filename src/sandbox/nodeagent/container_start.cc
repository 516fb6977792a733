// Starting one container: volumes, the PVC hand-over, environment, argv, fork, prober.
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "sandbox/nodeagent/node_agent_impl.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kConfigRetry{1000};
constexpr milliseconds kClaimRetry{100};

// Which containers does the agent probe? Those with a readinessProbe or running redis-server, on
// their probePort(); others are ready while running (like a container without readinessProbe).
bool probed(const json& spec) {
  return (spec.contains("readinessProbe") || isRedisContainer(spec)) && probePort(spec);
}

} // namespace

// Starting a container, in order; the first step that cannot proceed leaves it waiting:
// 1. its volumes (a missing ConfigMap, Secret or PVC: ContainerCreating, retried every second);
// 2. no other process may still use one of its PVCs (never two redis-servers on one AOF):
//    ContainerCreating until that process has exited;
// 3. its environment (a missing Secret, ConfigMap or key: CreateContainerConfigError, retried);
// 4. its argv; then fork/exec (a failure counts as a crash: RunContainerError with backoff);
// 5. a prober when it is probed.
void NodeAgentImpl::startContainer(PodRuntime& pod, std::size_t index, MonotonicTime now) {
  ContainerRuntime& container = pod.containers[index];
  const json* spec = containerSpec(pod, container.view.name);
  if (spec == nullptr) {
    return;
  }
  auto volumes = materialiseVolumes(layout_, pod.pod, *spec, volumeSources());
  if (!volumes) {
    const bool retry = volumes.error().is(ErrorCode::Transient);
    waitWith(container, retry ? "ContainerCreating" : "CreateContainerError",
             volumes.error().message(), now + (retry ? kConfigRetry : kConfigRetry * 10));
    return;
  }
  for (const std::string& claim : volumes->pvc_uids) {
    if (pvcBusy(claim, pod.uid)) {
      waitWith(container, "ContainerCreating",
               "waiting for a terminating pod to release its persistentvolumeclaim (uid " + claim +
                   ")",
               now + kClaimRetry);
      return;
    }
  }
  const EnvSources env_sources{volumeSources().secret, volumeSources().config_map};
  auto env = resolveEnv(*spec, pod.ns, env_sources);
  if (!env) {
    if (container.view.waiting_reason != "CreateContainerConfigError") {
      spdlog::warn("The {} cannot start: {} (CreateContainerConfigError; retrying).",
                   describe(pod, container), env.error().message());
    }
    waitWith(container, "CreateContainerConfigError", env.error().message(), now + kConfigRetry);
    return;
  }
  auto argv = containerArgv(*spec, volumes->mounts, pod.ip);
  if (!argv) {
    waitWith(container, "CreateContainerError", argv.error().message(), now + kConfigRetry * 10);
    return;
  }
  LaunchSpec launch;
  launch.argv = std::move(argv).value();
  const char* path = std::getenv("PATH");
  launch.env.emplace_back("PATH", path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  launch.env.emplace_back("HOSTNAME", pod.name);
  std::optional<std::string> password;
  for (auto& [name, value] : *env) {
    if (name == "REDIS_PASSWORD") {
      password = value;
    }
    std::erase_if(launch.env, [&](const auto& entry) { return entry.first == name; });
    launch.env.emplace_back(name, value);
  }
  launch.cwd = volumes->working_dir;
  launch.log = layout_.podDir(pod.ns, pod.name) / (container.view.name + ".log");
  std::error_code ec;
  std::filesystem::create_directories(launch.log.parent_path(), ec);
  auto pid = launcher_.launch(launch);
  if (!pid) {
    ++container.consecutive_crashes;
    const milliseconds delay = crashLoopDelay(container.consecutive_crashes,
                                              options_.backoff_initial, options_.backoff_max);
    spdlog::warn("The {} cannot start: {}; retrying in {} ms.", describe(pod, container),
                 pid.error().message(), delay.count());
    waitWith(container, "RunContainerError", pid.error().message(), now + delay);
    return;
  }
  container.pid = *pid;
  container.started = now;
  container.start_at.reset();
  container.pvc_uids = volumes->pvc_uids;
  container.view.state = ContainerView::State::Running;
  container.view.started_at = std::chrono::system_clock::now();
  container.view.ever_started = true;
  container.view.waiting_message.clear();
  if (probed(*spec)) {
    const int threshold = spec->value("readinessProbe", json::object()).value("failureThreshold", 3);
    container.prober = std::make_unique<Prober>(
        ProbeTarget{pod.ip, *probePort(*spec), password, describe(pod, container)},
        options_.probe_period, options_.probe_timeout, threshold, [this] {
          probe_changed_ = true;
          changed_.notify_all();
        });
  }
  spdlog::info("Started the {} as pid {} on {} (restart count {}), log {}.",
               describe(pod, container), *pid, pod.ip, container.view.restart_count,
               launch.log.string());
}

} // namespace rdr::sandbox
