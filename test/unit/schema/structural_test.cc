// Schema loading: structural violations, CEL rules that do not compile, invalid defaults.
#include <gtest/gtest.h>

#include "rdr/common/yaml.h"
#include "rdr/schema/schema.h"

namespace rdr::schema {
namespace {

struct BadSchemaCase {
  std::string name;
  std::string yaml;
  std::string error; // the whole message of the load error

  friend void PrintTo(const BadSchemaCase& c, std::ostream* os) { *os << c.name; }
};

class StructuralTest : public ::testing::TestWithParam<BadSchemaCase> {};

TEST_P(StructuralTest, RejectsWithClearMessage) {
  const auto node = parseYamlDocument(GetParam().yaml);
  ASSERT_TRUE(node) << node.error().message();
  const auto schema = parseSchema(*node, "schema");
  ASSERT_FALSE(schema) << GetParam().name;
  EXPECT_EQ(schema.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(schema.error().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Violations, StructuralTest,
    ::testing::Values(
        BadSchemaCase{"UntypedProperty", "type: object\nproperties: {a: {description: x}}\n",
                      "schema.properties[a].type: Required value: must not be empty for specified object fields"},
        BadSchemaCase{"RootNotObject", "type: string\n",
                      "schema.type: Invalid value: \"string\": must be object at the root"},
        BadSchemaCase{"UnknownType", "type: object\nproperties: {a: {type: int}}\n",
                      "schema.properties[a].type: Unsupported value: \"int\": supported values: \"array\", "
                      "\"boolean\", \"integer\", \"number\", \"object\", \"string\""},
        BadSchemaCase{"Ref", "type: object\nproperties: {a: {type: string, $ref: '#/x'}}\n",
                      "schema.properties[a].$ref: Forbidden: $ref is not supported"},
        BadSchemaCase{"UnknownKeyword", "type: object\nreadOnly: true\n",
                      "schema.readOnly: Forbidden: unknown schema keyword"},
        BadSchemaCase{"AdditionalPropertiesFalse", "type: object\nadditionalProperties: false\n",
                      "schema.additionalProperties: Forbidden: additionalProperties cannot be set to false"},
        BadSchemaCase{"PropertiesAndAdditionalProperties",
                      "type: object\nproperties: {a: {type: string}}\nadditionalProperties: {type: string}\n",
                      "schema.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"},
        BadSchemaCase{"UniqueItems", "type: object\nproperties: {a: {type: array, uniqueItems: true, items: {type: string}}}\n",
                      "schema.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the "
                      "runtime complexity becomes quadratic"},
        BadSchemaCase{"ArrayWithoutItems", "type: object\nproperties: {a: {type: array}}\n",
                      "schema.properties[a].items: Required value: must be specified"},
        BadSchemaCase{"PreserveFalse", "type: object\nx-kubernetes-preserve-unknown-fields: false\n",
                      "schema.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"},
        BadSchemaCase{"IntOrStringWithType",
                      "type: object\nproperties: {a: {type: string, x-kubernetes-int-or-string: true}}\n",
                      "schema.properties[a].type: Forbidden: must be empty when x-kubernetes-int-or-string is true"},
        BadSchemaCase{"OneOf", "type: object\noneOf: [{required: [a]}]\n",
                      "schema.oneOf: Forbidden: oneOf is not supported by this validator"},
        BadSchemaCase{"MetadataFields", "type: object\nproperties: {metadata: {type: object, properties: {labels: {type: object}}}}\n",
                      "schema.properties[metadata]: Forbidden: must not specify anything other than name and "
                      "generateName, but metadata is implicitly specified"},
        BadSchemaCase{"ListMapWithoutKeys", "type: object\nproperties: {a: {type: array, x-kubernetes-list-type: map, items: {type: object}}}\n",
                      "schema.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if "
                      "x-kubernetes-list-type is map"},
        BadSchemaCase{"ListMapKeyOptional",
                      "type: object\nproperties: {a: {type: array, x-kubernetes-list-type: map, "
                      "x-kubernetes-list-map-keys: [name], items: {type: object, properties: {name: {type: string}}}}}\n",
                      "schema.properties[a].items.properties[name]: Invalid value: \"name\": this property is in "
                      "x-kubernetes-list-map-keys, so it must have a default or be a required property"},
        BadSchemaCase{"CelSyntax", "type: object\nx-kubernetes-validations: [{rule: 'self.foo =='}]\n",
                      "schema.x-kubernetes-validations[0].rule: Invalid value: \"self.foo ==\": compilation "
                      "failed: ERROR: <input>:1:12: Syntax error: unexpected end of input"},
        BadSchemaCase{"CelUndefinedField",
                      "type: object\nproperties: {a: {type: integer}}\nx-kubernetes-validations: [{rule: 'self.b > 1'}]\n",
                      "schema.x-kubernetes-validations[0].rule: Invalid value: \"self.b > 1\": compilation "
                      "failed: ERROR: <input>:1:5: undefined field 'b'"},
        BadSchemaCase{"CelUnsupportedFunction",
                      "type: object\nx-kubernetes-validations: [{rule: 'self.all(k, k.lowerAscii() == k)'}]\n",
                      "schema.x-kubernetes-validations[0].rule: Invalid value: \"self.all(k, k.lowerAscii() == k)\": "
                      "compilation failed: ERROR: <input>:1:14: unsupported function 'lowerAscii'"},
        BadSchemaCase{"CelBadReason",
                      "type: object\nx-kubernetes-validations: [{rule: 'true', reason: Oops}]\n",
                      "schema.x-kubernetes-validations[0].reason: Unsupported value: \"Oops\": supported values: "
                      "\"FieldValueInvalid\", \"FieldValueForbidden\", \"FieldValueRequired\", \"FieldValueDuplicate\""},
        BadSchemaCase{"CelBadFieldPath",
                      "type: object\nproperties: {a: {type: integer}}\nx-kubernetes-validations: [{rule: 'true', fieldPath: .b}]\n",
                      "schema.x-kubernetes-validations[0].fieldPath: Invalid value: \".b\": fieldPath must be a valid path"},
        BadSchemaCase{"DefaultOfWrongType", "type: object\nproperties: {n: {type: integer, default: x}}\n",
                      "schema.properties[n].default: Invalid value: \"x\": schema.properties[n].default: Invalid value: "
                      "\"string\": schema.properties[n].default in body must be of type integer: \"string\""},
        BadSchemaCase{"DefaultWithUnknownField",
                      "type: object\nproperties: {o: {type: object, default: {z: 1}, properties: {a: {type: integer}}}}\n",
                      "schema.properties[o].default: Invalid value: map[string]interface {}{\"z\":1}: must not have "
                      "unknown fields"}),
    [](const auto& info) { return info.param.name; });

TEST(StructuralTest, AcceptsIntOrStringAnyOfAndPreserveUnknownWithoutType) {
  const auto node = parseYamlDocument(R"(
type: object
properties:
  size:
    anyOf: [{type: integer}, {type: string}]
    x-kubernetes-int-or-string: true
  blob:
    x-kubernetes-preserve-unknown-fields: true
)");
  ASSERT_TRUE(node) << node.error().message();
  const auto schema = parseSchema(*node, "schema");
  ASSERT_TRUE(schema) << schema.error().message();
  EXPECT_TRUE(schema->properties.at("size").intOrString);
  EXPECT_EQ(schema->properties.at("size").allowedTypes(),
            (std::vector<std::string>{"integer", "string"}));
  EXPECT_TRUE(schema->properties.at("blob").preservesUnknownFields());
}

} // namespace
} // namespace rdr::schema
