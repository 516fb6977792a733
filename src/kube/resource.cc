// Resource descriptors and object keys.
#include "rdr/kube/resource.h"

namespace rdr::kube {

std::string Resource::apiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string Resource::qualifiedName() const {
  return group.empty() ? plural : plural + "." + group;
}

namespace resources {

Resource pods() { return {"", "v1", "pods", "Pod", true}; }
Resource services() { return {"", "v1", "services", "Service", true}; }
Resource configMaps() { return {"", "v1", "configmaps", "ConfigMap", true}; }
Resource secrets() { return {"", "v1", "secrets", "Secret", true}; }
Resource persistentVolumeClaims() {
  return {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true};
}
Resource events() { return {"", "v1", "events", "Event", true}; }
Resource namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
Resource leases() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
Resource customResourceDefinitions() {
  return {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
          false};
}
Resource redisClusters() { return {"redis.io", "v1", "redisclusters", "RedisCluster", true}; }
Resource activeRedisConnections() {
  return {"redis.middleware.alauda.io", "v1alpha1", "activeredisconnections",
          "ActiveRedisConnection", true};
}

} // namespace resources

std::string ObjectKey::toString() const {
  return namespace_.empty() ? name : namespace_ + "/" + name;
}

ObjectKey ObjectKey::parse(std::string_view key) {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) {
    return {"", std::string(key)};
  }
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

} // namespace rdr::kube
