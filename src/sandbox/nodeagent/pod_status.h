// Pod status as the kubelet reports it, rendered from what the node agent knows (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/clock.h"

namespace rdr::sandbox {

// How a container's process ended.
struct Termination {
  int exit_code = 0;
  int signal = 0; // 0 unless killed by a signal (then exit_code is 128 + signal)
  SystemTime started_at{};
  SystemTime finished_at{};
};

// One container as the agent sees it. The state machine per container:
//   Creating (ContainerCreating, CreateContainerConfigError) -> Running -> (crash) CrashLoopBackOff
//   -> Running ...; Terminated only when the restart policy keeps it down.
struct ContainerView {
  enum class State { Waiting, Running, Terminated };
  std::string name;
  std::string image;
  State state = State::Waiting;
  std::string waiting_reason = "ContainerCreating";
  std::string waiting_message;
  SystemTime started_at{};              // of the running process
  std::optional<Termination> terminated; // for State::Terminated
  std::optional<Termination> last_terminated;
  bool ready = false;
  bool ever_started = false;
  int restart_count = 0;
};

struct PodView {
  std::string pod_ip;
  std::string host_ip;
  std::optional<SystemTime> start_time; // when the agent accepted the pod
  std::vector<ContainerView> containers;
};

// The status a kubelet would write:
// 1. phase: Pending until some container has started; Succeeded/Failed when every container is
//    terminated for good (exit code 0 for all: Succeeded); Running otherwise;
// 2. conditions PodScheduled and Initialized are True; ContainersReady and Ready are True when
//    every container is ready, else False with reason ContainersNotReady and the kubelet's message;
// 3. a condition's lastTransitionTime is kept from `previous` while its status does not change,
//    else `now`;
// 4. containerStatuses in spec order with state running{startedAt} | waiting{reason, message} |
//    terminated{...}, and lastState.terminated of the previous run.
nlohmann::json renderPodStatus(const PodView& pod, const nlohmann::json& previous, SystemTime now);

// "Error" for a non-zero exit or a signal, "Completed" for exit code 0 (the kubelet's reasons).
std::string terminationReason(const Termination& termination);

} // namespace rdr::sandbox
