// DELETE of one object and of a collection: DeleteOptions, preconditions, finalizers, pod grace.
//
// propagationPolicy Foreground and Orphan are accepted and treated as Background: without
// kube-controller-manager nothing would ever remove the foregroundDeletion/orphan finalizers
// they add, so the emulator removes the object and lets gc.cc collect its dependents.
#include "rdr/common/time_format.h"
#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/selectors.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

struct DeleteOptions {
  bool dryRun = false;
  std::optional<std::int64_t> gracePeriodSeconds;
  std::string preconditionUid;
  std::string preconditionRv;
};

ApiResult<DeleteOptions> deleteOptions(const http::Request& request) {
  DeleteOptions options;
  json body = json::object();
  if (!request.body.empty()) {
    auto parsed = parseJsonBody(request.body);
    if (!parsed.ok()) {
      return parsed.error();
    }
    body = std::move(parsed.value());
  }
  std::string policy = body.value("propagationPolicy", queryParam(request, "propagationPolicy").value_or(""));
  if (!policy.empty() && policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return invalidError("DeleteOptions", "meta.k8s.io", "",
                        {schema::notSupportedError("propagationPolicy", policy,
                                                   {"Foreground", "Background", "Orphan", "nil"})});
  }
  const json dryRun = body.value("dryRun", json::array());
  options.dryRun = queryParam(request, "dryRun").value_or("") == "All" ||
                   (dryRun.is_array() && !dryRun.empty() && dryRun[0] == "All");
  if (body.contains("gracePeriodSeconds") && body["gracePeriodSeconds"].is_number_integer()) {
    options.gracePeriodSeconds = body["gracePeriodSeconds"].get<std::int64_t>();
  } else if (const auto text = queryParam(request, "gracePeriodSeconds")) {
    bool ok = false;
    options.gracePeriodSeconds = static_cast<std::int64_t>(parseRevision(*text, &ok));
    if (!ok) {
      return badRequestError("gracePeriodSeconds: Invalid value: \"" + *text + "\"");
    }
  }
  if (body.contains("preconditions") && body["preconditions"].is_object()) {
    options.preconditionUid = body["preconditions"].value("uid", std::string());
    options.preconditionRv = body["preconditions"].value("resourceVersion", std::string());
  }
  return options;
}

// Marks an object as deleting: deletionTimestamp (now + grace), deletionGracePeriodSeconds and,
// for objects that track it, generation+1 (store.go markAsDeleting / BeforeDelete).
json markedAsDeleting(Core& core, const json& stored, std::int64_t grace) {
  json marked = stored;
  marked["metadata"]["deletionTimestamp"] = formatRfc3339(core.clock.now() + std::chrono::seconds(grace));
  marked["metadata"]["deletionGracePeriodSeconds"] = grace;
  if (!stored["metadata"].contains("deletionTimestamp") && marked["metadata"].value("generation", 0) > 0) {
    marked["metadata"]["generation"] = marked["metadata"].value("generation", 0) + 1;
  }
  return marked;
}

// Deletes one stored object; `removed` tells whether it is gone.
ApiResult<json> deleteOne(Core& core, const ResourceType& type, const json& stored, const DeleteOptions& options,
                          bool* removed) {
  const std::string name = objectName(stored);
  const std::string uid = metaString(stored, "uid");
  const std::string rv = metaString(stored, "resourceVersion");
  // 1. Preconditions (409 Conflict with the storage's text).
  if (!options.preconditionUid.empty() && options.preconditionUid != uid) {
    return conflictError(type, name, "Precondition failed: UID in precondition: " + options.preconditionUid +
                                         ", UID in object meta: " + uid);
  }
  if (!options.preconditionRv.empty() && options.preconditionRv != rv) {
    return conflictError(type, name, "Precondition failed: ResourceVersion in precondition: " +
                                         options.preconditionRv + ", ResourceVersion in object meta: " + rv);
  }
  *removed = false;
  const bool isPod = type.group.empty() && type.plural == "pods";
  const std::int64_t grace = isPod ? podGracePeriod(stored, options.gracePeriodSeconds) : 0;
  const auto& finalizers = stored["metadata"].value("finalizers", json::array());
  const bool hasFinalizers = finalizers.is_array() && !finalizers.empty();
  // 2. A deletion already requested: a no-op, unless a pod's grace period gets shorter (the
  //    kubelet's final DELETE with gracePeriodSeconds=0 removes it).
  if (stored["metadata"].contains("deletionTimestamp")) {
    const std::int64_t current = stored["metadata"].value("deletionGracePeriodSeconds", std::int64_t{0});
    if (!isPod || grace >= current || options.dryRun) {
      return presented(type, stored);
    }
    if (grace == 0 && !hasFinalizers) {
      *removed = true;
      return presented(type, removeObject(core, type.storageKey, objectNamespace(stored), name));
    }
    json shorter = core.storage.update(type.storageKey, markedAsDeleting(core, stored, grace));
    core.changed.notify_all();
    return presented(type, shorter);
  }
  // 3. A namespace turns Terminating and asks for the deletion of everything in it; it goes away
  //    with its last object (gc.cc), so finalizers of its objects are honoured.
  if (type.isNamespaceType()) {
    if (name == "default" || name == "kube-system" || name == "kube-public") {
      return ApiError{403, "Forbidden",
                      "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted",
                      json{{"name", name}, {"kind", "namespaces"}}};
    }
    json marked = stored;
    marked["metadata"]["deletionTimestamp"] = core.now();
    marked["metadata"]["deletionGracePeriodSeconds"] = 0;
    marked["status"]["phase"] = "Terminating";
    if (options.dryRun) {
      return presented(type, marked);
    }
    core.storage.update(type.storageKey, marked);
    for (const auto& [storageKey, object] : core.storage.allObjects()) {
      if (storageKey != type.storageKey && objectNamespace(object) == name) {
        requestDeletion(core, storageKey, object);
      }
    }
    collectGarbage(core);
    core.changed.notify_all();
    const json* left = core.storage.get(type.storageKey, "", name);
    *removed = left == nullptr;
    json last = left != nullptr ? *left : marked;
    return presented(type, last);
  }
  // 4. Finalizers or a pod's grace period: mark as deleting (MODIFIED); the object stays.
  if (hasFinalizers || grace > 0) {
    json marked = markedAsDeleting(core, stored, grace);
    if (options.dryRun) {
      return presented(type, marked);
    }
    json updated = core.storage.update(type.storageKey, marked);
    core.changed.notify_all();
    return presented(type, updated);
  }
  // 5. Otherwise the object goes now.
  *removed = true;
  if (options.dryRun) {
    return presented(type, stored);
  }
  return presented(type, removeObject(core, type.storageKey, objectNamespace(stored), name));
}

} // namespace

http::Response handleDelete(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  auto options = deleteOptions(request);
  if (!options.ok()) {
    return errorResponse(options.error());
  }
  if (auto fault = takeWriteFault(core, type, target.name)) {
    return errorResponse(*fault);
  }
  const json* stored = core.storage.get(type.storageKey, type.namespaced ? target.ns : "", target.name);
  if (stored == nullptr) {
    return errorResponse(notFoundError(type, target.name));
  }
  const json copy = *stored;
  bool removed = false;
  auto result = deleteOne(core, type, copy, options.value(), &removed);
  if (!result.ok()) {
    return errorResponse(result.error());
  }
  // 6. Custom resources answer a removal with a Success Status; built-ins with the object.
  if (removed && type.custom) {
    return jsonResponse(200, successStatus(type, target.name, metaString(copy, "uid")));
  }
  return jsonResponse(200, result.value());
}

http::Response handleDeleteCollection(Core& core, const http::Request& request, const RestTarget& target) {
  const auto& type = *target.type;
  auto options = deleteOptions(request);
  if (!options.ok()) {
    return errorResponse(options.error());
  }
  auto selector = parseSelector(type, queryParam(request, "labelSelector").value_or(""),
                                queryParam(request, "fieldSelector").value_or(""));
  if (!selector.ok()) {
    return errorResponse(selector.error());
  }
  if (auto fault = takeWriteFault(core, type, "")) {
    return errorResponse(*fault);
  }
  std::vector<json> victims;
  for (const auto* object : core.storage.list(type.storageKey, type.namespaced ? target.ns : "")) {
    if (selector.value().matches(*object)) {
      victims.push_back(*object);
    }
  }
  json list = {{"kind", type.listKind}, {"apiVersion", type.apiVersion()},
               {"metadata", json::object()}, {"items", json::array()}};
  for (const auto& victim : victims) {
    // An earlier removal may have collected this one already (garbage collection).
    if (core.storage.get(type.storageKey, objectNamespace(victim), objectName(victim)) == nullptr) {
      continue;
    }
    bool removed = false;
    auto result = deleteOne(core, type, victim, options.value(), &removed);
    if (result.ok()) {
      list["items"].push_back(result.value());
    }
  }
  list["metadata"]["resourceVersion"] = std::to_string(core.storage.revision());
  return jsonResponse(200, list);
}

} // namespace rdr::sandbox
