// metav1.ObjectMeta: the fields the operator reads and writes, to and from JSON.
#include "rdr/api/object_meta.h"

#include "json_read.h"

namespace rdr::api {
namespace {

using nlohmann::json;
using detail::joinPath;

Result<OwnerReference> parseOwnerReference(const json& value, const std::string& path) {
  if (!value.is_object()) {
    return detail::typeError(path, "object", value);
  }
  OwnerReference ref;
  RDR_ASSIGN_OR_RETURN(auto api_version, detail::readString(value, "apiVersion", path));
  RDR_ASSIGN_OR_RETURN(auto kind, detail::readString(value, "kind", path));
  RDR_ASSIGN_OR_RETURN(auto name, detail::readString(value, "name", path));
  RDR_ASSIGN_OR_RETURN(auto uid, detail::readString(value, "uid", path));
  RDR_ASSIGN_OR_RETURN(ref.controller, detail::readBool(value, "controller", path));
  RDR_ASSIGN_OR_RETURN(ref.block_owner_deletion,
                       detail::readBool(value, "blockOwnerDeletion", path));
  ref.api_version = api_version.value_or("");
  ref.kind = kind.value_or("");
  ref.name = name.value_or("");
  ref.uid = uid.value_or("");
  return ref;
}

} // namespace

Result<ObjectMeta> parseObjectMeta(const json& metadata) {
  const std::string path = "metadata";
  if (metadata.is_null()) {
    return ObjectMeta{};
  }
  if (!metadata.is_object()) {
    return detail::typeError(path, "object", metadata);
  }
  ObjectMeta meta;
  RDR_ASSIGN_OR_RETURN(auto name, detail::readString(metadata, "name", path));
  RDR_ASSIGN_OR_RETURN(auto ns, detail::readString(metadata, "namespace", path));
  RDR_ASSIGN_OR_RETURN(auto uid, detail::readString(metadata, "uid", path));
  RDR_ASSIGN_OR_RETURN(auto rv, detail::readString(metadata, "resourceVersion", path));
  RDR_ASSIGN_OR_RETURN(auto generation, detail::readInt(metadata, "generation", path));
  RDR_ASSIGN_OR_RETURN(auto created, detail::readString(metadata, "creationTimestamp", path));
  RDR_ASSIGN_OR_RETURN(meta.deletion_timestamp,
                       detail::readString(metadata, "deletionTimestamp", path));
  RDR_ASSIGN_OR_RETURN(auto labels, detail::readStringMap(metadata, "labels", path));
  RDR_ASSIGN_OR_RETURN(auto annotations, detail::readStringMap(metadata, "annotations", path));
  RDR_ASSIGN_OR_RETURN(auto finalizers, detail::readStringList(metadata, "finalizers", path));
  RDR_ASSIGN_OR_RETURN(const json* owners, detail::readArray(metadata, "ownerReferences", path));
  meta.name = name.value_or("");
  meta.namespace_ = ns.value_or("");
  meta.uid = uid.value_or("");
  meta.resource_version = rv.value_or("");
  meta.generation = generation.value_or(0);
  meta.creation_timestamp = created.value_or("");
  meta.labels = labels.value_or(std::map<std::string, std::string>{});
  meta.annotations = annotations.value_or(std::map<std::string, std::string>{});
  meta.finalizers = finalizers.value_or(std::vector<std::string>{});
  if (owners != nullptr) {
    for (size_t i = 0; i < owners->size(); ++i) {
      RDR_ASSIGN_OR_RETURN(
          auto ref, parseOwnerReference((*owners)[i], joinPath(path, "ownerReferences") + "[" +
                                                          std::to_string(i) + "]"));
      meta.owner_references.push_back(std::move(ref));
    }
  }
  return meta;
}

json toJson(const OwnerReference& ref) {
  json out = {{"apiVersion", ref.api_version},
              {"kind", ref.kind},
              {"name", ref.name},
              {"uid", ref.uid}};
  if (ref.controller) {
    out["controller"] = *ref.controller;
  }
  if (ref.block_owner_deletion) {
    out["blockOwnerDeletion"] = *ref.block_owner_deletion;
  }
  return out;
}

json toJson(const ObjectMeta& meta) {
  json out = json::object();
  if (!meta.name.empty()) {
    out["name"] = meta.name;
  }
  if (!meta.namespace_.empty()) {
    out["namespace"] = meta.namespace_;
  }
  if (!meta.uid.empty()) {
    out["uid"] = meta.uid;
  }
  if (!meta.resource_version.empty()) {
    out["resourceVersion"] = meta.resource_version;
  }
  if (meta.generation != 0) {
    out["generation"] = meta.generation;
  }
  if (!meta.creation_timestamp.empty()) {
    out["creationTimestamp"] = meta.creation_timestamp;
  }
  if (meta.deletion_timestamp) {
    out["deletionTimestamp"] = *meta.deletion_timestamp;
  }
  if (!meta.labels.empty()) {
    out["labels"] = meta.labels;
  }
  if (!meta.annotations.empty()) {
    out["annotations"] = meta.annotations;
  }
  if (!meta.finalizers.empty()) {
    out["finalizers"] = meta.finalizers;
  }
  if (!meta.owner_references.empty()) {
    json refs = json::array();
    for (const auto& ref : meta.owner_references) {
      refs.push_back(toJson(ref));
    }
    out["ownerReferences"] = std::move(refs);
  }
  return out;
}

} // namespace rdr::api
