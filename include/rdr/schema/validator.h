// What kube-apiserver does to a custom resource: prune, default, validate (schema and CEL).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/schema/crd.h"
#include "rdr/schema/field_error.h"
#include "rdr/schema/schema.h"

namespace rdr::schema {

// Removes the fields the schema does not specify, in place, and returns their paths
// ("spec.foo", "spec.list[0].bar") so a caller can implement fieldValidation=Strict/Warn.
// At the resource root apiVersion, kind and metadata are always kept.
std::vector<std::string> pruneUnknownFields(nlohmann::json& object, const Schema& root,
                                            bool isResourceRoot = true);

// Removes null values of non-nullable fields that have no default (they would fail validation
// otherwise; defaulted ones are replaced by applyDefaults).
void pruneNonNullableNulls(nlohmann::json& object, const Schema& root);

// Applies `default:` values where the parent exists and the field is absent (or a non-nullable
// null); defaults are recursed into, so `default: {}` on a parent brings its children's defaults.
void applyDefaults(nlohmann::json& object, const Schema& root);

// OpenAPI validation only (kube-openapi's SchemaValidator as apiextensions wraps it).
FieldErrorList validateAgainstSchema(const nlohmann::json& object, const Schema& root);

// x-kubernetes-validations only. Transition rules (those using oldSelf) run only when `old` is
// given and holds the value at the same path.
FieldErrorList validateRules(const nlohmann::json& object, const Schema& root,
                             const nlohmann::json* old = nullptr);

// The full check of customResourceStrategy.Validate: schema errors, then the CEL rules unless a
// blocking error (type, required, enum, too long, too many) already exists, in which case the
// "some validation rules were not checked" error is appended instead.
FieldErrorList validateObject(const nlohmann::json& object, const Schema& root,
                              const nlohmann::json* old = nullptr);

// The outcome of admitting an object as the API server would store it.
struct Admission {
  nlohmann::json object;                  // pruned and defaulted
  std::vector<std::string> unknownFields; // what pruning removed
  FieldErrorList errors;                  // empty when the object is valid

  bool ok() const { return errors.empty(); }
};

// Prune unknown fields, prune non-nullable nulls, apply defaults, validate, then write integral
// floats (3.0) as integers as the API server's encoder does; `old` enables transition rules. Status is validated as given: a caller emulating a create with the
// status subresource must drop .status first, as the API server does.
Admission admit(const CrdVersion& version, nlohmann::json object,
                const nlohmann::json* old = nullptr);

// The 422 message for a rejected object of this CRD.
std::string invalidObjectMessage(const CustomResourceDefinition& crd, std::string_view name,
                                 const FieldErrorList& errors);

} // namespace rdr::schema
