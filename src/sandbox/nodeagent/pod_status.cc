// Pod status as the kubelet reports it, rendered from what the node agent knows.
#include "sandbox/nodeagent/pod_status.h"

#include "rdr/common/time_format.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

json renderTermination(const Termination& t) {
  json out = {{"exitCode", t.exit_code},
              {"reason", terminationReason(t)},
              {"startedAt", formatRfc3339(t.started_at)},
              {"finishedAt", formatRfc3339(t.finished_at)}};
  if (t.signal != 0) {
    out["signal"] = t.signal;
  }
  return out;
}

json renderContainer(const ContainerView& c) {
  json state;
  switch (c.state) {
  case ContainerView::State::Running:
    state = {{"running", {{"startedAt", formatRfc3339(c.started_at)}}}};
    break;
  case ContainerView::State::Waiting: {
    json waiting = {{"reason", c.waiting_reason}};
    if (!c.waiting_message.empty()) {
      waiting["message"] = c.waiting_message;
    }
    state = {{"waiting", waiting}};
    break;
  }
  case ContainerView::State::Terminated:
    state = {{"terminated", renderTermination(c.terminated.value_or(Termination{}))}};
    break;
  }
  json last = json::object();
  if (c.last_terminated) {
    last = {{"terminated", renderTermination(*c.last_terminated)}};
  }
  return {{"name", c.name},
          {"image", c.image},
          {"imageID", ""},
          {"ready", c.ready},
          {"started", c.state == ContainerView::State::Running},
          {"restartCount", c.restart_count},
          {"state", state},
          {"lastState", last}};
}

// The previous lastTransitionTime of a condition when its status is unchanged, else now.
std::string transitionTime(const json& previous, const std::string& type, const std::string& status,
                           const std::string& now) {
  for (const json& condition : previous.value("conditions", json::array())) {
    if (condition.value("type", "") == type && condition.value("status", "") == status &&
        condition.contains("lastTransitionTime")) {
      return condition["lastTransitionTime"].get<std::string>();
    }
  }
  return now;
}

} // namespace

std::string terminationReason(const Termination& termination) {
  return termination.exit_code == 0 && termination.signal == 0 ? "Completed" : "Error";
}

json renderPodStatus(const PodView& pod, const json& previous, SystemTime now) {
  const json prev = previous.is_object() ? previous : json::object();
  const std::string now_text = formatRfc3339(now);
  bool any_started = false;
  bool all_terminated = !pod.containers.empty();
  bool all_succeeded = true;
  std::string unready;
  json statuses = json::array();
  for (const ContainerView& c : pod.containers) {
    any_started = any_started || c.ever_started;
    const bool terminated = c.state == ContainerView::State::Terminated;
    all_terminated = all_terminated && terminated;
    all_succeeded = all_succeeded && terminated && c.terminated && c.terminated->exit_code == 0 &&
                    c.terminated->signal == 0;
    if (!c.ready) {
      unready += (unready.empty() ? "" : " ") + c.name;
    }
    statuses.push_back(renderContainer(c));
  }
  std::string phase = any_started ? "Running" : "Pending";
  if (all_terminated) {
    phase = all_succeeded ? "Succeeded" : "Failed";
  }
  const bool ready = unready.empty() && !pod.containers.empty();
  json conditions = json::array();
  auto add = [&](const std::string& type, bool status) {
    const std::string text = status ? "True" : "False";
    json condition = {{"type", type},
                      {"status", text},
                      {"lastProbeTime", nullptr},
                      {"lastTransitionTime", transitionTime(prev, type, text, now_text)}};
    if (!status) {
      condition["reason"] = "ContainersNotReady";
      condition["message"] = "containers with unready status: [" + unready + "]";
    }
    conditions.push_back(condition);
  };
  add("Initialized", true);
  add("Ready", ready);
  add("ContainersReady", ready);
  add("PodScheduled", true);

  json status = {{"phase", phase},
                 {"conditions", conditions},
                 {"hostIP", pod.host_ip},
                 {"hostIPs", json::array({{{"ip", pod.host_ip}}})},
                 {"containerStatuses", statuses},
                 {"qosClass", prev.value("qosClass", "BestEffort")}};
  if (!pod.pod_ip.empty()) {
    status["podIP"] = pod.pod_ip;
    status["podIPs"] = json::array({{{"ip", pod.pod_ip}}});
  }
  if (pod.start_time) {
    status["startTime"] = formatRfc3339(*pod.start_time);
  }
  return status;
}

} // namespace rdr::sandbox
