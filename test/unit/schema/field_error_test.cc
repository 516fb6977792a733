// Field errors and 422 messages rendered as kube-apiserver renders them.
#include "rdr/schema/field_error.h"

#include <gtest/gtest.h>

namespace rdr::schema {
namespace {

using nlohmann::json;

struct RenderCase {
  FieldError error;
  std::string expected;

  friend void PrintTo(const RenderCase& c, std::ostream* os) { *os << c.expected; }
};

class FieldErrorRenderTest : public ::testing::TestWithParam<RenderCase> {};

TEST_P(FieldErrorRenderTest, RendersLikeApimachinery) {
  EXPECT_EQ(GetParam().error.toString(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Renderings, FieldErrorRenderTest,
    ::testing::Values(
        RenderCase{invalidError("spec.port", 70000, "too big"), "spec.port: Invalid value: 70000: too big"},
        RenderCase{invalidError("spec.x", 1.5, "d"), "spec.x: Invalid value: 1.5: d"},
        RenderCase{invalidError("spec.x", 1e6, "d"), "spec.x: Invalid value: 1e+06: d"},
        RenderCase{invalidError("spec.x", 123456.0, "d"), "spec.x: Invalid value: 123456: d"},
        RenderCase{invalidError("spec.x", 0.00001, "d"), "spec.x: Invalid value: 1e-05: d"},
        RenderCase{invalidError("spec.x", 0.0001, "d"), "spec.x: Invalid value: 0.0001: d"},
        RenderCase{invalidError("spec.x", -2.5e-7, "d"), "spec.x: Invalid value: -2.5e-07: d"},
        RenderCase{invalidError("spec.x", 1234567.5, "d"), "spec.x: Invalid value: 1.2345675e+06: d"},
        RenderCase{invalidError("spec.x", true, "d"), "spec.x: Invalid value: true: d"},
        RenderCase{invalidError("spec.x", "a\"b\n", "d"), "spec.x: Invalid value: \"a\\\"b\\n\": d"},
        RenderCase{invalidError("<nil>", nullptr, "d"), "<nil>: Invalid value: \"null\": d"},
        RenderCase{invalidError("spec.x", json({{"b", 1}, {"a", "x"}}), "d"),
                   "spec.x: Invalid value: map[string]interface {}{\"a\":\"x\", \"b\":1}: d"},
        RenderCase{invalidError("spec.x", json({"a", 2}), "d"),
                   "spec.x: Invalid value: []interface {}{\"a\", 2}: d"},
        RenderCase{requiredError("spec.host"), "spec.host: Required value"},
        RenderCase{requiredError("spec.source", "needed"), "spec.source: Required value: needed"},
        RenderCase{forbiddenError("spec.x", "not allowed"), "spec.x: Forbidden: not allowed"},
        RenderCase{notSupportedError("spec.mode", "foo", {"standalone", "sentinel"}),
                   "spec.mode: Unsupported value: \"foo\": supported values: \"standalone\", \"sentinel\""},
        RenderCase{typeInvalidError("spec.n", "string", "must be int"),
                   "spec.n: Invalid value: \"string\": must be int"},
        RenderCase{tooLongError("spec.host", "xxx", 2), "spec.host: Too long: may not be more than 2 bytes"},
        RenderCase{tooManyError("spec.addresses", 17, 16),
                   "spec.addresses: Too many: 17: must have at most 16 items"},
        RenderCase{duplicateError("status.conditions[1]", json({{"type", "Ready"}})),
                   "status.conditions[1]: Duplicate value: map[string]interface {}{\"type\":\"Ready\"}"}));

TEST(FieldErrorTest, AggregatesOneBareAndSeveralInBracketsWithoutDuplicates) {
  const FieldErrorList one = {requiredError("spec.a")};
  EXPECT_EQ(aggregateMessage(one), "spec.a: Required value");
  const FieldErrorList several = {requiredError("spec.a"), requiredError("spec.b"),
                                  requiredError("spec.a")};
  EXPECT_EQ(aggregateMessage(several), "[spec.a: Required value, spec.b: Required value]");
}

TEST(FieldErrorTest, FormatsTheInvalidObjectMessage) {
  EXPECT_EQ(invalidObjectMessage("RedisCluster", "redis.io", "dr-redis", {requiredError("spec.x")}),
            "RedisCluster.redis.io \"dr-redis\" is invalid: spec.x: Required value");
  EXPECT_EQ(invalidObjectMessage("ConfigMap", "", "c", {requiredError("data"), requiredError("b")}),
            "ConfigMap \"c\" is invalid: [data: Required value, b: Required value]");
  EXPECT_EQ(unknownFieldMessage("spec.foo"), "unknown field \"spec.foo\"");
  EXPECT_EQ(causeType(FieldErrorType::TypeInvalid), "FieldValueTypeInvalid");
  EXPECT_EQ(causeType(FieldErrorType::NotSupported), "FieldValueNotSupported");
}

} // namespace
} // namespace rdr::schema
