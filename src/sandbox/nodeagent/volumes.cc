// A pod's volumes on the local disk: ConfigMap and Secret files, PVC data dirs, emptyDirs.
#include "sandbox/nodeagent/volumes.h"

#include <fstream>
#include <sstream>

#include "rdr/common/base64.h"
#include "rdr/common/file.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status makeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Error(ErrorCode::Invalid, "cannot create " + dir.string() + ": " + ec.message());
  }
  return okStatus();
}

// key -> file content of a configMap or secret volume, `items` honoured.
Result<std::vector<std::pair<std::string, std::string>>>
volumeFiles(const json& object, const json& source, bool is_secret) {
  std::vector<std::pair<std::string, std::string>> data;
  for (const char* field : {"data", "stringData"}) {
    const json values = object.value(field, json::object());
    for (auto it = values.begin(); it != values.end(); ++it) {
      if (!it.value().is_string()) {
        continue;
      }
      std::string value = it.value().get<std::string>();
      if (is_secret && std::string(field) == "data") {
        auto decoded = base64Decode(value);
        if (!decoded) {
          return decoded.error();
        }
        value = std::move(decoded).value();
      }
      data.emplace_back(it.key(), std::move(value));
    }
  }
  if (!source.contains("items")) {
    return data;
  }
  std::vector<std::pair<std::string, std::string>> picked;
  for (const json& item : source["items"]) {
    const std::string key = item.value("key", "");
    const std::string path = item.value("path", key);
    for (const auto& [k, v] : data) {
      if (k == key) {
        picked.emplace_back(path, v);
      }
    }
  }
  return picked;
}

} // namespace

fs::path VolumeLayout::podDir(const std::string& ns, const std::string& pod) const {
  return state_dir / "pods" / (ns + "_" + pod);
}

fs::path VolumeLayout::uidDir(const std::string& ns, const std::string& pod,
                              const std::string& uid) const {
  return podDir(ns, pod) / uid;
}

fs::path VolumeLayout::pvcDir(const std::string& ns, const std::string& claim,
                              const std::string& pvc_uid) const {
  return state_dir / "pvcs" / (ns + "_" + claim + "_" + pvc_uid);
}

Result<bool> writeIfChanged(const fs::path& path, const std::string& content) {
  auto existing = readFile(path);
  if (existing && *existing == content) {
    return false;
  }
  RDR_RETURN_IF_ERROR(makeDir(path.parent_path()));
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) {
      return Error(ErrorCode::Invalid, "cannot write " + temporary.string());
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    return Error(ErrorCode::Invalid, "cannot rename " + temporary.string() + ": " + ec.message());
  }
  return true;
}

Result<MaterialisedVolumes> materialiseVolumes(const VolumeLayout& layout, const json& pod,
                                               const json& container,
                                               const VolumeSources& sources) {
  const json& meta = pod.at("metadata");
  const std::string ns = meta.value("namespace", "");
  const std::string name = meta.value("name", "");
  const fs::path uid_dir = layout.uidDir(ns, name, meta.value("uid", ""));
  const json volumes = pod.at("spec").value("volumes", json::array());
  MaterialisedVolumes out;
  std::optional<fs::path> pvc_dir;
  std::optional<fs::path> empty_dir;
  // Pass 1: every volume's local directory (ConfigMap files need all mounts for the dir rewrite).
  std::vector<std::pair<const json*, fs::path>> file_volumes;
  for (const json& mount : container.value("volumeMounts", json::array())) {
    const std::string volume_name = mount.value("name", "");
    const json* volume = nullptr;
    for (const json& v : volumes) {
      if (v.value("name", "") == volume_name) {
        volume = &v;
      }
    }
    if (volume == nullptr) {
      return Error(ErrorCode::Invalid, "volumeMount " + volume_name + " names no volume");
    }
    fs::path local;
    if (volume->contains("persistentVolumeClaim")) {
      const std::string claim = (*volume)["persistentVolumeClaim"].value("claimName", "");
      const auto pvc = sources.pvc ? sources.pvc(ns, claim) : std::nullopt;
      if (!pvc) {
        return Error(ErrorCode::Transient,
                     "persistentvolumeclaim \"" + claim + "\" not found");
      }
      const std::string pvc_uid = pvc->at("metadata").value("uid", "");
      local = layout.pvcDir(ns, claim, pvc_uid);
      out.pvc_uids.push_back(pvc_uid);
      pvc_dir = pvc_dir.value_or(local);
    } else if (volume->contains("emptyDir")) {
      local = uid_dir / volume_name;
      empty_dir = empty_dir.value_or(local);
    } else if (volume->contains("configMap") || volume->contains("secret")) {
      local = uid_dir / volume_name;
      file_volumes.emplace_back(volume, local);
    } else {
      return Error(ErrorCode::Unsupported, "volume " + volume_name +
                                               " has a type the sandbox does not support "
                                               "(configMap, secret, persistentVolumeClaim, "
                                               "emptyDir only)");
    }
    RDR_RETURN_IF_ERROR(makeDir(local));
    out.mounts.push_back({mount.value("mountPath", ""), local});
  }
  // Pass 2: the files of ConfigMap and Secret volumes.
  for (const auto& [volume, local] : file_volumes) {
    const bool is_secret = volume->contains("secret");
    const json& source = is_secret ? (*volume)["secret"] : (*volume)["configMap"];
    const std::string object_name =
        is_secret ? source.value("secretName", "") : source.value("name", "");
    const auto& lookup = is_secret ? sources.secret : sources.config_map;
    const auto object = lookup ? lookup(ns, object_name) : std::nullopt;
    if (!object) {
      if (source.value("optional", false)) {
        continue;
      }
      return Error(ErrorCode::Transient, std::string(is_secret ? "secret" : "configmap") +
                                             " \"" + object_name + "\" not found");
    }
    RDR_ASSIGN_OR_RETURN(const auto files, volumeFiles(*object, source, is_secret));
    for (const auto& [file, content] : files) {
      RDR_RETURN_IF_ERROR(writeIfChanged(local / file, rewriteConfDir(content, out.mounts)));
    }
  }
  const std::string working_dir = container.value("workingDir", "");
  for (const LocalMount& mount : out.mounts) {
    if (!working_dir.empty() && mount.mount_path == working_dir) {
      out.working_dir = mount.local;
    }
  }
  if (out.working_dir.empty()) {
    out.working_dir = pvc_dir.value_or(empty_dir.value_or(uid_dir));
    RDR_RETURN_IF_ERROR(makeDir(out.working_dir));
  }
  return out;
}

} // namespace rdr::sandbox
