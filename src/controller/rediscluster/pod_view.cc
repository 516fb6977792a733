// Reads the fields of a data Pod that the RedisCluster controller decides on.
#include "rdr/controller/pod_view.h"

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/metadata.h"
#include "rdr/resources/pod.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

const json* redisContainer(const json& list) {
  if (!list.is_array()) {
    return nullptr;
  }
  for (const json& container : list) {
    if (container.is_object() && container.value("name", "") == resources::kRedisContainer) {
      return &container;
    }
  }
  return nullptr;
}

void readBootRole(const json& container, PodView& view) {
  const json args = container.value("args", json::array());
  for (std::size_t i = 0; i + 2 < args.size(); ++i) { // "--replicaof", host, port
    if (args[i] == "--replicaof") {
      view.boots_as_master = false;
      view.boot_upstream_host = args[i + 1].is_string() ? args[i + 1].get<std::string>() : "";
      try {
        view.boot_upstream_port =
            args[i + 2].is_string() ? std::stoi(args[i + 2].get<std::string>()) : 0;
      } catch (const std::exception&) { // not a number: no port
        view.boot_upstream_port = 0;
      }
      return;
    }
  }
}

void readContainerStatus(const json& status, PodView& view) {
  view.restart_count = status.value("restartCount", 0);
  const json state = status.value("state", json::object());
  if (state.contains("running")) {
    view.container_running = true;
    view.container_state = "running";
  } else if (state.contains("waiting")) {
    view.container_state = "waiting: " + state["waiting"].value("reason", std::string("unknown"));
  } else if (state.contains("terminated")) {
    view.container_state =
        "terminated: " + state["terminated"].value("reason", std::string("unknown"));
  }
}

} // namespace

PodView viewPod(const json& pod, std::string_view cluster_name) {
  PodView view;
  const json metadata = pod.value("metadata", json::object());
  view.name = metadata.value("name", "");
  view.uid = metadata.value("uid", "");
  view.ordinal = api::podOrdinal(cluster_name, view.name);
  view.deleting = metadata.contains("deletionTimestamp") && !metadata["deletionTimestamp"].is_null();
  const json labels = metadata.value("labels", json::object());
  view.role_label = labels.value(std::string(api::kLabelRole), "");
  const json annotations = metadata.value("annotations", json::object());
  view.config_hash = annotations.value(std::string(resources::kAnnotationConfigHash), "");

  const json spec = pod.value("spec", json::object());
  const json containers = spec.is_object() ? spec.value("containers", json::array()) : json::array();
  if (const json* container = redisContainer(containers)) {
    readBootRole(*container, view);
  }
  const json status = pod.value("status", json::object());
  view.pod_ip = status.value("podIP", "");
  for (const json& condition : status.value("conditions", json::array())) {
    if (condition.value("type", "") == "Ready") {
      view.ready = condition.value("status", "") == "True";
    }
  }
  const json container_statuses = status.value("containerStatuses", json::array());
  if (const json* container = redisContainer(container_statuses)) {
    readContainerStatus(*container, view);
  }
  return view;
}

} // namespace rdr::controller
