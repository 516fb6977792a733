// Second pass over a parsed schema: CEL rules compile, defaults validate, list-map keys resolve.
#include <algorithm>
#include <sstream>

#include "rdr/schema/cel.h"
#include "rdr/schema/validator.h"
#include "schema/schema_internal.h"

namespace rdr::schema {
namespace {

// Resolves a rule's fieldPath (".a.b") from the node the rule is declared on.
bool fieldPathExists(const Schema& schema, const std::string& fieldPath) {
  if (fieldPath.empty() || fieldPath[0] != '.') {
    return false;
  }
  const Schema* node = &schema;
  std::stringstream parts(fieldPath.substr(1));
  std::string part;
  while (std::getline(parts, part, '.')) {
    const auto it = node->properties.find(part);
    if (it != node->properties.end()) {
      node = &it->second;
    } else if (node->additionalProperties) {
      node = node->additionalProperties.get();
    } else {
      return false;
    }
  }
  return true;
}

void checkRules(Schema& schema, const std::string& path, FieldErrorList& errors) {
  static const std::vector<std::string> kReasons = {"FieldValueInvalid", "FieldValueForbidden",
                                                    "FieldValueRequired", "FieldValueDuplicate"};
  for (std::size_t i = 0; i < schema.validations.size(); ++i) {
    auto& rule = schema.validations[i];
    const std::string rulePath = path + ".x-kubernetes-validations[" + std::to_string(i) + "]";
    if (rule.rule.empty()) {
      errors.push_back(requiredError(rulePath + ".rule"));
      continue;
    }
    auto program = cel::compile(rule.rule, &schema);
    if (!program) {
      errors.push_back(invalidError(rulePath + ".rule", rule.rule,
                                    "compilation failed: " + program.error().message()));
    } else {
      rule.program = *program;
    }
    if (!rule.messageExpression.empty()) {
      auto message = cel::compile(rule.messageExpression, &schema);
      if (!message) {
        errors.push_back(invalidError(rulePath + ".messageExpression", rule.messageExpression,
                                      "messageExpression compilation failed: " +
                                          message.error().message()));
      } else {
        rule.messageProgram = *message;
      }
    }
    if (!rule.reason.empty() &&
        std::find(kReasons.begin(), kReasons.end(), rule.reason) == kReasons.end()) {
      errors.push_back(notSupportedError(rulePath + ".reason", rule.reason, kReasons));
    }
    if (!rule.fieldPath.empty() && !fieldPathExists(schema, rule.fieldPath)) {
      errors.push_back(invalidError(rulePath + ".fieldPath", rule.fieldPath,
                                    "fieldPath must be a valid path"));
    }
  }
}

// A default must be valid for its own schema and hold no field the schema would prune.
void checkDefault(const Schema& schema, const std::string& path, FieldErrorList& errors) {
  if (!schema.defaultValue.has_value()) {
    return;
  }
  nlohmann::json value = *schema.defaultValue;
  const auto unknown = pruneUnknownFields(value, schema, false);
  if (!unknown.empty()) {
    errors.push_back(invalidError(path + ".default", *schema.defaultValue,
                                  "must not have unknown fields"));
    return;
  }
  FieldErrorList defaultErrors;
  validateValue(value, schema, path + ".default", defaultErrors);
  for (const auto& error : defaultErrors) {
    errors.push_back(invalidError(path + ".default", *schema.defaultValue, error.toString()));
  }
}

void checkListMapKeys(const Schema& schema, const std::string& path, FieldErrorList& errors) {
  if (schema.listType != std::optional<std::string>("map") || !schema.items) {
    return;
  }
  const Schema& item = *schema.items;
  if (item.type != "object") {
    errors.push_back(invalidError(path + ".items.type", item.type,
                                  "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  for (const auto& key : schema.listMapKeys) {
    const auto prop = item.properties.find(key);
    if (prop == item.properties.end()) {
      errors.push_back(invalidError(path + ".x-kubernetes-list-map-keys", key,
                                    "entries must all be names of item properties"));
      continue;
    }
    const bool required =
        std::find(item.required.begin(), item.required.end(), key) != item.required.end();
    if (!required && !prop->second.defaultValue.has_value()) {
      errors.push_back(invalidError(path + ".items.properties[" + key + "]", key,
                                    "this property is in x-kubernetes-list-map-keys, so it must "
                                    "have a default or be a required property"));
    }
  }
}

} // namespace

void checkSchemaSemantics(Schema& schema, const std::string& path, FieldErrorList& errors) {
  checkRules(schema, path, errors);
  checkDefault(schema, path, errors);
  checkListMapKeys(schema, path, errors);
  for (auto& [name, child] : schema.properties) {
    checkSchemaSemantics(child, path + ".properties[" + name + "]", errors);
  }
  if (schema.items) {
    checkSchemaSemantics(*schema.items, path + ".items", errors);
  }
  if (schema.additionalProperties) {
    checkSchemaSemantics(*schema.additionalProperties, path + ".additionalProperties", errors);
  }
}

} // namespace rdr::schema
