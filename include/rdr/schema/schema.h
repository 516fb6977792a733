// A typed, structural OpenAPI v3 schema node of a CRD (apiextensions JSONSchemaProps).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::schema {

namespace cel {
class Program;
} // namespace cel

// A heap-allocated value with value semantics (deep copy), for recursive members.
template <typename T> class Box {
public:
  Box() = default;
  explicit Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;

  explicit operator bool() const { return ptr_ != nullptr; }
  T* get() const { return ptr_.get(); }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_.get(); }
  void reset() { ptr_.reset(); }

private:
  std::unique_ptr<T> ptr_;
};

// One x-kubernetes-validations entry with its compiled program.
struct ValidationRule {
  std::string rule;
  std::string message;
  std::string messageExpression;
  std::string reason;    // FieldValueInvalid (default), FieldValueForbidden, FieldValueRequired, ...
  std::string fieldPath; // e.g. ".minSyncReplicas": where the error is reported
  bool optionalOldSelf = false;
  std::shared_ptr<const cel::Program> program;
  std::shared_ptr<const cel::Program> messageProgram; // set when messageExpression is
};

// One schema node. Only the keywords a structural schema may carry are modelled; loading
// rejects the others (see parseSchema).
struct Schema {
  std::string type; // "", object, array, string, integer, number, boolean
  std::string format;
  std::string description;
  std::string pattern;
  bool nullable = false;
  bool intOrString = false;
  bool embeddedResource = false;
  std::optional<bool> preserveUnknownFields;
  std::optional<nlohmann::json> defaultValue;
  std::optional<std::vector<nlohmann::json>> enumValues;
  std::optional<double> minimum;
  std::optional<double> maximum;
  bool exclusiveMinimum = false;
  bool exclusiveMaximum = false;
  std::optional<double> multipleOf;
  std::optional<std::int64_t> minLength;
  std::optional<std::int64_t> maxLength;
  std::optional<std::int64_t> minItems;
  std::optional<std::int64_t> maxItems;
  std::optional<std::int64_t> minProperties;
  std::optional<std::int64_t> maxProperties;
  std::vector<std::string> required;
  std::map<std::string, Schema> properties;
  Box<Schema> items;
  Box<Schema> additionalProperties;
  std::optional<std::string> listType; // atomic, set, map
  std::vector<std::string> listMapKeys;
  std::optional<std::string> mapType;
  std::vector<ValidationRule> validations;

  bool preservesUnknownFields() const { return preserveUnknownFields.value_or(false); }
  // The types a value may have, as kube-openapi sees them: {"integer","string"} for int-or-string.
  std::vector<std::string> allowedTypes() const;
  // The type CEL reports for this node in its errors ("object", "string", ...).
  std::string celTypeName() const;
};

// Converts a JSON schema node (openAPIV3Schema) into a Schema, after checking that it is
// structural and compiling its CEL rules. `path` prefixes the violations, e.g.
// "spec.versions[0].schema.openAPIV3Schema". Invalid lists every violation found.
Result<Schema> parseSchema(const nlohmann::json& node, std::string_view path);

} // namespace rdr::schema
