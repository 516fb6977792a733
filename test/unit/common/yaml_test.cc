// YAML -> JSON typing as kubectl does it, multi-document files, and JSON -> YAML round trips.
#include "rdr/common/yaml.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

using nlohmann::json;

struct ScalarCase {
  std::string yaml;
  json expected;

  friend void PrintTo(const ScalarCase& c, std::ostream* os) { *os << c.yaml; }
};

class YamlScalarTest : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(YamlScalarTest, TypesPlainAndQuotedScalarsLikeKubectl) {
  const auto parsed = parseYamlDocument("v: " + GetParam().yaml);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ((*parsed)["v"], GetParam().expected) << GetParam().yaml;
}

INSTANTIATE_TEST_SUITE_P(
    Scalars, YamlScalarTest,
    ::testing::Values(ScalarCase{"3", 3}, ScalarCase{"-12", -12}, ScalarCase{"0x1F", 31},
                      ScalarCase{"1_000", 1000}, ScalarCase{"1.5", 1.5},
                      ScalarCase{"true", true}, ScalarCase{"yes", true}, ScalarCase{"On", true},
                      ScalarCase{"false", false}, ScalarCase{"no", false},
                      ScalarCase{"~", nullptr}, ScalarCase{"null", nullptr},
                      ScalarCase{"\"3\"", "3"}, ScalarCase{"'true'", "true"},
                      ScalarCase{"!!str 6379", "6379"}, ScalarCase{"100Gi", "100Gi"},
                      ScalarCase{"redis:7.2", "redis:7.2"},
                      ScalarCase{"35.123.45.67", "35.123.45.67"},
                      ScalarCase{"prod-redis-leader.production.svc.cluster.local",
                                 "prod-redis-leader.production.svc.cluster.local"}));

TEST(YamlTest, ParsesEveryDocumentAndSkipsEmptyOnes) {
  const auto docs = parseYamlDocuments("---\na: 1\n---\n---\nb: [x, 2]\n...\n");
  ASSERT_TRUE(docs) << docs.error().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0], json({{"a", 1}}));
  EXPECT_EQ((*docs)[1], json({{"b", json::array({"x", 2})}}));
}

TEST(YamlTest, ResolvesMergeKeys) {
  const auto doc = parseYamlDocument("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
  ASSERT_TRUE(doc) << doc.error().message();
  EXPECT_EQ((*doc)["derived"], json({{"x", 1}, {"y", 3}}));
}

TEST(YamlTest, ReportsSyntaxErrorsWithLine) {
  const auto doc = parseYamlDocuments("a: 1\nb: [unclosed\n");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code(), ErrorCode::Invalid);
  EXPECT_NE(doc.error().message().find("line"), std::string::npos) << doc.error().message();
}

TEST(YamlTest, ExactlyOneDocumentIsRequiredBySingleParse) {
  EXPECT_FALSE(parseYamlDocument("a: 1\n---\nb: 2\n"));
  EXPECT_FALSE(parseYamlDocument(""));
}

TEST(YamlTest, ToYamlRoundTripsTypesThatNeedQuotes) {
  const json value = {{"port", "6379"},   {"enabled", "true"},  {"n", 3},
                      {"list", {1, "a"}}, {"text", "a\nb\n"},   {"empty", ""},
                      {"nothing", nullptr}, {"real", true}, {"nested", {{"k", "yes"}}}};
  const auto back = parseYamlDocument(toYaml(value));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, value) << toYaml(value);
}

} // namespace
} // namespace rdr
