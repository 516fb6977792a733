// Library-private entry points shared by the schema loader, the CRD loader and the validator.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rdr/schema/field_error.h"
#include "rdr/schema/schema.h"

namespace rdr::schema {

// Parses a schema node and checks it is structural; violations are appended to `errors`.
Schema parseSchemaNode(const nlohmann::json& node, const std::string& path, bool isRoot,
                       FieldErrorList& errors);

// Second pass over a parsed tree: compiles x-kubernetes-validations, checks defaults against
// their schema and list-map keys. Violations are appended to `errors`.
void checkSchemaSemantics(Schema& schema, const std::string& path, FieldErrorList& errors);

// The validation of one value at a given kube-openapi path ("" at the root), appending errors.
void validateValue(const nlohmann::json& value, const Schema& schema, const std::string& path,
                   FieldErrorList& errors);

} // namespace rdr::schema
