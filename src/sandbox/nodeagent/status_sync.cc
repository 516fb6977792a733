// Writing what the agent knows back to the API: pod statuses (when changed), bound PVCs.
#include <spdlog/spdlog.h>

#include "sandbox/nodeagent/node_agent_impl.h"

namespace rdr::sandbox {

using nlohmann::json;

PodView NodeAgentImpl::viewOf(const PodRuntime& pod) const {
  PodView view;
  view.pod_ip = pod.ip;
  view.host_ip = options_.host_ip;
  view.start_time = pod.start_time;
  for (const ContainerRuntime& container : pod.containers) {
    ContainerView c = container.view;
    c.ready = container.pid > 0 && (!container.prober || container.prober->ready());
    view.containers.push_back(std::move(c));
  }
  return view;
}

std::vector<std::pair<std::string, json>> NodeAgentImpl::statusesToWrite() {
  std::vector<std::pair<std::string, json>> out;
  const SystemTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  for (const auto& [uid, pod] : pods_by_uid_) {
    if (pod.terminating) {
      continue;
    }
    const json& previous = pod.written_status.empty() ? pod.pod.value("status", json::object())
                                                      : pod.written_status;
    json status = renderPodStatus(viewOf(pod), previous, now);
    if (status != pod.written_status) {
      json object = pod.pod;
      object["status"] = std::move(status);
      out.emplace_back(uid, std::move(object));
    }
  }
  return out;
}

// Each status goes through pods/status with the cached resourceVersion; on a conflict the pod is
// read again and the write retried once; a failure is retried on the next pass.
void NodeAgentImpl::writeStatuses(const std::vector<std::pair<std::string, json>>& statuses) {
  const kube::Resource pods = kube::resources::pods();
  for (const auto& [uid, object] : statuses) {
    const kube::ObjectKey key = runtime::Cache::keyOf(object);
    auto written = client_.updateStatus(pods, object);
    if (!written && written.error().is(ErrorCode::Conflict)) {
      auto fresh = client_.get(pods, key);
      if (fresh && fresh->at("metadata").value("uid", "") == uid) {
        (*fresh)["status"] = object["status"];
        written = client_.updateStatus(pods, *fresh);
      }
    }
    if (!written) {
      if (!written.error().is(ErrorCode::NotFound)) {
        spdlog::warn("Writing the status of pod {} failed: {}; retrying.", key.toString(),
                     written.error().toString());
      }
      continue;
    }
    std::lock_guard lock(mutex_);
    if (auto it = pods_by_uid_.find(uid); it != pods_by_uid_.end()) {
      if (it->second.written_status.value("phase", "") != object["status"].value("phase", "")) {
        spdlog::info("Pod {} is {} with IP {}.", key.toString(),
                     object["status"].value("phase", ""), it->second.ip);
      }
      it->second.written_status = object["status"];
    }
  }
}

// A PVC the emulator left Pending is bound at once (the sandbox's only storage is a directory):
// phase Bound, the requested access modes, capacity = the requested storage.
void NodeAgentImpl::bindPendingClaims() {
  auto listed = claims_->cache().list();
  if (!listed) {
    return;
  }
  for (json& claim : *listed) {
    if (claim.value("status", json::object()).value("phase", "") == "Bound") {
      continue;
    }
    const json spec = claim.value("spec", json::object());
    json capacity = json::object();
    const json requests = spec.value("resources", json::object()).value("requests", json::object());
    if (requests.contains("storage")) {
      capacity["storage"] = requests["storage"];
    }
    claim["status"] = {{"phase", "Bound"},
                       {"accessModes", spec.value("accessModes", json::array())},
                       {"capacity", capacity}};
    auto written = client_.updateStatus(kube::resources::persistentVolumeClaims(), claim);
    const kube::ObjectKey key = runtime::Cache::keyOf(claim);
    if (!written) {
      spdlog::warn("Binding the persistentvolumeclaim {} failed: {}; retrying.", key.toString(),
                   written.error().toString());
      std::lock_guard lock(mutex_);
      claims_dirty_ = true;
      continue;
    }
    spdlog::info("Bound the persistentvolumeclaim {} ({}) to a directory of the node.",
                 key.toString(), capacity.value("storage", "no size"));
  }
}

} // namespace rdr::sandbox
