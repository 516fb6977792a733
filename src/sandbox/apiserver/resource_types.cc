// The resource types the emulator serves: built-ins and the custom resources of registered CRDs.
#include "sandbox/apiserver/resource_types.h"

#include <algorithm>

namespace rdr::sandbox {
namespace {

struct BuiltIn {
  const char* group;
  const char* plural;
  const char* singular;
  const char* kind;
  bool namespaced;
  std::vector<std::string> shortNames;
  bool statusSubresource;
  bool tracksGeneration;
  bool requireResourceVersion;
  bool createOnUpdate;
  const char* storageKey;
};

// The built-ins the operator and the tests touch (§9.11). Statuses of pods, services, PVCs,
// namespaces, StatefulSets and CRDs have their own subresource, as in kube-apiserver.
const std::vector<BuiltIn>& builtIns() {
  static const std::vector<BuiltIn> kBuiltIns = {
      {"", "namespaces", "namespace", "Namespace", false, {"ns"}, true, false, false, false, "namespaces"},
      {"", "configmaps", "configmap", "ConfigMap", true, {"cm"}, false, false, false, false, "configmaps"},
      {"", "secrets", "secret", "Secret", true, {}, false, false, false, false, "secrets"},
      {"", "services", "service", "Service", true, {"svc"}, true, false, false, false, "services"},
      {"", "pods", "pod", "Pod", true, {"po"}, true, false, false, false, "pods"},
      {"", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, {"pvc"},
       true, false, false, false, "persistentvolumeclaims"},
      {"", "events", "event", "Event", true, {"ev"}, false, false, false, true, "events"},
      {"apps", "statefulsets", "statefulset", "StatefulSet", true, {"sts"}, true, true, false, false,
       "statefulsets.apps"},
      {"events.k8s.io", "events", "event", "Event", true, {"ev"}, false, false, false, true, "events"},
      {"coordination.k8s.io", "leases", "lease", "Lease", true, {}, false, false, true, true,
       "leases.coordination.k8s.io"},
      {"apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition",
       "CustomResourceDefinition", false, {"crd", "crds"}, true, true, false, false,
       "customresourcedefinitions.apiextensions.k8s.io"},
  };
  return kBuiltIns;
}

} // namespace

Registry::Registry() {
  for (const auto& b : builtIns()) {
    ResourceType type;
    type.group = b.group;
    type.version = "v1";
    type.plural = b.plural;
    type.singular = b.singular;
    type.kind = b.kind;
    type.listKind = std::string(b.kind) + "List";
    type.namespaced = b.namespaced;
    type.shortNames = b.shortNames;
    type.statusSubresource = b.statusSubresource;
    type.tracksGeneration = b.tracksGeneration;
    type.requireResourceVersion = b.requireResourceVersion;
    type.createOnUpdate = b.createOnUpdate;
    type.storageKey = b.storageKey;
    if (type.plural == "pods" || type.plural == "services" || type.plural == "configmaps" ||
        type.plural == "secrets" || type.plural == "persistentvolumeclaims" ||
        type.plural == "statefulsets") {
      type.categories = {"all"};
      if (type.plural == "configmaps" || type.plural == "secrets" ||
          type.plural == "persistentvolumeclaims") {
        type.categories.clear();
      }
    }
    add(std::move(type));
  }
}

void Registry::add(ResourceType type) { types_.push_back(std::make_shared<const ResourceType>(std::move(type))); }

ResourceTypePtr Registry::find(const std::string& group, const std::string& version,
                               const std::string& plural) const {
  for (const auto& type : types_) {
    if (type->group == group && type->version == version && type->plural == plural) {
      return type;
    }
  }
  return nullptr;
}

std::vector<ResourceTypePtr> Registry::all() const { return types_; }

std::vector<ResourceTypePtr> Registry::byStorageKey(const std::string& storageKey) const {
  std::vector<ResourceTypePtr> out;
  for (const auto& type : types_) {
    if (type->storageKey == storageKey) {
      out.push_back(type);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Registry::groupVersions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& type : types_) {
    std::pair<std::string, std::string> gv{type->group, type->version};
    if (std::find(out.begin(), out.end(), gv) == out.end()) {
      out.push_back(gv);
    }
  }
  return out;
}

std::string Registry::registerCrd(std::shared_ptr<const schema::CustomResourceDefinition> crd) {
  unregisterCrd(crd->name);
  // 1. One served type per served version, all sharing the CRD's storage.
  // 2. A CR without the status subresource tracks .status like any other field.
  for (const auto& version : crd->versions) {
    if (!version.served) {
      continue;
    }
    ResourceType type;
    type.group = crd->group;
    type.version = version.name;
    type.plural = crd->names.plural;
    type.singular = crd->names.singular;
    type.kind = crd->names.kind;
    type.listKind = crd->names.listKind;
    type.namespaced = crd->namespaced();
    type.shortNames = crd->names.shortNames;
    type.categories = crd->names.categories;
    type.storageKey = crd->name;
    type.custom = true;
    type.requireResourceVersion = true;
    type.statusSubresource = version.statusSubresource;
    type.tracksGeneration = true;
    type.crd = crd;
    add(std::move(type));
  }
  return crd->name;
}

void Registry::unregisterCrd(const std::string& crdName) {
  std::erase_if(types_, [&](const ResourceTypePtr& type) {
    return type->custom && type->storageKey == crdName;
  });
}

namespace {

// Field names of events.k8s.io/v1 Event and their core/v1 storage names
// (pkg/apis/events/v1/conversion.go); the other fields have the same name in both.
const std::vector<std::pair<const char*, const char*>>& eventFieldMap() {
  static const std::vector<std::pair<const char*, const char*>> kMap = {
      {"regarding", "involvedObject"},
      {"note", "message"},
      {"reportingController", "reportingComponent"},
      {"deprecatedSource", "source"},
      {"deprecatedFirstTimestamp", "firstTimestamp"},
      {"deprecatedLastTimestamp", "lastTimestamp"},
      {"deprecatedCount", "count"},
  };
  return kMap;
}

bool isEventsApi(const ResourceType& type) { return type.group == "events.k8s.io" && type.plural == "events"; }

void renameFields(nlohmann::json& object, bool toEventsApi) {
  for (const auto& [eventsName, coreName] : eventFieldMap()) {
    const char* from = toEventsApi ? coreName : eventsName;
    const char* to = toEventsApi ? eventsName : coreName;
    if (object.contains(from)) {
      object[to] = std::move(object[from]);
      object.erase(from);
    }
  }
}

} // namespace

void presentAs(const ResourceType& type, nlohmann::json& object) {
  if (isEventsApi(type) && object.is_object() && object.value("apiVersion", std::string()) == "v1") {
    renameFields(object, true);
  }
  object["apiVersion"] = type.apiVersion();
  object["kind"] = type.kind;
}

void storeAs(const ResourceType& type, nlohmann::json& object) {
  if (isEventsApi(type)) {
    renameFields(object, false);
    object["apiVersion"] = "v1";
  }
}

} // namespace rdr::sandbox
