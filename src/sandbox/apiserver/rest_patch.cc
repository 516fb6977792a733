// PATCH: merge, JSON, strategic (built-ins only) and server-side apply, then the update path.
#include "rdr/common/yaml.h"
#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/patch.h"
#include "sandbox/apiserver/server_side_apply.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

ApiError patchOptionsInvalid(schema::FieldError error) {
  return invalidError("PatchOptions", "meta.k8s.io", "", {std::move(error)});
}

} // namespace

http::Response handlePatch(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  auto options = writeOptions(request);
  if (!options.ok()) {
    return errorResponse(options.error());
  }
  // 1. The patch type: SMP exists only for built-ins; anything else is 415.
  const auto patchType = patchTypeOf(headerValue(request, "Content-Type"));
  if (!patchType || (*patchType == PatchType::Strategic && type.custom)) {
    return errorResponse(unsupportedMediaTypeError(!type.custom));
  }
  // 2. PatchOptions: force only with apply; apply needs a field manager.
  if (queryParam(request, "force") && *patchType != PatchType::Apply) {
    return errorResponse(patchOptionsInvalid(schema::forbiddenError("force", "may not be specified for non-apply patch")));
  }
  if (*patchType == PatchType::Apply && options.value().fieldManager.empty()) {
    return errorResponse(patchOptionsInvalid(schema::requiredError("fieldManager", "is required for apply patch")));
  }
  json patch;
  if (*patchType == PatchType::Apply) {
    auto document = parseYamlDocument(request.body);
    if (!document) {
      return errorResponse(badRequestError("error decoding YAML: " + document.error().message()));
    }
    patch = std::move(*document);
  } else {
    auto body = parseJsonBody(request.body);
    if (!body.ok()) {
      return errorResponse(body.error());
    }
    patch = std::move(body.value());
  }
  if (auto fault = takeWriteFault(core, type, target.name)) {
    return errorResponse(*fault);
  }
  const json* stored = core.storage.get(type.storageKey, type.namespaced ? target.ns : "", target.name);
  if (stored == nullptr) {
    // 3. Apply creates what is missing (201); other patches need an object.
    if (*patchType != PatchType::Apply || !target.subresource.empty()) {
      return errorResponse(notFoundError(type, target.name));
    }
    if (!patch.is_object()) {
      return errorResponse(badRequestError("the object provided is unrecognized (must be of type object)"));
    }
    const std::string bodyName = objectName(patch);
    if (!bodyName.empty() && bodyName != target.name) {
      return errorResponse(badRequestError("the name of the object (" + bodyName +
                                           ") does not match the name on the URL (" + target.name + ")"));
    }
    patch["metadata"]["name"] = target.name;
    patch = serverSideApply(nullptr, patch, {options.value().fieldManager, type.apiVersion(), core.now(), type.statusSubresource});
    auto created = createObject(core, type, std::move(patch), target.ns, options.value(), UpdateMode::Apply);
    if (!created.ok()) {
      return errorResponse(created.error());
    }
    return outcomeResponse(type, created.value(), 201);
  }
  const json old = *stored;
  const json current = presented(type, old);
  json patched;
  switch (*patchType) {
  case PatchType::Json: {
    auto result = applyJsonPatch(current, patch);
    if (!result.ok()) {
      return errorResponse(result.error());
    }
    patched = std::move(result.value());
    break;
  }
  case PatchType::Merge:
    patched = applyMergePatch(current, patch);
    break;
  case PatchType::Strategic:
    patched = applyStrategicMergePatch(current, patch);
    break;
  case PatchType::Apply:
    patched = serverSideApply(current, patch,
                              {options.value().fieldManager, type.apiVersion(), core.now(),
                               type.statusSubresource && target.subresource.empty()});
    break;
  }
  // 4. A resourceVersion in the patched object is a precondition (checked by updateObject).
  auto outcome = updateObject(core, type, old, std::move(patched), target.subresource, options.value(),
                              *patchType == PatchType::Apply ? UpdateMode::Apply : UpdateMode::Patch);
  if (!outcome.ok()) {
    return errorResponse(outcome.error());
  }
  return outcomeResponse(type, outcome.value(), 200);
}

} // namespace rdr::sandbox
