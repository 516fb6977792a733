// A pod's volumes on the local disk: ConfigMap and Secret files, PVC data dirs, emptyDirs.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "sandbox/nodeagent/container_spec.h"

namespace rdr::sandbox {

// Where things live under the agent's state directory:
//   pods/<ns>_<pod>/<container>.log     logs, appended across restarts and re-creations
//   pods/<ns>_<pod>/<uid>/<volume>/     ConfigMap, Secret and emptyDir volumes of one pod UID
//   pvcs/<ns>_<claim>_<pvc uid>/        PVC data, kept across pod re-creation (until `down`)
struct VolumeLayout {
  std::filesystem::path state_dir;

  std::filesystem::path podDir(const std::string& ns, const std::string& pod) const;
  std::filesystem::path uidDir(const std::string& ns, const std::string& pod,
                               const std::string& uid) const;
  std::filesystem::path pvcDir(const std::string& ns, const std::string& claim,
                               const std::string& pvc_uid) const;
};

// What materialising a pod's volumes needs from the informer caches.
struct VolumeSources {
  std::function<std::optional<nlohmann::json>(const std::string& ns, const std::string& name)>
      config_map;
  std::function<std::optional<nlohmann::json>(const std::string& ns, const std::string& name)>
      secret;
  std::function<std::optional<nlohmann::json>(const std::string& ns, const std::string& name)>
      pvc;
};

// The pod's volumes, materialised.
struct MaterialisedVolumes {
  std::vector<LocalMount> mounts;     // per volumeMount of the container
  std::vector<std::string> pvc_uids;  // the claims the container writes to
  std::filesystem::path working_dir;  // the data dir: workingDir's mount, a PVC, an emptyDir
};

// Creates (or refreshes) every volume `container` mounts:
// 1. configMap and secret volumes: one file per key (or per `items` entry, at its path), written
//    only when the content differs, with a `dir` line of a config file pointed at the local
//    directory (rewriteConfDir);
// 2. persistentVolumeClaim: the PVC's own directory, found by the claim's UID;
// 3. emptyDir: a directory of the pod UID;
// 4. a missing ConfigMap, Secret or PVC is Transient with the kubelet's wording (the container
//    waits in ContainerCreating and the agent retries); other volume types are Unsupported.
Result<MaterialisedVolumes> materialiseVolumes(const VolumeLayout& layout, const nlohmann::json& pod,
                                               const nlohmann::json& container,
                                               const VolumeSources& sources);

// Writes `content` to `path` unless it holds exactly that already. @return true when written.
Result<bool> writeIfChanged(const std::filesystem::path& path, const std::string& content);

} // namespace rdr::sandbox
