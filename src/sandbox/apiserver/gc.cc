// Background garbage collection, done synchronously after every removal (§2.9).
//
// Rules (kube-controller-manager's garbage collector, background propagation):
//  1. A dependent is an object with at least one ownerReference.
//  2. It is collected when the uid of every one of its owners no longer exists. An owner of a kind
//     the emulator does not serve cannot be looked up, so (as the real collector, which cannot map
//     it) such a dependent is left alone.
//  3. Collection is a normal delete: an object with finalizers (or a scheduled pod, for its grace
//     period) is only marked as deleting.
//  4. Repeat until nothing more is collected (chains of owners).
//  5. A deleting namespace (status Terminating) disappears once nothing is left in it.
// Foreground and Orphan propagation are treated as Background (nothing removes their finalizers
// without the real controller manager), which is documented in rest_delete.cc.
#include <algorithm>

#include "rdr/common/time_format.h"
#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

bool ownersAllGone(const Core& core, const json& object) {
  const auto& meta = object["metadata"];
  if (!meta.contains("ownerReferences") || !meta["ownerReferences"].is_array() ||
      meta["ownerReferences"].empty()) {
    return false;
  }
  const auto types = core.registry.all();
  for (const auto& owner : meta["ownerReferences"]) {
    const std::string apiVersion = owner.value("apiVersion", std::string());
    const std::string kind = owner.value("kind", std::string());
    const bool known = std::any_of(types.begin(), types.end(), [&](const ResourceTypePtr& type) {
      return type->apiVersion() == apiVersion && type->kind == kind;
    });
    if (!known) {
      return false;
    }
    if (core.storage.uidExists(owner.value("uid", std::string()))) {
      return false;
    }
  }
  return true;
}

} // namespace

std::int64_t podGracePeriod(const json& pod, std::optional<std::int64_t> requested) {
  // registry/core/pod/strategy.go CheckGracefulDelete:
  //  1. a pod that is not scheduled or has finished goes at once;
  //  2. otherwise the requested period, else spec.terminationGracePeriodSeconds (default 30).
  const json spec = pod.value("spec", json::object());
  const std::string phase = pod.contains("status") ? pod["status"].value("phase", std::string()) : "";
  if (spec.value("nodeName", std::string()).empty() || phase == "Succeeded" || phase == "Failed") {
    return 0;
  }
  if (requested) {
    return std::max<std::int64_t>(*requested, 0);
  }
  return spec.value("terminationGracePeriodSeconds", std::int64_t{30});
}

bool requestDeletion(Core& core, const std::string& storageKey, const json& object) {
  const auto& meta = object["metadata"];
  if (meta.contains("deletionTimestamp")) {
    return false;
  }
  const std::int64_t grace = storageKey == "pods" ? podGracePeriod(object, std::nullopt) : 0;
  if ((meta.contains("finalizers") && meta["finalizers"].is_array() && !meta["finalizers"].empty()) || grace > 0) {
    json marked = object;
    marked["metadata"]["deletionTimestamp"] = formatRfc3339(core.clock.now() + std::chrono::seconds(grace));
    marked["metadata"]["deletionGracePeriodSeconds"] = grace;
    if (marked["metadata"].value("generation", 0) > 0) {
      marked["metadata"]["generation"] = marked["metadata"].value("generation", 0) + 1;
    }
    core.storage.update(storageKey, marked);
    return false;
  }
  core.storage.remove(storageKey, objectNamespace(object), objectName(object));
  return true;
}

void collectGarbage(Core& core) {
  bool progress = true;
  while (progress) {
    progress = false;
    for (const auto& [storageKey, object] : core.storage.allObjects()) {
      if (ownersAllGone(core, object) && requestDeletion(core, storageKey, object)) {
        progress = true;
      }
    }
  }
  finishTerminatingNamespaces(core);
}

// The namespace controller, done at once: a namespace being deleted goes away with its last object.
void finishTerminatingNamespaces(Core& core) {
  for (const auto* ns : core.storage.list("namespaces", "")) {
    if (!(*ns)["metadata"].contains("deletionTimestamp")) {
      continue;
    }
    const std::string name = objectName(*ns);
    bool empty = true;
    for (const auto& [storageKey, object] : core.storage.allObjects()) {
      if (storageKey != "namespaces" && objectNamespace(object) == name) {
        empty = false;
        break;
      }
    }
    if (empty) {
      core.storage.remove("namespaces", "", name);
      return finishTerminatingNamespaces(core); // the list changed under us
    }
  }
}

} // namespace rdr::sandbox
