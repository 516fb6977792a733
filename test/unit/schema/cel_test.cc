// The CEL subset: evaluation results, runtime errors and refused constructs, table-driven.
#include "rdr/schema/cel.h"

#include <gtest/gtest.h>

#include "rdr/common/yaml.h"

namespace rdr::schema::cel {
namespace {

using nlohmann::json;

const json kSelf = json::parse(R"({
  "name": "dr-redis", "instances": 3, "ratio": 1.5, "enabled": true, "nothing": null,
  "tags": ["a", "b", "c"], "ports": [6379, 26379], "labels": {"app": "redis", "tier": "db"},
  "replicaMode": {"enabled": true, "source": {"host": "10.0.0.1", "port": 6379}}
})");

struct EvalCase {
  std::string expr;
  json expected;

  friend void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.expr; }
};

class CelEvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(CelEvalTest, EvaluatesToExpectedValue) {
  const auto program = compile(GetParam().expr);
  ASSERT_TRUE(program) << program.error().message();
  const auto result = evaluate(**program, kSelf);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(*result, GetParam().expected) << GetParam().expr;
  EXPECT_EQ(result->type(), GetParam().expected.type()) << GetParam().expr << " -> " << result->dump();
}

INSTANTIATE_TEST_SUITE_P(
    Expressions, CelEvalTest,
    ::testing::Values(
        EvalCase{"1 + 2 * 3", 7}, EvalCase{"(1 + 2) * 3", 9}, EvalCase{"7 / 2", 3},
        EvalCase{"7 % 3", 1}, EvalCase{"-7 / 2", -3}, EvalCase{"10u - 3u", json(7u)},
        EvalCase{"1.5 * 2.0", 3.0}, EvalCase{"-9223372036854775808", INT64_MIN},
        EvalCase{"'ab' + \"cd\"", "abcd"}, EvalCase{"r'a\\b'", "a\\b"},
        EvalCase{"'\\u00e9'", "\xc3\xa9"}, EvalCase{"size('h\\u00e9')", 2},
        EvalCase{"[1, 2] + [3]", json({1, 2, 3})}, EvalCase{"null", nullptr},
        EvalCase{"true && false", false}, EvalCase{"!true || true", true},
        EvalCase{"1 == 1u", true}, EvalCase{"1 == 1.0", true}, EvalCase{"2 < 2.5", true},
        EvalCase{"'a' < 'b'", true}, EvalCase{"1 != 2", true}, EvalCase{"3 >= 3", true},
        EvalCase{"1 > 2 ? 'x' : 'y'", "y"}, EvalCase{"self.name", "dr-redis"},
        EvalCase{"self.instances * 2", 6}, EvalCase{"self.ratio", 1.5},
        EvalCase{"self.replicaMode.source.port", 6379}, EvalCase{"self.tags[1]", "b"},
        EvalCase{"self.labels['app']", "redis"}, EvalCase{"has(self.name)", true},
        EvalCase{"has(self.missing)", false}, EvalCase{"has(self.nothing)", true},
        EvalCase{"has(self.replicaMode.source.host)", true},
        EvalCase{"self.nothing == null", true}, EvalCase{"'b' in self.tags", true},
        EvalCase{"'z' in self.tags", false}, EvalCase{"'app' in self.labels", true},
        EvalCase{"6379 in self.ports", true}, EvalCase{"size(self.tags)", 3},
        EvalCase{"self.tags.size()", 3}, EvalCase{"self.labels.size()", 2},
        EvalCase{"self.name.startsWith('dr-')", true}, EvalCase{"self.name.endsWith('redis')", true},
        EvalCase{"self.name.contains('-re')", true}, EvalCase{"self.name.matches('^dr-[a-z]+$')", true},
        EvalCase{"self.name.matches('x')", false},
        EvalCase{"self.tags.all(t, size(t) == 1)", true},
        EvalCase{"self.tags.exists(t, t == 'c')", true},
        EvalCase{"self.ports.all(p, p > 6379)", false},
        EvalCase{"self.labels.all(k, k.size() > 2)", true},
        EvalCase{"self.labels.exists(k, self.labels[k] == 'db')", true},
        EvalCase{"[].all(x, x > 0)", true}, EvalCase{"[].exists(x, x > 0)", false},
        // CEL's commutative && and ||: a decisive side wins over an error on the other side.
        EvalCase{"self.missing == 1 && false", false}, EvalCase{"false && self.missing == 1", false},
        EvalCase{"self.missing == 1 || true", true}, EvalCase{"true || 1 / 0 == 1", true},
        EvalCase{"[1, 0].exists(x, 1 / x == 1)", true},
        EvalCase{"!has(self.replicaMode.promote) || self.replicaMode.enabled", true}));

struct ErrorCase {
  std::string expr;
  std::string error; // the exact runtime error message

  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.expr; }
};

class CelRuntimeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CelRuntimeErrorTest, FailsWithCelMessage) {
  const auto program = compile(GetParam().expr);
  ASSERT_TRUE(program) << program.error().message();
  const auto result = evaluate(**program, kSelf);
  ASSERT_FALSE(result) << GetParam().expr << " -> " << result->dump();
  EXPECT_EQ(result.error().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CelRuntimeErrorTest,
    ::testing::Values(ErrorCase{"self.missing", "no such key: missing"},
                      ErrorCase{"self.labels['nope']", "no such key: nope"},
                      ErrorCase{"self.tags[5]", "index out of bounds: 5"},
                      ErrorCase{"1 / 0", "division by zero"}, ErrorCase{"1 % 0", "modulus by zero"},
                      ErrorCase{"9223372036854775807 + 1", "integer overflow"},
                      ErrorCase{"0u - 1u", "unsigned integer overflow"},
                      ErrorCase{"1 + 1.0", "no such overload: _+_(int, double)"},
                      ErrorCase{"'a' < 1", "no such overload: _<_(string, int)"},
                      ErrorCase{"!1", "no such overload: !_(int)"},
                      ErrorCase{"self.missing == 1 && true", "no such key: missing"},
                      ErrorCase{"self.name.x", "type 'string' does not support field selection"},
                      ErrorCase{"[1, 0].all(x, 1 / x == 1)", "division by zero"}));

struct CompileCase {
  std::string expr;
  std::string error; // the exact compile error

  friend void PrintTo(const CompileCase& c, std::ostream* os) { *os << c.expr; }
};

class CelCompileErrorTest : public ::testing::TestWithParam<CompileCase> {};

TEST_P(CelCompileErrorTest, RefusesWithNamedConstruct) {
  const auto program = compile(GetParam().expr);
  ASSERT_FALSE(program) << GetParam().expr;
  EXPECT_EQ(program.error().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Refused, CelCompileErrorTest,
    ::testing::Values(
        CompileCase{"{'a': 1}", "ERROR: <input>:1:1: unsupported construct 'map literal'"},
        CompileCase{"b'abc'", "ERROR: <input>:1:1: unsupported construct 'bytes literal'"},
        CompileCase{"self.?x", "ERROR: <input>:1:6: unsupported construct 'optional field selection (.?)'"},
        CompileCase{"self.tags.map(t, t)", "ERROR: <input>:1:10: unsupported macro 'map'"},
        CompileCase{"self.tags.exists_one(t, t == 'a')", "ERROR: <input>:1:10: unsupported macro 'exists_one'"},
        CompileCase{"int('1')", "ERROR: <input>:1:1: unsupported function 'int'"},
        CompileCase{"self.name.lowerAscii()", "ERROR: <input>:1:10: unsupported function 'lowerAscii'"},
        CompileCase{"foo == 1", "ERROR: <input>:1:1: undeclared reference to 'foo'"},
        CompileCase{"has(self)", "ERROR: <input>:1:1: invalid argument to has() macro"},
        CompileCase{"self.x.startsWith()", "ERROR: <input>:1:7: found no matching overload for 'startsWith' with 0 arguments"},
        CompileCase{"1 +", "ERROR: <input>:1:4: Syntax error: unexpected end of input"},
        CompileCase{"(1", "ERROR: <input>:1:3: Syntax error: expected ')', found '<EOF>'"},
        CompileCase{"1 # 2", "ERROR: <input>:1:3: Syntax error: token recognition error at: '#'"},
        CompileCase{"'abc", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
        CompileCase{"self.name.matches('(')", "ERROR: <input>:1:19: invalid regular expression: "
                                              "Mismatched '(' and ')' in regular expression"}));

TEST(CelTest, ChecksFieldsAgainstTheSchema) {
  const auto node = parseYamlDocument(R"(
type: object
properties:
  enabled: {type: boolean}
  source: {type: object, properties: {host: {type: string}}}
  labels: {type: object, additionalProperties: {type: string}}
  extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
)");
  ASSERT_TRUE(node) << node.error().message();
  const auto schema = parseSchema(*node, "schema");
  ASSERT_TRUE(schema) << schema.error().message();
  EXPECT_TRUE(compile("self.enabled && has(self.source.host)", &*schema));
  EXPECT_TRUE(compile("self.labels.anything == 'x' && self.extra.whatever", &*schema));
  const auto typo = compile("self.enabeld", &*schema);
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().message(), "ERROR: <input>:1:5: undefined field 'enabeld'");
  const auto nested = compile("has(self.source.hots)", &*schema);
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().message(), "ERROR: <input>:1:1: undefined field 'hots'");
}

TEST(CelTest, KnowsTransitionRulesAndBindsOldSelf) {
  const auto program = compile("self.size == oldSelf.size || self.size > oldSelf.size");
  ASSERT_TRUE(program) << program.error().message();
  EXPECT_TRUE((*program)->usesOldSelf());
  EXPECT_FALSE((*compile("self.size > 1"))->usesOldSelf());
  const json now = {{"size", 5}};
  const json before = {{"size", 3}};
  EXPECT_EQ(*evaluate(**program, now, &before), true);
  EXPECT_EQ(*evaluate(**program, before, &now), false);
  const auto noOld = evaluate(**program, now);
  ASSERT_FALSE(noOld);
  EXPECT_EQ(noOld.error().message(), "no such attribute: oldSelf");
}

} // namespace
} // namespace rdr::schema::cel
