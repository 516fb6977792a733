// JSON schema nodes to typed Schema values, checking the structural-schema rules on the way.
#include <set>

#include "rdr/schema/schema.h"
#include "schema/schema_internal.h"

namespace rdr::schema {
namespace {

using nlohmann::json;

const std::set<std::string>& knownKeywords() {
  static const std::set<std::string> kKeywords = {
      "description", "type", "format", "title", "default", "maximum", "exclusiveMaximum",
      "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
      "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required", "items",
      "allOf", "oneOf", "anyOf", "not", "properties", "additionalProperties", "nullable",
      "example", "externalDocs", "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
      "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
      "x-kubernetes-validations"};
  return kKeywords;
}

// Keywords JSONSchemaProps has but a structural schema may not use.
const std::set<std::string>& forbiddenKeywords() {
  static const std::set<std::string> kForbidden = {"$ref",         "$schema",          "id",
                                                   "definitions",  "dependencies",     "patternProperties",
                                                   "additionalItems"};
  return kForbidden;
}

const std::set<std::string>& knownTypes() {
  static const std::set<std::string> kTypes = {"object", "array",   "string",
                                               "integer", "number", "boolean"};
  return kTypes;
}

// True for the anyOf that controller-gen emits next to x-kubernetes-int-or-string.
bool isIntOrStringAnyOf(const json& anyOf) {
  if (!anyOf.is_array() || anyOf.size() != 2) {
    return false;
  }
  std::set<std::string> types;
  for (const auto& branch : anyOf) {
    if (!branch.is_object() || branch.size() != 1 || !branch.contains("type")) {
      return false;
    }
    types.insert(branch["type"].is_string() ? branch["type"].get<std::string>() : "");
  }
  return types == std::set<std::string>{"integer", "string"};
}

class NodeParser {
public:
  NodeParser(const json& node, const std::string& path, FieldErrorList& errors)
      : node_(node), path_(path), errors_(errors) {}

  void bad(const std::string& key, const json& value, const std::string& detail) {
    errors_.push_back(invalidError(path_ + "." + key, value, detail));
  }

  template <typename T> std::optional<T> get(const std::string& key) {
    const auto it = node_.find(key);
    if (it == node_.end() || it->is_null()) {
      return std::nullopt;
    }
    if constexpr (std::is_same_v<T, std::string>) {
      if (it->is_string()) {
        return it->get<std::string>();
      }
      bad(key, *it, "must be a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (it->is_boolean()) {
        return it->get<bool>();
      }
      bad(key, *it, "must be a boolean");
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
        return it->get<std::int64_t>();
      }
      bad(key, *it, "must be a non-negative integer");
    } else {
      if (it->is_number()) {
        return it->get<double>();
      }
      bad(key, *it, "must be a number");
    }
    return std::nullopt;
  }

  std::vector<std::string> strings(const std::string& key) {
    std::vector<std::string> out;
    const auto it = node_.find(key);
    if (it == node_.end() || it->is_null()) {
      return out;
    }
    if (!it->is_array()) {
      bad(key, *it, "must be a list of strings");
      return out;
    }
    for (const auto& item : *it) {
      if (!item.is_string()) {
        bad(key, *it, "must be a list of strings");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

private:
  const json& node_;
  const std::string& path_;
  FieldErrorList& errors_;
};

void parseRules(const json& node, const std::string& path, Schema& out, FieldErrorList& errors) {
  const auto it = node.find("x-kubernetes-validations");
  if (it == node.end() || it->is_null()) {
    return;
  }
  if (!it->is_array()) {
    errors.push_back(invalidError(path + ".x-kubernetes-validations", *it, "must be a list"));
    return;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string rulePath = path + ".x-kubernetes-validations[" + std::to_string(i) + "]";
    NodeParser rule((*it)[i], rulePath, errors);
    if (!(*it)[i].is_object()) {
      errors.push_back(invalidError(rulePath, (*it)[i], "must be an object"));
      continue;
    }
    ValidationRule parsed;
    parsed.rule = rule.get<std::string>("rule").value_or("");
    parsed.message = rule.get<std::string>("message").value_or("");
    parsed.messageExpression = rule.get<std::string>("messageExpression").value_or("");
    parsed.reason = rule.get<std::string>("reason").value_or("");
    parsed.fieldPath = rule.get<std::string>("fieldPath").value_or("");
    parsed.optionalOldSelf = rule.get<bool>("optionalOldSelf").value_or(false);
    out.validations.push_back(std::move(parsed));
  }
}

} // namespace

// Structural rules (apiextensions-apiserver pkg/apiserver/schema/validation.go and
// pkg/apis/apiextensions/validation), checked per node:
//  1. Only JSONSchemaProps keywords; $ref, definitions, dependencies, patternProperties, id,
//     $schema and additionalItems are forbidden.
//  2. `type` is one of the six JSON types; it may be empty only with int-or-string or
//     preserve-unknown-fields, and must be object at the root.
//  3. x-kubernetes-int-or-string excludes `type`; preserve-unknown-fields may only be true.
//  4. additionalProperties: false is forbidden, and additionalProperties excludes properties.
//  5. uniqueItems: true is forbidden; items is one schema, required for type array.
//  6. allOf/oneOf/anyOf/not are refused (our validator does not evaluate them), except the
//     anyOf [integer, string] that accompanies x-kubernetes-int-or-string.
//  7. x-kubernetes-embedded-resource needs type object; list-type is atomic|set|map on arrays,
//     list-map-keys needs list-type map; map-type is atomic|granular on objects.
//  8. At the root, metadata may only specify name and generateName.
Schema parseSchemaNode(const json& node, const std::string& path, bool isRoot,
                       FieldErrorList& errors) {
  Schema out;
  if (!node.is_object()) {
    errors.push_back(invalidError(path, node, "must be an object"));
    return out;
  }
  for (const auto& [key, value] : node.items()) {
    if (forbiddenKeywords().contains(key)) {
      errors.push_back(forbiddenError(path + "." + key, key + " is not supported"));
    } else if (!knownKeywords().contains(key)) {
      errors.push_back(forbiddenError(path + "." + key, "unknown schema keyword"));
    }
  }
  NodeParser p(node, path, errors);
  out.type = p.get<std::string>("type").value_or("");
  out.format = p.get<std::string>("format").value_or("");
  out.description = p.get<std::string>("description").value_or("");
  out.pattern = p.get<std::string>("pattern").value_or("");
  out.nullable = p.get<bool>("nullable").value_or(false);
  out.intOrString = p.get<bool>("x-kubernetes-int-or-string").value_or(false);
  out.embeddedResource = p.get<bool>("x-kubernetes-embedded-resource").value_or(false);
  out.preserveUnknownFields = p.get<bool>("x-kubernetes-preserve-unknown-fields");
  if (node.contains("default")) {
    out.defaultValue = node["default"];
  }
  if (node.contains("enum")) {
    if (node["enum"].is_array()) {
      out.enumValues = std::vector<json>(node["enum"].begin(), node["enum"].end());
    } else {
      p.bad("enum", node["enum"], "must be a list");
    }
  }
  out.minimum = p.get<double>("minimum");
  out.maximum = p.get<double>("maximum");
  out.exclusiveMinimum = p.get<bool>("exclusiveMinimum").value_or(false);
  out.exclusiveMaximum = p.get<bool>("exclusiveMaximum").value_or(false);
  out.multipleOf = p.get<double>("multipleOf");
  out.minLength = p.get<std::int64_t>("minLength");
  out.maxLength = p.get<std::int64_t>("maxLength");
  out.minItems = p.get<std::int64_t>("minItems");
  out.maxItems = p.get<std::int64_t>("maxItems");
  out.minProperties = p.get<std::int64_t>("minProperties");
  out.maxProperties = p.get<std::int64_t>("maxProperties");
  out.required = p.strings("required");
  out.listType = p.get<std::string>("x-kubernetes-list-type");
  out.listMapKeys = p.strings("x-kubernetes-list-map-keys");
  out.mapType = p.get<std::string>("x-kubernetes-map-type");
  if (p.get<bool>("uniqueItems").value_or(false)) {
    errors.push_back(forbiddenError(
        path + ".uniqueItems",
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  }

  // Rule 2 and 3.
  if (!out.type.empty() && !knownTypes().contains(out.type)) {
    errors.push_back(notSupportedError(path + ".type", out.type,
                                       {"array", "boolean", "integer", "number", "object",
                                        "string"}));
  }
  if (out.intOrString && !out.type.empty()) {
    errors.push_back(forbiddenError(path + ".type",
                                    "must be empty when x-kubernetes-int-or-string is true"));
  }
  if (out.type.empty() && !out.intOrString && !out.preservesUnknownFields()) {
    errors.push_back(requiredError(path + ".type", isRoot ? "must not be empty at the root"
                                                          : "must not be empty for specified "
                                                            "object fields"));
  }
  if (isRoot && !out.type.empty() && out.type != "object") {
    errors.push_back(invalidError(path + ".type", out.type, "must be object at the root"));
  }
  if (out.preserveUnknownFields.has_value() && !*out.preserveUnknownFields) {
    errors.push_back(invalidError(path + ".x-kubernetes-preserve-unknown-fields", false,
                                  "must be true or undefined"));
  }

  // Rule 6.
  for (const std::string junctor : {"allOf", "oneOf", "anyOf", "not"}) {
    if (!node.contains(junctor)) {
      continue;
    }
    if (junctor == "anyOf" && out.intOrString && isIntOrStringAnyOf(node["anyOf"])) {
      continue;
    }
    errors.push_back(forbiddenError(path + "." + junctor,
                                    junctor + " is not supported by this validator"));
  }

  // Rule 4 and 5: children.
  if (const auto it = node.find("properties"); it != node.end() && !it->is_null()) {
    if (!it->is_object()) {
      p.bad("properties", *it, "must be an object");
    } else {
      for (const auto& [name, child] : it->items()) {
        out.properties.emplace(
            name, parseSchemaNode(child, path + ".properties[" + name + "]", false, errors));
      }
    }
  }
  if (const auto it = node.find("additionalProperties"); it != node.end() && !it->is_null()) {
    if (it->is_boolean()) {
      if (!it->get<bool>()) {
        errors.push_back(forbiddenError(path + ".additionalProperties",
                                        "additionalProperties cannot be set to false"));
      }
    } else {
      out.additionalProperties =
          Box<Schema>(parseSchemaNode(*it, path + ".additionalProperties", false, errors));
    }
    if (!out.properties.empty()) {
      errors.push_back(forbiddenError(path + ".additionalProperties",
                                      "additionalProperties and properties are mutual exclusive"));
    }
  }
  if (const auto it = node.find("items"); it != node.end() && !it->is_null()) {
    if (it->is_array()) {
      errors.push_back(
          forbiddenError(path + ".items", "items must be a schema object and not an array"));
    } else {
      out.items = Box<Schema>(parseSchemaNode(*it, path + ".items", false, errors));
    }
  }
  if (out.type == "array" && !out.items) {
    errors.push_back(requiredError(path + ".items", "must be specified"));
  }
  if (out.type != "array" && out.type != "" && out.items) {
    errors.push_back(forbiddenError(path + ".items", "must only be specified for type array"));
  }

  // Rule 7.
  if (out.embeddedResource && out.type != "object") {
    errors.push_back(invalidError(path + ".type", out.type,
                                  "must be object if x-kubernetes-embedded-resource is true"));
  }
  if (out.listType.has_value()) {
    if (*out.listType != "atomic" && *out.listType != "set" && *out.listType != "map") {
      errors.push_back(notSupportedError(path + ".x-kubernetes-list-type", *out.listType,
                                         {"atomic", "set", "map"}));
    }
    if (out.type != "array") {
      errors.push_back(invalidError(path + ".type", out.type,
                                    "must be array if x-kubernetes-list-type is specified"));
    }
  }
  if (!out.listMapKeys.empty() && out.listType != std::optional<std::string>("map")) {
    errors.push_back(forbiddenError(path + ".x-kubernetes-list-map-keys",
                                    "must not be specified if x-kubernetes-list-type is not map"));
  }
  if (out.listType == std::optional<std::string>("map") && out.listMapKeys.empty()) {
    errors.push_back(requiredError(path + ".x-kubernetes-list-map-keys",
                                   "must not be empty if x-kubernetes-list-type is map"));
  }
  if (out.mapType.has_value() && *out.mapType != "atomic" && *out.mapType != "granular") {
    errors.push_back(notSupportedError(path + ".x-kubernetes-map-type", *out.mapType,
                                       {"granular", "atomic"}));
  }

  // Rule 8.
  if (isRoot) {
    const auto meta = out.properties.find("metadata");
    if (meta != out.properties.end()) {
      for (const auto& [name, unused] : meta->second.properties) {
        if (name != "name" && name != "generateName") {
          errors.push_back(forbiddenError(path + ".properties[metadata]",
                                          "must not specify anything other than name and "
                                          "generateName, but metadata is implicitly specified"));
          break;
        }
      }
    }
  }
  parseRules(node, path, out, errors);
  return out;
}

std::vector<std::string> Schema::allowedTypes() const {
  if (intOrString) {
    return {"integer", "string"};
  }
  if (type.empty()) {
    return {};
  }
  return {type};
}

std::string Schema::celTypeName() const {
  return type; // the structural type, empty for int-or-string and untyped nodes
}

Result<Schema> parseSchema(const json& node, std::string_view path) {
  FieldErrorList errors;
  Schema schema = parseSchemaNode(node, std::string(path), true, errors);
  if (errors.empty()) {
    checkSchemaSemantics(schema, std::string(path), errors);
  }
  if (!errors.empty()) {
    return Error(ErrorCode::Invalid, aggregateMessage(errors));
  }
  return schema;
}

} // namespace rdr::schema
