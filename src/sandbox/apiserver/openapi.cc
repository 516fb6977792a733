// OpenAPI v3 as kubectl's server-side validation check needs it (§3.2): an index of group
// versions and, per group version, a PATCH operation for every kind carrying
// x-kubernetes-group-version-kind and the fieldValidation query parameter. No component schemas
// and no strategic-merge content type (kubectl would then compute SMPs from them). The URLs carry a
// content hash, but no ETag/Cache-Control is sent. /openapi/v2 is not served (404, tolerated).
#include <cstdio>

#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

std::string gvPath(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

json patchOperation(const ResourceType& type) {
  json parameters = json::array();
  for (const char* name : {"dryRun", "fieldManager", "fieldValidation", "force"}) {
    parameters.push_back({{"name", name}, {"in", "query"}, {"schema", {{"type", name == std::string("force") ? "boolean" : "string"}}},
                          {"uniqueItems", true}});
  }
  return {{"x-kubernetes-action", "patch"},
          {"x-kubernetes-group-version-kind", {{"group", type.group}, {"version", type.version}, {"kind", type.kind}}},
          {"operationId", "patch" + type.kind},
          {"parameters", parameters},
          {"requestBody", {{"content", {{"application/json-patch+json", json::object()},
                                        {"application/merge-patch+json", json::object()},
                                        {"application/apply-patch+yaml", json::object()}}}}},
          {"responses", {{"200", {{"description", "OK"}}}, {"201", {{"description", "Created"}}}}}};
}

json groupVersionDocument(const Core& core, const std::string& group, const std::string& version) {
  json paths = json::object();
  for (const auto& type : core.registry.all()) {
    if (type->group != group || type->version != version) {
      continue;
    }
    const std::string base = "/" + gvPath(group, version) + (type->namespaced ? "/namespaces/{namespace}/" : "/") + type->plural;
    paths[base + "/{name}"] = {{"patch", patchOperation(*type)}};
    if (type->statusSubresource) {
      paths[base + "/{name}/status"] = {{"patch", patchOperation(*type)}};
    }
  }
  return {{"openapi", "3.0.0"}, {"info", {{"title", "Kubernetes"}, {"version", "v1.32.4"}}},
          {"paths", paths}, {"components", {{"schemas", json::object()}}}};
}

// FNV-1a 64, upper-case hex: a content hash, so a changed document gets a new URL.
std::string contentHash(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llX", static_cast<unsigned long long>(hash));
  return buffer;
}

} // namespace

std::optional<http::Response> handleOpenApi(Core& core, const http::Request& request) {
  const std::string& path = request.path;
  if (path.rfind("/openapi/", 0) != 0) {
    return std::nullopt;
  }
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    json paths = json::object();
    for (const auto& [group, version] : core.registry.groupVersions()) {
      const std::string key = gvPath(group, version);
      paths[key] = {{"serverRelativeURL",
                     "/openapi/v3/" + key + "?hash=" + contentHash(groupVersionDocument(core, group, version).dump())}};
    }
    return jsonResponse(200, {{"paths", paths}});
  }
  for (const auto& [group, version] : core.registry.groupVersions()) {
    if (path == "/openapi/v3/" + gvPath(group, version)) {
      return jsonResponse(200, groupVersionDocument(core, group, version));
    }
  }
  return errorResponse(pathNotFoundError());
}

} // namespace rdr::sandbox
