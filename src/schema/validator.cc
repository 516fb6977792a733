// The admission pipeline (prune, default, validate) and list-type uniqueness checks.
//
// Sources: k8s.io/apiextensions-apiserver/pkg/registry/customresource/strategy.go (Validate and
// hasBlockingErr) and pkg/apiserver/schema/listtype/validation.go (ValidateListSetsAndMaps).
#include "rdr/schema/validator.h"

#include <algorithm>
#include <cmath>

#include "schema/schema_internal.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

std::string fieldOf(const std::string& path) { return path.empty() ? std::string(kNilPath) : path; }

// x-kubernetes-list-type set and map: no two items may be equal (set) or share key values
// (map), reported as field.Duplicate on the later item.
void validateLists(const json& x, const Schema& s, const std::string& path, FieldErrorList& out) {
  if (x.is_object()) {
    for (const auto& [name, prop] : s.properties) {
      if (const auto it = x.find(name); it != x.end()) {
        validateLists(*it, prop, path.empty() ? name : path + "." + name, out);
      }
    }
    if (s.additionalProperties) {
      for (const auto& [key, value] : x.items()) {
        if (!s.properties.contains(key)) {
          validateLists(value, *s.additionalProperties, path + "[" + key + "]", out);
        }
      }
    }
    return;
  }
  if (!x.is_array() || !s.items) {
    return;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::string itemPath = path + "[" + std::to_string(i) + "]";
    if (s.listType == std::optional<std::string>("set")) {
      for (std::size_t j = 0; j < i; ++j) {
        if (x[j] == x[i]) {
          out.push_back(duplicateError(fieldOf(itemPath), x[i]));
          break;
        }
      }
    } else if (s.listType == std::optional<std::string>("map") && x[i].is_object()) {
      json keys = json::object();
      for (const auto& key : s.listMapKeys) {
        if (x[i].contains(key)) {
          keys[key] = x[i][key];
        }
      }
      for (std::size_t j = 0; j < i; ++j) {
        bool same = x[j].is_object();
        for (const auto& key : s.listMapKeys) {
          same = same && x[j].value(key, json()) == x[i].value(key, json());
        }
        if (same) {
          out.push_back(duplicateError(fieldOf(itemPath), keys));
          break;
        }
      }
    }
    validateLists(x[i], *s.items, itemPath, out);
  }
}

// cel.NewValidator returns nil for a schema without any x-kubernetes-validations: then neither
// the rules nor the "not checked" error exist.
bool hasRules(const Schema& s) {
  if (!s.validations.empty()) {
    return true;
  }
  for (const auto& [name, prop] : s.properties) {
    if (hasRules(prop)) {
      return true;
    }
  }
  return (s.items && hasRules(*s.items)) ||
         (s.additionalProperties && hasRules(*s.additionalProperties));
}

// Go decodes 3.0 as float64(3) and encodes it back as 3: integral floats become integers.
void canonicalizeNumbers(json& x) {
  if (x.is_number_float()) {
    const double d = x.get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) {
      x = static_cast<std::int64_t>(d);
    }
  } else if (x.is_structured()) {
    for (auto& item : x) {
      canonicalizeNumbers(item);
    }
  }
}

bool isBlocking(const FieldError& error) {
  switch (error.type) {
  case FieldErrorType::NotSupported:
  case FieldErrorType::Required:
  case FieldErrorType::TooLong:
  case FieldErrorType::TooMany:
  case FieldErrorType::TypeInvalid:
    return true;
  default:
    return false;
  }
}

} // namespace

// customResourceStrategy.Validate:
//  1. OpenAPI schema validation;
//  2. list-type set/map uniqueness;
//  3. only for a schema that has CEL rules at all: if any error so far is blocking (type, required, enum, too long, too many), the CEL rules
//     are skipped and one `<nil>: Invalid value: "null": some validation rules were not checked
//     ...` error is appended instead; otherwise the CEL rules run.
FieldErrorList validateObject(const json& object, const Schema& root, const json* old) {
  FieldErrorList errors = validateAgainstSchema(object, root);
  validateLists(object, root, "", errors);
  if (!hasRules(root)) {
    return errors;
  }
  const bool blocked = std::any_of(errors.begin(), errors.end(), isBlocking);
  if (blocked) {
    errors.push_back(invalidError(std::string(kNilPath), nullptr,
                                  "some validation rules were not checked because the object was "
                                  "invalid; correct the existing errors to complete validation"));
    return errors;
  }
  auto ruleErrors = validateRules(object, root, old);
  errors.insert(errors.end(), ruleErrors.begin(), ruleErrors.end());
  return errors;
}

// The decode path of a custom resource: 1. prune unknown fields (recording them), 2. drop
// non-nullable nulls without default, 3. apply defaults, 4. validate, 5. write integral floats
// as integers, as the API server's JSON encoding does.
Admission admit(const CrdVersion& version, json object, const json* old) {
  Admission admission;
  admission.unknownFields = pruneUnknownFields(object, version.schema, true);
  pruneNonNullableNulls(object, version.schema);
  applyDefaults(object, version.schema);
  admission.errors = validateObject(object, version.schema, old);
  canonicalizeNumbers(object);
  admission.object = std::move(object);
  return admission;
}

std::string invalidObjectMessage(const CustomResourceDefinition& crd, std::string_view name,
                                 const FieldErrorList& errors) {
  return invalidObjectMessage(crd.names.kind, crd.group, name, errors);
}

} // namespace rdr::schema
