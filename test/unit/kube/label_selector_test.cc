// Label selectors: the full grammar, matching, and the API server's parse errors.
#include "rdr/kube/label_selector.h"

#include <gtest/gtest.h>

namespace rdr::kube {
namespace {

struct MatchCase {
  const char* selector;
  bool matches;

  friend void PrintTo(const MatchCase& c, std::ostream* os) { *os << '"' << c.selector << '"'; }
};

class LabelSelectorMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(LabelSelectorMatchTest, MatchesLabelsAsTheApiServerDoes) {
  const nlohmann::json labels = {{"app", "redis"}, {"role", "primary"}};
  const auto selector = LabelSelector::parse(GetParam().selector);
  ASSERT_TRUE(selector) << selector.error().message();
  EXPECT_EQ(selector->matches(labels), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, LabelSelectorMatchTest,
    ::testing::Values(MatchCase{"", true}, MatchCase{"app=redis", true},
                      MatchCase{"app==redis,role=primary", true},
                      MatchCase{"app=redis,role=replica", false}, MatchCase{"role!=replica", true},
                      MatchCase{"role!=primary", false}, MatchCase{"app", true},
                      MatchCase{"zone", false}, MatchCase{"!zone", true}, MatchCase{"!app", false},
                      MatchCase{"role in (primary, replica)", true},
                      MatchCase{"role in (replica)", false},
                      MatchCase{"role notin (replica),app", true},
                      MatchCase{"role notin (primary)", false},
                      MatchCase{"zone notin (a)", true}, MatchCase{" app = redis ", true}));

TEST(LabelSelectorTest, SplitsOnCommasOutsideParentheses) {
  EXPECT_EQ(splitSelectorTerms("a in (x,y),b"), (std::vector<std::string>{"a in (x,y)", "b"}));
  const auto selector = LabelSelector::parse("a in (x,y),!b");
  ASSERT_TRUE(selector);
  ASSERT_EQ(selector->requirements().size(), 2u);
  EXPECT_EQ(selector->requirements()[0],
            (LabelSelector::Requirement{"a", LabelSelector::Op::In, {"x", "y"}}));
  EXPECT_EQ(selector->requirements()[1],
            (LabelSelector::Requirement{"b", LabelSelector::Op::DoesNotExist, {}}));
}

TEST(LabelSelectorTest, ReportsSyntaxErrorsInTheApiServersWords) {
  const auto empty_term = LabelSelector::parse("a=b,,c");
  ASSERT_FALSE(empty_term);
  EXPECT_EQ(empty_term.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(empty_term.error().message(),
            "unable to parse requirement: found '', expected: !, identifier, or 'end of string' "
            "in \"\"");
  const auto no_set = LabelSelector::parse("a in x");
  ASSERT_FALSE(no_set);
  EXPECT_EQ(no_set.error().message(), "unable to parse requirement: found 'x', expected: '(' in "
                                      "\"a in x\"");
  EXPECT_FALSE(LabelSelector::parse("=v"));
}

TEST(LabelSelectorTest, MatchesAnObjectsMetadataLabels) {
  const auto selector = LabelSelector::parse("redis.io/cluster=c,redis.io/role=primary");
  ASSERT_TRUE(selector);
  EXPECT_TRUE(selector->matchesObject(
      {{"metadata", {{"labels", {{"redis.io/cluster", "c"}, {"redis.io/role", "primary"}}}}}}));
  EXPECT_FALSE(selector->matchesObject({{"metadata", {{"name", "x"}}}}));
  EXPECT_TRUE(LabelSelector::parse("!a")->matchesObject(nlohmann::json::object()));
}

} // namespace
} // namespace rdr::kube
