// The node agent's state: informers, the pods it runs (by UID), and the sync thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"
#include "rdr/runtime/informer.h"
#include "rdr/sandbox/node_agent.h"
#include "sandbox/nodeagent/container_spec.h"
#include "sandbox/nodeagent/ip_allocator.h"
#include "sandbox/nodeagent/pod_status.h"
#include "sandbox/nodeagent/process_launcher.h"
#include "sandbox/nodeagent/prober.h"
#include "sandbox/nodeagent/volumes.h"

namespace rdr::sandbox {

// One container of a pod the agent runs.
struct ContainerRuntime {
  ContainerView view;                     // what the status reports
  pid_t pid = -1;                         // the running process (its process group too), or -1
  MonotonicTime started{};                // of the running process
  std::optional<MonotonicTime> start_at;  // when to (re)start; nothing while running or done
  int consecutive_crashes = 0;            // for CrashLoopBackOff, reset after a long run
  std::unique_ptr<Prober> prober;         // while running and probed
  std::vector<std::string> pvc_uids;      // claims of the running process
};

// One pod UID the agent knows: running, waiting, or terminating after its deletion.
struct PodRuntime {
  std::string uid;
  std::string ns;
  std::string name;
  nlohmann::json pod; // the latest object seen
  std::string ip;
  SystemTime start_time{};
  std::vector<ContainerRuntime> containers; // in spec order
  bool terminating = false;
  MonotonicTime kill_at{}; // SIGKILL what still runs after this
  nlohmann::json written_status = nlohmann::json::object(); // the last status written
};

// Helpers shared by sync.cc, container_start.cc and status_sync.cc.
inline std::string podKey(const PodRuntime& pod) { return pod.ns + "/" + pod.name; }

inline std::string describe(const PodRuntime& pod, const ContainerRuntime& container) {
  return "container " + container.view.name + " of pod " + podKey(pod);
}

inline const nlohmann::json* containerSpec(const PodRuntime& pod, const std::string& name) {
  const nlohmann::json& spec = pod.pod.at("spec");
  if (!spec.contains("containers")) {
    return nullptr;
  }
  for (const nlohmann::json& c : spec["containers"]) {
    if (c.value("name", "") == name) {
      return &c;
    }
  }
  return nullptr;
}

inline void waitWith(ContainerRuntime& container, std::string reason, std::string message,
              std::optional<MonotonicTime> retry_at) {
  container.view.state = ContainerView::State::Waiting;
  container.view.waiting_reason = std::move(reason);
  container.view.waiting_message = std::move(message);
  container.start_at = retry_at;
}

class NodeAgentImpl final : public NodeAgent {
public:
  NodeAgentImpl(kube::Client& client, NodeAgentOptions options, Ipv4Cidr cidr);
  ~NodeAgentImpl() override;

  void start();

  // NodeAgent
  Status killPod(const std::string& namespace_, const std::string& name) override;
  Status freezePod(const std::string& namespace_, const std::string& name) override;
  Status thawPod(const std::string& namespace_, const std::string& name) override;
  std::string podIp(const std::string& namespace_, const std::string& name) const override;
  void stop() override;

private:
  // sync.cc: one pass over every pod (see the rules there).
  void syncLoop(std::stop_token stop);
  void syncOnce();
  void accept(PodRuntime& pod, const std::string& uid, MonotonicTime now);
  bool finishTermination(PodRuntime& pod, MonotonicTime now);
  void reap(PodRuntime& pod, MonotonicTime now);
  void afterExit(PodRuntime& pod, ContainerRuntime& container, int wait_status,
                 MonotonicTime now);
  void terminate(PodRuntime& pod, MonotonicTime now);
  void startDue(PodRuntime& pod, MonotonicTime now);
  void startContainer(PodRuntime& pod, std::size_t index, MonotonicTime now);
  bool pvcBusy(const std::string& pvc_uid, const std::string& except_uid) const;
  void refreshVolumes(PodRuntime& pod);
  // status_sync.cc: renders statuses, writes those that changed; binds pending PVCs.
  std::vector<std::pair<std::string, nlohmann::json>> statusesToWrite();
  void writeStatuses(const std::vector<std::pair<std::string, nlohmann::json>>& statuses);
  void bindPendingClaims();
  PodView viewOf(const PodRuntime& pod) const;

  Status signalPod(const std::string& ns, const std::string& name, int signal, const char* what);
  void wake();
  VolumeSources volumeSources() const;

  kube::Client& client_;
  const NodeAgentOptions options_;
  const VolumeLayout layout_;
  std::unique_ptr<runtime::Informer> pods_;
  std::unique_ptr<runtime::Informer> config_maps_;
  std::unique_ptr<runtime::Informer> secrets_;
  std::unique_ptr<runtime::Informer> claims_;
  ProcessLauncher launcher_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  bool dirty_ = true;         // guarded by mutex_: an informer event arrived
  std::atomic<bool> probe_changed_{false}; // a prober's verdict flipped (set without the lock)
  bool volumes_dirty_ = true; // guarded by mutex_: a ConfigMap or Secret changed
  bool claims_dirty_ = true;  // guarded by mutex_: a PVC changed
  IpAllocator ips_;           // guarded by mutex_
  std::map<std::string, PodRuntime> pods_by_uid_; // guarded by mutex_
  bool stopped_ = false;                          // guarded by mutex_
  std::jthread sync_thread_;
};

} // namespace rdr::sandbox
