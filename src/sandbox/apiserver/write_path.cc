// The write path shared by POST, PUT, PATCH and apply: metadata rules, admission, storage.
#include <algorithm>
#include <set>

#include "rdr/schema/validator.h"
#include "sandbox/apiserver/core.h"
#include "sandbox/apiserver/server_side_apply.h"
#include "schema/go_format.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

std::string joinUnknown(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& path : paths) {
    out += (out.empty() ? "" : ", ") + schema::unknownFieldMessage(path);
  }
  return "strict decoding error: " + out;
}

// fieldValidation for pruned fields (§2.7): Strict fails (400 on POST/PUT, 422 on PATCH with the
// patched object as the value), Warn returns warnings, Ignore says nothing.
std::optional<ApiError> unknownFieldVerdict(const ResourceType& type, const std::vector<std::string>& unknown,
                                            const WriteOptions& options, UpdateMode mode,
                                            const std::string& patchedText,
                                            std::vector<std::string>& warnings) {
  if (unknown.empty() || options.fieldValidation == "Ignore") {
    return std::nullopt;
  }
  if (options.fieldValidation == "Warn") {
    for (const auto& path : unknown) {
      warnings.push_back(schema::unknownFieldMessage(path));
    }
    return std::nullopt;
  }
  if (mode == UpdateMode::Put) {
    return badRequestError(type.kind + " in version " + schema::goQuote(type.version) +
                           " cannot be handled as a " + type.kind + ": " + joinUnknown(unknown));
  }
  return invalidError("", "", "", {schema::invalidError("patch", patchedText, joinUnknown(unknown))});
}

// Admits a custom resource (prune, default, validate) or a CRD (loadCrd); built-ins pass as given.
std::optional<ApiError> admitObject(Core& core, const ResourceType& type, json& object, const json* old,
                                    const WriteOptions& options, UpdateMode mode,
                                    const std::string& patchedText, std::vector<std::string>& warnings) {
  const std::string name = objectName(object);
  // ObjectMeta errors come first, then the schema's (customResourceStrategy.Validate).
  schema::FieldErrorList errors = validateObjectMeta(object);
  if (type.custom) {
    auto admission = schema::admit(*type.crdVersion(), object, old);
    if (auto verdict = unknownFieldVerdict(type, admission.unknownFields, options, mode, patchedText, warnings)) {
      return verdict;
    }
    errors.insert(errors.end(), admission.errors.begin(), admission.errors.end());
    if (errors.empty()) {
      object = std::move(admission.object);
    }
  }
  if (!errors.empty()) {
    return invalidError(type, name, errors);
  }
  if (type.isCrdType()) {
    auto crd = schema::loadCrd(object);
    if (!crd) {
      return ApiError{422, "Invalid",
                      "CustomResourceDefinition.apiextensions.k8s.io " + schema::goQuote(name) +
                          " is invalid: " + crd.error().message(),
                      json{{"name", name}, {"group", "apiextensions.k8s.io"}, {"kind", "CustomResourceDefinition"}}};
    }
    setCrdStatus(core, object);
  }
  return std::nullopt;
}

json withoutMetadata(json object) {
  object.erase("metadata");
  return object;
}

std::vector<std::string> finalizersOf(const json& object) {
  std::vector<std::string> out;
  if (object.contains("metadata") && object["metadata"].contains("finalizers") &&
      object["metadata"]["finalizers"].is_array()) {
    for (const auto& f : object["metadata"]["finalizers"]) {
      if (f.is_string()) {
        out.push_back(f.get<std::string>());
      }
    }
  }
  return out;
}

void copyField(const json& from, json& to, const char* field) {
  if (from["metadata"].contains(field)) {
    to["metadata"][field] = from["metadata"][field];
  } else {
    to["metadata"].erase(field);
  }
}

void registerIfCrd(Core& core, const ResourceType& type, const json& object) {
  if (!type.isCrdType()) {
    return;
  }
  auto crd = schema::loadCrd(object);
  if (crd) {
    core.registry.registerCrd(std::make_shared<const schema::CustomResourceDefinition>(std::move(*crd)));
  }
}

} // namespace

ApiResult<WriteOutcome> createObject(Core& core, const ResourceType& type, json object,
                                     const std::string& urlNamespace, const WriteOptions& options,
                                     UpdateMode mode) {
  WriteOutcome outcome;
  if (!object.is_object()) {
    return badRequestError("the object provided is unrecognized (must be of type object)");
  }
  const std::string patchedText = object.dump();
  if (object.contains("apiVersion") && object["apiVersion"] != type.apiVersion()) {
    return badRequestError("the API version in the data (" + object["apiVersion"].dump() +
                           ") does not match the expected API version (" + type.apiVersion() + ")");
  }
  if (object.contains("kind") && object["kind"] != type.kind) {
    return badRequestError(type.kind + " in version " + schema::goQuote(type.version) +
                           " cannot be handled as a " + type.kind + ": the object kind " +
                           object["kind"].dump() + " does not match " + schema::goQuote(type.kind));
  }
  presentAs(type, object);
  if (!object.contains("metadata") || !object["metadata"].is_object()) {
    object["metadata"] = json::object();
  }
  json& meta = object["metadata"];
  // 1. The namespace comes from the URL; a different one in the body is 400; it must exist.
  if (type.namespaced) {
    const std::string bodyNs = metaString(object, "namespace");
    if (!bodyNs.empty() && bodyNs != urlNamespace) {
      return badRequestError("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta["namespace"] = urlNamespace;
    const json* ns = core.storage.get("namespaces", "", urlNamespace);
    if (ns == nullptr) {
      return namespaceNotFoundError(urlNamespace);
    }
    if ((*ns)["metadata"].contains("deletionTimestamp")) {
      const std::string name = metaString(object, "name");
      return ApiError{403, "Forbidden",
                      type.groupResource() + " " + schema::goQuote(name) +
                          " is forbidden: unable to create new content in namespace " + urlNamespace +
                          " because it is being terminated",
                      json{{"name", name}, {"kind", type.plural},
                           {"causes", json::array({{{"reason", "NamespaceTerminating"},
                                                    {"message", "namespace " + urlNamespace + " is being terminated"},
                                                    {"field", "metadata.namespace"}}})}}};
    }
  } else {
    meta.erase("namespace");
  }
  // 2. A resourceVersion on create is a storage error (500, reason Unknown).
  if (!metaString(object, "resourceVersion").empty()) {
    return unknownError("resourceVersion should not be set on objects to be created");
  }
  // 3. name, else generateName + 5 random characters.
  std::string name = metaString(object, "name");
  if (name.empty() && !metaString(object, "generateName").empty()) {
    name = metaString(object, "generateName") + core.randomSuffix(5);
    meta["name"] = name;
  }
  if (name.empty()) {
    return invalidError(type, "", {schema::requiredError("metadata.name", "name or generateName is required")});
  }
  if (auto errors = validateObjectName(type, name); !errors.empty()) {
    return invalidError(type, name, errors);
  }
  // 4. Server-owned metadata; create drops .status when the status subresource is enabled.
  meta["uid"] = core.newUid();
  meta["creationTimestamp"] = core.now();
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  if (type.tracksGeneration) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  if (type.statusSubresource) {
    object.erase("status");
  }
  applyBuiltInCreateDefaults(core, type, object);
  if (auto error = admitObject(core, type, object, nullptr, options, mode, patchedText, outcome.warnings)) {
    return *error;
  }
  if (core.storage.get(type.storageKey, metaString(object, "namespace"), name) != nullptr) {
    return alreadyExistsError(type, name);
  }
  outcome.created = true;
  if (options.dryRun) {
    outcome.object = object;
    return outcome;
  }
  storeAs(type, object);
  outcome.object = core.storage.create(type.storageKey, object);
  registerIfCrd(core, type, outcome.object);
  core.changed.notify_all();
  return outcome;
}

ApiResult<WriteOutcome> updateObject(Core& core, const ResourceType& type, const json& oldStored,
                                     json desired, const std::string& subresource,
                                     const WriteOptions& options, UpdateMode mode) {
  WriteOutcome outcome;
  if (!desired.is_object()) {
    return badRequestError("the object provided is unrecognized (must be of type object)");
  }
  const std::string patchedText = desired.dump();
  const json old = presented(type, oldStored);
  const std::string name = objectName(old);
  presentAs(type, desired);
  if (!desired.contains("metadata") || !desired["metadata"].is_object()) {
    desired["metadata"] = json::object();
  }
  // 1. Name and namespace are those of the URL.
  const std::string bodyName = metaString(desired, "name");
  if (!bodyName.empty() && bodyName != name) {
    return badRequestError("the name of the object (" + bodyName +
                           ") does not match the name on the URL (" + name + ")");
  }
  desired["metadata"]["name"] = name;
  if (type.namespaced) {
    const std::string bodyNs = metaString(desired, "namespace");
    if (!bodyNs.empty() && bodyNs != objectNamespace(old)) {
      return badRequestError("the namespace of the provided object does not match the namespace sent on the request");
    }
    desired["metadata"]["namespace"] = objectNamespace(old);
  }
  // 2. resourceVersion: required on PUT for CRs and Leases; otherwise a precondition.
  const std::string rv = metaString(desired, "resourceVersion");
  if (rv.empty()) {
    if (type.requireResourceVersion && mode == UpdateMode::Put) {
      schema::FieldError error{schema::FieldErrorType::Invalid, "metadata.resourceVersion", std::nullopt,
                               "must be specified for an update"};
      ApiError invalid = invalidError(type, name, {error});
      const std::string body = "Invalid value: 0x0: must be specified for an update";
      invalid.message = type.kind + (type.group.empty() ? "" : "." + type.group) + " " +
                        schema::goQuote(name) + " is invalid: metadata.resourceVersion: " + body;
      invalid.details["causes"][0]["message"] = body;
      return invalid;
    }
    desired["metadata"]["resourceVersion"] = metaString(old, "resourceVersion");
  } else if (rv != metaString(old, "resourceVersion")) {
    return optimisticLockError(type, name);
  }
  // 3. The status subresource: /status writes only .status, the main resource never does.
  if (subresource == "status") {
    json fromStatus = old;
    if (desired.contains("status")) {
      fromStatus["status"] = desired["status"];
    } else {
      fromStatus.erase("status");
    }
    desired = std::move(fromStatus);
  } else if (type.statusSubresource) {
    if (old.contains("status")) {
      desired["status"] = old["status"];
    } else {
      desired.erase("status");
    }
  }
  // 4. Server-owned metadata is copied from the stored object; uid is immutable.
  const std::string uid = metaString(desired, "uid");
  if (!uid.empty() && uid != metaString(old, "uid")) {
    return invalidError(type, name, {schema::invalidError("metadata.uid", uid, "field is immutable")});
  }
  keepManagedFields(old, desired);
  for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    copyField(old, desired, field);
  }
  // 5. No new finalizers once deletion has been requested.
  const bool deleting = old["metadata"].contains("deletionTimestamp");
  const auto oldFinalizers = finalizersOf(old);
  const auto newFinalizers = finalizersOf(desired);
  if (deleting) {
    std::set<std::string> added;
    for (const auto& f : newFinalizers) {
      if (std::find(oldFinalizers.begin(), oldFinalizers.end(), f) == oldFinalizers.end()) {
        added.insert(f);
      }
    }
    if (!added.empty()) {
      std::string list = "[]string{";
      for (const auto& f : added) {
        list += (list.back() == '{' ? "" : ", ") + schema::goQuote(f);
      }
      list += "}";
      return invalidError(type, name, {schema::forbiddenError("metadata.finalizers",
                                           "no new finalizers can be added if the object is being deleted, found new finalizers " + list)});
    }
  }
  if (subresource.empty()) {
    applyBuiltInUpdateDefaults(core, type, old, desired);
  }
  if (auto error = admitObject(core, type, desired, &old, options, mode, patchedText, outcome.warnings)) {
    return *error;
  }
  // 6. generation moves when anything outside metadata changed (status is already reset).
  if (type.tracksGeneration && subresource != "status" && withoutMetadata(desired) != withoutMetadata(old)) {
    desired["metadata"]["generation"] = old["metadata"].value("generation", 0) + 1;
  }
  // 7. A no-op keeps the resourceVersion and emits no event.
  if (desired == old) {
    outcome.object = old;
    return outcome;
  }
  if (options.dryRun) {
    outcome.object = desired;
    return outcome;
  }
  // 8. Removing the last finalizer of a deleting object whose grace period is over deletes it
  //    (watchers see only DELETED).
  if (deleting && newFinalizers.empty() && old["metadata"].value("deletionGracePeriodSeconds", 0) == 0) {
    outcome.object = presented(type, removeObject(core, type.storageKey, objectNamespace(old), name));
    outcome.removed = true;
    return outcome;
  }
  storeAs(type, desired);
  outcome.object = core.storage.update(type.storageKey, desired);
  registerIfCrd(core, type, outcome.object);
  core.changed.notify_all();
  return outcome;
}

json removeObject(Core& core, const std::string& storageKey, const std::string& ns, const std::string& name) {
  json last = core.storage.remove(storageKey, ns, name);
  if (last.is_null()) {
    return last;
  }
  // 1. A CRD takes its custom resources and its served types with it.
  if (storageKey == "customresourcedefinitions.apiextensions.k8s.io") {
    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto* object : core.storage.list(name, "")) {
      keys.emplace_back(objectNamespace(*object), objectName(*object));
    }
    for (const auto& [objectNs, objectName] : keys) {
      core.storage.remove(name, objectNs, objectName);
    }
    core.registry.unregisterCrd(name);
  }
  // 2. Garbage collection of dependents whose owners are all gone, then of emptied namespaces.
  collectGarbage(core);
  core.changed.notify_all();
  return last;
}

std::optional<ApiError> takeWriteFault(Core& core, const ResourceType& type, const std::string& name) {
  if (core.faults.failWritesRemaining <= 0) {
    return std::nullopt;
  }
  --core.faults.failWritesRemaining;
  switch (core.faults.failWritesCode) {
  case 409:
    return optimisticLockError(type, name);
  case 429:
    return ApiError{429, "TooManyRequests", "the server has received too many requests and has asked us to try again later",
                    json{{"retryAfterSeconds", 1}}};
  case 503:
    return ApiError{503, "ServiceUnavailable", "the server is currently unable to handle the request", json::object()};
  case 500:
    return internalError("injected fault (sandbox failNextWrites)");
  default:
    return ApiError{core.faults.failWritesCode, "", "injected fault (sandbox failNextWrites)", {}};
  }
}

} // namespace rdr::sandbox
