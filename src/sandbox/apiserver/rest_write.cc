// POST and PUT: the HTTP side of createObject/updateObject (status codes, Warning headers).
#include "rdr/common/yaml.h"
#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/protobuf_decode.h"

namespace rdr::sandbox {

using nlohmann::json;

http::Response outcomeResponse(const ResourceType& type, const WriteOutcome& outcome, int status) {
  auto response = jsonResponse(status, presented(type, outcome.object));
  std::string warning;
  for (const auto& text : outcome.warnings) {
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') {
        escaped.push_back('\\');
      }
      escaped.push_back(c);
    }
    warning += (warning.empty() ? "" : ", ") + std::string("299 - \"") + escaped + "\"";
  }
  if (!warning.empty()) {
    response.headers["Warning"] = warning;
  }
  return response;
}

namespace {

// The object a POST or PUT carries: JSON, or Kubernetes protobuf (kubectl create's generators).
ApiResult<json> requestObject(const http::Request& request) {
  if (isProtobufContentType(headerValue(request, "Content-Type"))) {
    return decodeProtobufObject(request.body);
  }
  return parseJsonBody(request.body);
}

} // namespace

http::Response handleCreate(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  if (!target.subresource.empty()) {
    return errorResponse(methodNotAllowedError());
  }
  auto options = writeOptions(request);
  if (!options.ok()) {
    return errorResponse(options.error());
  }
  auto body = requestObject(request);
  if (!body.ok()) {
    if (isProtobufContentType(headerValue(request, "Content-Type"))) {
      return errorResponse(body.error());
    }
    // YAML bodies (Content-Type application/yaml) are accepted as kube-apiserver does.
    auto yaml = parseYamlDocument(request.body);
    if (!yaml) {
      return errorResponse(body.error());
    }
    body = ApiResult<json>(std::move(*yaml));
  }
  if (auto fault = takeWriteFault(core, type, objectName(body.value()))) {
    return errorResponse(*fault);
  }
  auto outcome = createObject(core, type, std::move(body.value()), target.ns, options.value(), UpdateMode::Put);
  if (!outcome.ok()) {
    return errorResponse(outcome.error());
  }
  return outcomeResponse(type, outcome.value(), 201);
}

http::Response handleUpdate(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  auto options = writeOptions(request);
  if (!options.ok()) {
    return errorResponse(options.error());
  }
  auto body = requestObject(request);
  if (!body.ok()) {
    return errorResponse(body.error());
  }
  if (auto fault = takeWriteFault(core, type, target.name)) {
    return errorResponse(*fault);
  }
  const json* old = core.storage.get(type.storageKey, type.namespaced ? target.ns : "", target.name);
  if (old == nullptr) {
    // PUT creates only where AllowCreateOnUpdate (Leases, Events); never for custom resources.
    if (!type.createOnUpdate || !target.subresource.empty()) {
      return errorResponse(notFoundError(type, target.name));
    }
    json object = std::move(body.value());
    if (object.contains("metadata") && object["metadata"].is_object()) {
      object["metadata"].erase("resourceVersion");
    }
    auto created = createObject(core, type, std::move(object), target.ns, options.value(), UpdateMode::Put);
    if (!created.ok()) {
      return errorResponse(created.error());
    }
    return outcomeResponse(type, created.value(), 201);
  }
  const json oldCopy = *old;
  auto outcome = updateObject(core, type, oldCopy, std::move(body.value()), target.subresource,
                              options.value(), UpdateMode::Put);
  if (!outcome.ok()) {
    return errorResponse(outcome.error());
  }
  return outcomeResponse(type, outcome.value(), 200);
}

} // namespace rdr::sandbox
