// What the RedisCluster controller reads from one of its data Pods (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rdr::controller {

struct PodView {
  std::string name;
  std::string uid;
  std::optional<int> ordinal; // nothing when the name is not "<cluster>-<n>"
  bool deleting = false;      // metadata.deletionTimestamp is set
  std::string pod_ip;
  bool ready = false;             // condition Ready=True
  bool container_running = false; // the redis container's state is running
  std::string container_state;    // "running", "waiting: CrashLoopBackOff", "": no status yet
  int restart_count = 0;
  std::string role_label; // redis.io/role
  // The boot role in the redis container's args: no "--replicaof" means it boots as a master.
  bool boots_as_master = true;
  std::string boot_upstream_host;
  int boot_upstream_port = 0;
  // The container's start script holds the restart fence (resources/pod.h): its args are used
  // at the pod's first start only. False for pods created before the fence existed.
  bool restarts_fenced = false;
  std::string config_hash; // the redis.io/config-hash annotation

  bool operator==(const PodView&) const = default;
};

// Reads a Pod object of the cluster `cluster_name`. Missing fields keep their defaults.
PodView viewPod(const nlohmann::json& pod, std::string_view cluster_name);

} // namespace rdr::controller
