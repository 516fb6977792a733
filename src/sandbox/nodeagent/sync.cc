// The node agent's sync pass: start, reap, restart and terminate the processes of every pod.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "sandbox/nodeagent/node_agent_impl.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kResyncPeriod{200};

} // namespace

void NodeAgentImpl::syncLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, stop, kResyncPeriod, [&] { return dirty_ || probe_changed_; });
      if (stop.stop_requested()) {
        return;
      }
      dirty_ = false;
      probe_changed_ = false;
    }
    syncOnce();
    bool bind = false;
    {
      std::lock_guard lock(mutex_);
      bind = std::exchange(claims_dirty_, false);
    }
    if (bind) {
      bindPendingClaims();
    }
    writeStatuses(statusesToWrite());
  }
}

// One pass, level-based over the informers' caches:
// 1. nothing happens until every informer has listed once (no false "secret not found");
// 2. a known pod UID that left the cache (or got a deletionTimestamp) is terminated: SIGTERM,
//    SIGKILL after min(terminationGracePeriodSeconds, max_grace_period);
// 3. a new pod UID gets an IP and its containers are due to start now;
// 4. exited processes are reaped: a terminating pod is done when every process is gone (IP
//    released, per-UID volumes removed); otherwise the restart policy decides (CrashLoopBackOff);
// 5. containers whose start time has come are started (volumes, env, argv, fork);
// 6. after a ConfigMap or Secret change, the volume files of running pods are refreshed.
void NodeAgentImpl::syncOnce() {
  for (auto* informer : {pods_.get(), config_maps_.get(), secrets_.get(), claims_.get()}) {
    if (!informer->hasSynced()) {
      return;
    }
  }
  auto listed = pods_->cache().list();
  if (!listed) {
    return;
  }
  std::map<std::string, json> live;
  for (json& pod : *listed) {
    const json& meta = pod.at("metadata");
    if (!meta.contains("deletionTimestamp") || meta["deletionTimestamp"].is_null()) {
      const std::string uid = meta.value("uid", "");
      live[uid] = std::move(pod);
    }
  }
  const MonotonicTime now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto& [uid, pod] : pods_by_uid_) {
    if (!pod.terminating && !live.contains(uid)) {
      terminate(pod, now);
    }
  }
  for (auto& [uid, object] : live) {
    auto [it, inserted] = pods_by_uid_.try_emplace(uid);
    it->second.pod = std::move(object);
    if (inserted) {
      accept(it->second, uid, now);
    }
  }
  const bool refresh = std::exchange(volumes_dirty_, false);
  for (auto it = pods_by_uid_.begin(); it != pods_by_uid_.end();) {
    PodRuntime& pod = it->second;
    reap(pod, now);
    if (pod.terminating) {
      if (finishTermination(pod, now)) {
        it = pods_by_uid_.erase(it);
        continue;
      }
    } else {
      startDue(pod, now);
      if (refresh) {
        refreshVolumes(pod);
      }
    }
    ++it;
  }
}

void NodeAgentImpl::accept(PodRuntime& pod, const std::string& uid, MonotonicTime now) {
  const json& meta = pod.pod.at("metadata");
  pod.uid = uid;
  pod.ns = meta.value("namespace", "");
  pod.name = meta.value("name", "");
  pod.start_time = std::chrono::system_clock::now();
  auto ip = ips_.allocate(uid);
  pod.ip = ip ? *ip : "";
  for (const json& spec : pod.pod.at("spec").value("containers", json::array())) {
    ContainerRuntime container;
    container.view.name = spec.value("name", "");
    container.view.image = spec.value("image", "");
    container.start_at = ip ? std::optional(now) : std::nullopt;
    if (!ip) {
      container.view.waiting_message = ip.error().message();
    }
    pod.containers.push_back(std::move(container));
  }
  spdlog::info("The node agent accepted pod {} (uid {}) with IP {}.", podKey(pod), uid,
               pod.ip.empty() ? "<none>" : pod.ip);
}

// A terminating pod is gone once none of its processes runs: its IP is released and its per-UID
// volumes removed. Until then, what still runs at kill_at gets SIGKILL.
bool NodeAgentImpl::finishTermination(PodRuntime& pod, MonotonicTime now) {
  const bool running = std::any_of(pod.containers.begin(), pod.containers.end(),
                                   [](const ContainerRuntime& c) { return c.pid > 0; });
  if (!running) {
    ips_.release(pod.uid);
    std::error_code ec;
    fs::remove_all(layout_.uidDir(pod.ns, pod.name, pod.uid), ec);
    spdlog::info("Pod {} (uid {}) is gone: its processes exited and IP {} is released.",
                 podKey(pod), pod.uid, pod.ip.empty() ? "<none>" : pod.ip);
    return true;
  }
  if (now >= pod.kill_at) {
    for (ContainerRuntime& c : pod.containers) {
      if (c.pid > 0) {
        spdlog::warn("The {} did not exit within its grace period; sending SIGKILL to {}.",
                     describe(pod, c), c.pid);
        ::kill(-c.pid, SIGKILL);
        ::kill(c.pid, SIGKILL);
      }
    }
    pod.kill_at = now + std::chrono::hours(1); // signalled; reap() collects them
  }
  return false;
}

void NodeAgentImpl::reap(PodRuntime& pod, MonotonicTime now) {
  for (ContainerRuntime& container : pod.containers) {
    if (container.pid <= 0) {
      continue;
    }
    int wait_status = 0;
    const pid_t done = ::waitpid(container.pid, &wait_status, WNOHANG);
    if (done == container.pid || (done < 0 && errno == ECHILD)) {
      afterExit(pod, container, wait_status, now);
    }
  }
}

// After an exit: Always restarts, OnFailure restarts a failure, Never keeps it terminated; the
// n-th crash in a row waits crashLoopDelay(n) (CrashLoopBackOff), a long run starts over at 1.
void NodeAgentImpl::afterExit(PodRuntime& pod, ContainerRuntime& container, int wait_status,
                              MonotonicTime now) {
  Termination t;
  if (WIFSIGNALED(wait_status)) {
    t.signal = WTERMSIG(wait_status);
    t.exit_code = 128 + t.signal;
  } else {
    t.exit_code = WEXITSTATUS(wait_status);
  }
  t.started_at = container.view.started_at;
  t.finished_at = std::chrono::system_clock::now();
  const pid_t pid = std::exchange(container.pid, -1);
  container.prober.reset();
  container.pvc_uids.clear();
  container.view.ready = false;
  container.view.last_terminated = t;
  if (pod.terminating) {
    spdlog::info("The {} (pid {}) exited with code {} while terminating.", describe(pod, container),
                 pid, t.exit_code);
    return;
  }
  const std::string policy = pod.pod.at("spec").value("restartPolicy", "Always");
  const bool failed = t.exit_code != 0 || t.signal != 0;
  if (policy == "Never" || (policy == "OnFailure" && !failed)) {
    container.view.state = ContainerView::State::Terminated;
    container.view.terminated = t;
    spdlog::info("The {} (pid {}) exited with code {}; restartPolicy {} keeps it down.",
                 describe(pod, container), pid, t.exit_code, policy);
    return;
  }
  if (now - container.started >= options_.backoff_reset) {
    container.consecutive_crashes = 0;
  }
  ++container.consecutive_crashes;
  ++container.view.restart_count;
  const milliseconds delay = crashLoopDelay(container.consecutive_crashes,
                                            options_.backoff_initial, options_.backoff_max);
  waitWith(container, "CrashLoopBackOff",
           "back-off " +
               (delay.count() % 1000 == 0 ? std::to_string(delay.count() / 1000) + "s"
                                          : std::to_string(delay.count()) + "ms") +
               " restarting failed container=" + container.view.name + " pod=" + pod.name + "_" +
               pod.ns + "(" + pod.uid + ")",
           now + delay);
  spdlog::warn("The {} (pid {}) exited with code {}{}; restart {} in {} ms (CrashLoopBackOff).",
               describe(pod, container), pid, t.exit_code,
               t.signal != 0 ? " (signal " + std::to_string(t.signal) + ")" : "",
               container.view.restart_count, delay.count());
}

void NodeAgentImpl::terminate(PodRuntime& pod, MonotonicTime now) {
  pod.terminating = true;
  const long requested = pod.pod.at("spec").value("terminationGracePeriodSeconds", 30L);
  const auto grace =
      std::min(std::chrono::seconds(std::max(0L, requested)), options_.max_grace_period);
  pod.kill_at = now + grace;
  int signalled = 0;
  for (ContainerRuntime& container : pod.containers) {
    container.start_at.reset();
    container.prober.reset();
    if (container.pid > 0) {
      ::kill(-container.pid, SIGCONT); // a frozen process cannot act on SIGTERM
      ::kill(-container.pid, SIGTERM);
      ++signalled;
    }
  }
  spdlog::info("Pod {} (uid {}) was deleted: SIGTERM sent to {} process(es), SIGKILL after {} s.",
               podKey(pod), pod.uid, signalled, grace.count());
}

void NodeAgentImpl::startDue(PodRuntime& pod, MonotonicTime now) {
  for (std::size_t i = 0; i < pod.containers.size(); ++i) {
    const ContainerRuntime& container = pod.containers[i];
    if (container.pid <= 0 && container.start_at && now >= *container.start_at) {
      startContainer(pod, i, now);
    }
  }
}

bool NodeAgentImpl::pvcBusy(const std::string& pvc_uid, const std::string& except_uid) const {
  for (const auto& [uid, pod] : pods_by_uid_) {
    if (uid == except_uid) {
      continue;
    }
    for (const ContainerRuntime& c : pod.containers) {
      if (c.pid > 0 && std::find(c.pvc_uids.begin(), c.pvc_uids.end(), pvc_uid) !=
                           c.pvc_uids.end()) {
        return true;
      }
    }
  }
  return false;
}

void NodeAgentImpl::refreshVolumes(PodRuntime& pod) {
  for (const ContainerRuntime& container : pod.containers) {
    const json* spec = containerSpec(pod, container.view.name);
    if (spec != nullptr && container.pid > 0) {
      auto refreshed = materialiseVolumes(layout_, pod.pod, *spec, volumeSources());
      if (!refreshed) {
        spdlog::debug("Refreshing the volumes of {} failed: {}.", describe(pod, container),
                      refreshed.error().toString());
      }
    }
  }
}

} // namespace rdr::sandbox
