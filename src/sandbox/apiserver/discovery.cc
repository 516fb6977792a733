// Discovery: aggregated v2 (and v2beta1) on /api and /apis when asked for, legacy otherwise,
// plus /api/v1, /apis/<g> and /apis/<g>/<v>. Custom resources appear as soon as their CRD exists.
#include <algorithm>

#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

const json kVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

json responseKind(const ResourceType& type) {
  return {{"group", type.group}, {"version", type.version}, {"kind", type.kind}};
}

json aggregatedResource(const ResourceType& type) {
  json resource = {{"resource", type.plural},
                   {"responseKind", responseKind(type)},
                   {"scope", type.namespaced ? "Namespaced" : "Cluster"},
                   {"singularResource", type.singular},
                   {"verbs", kVerbs}};
  if (!type.shortNames.empty()) {
    resource["shortNames"] = type.shortNames;
  }
  if (!type.categories.empty()) {
    resource["categories"] = type.categories;
  }
  if (type.statusSubresource) {
    resource["subresources"] = json::array({{{"subresource", "status"},
                                             {"responseKind", responseKind(type)},
                                             {"verbs", {"get", "patch", "update"}}}});
  }
  return resource;
}

json legacyResources(const ResourceType& type) {
  json resource = {{"name", type.plural},       {"singularName", type.singular},
                   {"namespaced", type.namespaced}, {"kind", type.kind},
                   {"verbs", kVerbs}};
  if (!type.shortNames.empty()) {
    resource["shortNames"] = type.shortNames;
  }
  if (!type.categories.empty()) {
    resource["categories"] = type.categories;
  }
  json out = json::array({resource});
  if (type.statusSubresource) {
    out.push_back({{"name", type.plural + "/status"}, {"singularName", ""}, {"namespaced", type.namespaced},
                   {"kind", type.kind}, {"verbs", {"get", "patch", "update"}}});
  }
  return out;
}

// Groups in registry order, each with its versions in order (the first is the preferred one).
std::vector<std::pair<std::string, std::vector<std::string>>> groups(const Core& core, bool core_) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [group, version] : core.registry.groupVersions()) {
    if (group.empty() != core_) {
      continue;
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == group; });
    if (it == out.end()) {
      out.push_back({group, {version}});
    } else {
      it->second.push_back(version);
    }
  }
  return out;
}

json aggregated(const Core& core, bool coreGroup, const std::string& apiVersion) {
  json items = json::array();
  for (const auto& [group, versions] : groups(core, coreGroup)) {
    json versionList = json::array();
    for (const auto& version : versions) {
      json resources = json::array();
      for (const auto& type : core.registry.all()) {
        if (type->group == group && type->version == version) {
          resources.push_back(aggregatedResource(*type));
        }
      }
      versionList.push_back({{"version", version}, {"resources", resources}, {"freshness", "Current"}});
    }
    json metadata = coreGroup ? json::object() : json{{"name", group}};
    items.push_back({{"metadata", metadata}, {"versions", versionList}});
  }
  return {{"kind", "APIGroupDiscoveryList"}, {"apiVersion", apiVersion}, {"metadata", json::object()},
          {"items", items}};
}

json groupJson(const std::string& group, const std::vector<std::string>& versions) {
  json list = json::array();
  for (const auto& version : versions) {
    list.push_back({{"groupVersion", group + "/" + version}, {"version", version}});
  }
  return {{"name", group}, {"versions", list}, {"preferredVersion", list[0]}};
}

} // namespace

std::optional<http::Response> handleDiscovery(Core& core, const http::Request& request) {
  const std::string& path = request.path;
  if (request.method != "GET") {
    return std::nullopt;
  }
  // 1. /api and /apis: aggregated when the Accept header asks for it (client-go decides by the
  //    response Content-Type), v2 preferred over v2beta1.
  if (path == "/api" || path == "/apis") {
    const std::string accept = headerValue(request, "Accept");
    const bool coreGroup = path == "/api";
    for (const std::string version : {"v2", "v2beta1"}) {
      if (accept.find("g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList") != std::string::npos) {
        auto response = jsonResponse(200, aggregated(core, coreGroup, "apidiscovery.k8s.io/" + version));
        response.headers["Content-Type"] =
            "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
        return response;
      }
    }
    if (coreGroup) {
      const std::string address = core.options.server_address.empty() ? "127.0.0.1:6443" : core.options.server_address;
      return jsonResponse(200, {{"kind", "APIVersions"}, {"versions", {"v1"}},
                                {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", address}}}}});
    }
    json list = json::array();
    for (const auto& [group, versions] : groups(core, false)) {
      list.push_back(groupJson(group, versions));
    }
    return jsonResponse(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", list}});
  }
  // 2. /api/v1, /apis/<g>, /apis/<g>/<v>.
  std::string group;
  std::string version;
  if (path == "/api/v1") {
    version = "v1";
  } else if (path.rfind("/apis/", 0) == 0) {
    const std::string rest = path.substr(6);
    const auto slash = rest.find('/');
    group = rest.substr(0, slash);
    if (slash != std::string::npos) {
      version = rest.substr(slash + 1);
      if (version.empty() || version.find('/') != std::string::npos) {
        return std::nullopt;
      }
    }
    if (group.empty()) {
      return std::nullopt;
    }
    if (version.empty()) {
      for (const auto& [name, versions] : groups(core, false)) {
        if (name == group) {
          json body = groupJson(group, versions);
          body["kind"] = "APIGroup";
          body["apiVersion"] = "v1";
          return jsonResponse(200, body);
        }
      }
      return errorResponse(pathNotFoundError());
    }
  } else {
    return std::nullopt;
  }
  json resources = json::array();
  for (const auto& type : core.registry.all()) {
    if (type->group == group && type->version == version) {
      for (auto& entry : legacyResources(*type)) {
        resources.push_back(entry);
      }
    }
  }
  if (resources.empty()) {
    return errorResponse(pathNotFoundError());
  }
  return jsonResponse(200, {{"kind", "APIResourceList"}, {"apiVersion", "v1"},
                            {"groupVersion", group.empty() ? version : group + "/" + version},
                            {"resources", resources}});
}

} // namespace rdr::sandbox
