// The sandbox's kubelet: runs every Pod of the API server as local processes on its own loopback IP.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "rdr/common/result.h"
#include "rdr/kube/client.h"

namespace rdr::sandbox {

struct NodeAgentOptions {
  std::string node_name = "sandbox";    // spec.nodeName is not checked: one node runs every pod
  std::string host_ip;                  // status.hostIP, e.g. "127.0.10.1"
  std::string pod_cidr;                 // e.g. "127.10.0.0/17": one fresh IP per pod UID
  std::filesystem::path state_dir;      // <state>/pods/<ns>_<pod>/, <state>/volumes/, logs
  std::chrono::milliseconds probe_period{1000};
  std::chrono::milliseconds probe_timeout{1000};
  // CrashLoopBackOff: the n-th consecutive crash waits initial·2^(n-1), at most max; a container
  // that ran reset_after before crashing starts over at initial (the kubelet's values).
  std::chrono::milliseconds backoff_initial{10'000};
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::milliseconds backoff_reset{600'000};
  // The grace period of a deleted pod is min(terminationGracePeriodSeconds, this).
  std::chrono::seconds max_grace_period{10};
  // Processes still running SIGTERM'd by stop() get SIGKILL after this.
  std::chrono::milliseconds stop_grace{3000};
};

class NodeAgent {
public:
  virtual ~NodeAgent() = default;

  // Fault injection on the pod's processes (every container): SIGKILL, SIGSTOP, SIGCONT.
  // @return NotFound when the agent runs no process for that pod.
  virtual Status killPod(const std::string& namespace_, const std::string& name) = 0;
  virtual Status freezePod(const std::string& namespace_, const std::string& name) = 0;
  virtual Status thawPod(const std::string& namespace_, const std::string& name) = 0;

  // The IP the agent gave the pod, "" when none (for tests and the fault endpoint's messages).
  virtual std::string podIp(const std::string& namespace_, const std::string& name) const = 0;

  // Stops the informers and every process (SIGTERM, SIGKILL after stop_grace). Idempotent.
  virtual void stop() = 0;
};

// Starts watching Pods, ConfigMaps, Secrets and PVCs through `client` (which must outlive the
// agent) and running the pods. Invalid for a malformed pod CIDR or an unusable state directory.
Result<std::unique_ptr<NodeAgent>> startNodeAgent(kube::Client& client, NodeAgentOptions options);

} // namespace rdr::sandbox
