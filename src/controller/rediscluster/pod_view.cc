// Reads the fields of a data Pod that the RedisCluster controller decides on.
#include "rdr/controller/pod_view.h"

#include "rdr/api/names.h"
#include "rdr/api/well_known.h"
#include "rdr/resources/metadata.h"
#include "rdr/resources/pod.h"

namespace rdr::controller {
namespace {

using nlohmann::json;

// Field readers that never throw: a missing field, or one of another type than expected (a
// hand-edited or future object), reads as the default. nlohmann's value() throws on both a
// non-object receiver and a stored value of the wrong type.
const json& field(const json& object, std::string_view key) {
  static const json kNull;
  if (!object.is_object()) {
    return kNull;
  }
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::string text(const json& object, std::string_view key, std::string fallback = "") {
  const json& value = field(object, key);
  return value.is_string() ? value.get<std::string>() : fallback;
}

int integer(const json& object, std::string_view key) {
  const json& value = field(object, key);
  return value.is_number_integer() ? value.get<int>() : 0;
}

const json* redisContainer(const json& list) {
  if (!list.is_array()) {
    return nullptr;
  }
  for (const json& container : list) {
    if (text(container, "name") == resources::kRedisContainer) {
      return &container;
    }
  }
  return nullptr;
}

void readBootRole(const json& container, PodView& view) {
  const json& command = field(container, "command");
  for (const json& word : command.is_array() ? command : json::array()) {
    if (word.is_string() &&
        word.get<std::string>().find(resources::kRestartMarker) != std::string::npos) {
      view.restarts_fenced = true;
    }
  }
  const json& args = field(container, "args");
  if (!args.is_array()) {
    return;
  }
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
  view.restart_count = integer(status, "restartCount");
  const json& state = field(status, "state");
  if (!state.is_object()) {
    return;
  }
  if (state.contains("running")) {
    view.container_running = true;
    view.container_state = "running";
  } else if (state.contains("waiting")) {
    view.container_state = "waiting: " + text(state["waiting"], "reason", "unknown");
  } else if (state.contains("terminated")) {
    view.container_state = "terminated: " + text(state["terminated"], "reason", "unknown");
  }
}

} // namespace

PodView viewPod(const json& pod, std::string_view cluster_name) {
  PodView view;
  const json& metadata = field(pod, "metadata");
  view.name = text(metadata, "name");
  view.uid = text(metadata, "uid");
  view.ordinal = api::podOrdinal(cluster_name, view.name);
  view.deleting = !field(metadata, "deletionTimestamp").is_null();
  view.role_label = text(field(metadata, "labels"), api::kLabelRole);
  view.config_hash = text(field(metadata, "annotations"), resources::kAnnotationConfigHash);

  if (const json* container = redisContainer(field(field(pod, "spec"), "containers"))) {
    readBootRole(*container, view);
  }
  const json& status = field(pod, "status");
  view.pod_ip = text(status, "podIP");
  const json& conditions = field(status, "conditions");
  for (const json& condition : conditions.is_array() ? conditions : json::array()) {
    if (text(condition, "type") == "Ready") {
      view.ready = text(condition, "status") == "True";
    }
  }
  if (const json* container = redisContainer(field(status, "containerStatuses"))) {
    readContainerStatus(*container, view);
  }
  return view;
}

} // namespace rdr::controller
