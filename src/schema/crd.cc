// Loading a CustomResourceDefinition document into the typed model, with the API server's checks.
#include "rdr/schema/crd.h"

#include <set>

#include "schema/schema_internal.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

std::string stringAt(const json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

bool boolAt(const json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> stringsAt(const json& node, const char* key) {
  std::vector<std::string> out;
  const auto it = node.find(key);
  if (it != node.end() && it->is_array()) {
    for (const auto& item : *it) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

std::string lower(std::string text) {
  for (auto& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

CrdNames parseNames(const json& spec, FieldErrorList& errors) {
  CrdNames names;
  const json& node = spec.contains("names") ? spec["names"] : json::object();
  names.plural = stringAt(node, "plural");
  names.kind = stringAt(node, "kind");
  names.singular = stringAt(node, "singular");
  names.listKind = stringAt(node, "listKind");
  names.shortNames = stringsAt(node, "shortNames");
  names.categories = stringsAt(node, "categories");
  if (names.plural.empty()) {
    errors.push_back(requiredError("spec.names.plural"));
  }
  if (names.kind.empty()) {
    errors.push_back(requiredError("spec.names.kind"));
  }
  if (names.singular.empty()) {
    names.singular = lower(names.kind);
  }
  if (names.listKind.empty()) {
    names.listKind = names.kind + "List";
  }
  return names;
}

PrinterColumn parseColumn(const json& node, const std::string& path, FieldErrorList& errors) {
  static const std::set<std::string> kTypes = {"integer", "number", "string", "boolean", "date"};
  PrinterColumn column;
  column.name = stringAt(node, "name");
  column.type = stringAt(node, "type");
  column.format = stringAt(node, "format");
  column.description = stringAt(node, "description");
  column.jsonPath = stringAt(node, "jsonPath");
  if (node.contains("priority") && node["priority"].is_number_integer()) {
    column.priority = node["priority"].get<int>();
  }
  if (column.name.empty()) {
    errors.push_back(requiredError(path + ".name"));
  }
  if (!kTypes.contains(column.type)) {
    errors.push_back(notSupportedError(path + ".type", column.type,
                                       {"integer", "number", "string", "boolean", "date"}));
  }
  if (column.jsonPath.empty()) {
    errors.push_back(requiredError(path + ".jsonPath"));
  } else if (column.jsonPath[0] != '.') {
    errors.push_back(invalidError(path + ".jsonPath", column.jsonPath,
                                  "must be a simple json path starting with ."));
  }
  return column;
}

CrdVersion parseVersion(const json& node, const std::string& path, FieldErrorList& errors) {
  CrdVersion version;
  version.name = stringAt(node, "name");
  version.served = boolAt(node, "served");
  version.storage = boolAt(node, "storage");
  version.deprecated = boolAt(node, "deprecated");
  if (version.name.empty()) {
    errors.push_back(requiredError(path + ".name"));
  }
  const json* schema = nullptr;
  if (node.contains("schema") && node["schema"].is_object() &&
      node["schema"].contains("openAPIV3Schema")) {
    schema = &node["schema"]["openAPIV3Schema"];
  }
  if (schema == nullptr) {
    errors.push_back(requiredError(path + ".schema.openAPIV3Schema",
                                   "schemas are required"));
  } else {
    const std::string schemaPath = path + ".schema.openAPIV3Schema";
    const std::size_t before = errors.size();
    version.schema = parseSchemaNode(*schema, schemaPath, true, errors);
    if (errors.size() == before) {
      checkSchemaSemantics(version.schema, schemaPath, errors);
    }
  }
  if (node.contains("subresources") && node["subresources"].is_object()) {
    version.statusSubresource = node["subresources"].contains("status");
    version.scaleSubresource = node["subresources"].contains("scale");
  }
  if (node.contains("additionalPrinterColumns") && node["additionalPrinterColumns"].is_array()) {
    const auto& columns = node["additionalPrinterColumns"];
    for (std::size_t i = 0; i < columns.size(); ++i) {
      version.printerColumns.push_back(parseColumn(
          columns[i], path + ".additionalPrinterColumns[" + std::to_string(i) + "]", errors));
    }
  }
  return version;
}

} // namespace

const CrdVersion* CustomResourceDefinition::version(std::string_view name) const {
  for (const auto& v : versions) {
    if (v.name == name) {
      return &v;
    }
  }
  return nullptr;
}

CrdVersion* CustomResourceDefinition::version(std::string_view name) {
  for (auto& v : versions) {
    if (v.name == name) {
      return &v;
    }
  }
  return nullptr;
}

const CrdVersion* CustomResourceDefinition::storageVersion() const {
  for (const auto& v : versions) {
    if (v.storage) {
      return &v;
    }
  }
  return nullptr;
}

// What the API server checks when a CRD is created (a subset of
// apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go):
//  1. apiVersion apiextensions.k8s.io/v1 and kind CustomResourceDefinition;
//  2. metadata.name is <plural>.<group>; group, plural and kind are set;
//  3. scope is Namespaced or Cluster;
//  4. at least one version, names unique, exactly one with storage: true;
//  5. each version has a structural schema whose rules compile and whose defaults validate,
//     and well-formed printer columns.
Result<CustomResourceDefinition> loadCrd(const json& document) {
  if (!document.is_object()) {
    return Error(ErrorCode::Invalid, "a CustomResourceDefinition must be a JSON object");
  }
  FieldErrorList errors;
  if (stringAt(document, "apiVersion") != "apiextensions.k8s.io/v1" ||
      stringAt(document, "kind") != "CustomResourceDefinition") {
    errors.push_back(invalidError("apiVersion", stringAt(document, "apiVersion"),
                                  "must be apiextensions.k8s.io/v1 CustomResourceDefinition"));
  }
  const json& spec = document.contains("spec") && document["spec"].is_object()
                         ? document["spec"]
                         : json::object();
  CustomResourceDefinition crd;
  crd.name = document.contains("metadata") ? stringAt(document["metadata"], "name") : "";
  crd.group = stringAt(spec, "group");
  crd.scope = stringAt(spec, "scope");
  crd.names = parseNames(spec, errors);
  if (crd.group.empty()) {
    errors.push_back(requiredError("spec.group"));
  }
  if (crd.name != crd.names.plural + "." + crd.group) {
    errors.push_back(invalidError("metadata.name", crd.name,
                                  "must be spec.names.plural+\".\"+spec.group"));
  }
  if (crd.scope != "Namespaced" && crd.scope != "Cluster") {
    errors.push_back(notSupportedError("spec.scope", crd.scope, {"Cluster", "Namespaced"}));
  }
  const json& versions = spec.contains("versions") && spec["versions"].is_array()
                             ? spec["versions"]
                             : json::array();
  if (versions.empty()) {
    errors.push_back(invalidError("spec.versions", json::array(), "must have exactly one version marked as storage version"));
  }
  std::set<std::string> seen;
  int storageCount = 0;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string path = "spec.versions[" + std::to_string(i) + "]";
    crd.versions.push_back(parseVersion(versions[i], path, errors));
    if (!seen.insert(crd.versions.back().name).second) {
      errors.push_back(duplicateError(path + ".name", crd.versions.back().name));
    }
    storageCount += crd.versions.back().storage ? 1 : 0;
  }
  if (!versions.empty() && storageCount != 1) {
    errors.push_back(invalidError("spec.versions", storageCount,
                                  "must have exactly one version marked as storage version"));
  }
  if (!errors.empty()) {
    return Error(ErrorCode::Invalid, "CustomResourceDefinition.apiextensions.k8s.io \"" +
                                         crd.name + "\" is invalid: " + aggregateMessage(errors));
  }
  return crd;
}

} // namespace rdr::schema
