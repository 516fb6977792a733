// A CustomResourceDefinition (apiextensions.k8s.io/v1) loaded into a typed model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "rdr/schema/schema.h"

namespace rdr::schema {

struct CrdNames {
  std::string plural;
  std::string singular;
  std::string kind;
  std::string listKind;
  std::vector<std::string> shortNames;
  std::vector<std::string> categories;
};

struct PrinterColumn {
  std::string name;
  std::string type; // integer, number, string, boolean, date
  std::string format;
  std::string description;
  std::string jsonPath;
  int priority = 0;
};

struct CrdVersion {
  std::string name;
  bool served = false;
  bool storage = false;
  bool deprecated = false;
  Schema schema; // openAPIV3Schema
  bool statusSubresource = false;
  bool scaleSubresource = false;
  std::vector<PrinterColumn> printerColumns;
};

struct CustomResourceDefinition {
  std::string name; // metadata.name: <plural>.<group>
  std::string group;
  std::string scope; // Namespaced or Cluster
  CrdNames names;
  std::vector<CrdVersion> versions;

  bool namespaced() const { return scope == "Namespaced"; }
  // The version named `name`, or nullptr.
  const CrdVersion* version(std::string_view name) const;
  CrdVersion* version(std::string_view name);
  // The one version with storage: true.
  const CrdVersion* storageVersion() const;
};

// Loads a CRD document (JSON, e.g. from parseYamlDocuments). Checks what kube-apiserver checks
// before accepting one: names, scope, exactly one storage version, structural schemas, CEL rules
// that compile, defaults that validate. Invalid lists every violation.
Result<CustomResourceDefinition> loadCrd(const nlohmann::json& document);

} // namespace rdr::schema
