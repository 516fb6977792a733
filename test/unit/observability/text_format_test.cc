// Value formatting and escaping of the Prometheus text format, against client_golang's output.
#include <limits>

#include <gtest/gtest.h>

#include "rdr/observability/metrics.h"

namespace rdr::observability {
namespace {

struct FormatCase {
  double value;
  const char* expected;
};

class FormatValueTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatValueTest, MatchesGoStrconvShortestG) {
  EXPECT_EQ(formatValue(GetParam().value), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    GoFormatting, FormatValueTest,
    ::testing::Values(FormatCase{0, "0"}, FormatCase{-0.0, "0"}, FormatCase{1, "1"},
                      FormatCase{-1, "-1"}, FormatCase{0.005, "0.005"}, FormatCase{2.5, "2.5"},
                      FormatCase{0.1, "0.1"}, FormatCase{0.0001, "0.0001"},
                      FormatCase{0.00001, "1e-05"}, FormatCase{123456, "123456"},
                      FormatCase{999999, "999999"}, FormatCase{1000000, "1e+06"},
                      FormatCase{1234567, "1.234567e+06"}, FormatCase{1.5e300, "1.5e+300"},
                      FormatCase{10485760, "1.048576e+07"}, FormatCase{0.3333, "0.3333"},
                      FormatCase{std::numeric_limits<double>::infinity(), "+Inf"},
                      FormatCase{-std::numeric_limits<double>::infinity(), "-Inf"},
                      FormatCase{std::numeric_limits<double>::quiet_NaN(), "NaN"}));

TEST(EscapeTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escapeLabelValue("plain"), "plain");
  EXPECT_EQ(escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escapeLabelValue("tab\tstays"), "tab\tstays");
}

TEST(EscapeTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escapeHelp("say \"hi\"\\\n"), "say \"hi\"\\\\\\n");
}

} // namespace
} // namespace rdr::observability
