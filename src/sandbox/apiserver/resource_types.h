// The resource types the emulator serves: built-ins and the custom resources of registered CRDs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/schema/crd.h"

namespace rdr::sandbox {

struct ResourceType {
  std::string group; // "" for the core group
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  std::string listKind;
  bool namespaced = true;
  std::vector<std::string> shortNames;
  std::vector<std::string> categories;
  // Objects of types with the same storage key are the same objects (core and events.k8s.io
  // events; the served versions of one CRD).
  std::string storageKey;
  bool custom = false;                 // a custom resource: admitted through its CRD's schema
  bool requireResourceVersion = false; // PUT without metadata.resourceVersion is 422 (CRs, Leases)
  bool createOnUpdate = false;         // PUT of a missing object creates it (Leases, Events)
  bool statusSubresource = false;
  bool tracksGeneration = false; // metadata.generation is maintained (CRs, CRDs, StatefulSets)
  std::shared_ptr<const schema::CustomResourceDefinition> crd; // for custom resources

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "pods" or "redisclusters.redis.io": the name used in messages.
  std::string groupResource() const { return group.empty() ? plural : plural + "." + group; }
  // The CRD version this type serves, or nullptr for built-ins.
  const schema::CrdVersion* crdVersion() const { return crd ? crd->version(version) : nullptr; }
  bool isNamespaceType() const { return group.empty() && plural == "namespaces"; }
  bool isCrdType() const { return group == "apiextensions.k8s.io" && plural == "customresourcedefinitions"; }
};

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

// All served types, by group/version/plural. Custom resource types come and go with their CRDs.
class Registry {
public:
  Registry();

  // The type served at /apis/<group>/<version>/<plural> (core: group ""), or nullptr.
  ResourceTypePtr find(const std::string& group, const std::string& version,
                       const std::string& plural) const;
  // Every type in a stable order: built-ins first, then custom resources by group.
  std::vector<ResourceTypePtr> all() const;
  // The served types of one storage key.
  std::vector<ResourceTypePtr> byStorageKey(const std::string& storageKey) const;
  // Every group/version that has at least one type, core ("v1") first.
  std::vector<std::pair<std::string, std::string>> groupVersions() const;

  // Registers (or re-registers) the served versions of a CRD; returns its storage key.
  std::string registerCrd(std::shared_ptr<const schema::CustomResourceDefinition> crd);
  void unregisterCrd(const std::string& crdName);

private:
  void add(ResourceType type);

  std::vector<ResourceTypePtr> types_;
};

// Sets apiVersion and kind of an object as served by `type` (events.k8s.io/v1 Events are
// converted from their core/v1 storage form).
void presentAs(const ResourceType& type, nlohmann::json& object);
// The storage form of an object written through `type` (core/v1 for events.k8s.io/v1 Events).
void storeAs(const ResourceType& type, nlohmann::json& object);

} // namespace rdr::sandbox
