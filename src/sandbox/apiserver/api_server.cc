// The emulator's entry point: request routing, request helpers, makeApiServer, loadCrdDirectory.
//
// Routes (kube-apiserver's, §1.1):
//   /version /healthz /livez /readyz        plain answers
//   /api /apis /api/v1 /apis/<g>[/<v>]      discovery (discovery.cc)
//   /openapi/v3[/...]                       OpenAPI v3 (openapi.cc); /openapi/v2 is 404
//   /sandbox/v1/faults                      fault injection (faults.cc)
//   /api/v1/... /apis/<g>/<v>/...           resources: [namespaces/<ns>/]<plural>[/<name>[/status]]
//                                           (legacy /watch/ segment accepted)
//
// What is emulated and what is not (each with a clear Status when asked for):
//  * Storage, watches, selectors, paging, status subresource, generation, finalizers, garbage
//    collection, CRD registration, discovery, OpenAPI v3 (PATCH ops only), Tables: as kube-apiserver.
//  * Built-ins are stored as given (no schema, no unknown-field detection), with the create
//    defaults of the kinds the project uses (metadata.cc); Services get ClusterIPs and nodePorts.
//  * Server-side apply merges and records each manager's applied fields (managedFields Apply
//    entries) to remove what it stops applying; no conflicts, no Update entries.
//  * Foreground/Orphan deletion is Background. A scheduled pod (spec.nodeName) is only marked for
//    its grace period until a DELETE with gracePeriodSeconds=0 (the kubelet's) - nothing else
//    removes it; unscheduled pods go at once. A deleted namespace is Terminating until its last
//    object is gone; a CRD takes its custom resources with it immediately.
//  * events.k8s.io/v1 and core/v1 Events are the same stored objects (core/v1 form, fields renamed).
//  * No /scale, /log, /exec, /openapi/v2, no authentication or authorization.
#include "rdr/sandbox/api_server.h"

#include "rdr/common/file.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "rdr/common/time_format.h"
#include "rdr/common/yaml.h"
#include "rdr/schema/crd.h"
#include "sandbox/apiserver/core.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  return parts;
}

http::Response versionResponse() {
  return jsonResponse(200, {{"major", "1"},
                            {"minor", "32"},
                            {"gitVersion", "v1.32.4"},
                            {"gitCommit", "59526cd4867447956156ae3a602fcbac10a2c335"},
                            {"gitTreeState", "clean"},
                            {"buildDate", "2025-04-22T16:03:09Z"},
                            {"goVersion", "go1.23.6"},
                            {"compiler", "gc"},
                            {"platform", "linux/amd64"}});
}

// Resolves the resource part of a path; nullopt = not a resource path.
std::optional<RestTarget> resolveTarget(Core& core, const std::vector<std::string>& parts,
                                        bool* watchSegment) {
  size_t i = 0;
  std::string group;
  std::string version;
  if (parts.size() >= 2 && parts[0] == "api") {
    version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  *watchSegment = !rest.empty() && rest[0] == "watch";
  if (*watchSegment) {
    rest.erase(rest.begin());
  }
  if (rest.empty()) {
    return std::nullopt;
  }
  RestTarget target;
  // 1. namespaces/<ns>/<plural>[...] addresses namespaced resources when <plural> is one.
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    auto type = core.registry.find(group, version, rest[2]);
    if (type && type->namespaced) {
      target.type = type;
      target.ns = rest[1];
      target.name = rest.size() >= 4 ? rest[3] : "";
      target.subresource = rest.size() >= 5 ? rest[4] : "";
      return rest.size() <= 5 ? std::optional<RestTarget>(target) : std::nullopt;
    }
  }
  // 2. Otherwise <plural>[/<name>[/<subresource>]] (cluster scope, or all namespaces).
  target.type = core.registry.find(group, version, rest[0]);
  if (!target.type || rest.size() > 3) {
    return std::nullopt;
  }
  target.name = rest.size() >= 2 ? rest[1] : "";
  target.subresource = rest.size() >= 3 ? rest[2] : "";
  return target;
}

http::Response routeResource(Core& core, const http::Request& request, const RestTarget& target,
                             bool watchSegment) {
  const auto& type = *target.type;
  // 1. A namespaced object by name needs its namespace in the URL.
  if (type.namespaced && !target.name.empty() && target.ns.empty()) {
    return errorResponse(pathNotFoundError());
  }
  // 2. Only the status subresource exists (when enabled).
  if (!target.subresource.empty() && (target.subresource != "status" || !type.statusSubresource)) {
    return errorResponse(pathNotFoundError());
  }
  const std::string& method = request.method;
  if (target.name.empty()) {
    if (method == "GET") {
      if (watchSegment || queryFlag(request, "watch")) {
        return startWatch(core, request, target);
      }
      return handleList(core, request, target);
    }
    if (method == "POST") {
      if (type.namespaced && target.ns.empty()) {
        return errorResponse(methodNotAllowedError());
      }
      return handleCreate(core, request, target);
    }
    if (method == "DELETE") {
      return handleDeleteCollection(core, request, target);
    }
    return errorResponse(methodNotAllowedError());
  }
  if (method == "GET") {
    // A watch of one object is a watch of its collection with fieldSelector=metadata.name=<name>.
    if ((watchSegment || queryFlag(request, "watch")) && target.subresource.empty()) {
      http::Request byName = request;
      std::string selector = "metadata.name=" + target.name;
      if (const auto it = byName.query.find("fieldSelector"); it != byName.query.end()) {
        selector += it->second.empty() ? "" : "," + it->second;
        byName.query.erase(it);
      }
      byName.query.emplace("fieldSelector", selector);
      RestTarget collection = target;
      collection.name.clear();
      return startWatch(core, byName, collection);
    }
    return handleGet(core, request, target);
  }
  if (method == "PUT") {
    return handleUpdate(core, request, target);
  }
  if (method == "PATCH") {
    return handlePatch(core, request, target);
  }
  if (method == "DELETE" && target.subresource.empty()) {
    return handleDelete(core, request, target);
  }
  return errorResponse(methodNotAllowedError());
}

class ApiServerImpl final : public ApiServer {
public:
  explicit ApiServerImpl(std::shared_ptr<Core> core) : core_(std::move(core)) {}

  // ApiServer
  http::Response handle(const http::Request& request) override {
    int latency = 0;
    {
      std::lock_guard lock(core_->mutex);
      latency = core_->faults.latencyMs;
    }
    if (latency > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(latency));
    }
    std::unique_lock lock(core_->mutex);
    http::Response response;
    try {
      response = route(request);
    } catch (const nlohmann::json::exception& e) {
      // An object of an unexpected shape (e.g. a string where an object belongs) in a built-in.
      response = errorResponse(internalError(std::string("cannot process the object: ") + e.what()));
    }
    spdlog::debug("sandbox apiserver {} {} -> {}{}", request.method, request.path, response.status,
                  response.stream ? " (watch stream)" : "");
    return response;
  }

private:
  http::Response route(const http::Request& request) {
    const auto parts = splitPath(request.path);
    if (request.path == "/version") {
      return versionResponse();
    }
    if (request.path == "/healthz" || request.path == "/livez" || request.path == "/readyz") {
      http::Response ok;
      ok.headers["Content-Type"] = "text/plain; charset=utf-8";
      ok.body = "ok";
      return ok;
    }
    if (request.path == "/sandbox/v1/faults") {
      return handleFaults(*core_, request);
    }
    if (auto openapi = handleOpenApi(*core_, request)) {
      return std::move(*openapi);
    }
    if (auto discovery = handleDiscovery(*core_, request)) {
      return std::move(*discovery);
    }
    bool watchSegment = false;
    if (auto target = resolveTarget(*core_, parts, &watchSegment)) {
      return routeResource(*core_, request, *target, watchSegment);
    }
    return errorResponse(pathNotFoundError());
  }

  std::shared_ptr<Core> core_;
};

} // namespace

std::string Core::newUid() {
  // UUID v4: 122 random bits, version nibble 4, variant bits 10.
  std::uniform_int_distribution<int> nibble(0, 15);
  const char* hex = "0123456789abcdef";
  std::string uid;
  for (int i = 0; i < 32; ++i) {
    int value = nibble(random);
    if (i == 12) {
      value = 4;
    } else if (i == 16) {
      value = 8 + (value & 3);
    }
    if (i == 8 || i == 12 || i == 16 || i == 20) {
      uid.push_back('-');
    }
    uid.push_back(hex[value]);
  }
  return uid;
}

std::string Core::randomSuffix(std::size_t length) {
  // apimachinery/pkg/util/rand String: no vowels, no confusable characters.
  static const std::string kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[pick(random)]);
  }
  return out;
}

std::string Core::now() const { return formatRfc3339(clock.now()); }

std::optional<std::string> queryParam(const http::Request& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string headerValue(const http::Request& request, const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& [key, value] : request.headers) {
    std::string k = key;
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
    if (k == lower) {
      return value;
    }
  }
  return "";
}

bool queryFlag(const http::Request& request, const std::string& name) {
  const auto value = queryParam(request, name);
  return value && (*value == "1" || *value == "true" || *value == "True");
}

ApiResult<WriteOptions> writeOptions(const http::Request& request) {
  WriteOptions options;
  if (const auto dryRun = queryParam(request, "dryRun")) {
    if (*dryRun != "All") {
      return invalidError("CreateOptions", "meta.k8s.io", "",
                          {schema::notSupportedError("dryRun", *dryRun, {"All"})});
    }
    options.dryRun = true;
  }
  if (const auto validation = queryParam(request, "fieldValidation")) {
    if (*validation != "Strict" && *validation != "Warn" && *validation != "Ignore") {
      return badRequestError("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
    }
    options.fieldValidation = *validation;
  }
  options.fieldManager = queryParam(request, "fieldManager").value_or("");
  return options;
}

ApiResult<json> parseJsonBody(const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception& e) {
    return badRequestError(std::string("the object provided is unrecognized (must be of type object): ") +
                           e.what());
  }
}

nlohmann::json presented(const ResourceType& type, json object) {
  presentAs(type, object);
  return object;
}

bool wantsTable(const http::Request& request) {
  const std::string accept = headerValue(request, "Accept");
  return accept.find("as=Table") != std::string::npos;
}

Result<std::unique_ptr<ApiServer>> makeApiServer(const ApiServerOptions& options, Clock& clock) {
  auto core = std::make_shared<Core>(options, clock);
  {
    std::lock_guard lock(core->mutex);
    const auto namespaces = core->registry.find("", "v1", "namespaces");
    for (const char* ns : {"default", "kube-system", "kube-public"}) {
      auto created = createObject(*core, *namespaces, json{{"metadata", {{"name", ns}}}}, "", {},
                                  UpdateMode::Put);
      if (!created.ok()) {
        return Error(ErrorCode::Internal, "cannot create namespace " + std::string(ns) + ": " +
                                              created.error().message);
      }
    }
    const auto crds = core->registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    for (const auto& document : options.crds) {
      auto created = createObject(*core, *crds, document, "", {}, UpdateMode::Put);
      if (!created.ok()) {
        return Error(ErrorCode::Invalid, "CRD " + objectName(document) + " was refused: " +
                                             created.error().message);
      }
    }
  }
  return std::unique_ptr<ApiServer>(std::make_unique<ApiServerImpl>(core));
}

Result<std::vector<json>> loadCrdDirectory(const std::filesystem::path& directory) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    return Error(ErrorCode::NotFound, "cannot read CRD directory " + directory.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<json> crds;
  for (const auto& file : files) {
    RDR_ASSIGN_OR_RETURN(const std::string text, readFile(file));
    auto documents = parseYamlDocuments(text);
    if (!documents) {
      return documents.error().wrap("while reading " + file.string());
    }
    for (auto& document : *documents) {
      if (document.value("kind", std::string()) != "CustomResourceDefinition") {
        return Error(ErrorCode::Invalid, file.string() + " holds a " +
                                             document.value("kind", std::string("document without kind")) +
                                             ", not a CustomResourceDefinition");
      }
      crds.push_back(std::move(document));
    }
  }
  return crds;
}

} // namespace rdr::sandbox
