// Which API resource a request is about: group, version, plural, kind, scope.
#pragma once

#include <string>
#include <string_view>

namespace rdr::kube {

struct Resource {
  std::string group;   // "" for the core group
  std::string version; // "v1", "v1alpha1"
  std::string plural;  // "pods", "redisclusters"
  std::string kind;    // "Pod", "RedisCluster"
  bool namespaced = true;

  // "v1" or "redis.io/v1": the apiVersion of the resource's objects.
  std::string apiVersion() const;
  // "pods" or "redisclusters.redis.io": the name the API server uses in messages.
  std::string qualifiedName() const;

  bool operator==(const Resource&) const = default;
};

// The resources the operator and the sandbox use, spelled once.
namespace resources {
Resource pods();
Resource services();
Resource configMaps();
Resource secrets();
Resource persistentVolumeClaims();
Resource events();
Resource namespaces();
Resource leases();
Resource customResourceDefinitions();
Resource redisClusters();
Resource activeRedisConnections();
} // namespace resources

// namespace/name, the key of every cache and work queue ("name" alone for cluster-scoped objects).
struct ObjectKey {
  std::string namespace_;
  std::string name;

  std::string toString() const;
  static ObjectKey parse(std::string_view key);

  bool operator==(const ObjectKey&) const = default;
  auto operator<=>(const ObjectKey&) const = default;
};

} // namespace rdr::kube
