// Validation of values against small schemas: kube-openapi checks, CEL rules, list uniqueness.
#include <gtest/gtest.h>

#include "rdr/schema/validator.h"
#include "schema_test_util.h"

namespace rdr::schema {
namespace {

using nlohmann::json;
using testing::jsonFromYaml;
using testing::schemaFromYaml;

const char* const kTypes = R"(
type: object
properties:
  n: {type: integer, minimum: 1, maximum: 15}
  f: {type: number, minimum: 1, exclusiveMaximum: true, maximum: 10}
  m: {type: integer, multipleOf: 5}
  s: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
  e: {type: string, enum: [a, b]}
  b: {type: boolean}
  q: {x-kubernetes-int-or-string: true, pattern: '^[0-9]+Gi$'}
  t: {type: string, format: date-time}
  ns: {type: string, nullable: true}
  labels: {type: object, additionalProperties: {type: string}, maxProperties: 2}
  few: {type: object, minProperties: 1, additionalProperties: {type: integer}}
  list: {type: array, minItems: 1, maxItems: 2, items: {type: integer, maximum: 5}}
  blob: {x-kubernetes-preserve-unknown-fields: true}
  obj:
    type: object
    required: [host]
    properties:
      host: {type: string}
)";

struct ValidateCase {
  std::string name;
  std::string object;
  std::vector<std::string> errors;

  friend void PrintTo(const ValidateCase& c, std::ostream* os) { *os << c.name; }
};

std::vector<std::string> render(const FieldErrorList& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    out.push_back(e.toString());
  }
  return out;
}

class OpenApiValidationTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(OpenApiValidationTest, ReportsKubeApiserverErrors) {
  const Schema schema = schemaFromYaml(kTypes);
  const auto errors = validateObject(jsonFromYaml(GetParam().object), schema);
  EXPECT_EQ(render(errors), GetParam().errors);
}

INSTANTIATE_TEST_SUITE_P(
    Values, OpenApiValidationTest,
    ::testing::Values(
        ValidateCase{"AllValid",
                     "{n: 3, f: 2.5, m: 10, s: abc, e: a, b: true, q: 10Gi, t: '2025-08-27T08:42:16Z', "
                     "ns: null, labels: {a: x}, few: {k: 1}, list: [1, 2], blob: {any: [1, {x: y}]}, "
                     "obj: {host: h}}",
                     {}},
        ValidateCase{"IntegralFloatIsAnInteger", "{n: 3.0}", {}},
        ValidateCase{"IntegerIsANumber", "{f: 2}", {}},
        ValidateCase{"IntOrStringTakesAnInteger", "{q: 5}", {}},
        ValidateCase{"StringForInteger", "{n: three}",
                     {"n: Invalid value: \"string\": n in body must be of type integer: \"string\""}},
        ValidateCase{"FractionForInteger", "{n: 3.5}",
                     {"n: Invalid value: \"number\": n in body must be of type integer: \"number\""}},
        ValidateCase{"StringForBoolean", "{b: 'yes'}",
                     {"b: Invalid value: \"string\": b in body must be of type boolean: \"string\""}},
        ValidateCase{"BelowMinimum", "{n: 0}",
                     {"n: Invalid value: 0: n in body should be greater than or equal to 1"}},
        ValidateCase{"AboveMaximum", "{n: 16}",
                     {"n: Invalid value: 16: n in body should be less than or equal to 15"}},
        ValidateCase{"FloatBelowMinimum", "{f: 0.5}",
                     {"f: Invalid value: 0.5: f in body should be greater than or equal to 1"}},
        ValidateCase{"ExclusiveMaximum", "{f: 10}",
                     {"f: Invalid value: 10: f in body should be less than 10"}},
        ValidateCase{"MultipleOf", "{m: 7}", {"m: Invalid value: 7: m in body should be a multiple of 5"}},
        ValidateCase{"TooShort", "{s: a}", {"s: Invalid value: \"a\": s in body should be at least 2 chars long"}},
        ValidateCase{"TooLong", "{s: abcdef}", {"s: Too long: may not be more than 5 bytes"}},
        ValidateCase{"PatternMismatch", "{s: ab1}",
                     {"s: Invalid value: \"ab1\": s in body should match '^[a-z]+$'"}},
        ValidateCase{"EnumMismatch", "{e: c}", {"e: Unsupported value: \"c\": supported values: \"a\", \"b\""}},
        ValidateCase{"EnumAndTypeMismatch", "{e: 1}",
                     {"e: Invalid value: \"integer\": e in body must be of type string: \"integer\"",
                      "e: Unsupported value: 1: supported values: \"a\", \"b\""}},
        ValidateCase{"IntOrStringRejectsBoolean", "{q: true}",
                     {"q: Invalid value: \"boolean\": q in body must be of type integer,string: \"boolean\""}},
        ValidateCase{"IntOrStringPattern", "{q: lots}",
                     {"q: Invalid value: \"lots\": q in body should match '^[0-9]+Gi$'"}},
        ValidateCase{"DateTime", "{t: yesterday}",
                     {"t: Invalid value: \"yesterday\": t in body must be of type date-time: \"yesterday\""}},
        ValidateCase{"NonNullableNull", "{s: null}",
                     {"s: Invalid value: \"null\": s in body must be of type string: \"null\""}},
        ValidateCase{"MapValueType", "{labels: {a: 1}}",
                     {"labels.a: Invalid value: \"integer\": labels.a in body must be of type string: \"integer\""}},
        ValidateCase{"MaxProperties", "{labels: {a: x, b: y, c: z}}",
                     {"labels: Too many: 3: must have at most 2 items"}},
        ValidateCase{"MinProperties", "{few: {}}",
                     {"few: Invalid value: 0: few in body should have at least 1 properties"}},
        ValidateCase{"ItemPath", "{list: [1, 9]}",
                     {"list[1]: Invalid value: 9: list[1] in body should be less than or equal to 5"}},
        ValidateCase{"MinItems", "{list: []}",
                     {"list: Invalid value: 0: list in body should have at least 1 items"}},
        ValidateCase{"MaxItems", "{list: [1, 2, 3]}", {"list: Too many: 3: must have at most 2 items"}},
        ValidateCase{"Required", "{obj: {}}", {"obj.host: Required value"}},
        ValidateCase{"ObjectForString", "{s: {a: 1}}",
                     {"s: Invalid value: \"object\": s in body must be of type string: \"object\""}},
        ValidateCase{"SeveralErrorsInKeyOrder", "{s: abcdef, n: 0, b: 1}",
                     {"b: Invalid value: \"integer\": b in body must be of type boolean: \"integer\"",
                      "n: Invalid value: 0: n in body should be greater than or equal to 1",
                      "s: Too long: may not be more than 5 bytes"}}),
    [](const auto& info) { return info.param.name; });

const char* const kRules = R"yaml(
type: object
properties:
  spec:
    type: object
    x-kubernetes-validations:
      - rule: "!has(self.min) || self.min < self.max"
        message: min must be less than max
        fieldPath: .min
      - rule: "self.max <= 10"
      - rule: "!has(self.locked) || !self.locked"
        message: locked specs cannot be created
        reason: FieldValueForbidden
      - rule: "!has(self.name) || self.name.startsWith('x')"
        messageExpression: "'name ' + self.name + ' must start with x'"
      - rule: "!has(self.probe) || self.probe.b > 1"
        message: probe.b must be greater than 1
    properties:
      min: {type: integer}
      max: {type: integer, minimum: 0}
      locked: {type: boolean}
      name: {type: string}
      probe:
        type: object
        x-kubernetes-preserve-unknown-fields: true
      items:
        type: array
        x-kubernetes-list-type: map
        x-kubernetes-list-map-keys: [name]
        items:
          type: object
          required: [name]
          properties:
            name: {type: string}
            size:
              type: integer
              x-kubernetes-validations:
                - rule: "self >= oldSelf"
                  message: size may not shrink
      tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
)yaml";

class RuleValidationTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(RuleValidationTest, ReportsRuleFailuresLikeTheApiServer) {
  const Schema schema = schemaFromYaml(kRules);
  const auto errors = validateObject(jsonFromYaml(GetParam().object), schema);
  EXPECT_EQ(render(errors), GetParam().errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RuleValidationTest,
    ::testing::Values(
        ValidateCase{"Valid", "{spec: {min: 1, max: 5, name: xy, items: [{name: a, size: 1}], tags: [a, b]}}", {}},
        ValidateCase{"MessageAndFieldPath", "{spec: {min: 6, max: 5}}",
                     {"spec.min: Invalid value: \"object\": min must be less than max"}},
        ValidateCase{"DefaultMessage", "{spec: {max: 11}}",
                     {"spec: Invalid value: \"object\": failed rule: self.max <= 10"}},
        ValidateCase{"ForbiddenReason", "{spec: {max: 1, locked: true}}",
                     {"spec: Forbidden: locked specs cannot be created"}},
        ValidateCase{"MessageExpression", "{spec: {max: 1, name: abc}}",
                     {"spec: Invalid value: \"object\": name abc must start with x"}},
        ValidateCase{"RuntimeError", "{spec: {min: 1}}",
                     {"spec: Invalid value: \"object\": no such key: max evaluating rule: min must be less "
                      "than max",
                      "spec: Invalid value: \"object\": no such key: max evaluating rule: self.max <= 10"}},
        ValidateCase{"RuntimeErrorWithMessage", "{spec: {max: 1, probe: {a: 1}}}",
                     {"spec: Invalid value: \"object\": no such key: b evaluating rule: probe.b must be "
                      "greater than 1"}},
        ValidateCase{"BlockingErrorSkipsRules", "{spec: {min: 9, max: x}}",
                     {"spec.max: Invalid value: \"string\": spec.max in body must be of type integer: \"string\"",
                      "<nil>: Invalid value: \"null\": some validation rules were not checked because the object "
                      "was invalid; correct the existing errors to complete validation"}},
        ValidateCase{"NonBlockingErrorKeepsRules", "{spec: {min: 9, max: -1}}",
                     {"spec.max: Invalid value: -1: spec.max in body should be greater than or equal to 0",
                      "spec.min: Invalid value: \"object\": min must be less than max"}},
        ValidateCase{"ListMapDuplicate", "{spec: {max: 1, items: [{name: a}, {name: b}, {name: a, size: 2}]}}",
                     {"spec.items[2]: Duplicate value: map[string]interface {}{\"name\":\"a\"}"}},
        ValidateCase{"ListSetDuplicate", "{spec: {max: 1, tags: [a, b, b]}}",
                     {"spec.tags[2]: Duplicate value: \"b\""}}),
    [](const auto& info) { return info.param.name; });

TEST(RuleValidationTest, TransitionRulesRunOnlyWithTheOldObject) {
  const Schema schema = schemaFromYaml(kRules);
  const json updated = jsonFromYaml("{spec: {max: 5, items: [{name: a, size: 1}, {name: b, size: 9}]}}");
  const json old = jsonFromYaml("{spec: {max: 5, items: [{name: b, size: 3}, {name: a, size: 2}]}}");
  EXPECT_TRUE(validateObject(updated, schema).empty());
  EXPECT_EQ(render(validateObject(updated, schema, &old)),
            (std::vector<std::string>{"spec.items[0].size: Invalid value: \"integer\": size may not shrink"}));
}

TEST(AdmitTest, PrunesDefaultsAndValidatesInOrder) {
  CrdVersion version;
  version.schema = schemaFromYaml(R"(
type: object
properties:
  spec:
    type: object
    default: {}
    properties:
      replicas: {type: integer, default: 3, maximum: 5}
      gone: {type: string}
)");
  const auto ok = admit(version, jsonFromYaml("{apiVersion: a/v1, kind: K, spec: {gone: null, extra: 1}}"));
  EXPECT_TRUE(ok.ok()) << aggregateMessage(ok.errors);
  EXPECT_EQ(ok.unknownFields, (std::vector<std::string>{"spec.extra"}));
  EXPECT_EQ(ok.object, jsonFromYaml("{apiVersion: a/v1, kind: K, spec: {replicas: 3}}"));

  const auto integral = admit(version, jsonFromYaml("{spec: {replicas: 4.0}}"));
  EXPECT_TRUE(integral.ok()) << aggregateMessage(integral.errors);
  EXPECT_TRUE(integral.object["spec"]["replicas"].is_number_integer()) << integral.object.dump();

  const auto bad = admit(version, jsonFromYaml("{spec: {replicas: 7}}"));
  EXPECT_EQ(render(bad.errors),
            (std::vector<std::string>{
                "spec.replicas: Invalid value: 7: spec.replicas in body should be less than or equal to 5"}));
}

} // namespace
} // namespace rdr::schema
