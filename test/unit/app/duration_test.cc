// Go-style duration parsing and formatting tables.
#include <gtest/gtest.h>

#include "rdr/app/duration.h"

namespace rdr::app {
namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

struct ParseCase {
  const char* text;
  nanoseconds expected;
};

class ParseDurationTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseDurationTest, Parses) {
  const auto parsed = parseDuration(GetParam().text);
  ASSERT_TRUE(parsed.has_value()) << GetParam().text << ": " << parsed.error().message();
  EXPECT_EQ(*parsed, GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    GoExamples, ParseDurationTest,
    ::testing::Values(ParseCase{"0", 0ns}, ParseCase{"15s", 15s}, ParseCase{"500ms", 500ms},
                      ParseCase{"1m", 1min}, ParseCase{"2h", 2h}, ParseCase{"1m30s", 90s},
                      ParseCase{"1h2m3s4ms5us6ns", 1h + 2min + 3s + 4ms + 5us + 6ns},
                      ParseCase{"1.5s", 1500ms}, ParseCase{".5s", 500ms}, ParseCase{"1.s", 1s},
                      ParseCase{"2.25m", 135s}, ParseCase{"-1.5h", -90min}, ParseCase{"+10s", 10s},
                      ParseCase{"0s", 0ns}, ParseCase{"100ns", 100ns}, ParseCase{"3\xC2\xB5s", 3us},
                      ParseCase{"3\xCE\xBCs", 3us}, ParseCase{"0.000000001s", 1ns},
                      ParseCase{"2562047h47m16.854775807s", nanoseconds::max()}));

struct ErrorCase {
  const char* text;
  const char* message;
};

class ParseDurationErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseDurationErrorTest, RejectsWithMessage) {
  const auto parsed = parseDuration(GetParam().text);
  ASSERT_FALSE(parsed.has_value()) << GetParam().text;
  EXPECT_EQ(parsed.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(parsed.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, ParseDurationErrorTest,
    ::testing::Values(
        ErrorCase{"", "invalid duration \"\""}, ErrorCase{"-", "invalid duration \"-\""},
        ErrorCase{"s", "invalid duration \"s\""}, ErrorCase{".s", "invalid duration \".s\""},
        ErrorCase{"1s ",
                  "unknown unit \"s \" in duration \"1s \" (valid units: ns, us, ms, s, m, h)"},
        ErrorCase{"15", "missing unit in duration \"15\" (e.g. 15s, 500ms, 1m)"},
        ErrorCase{"1s5", "missing unit in duration \"1s5\" (e.g. 15s, 500ms, 1m)"},
        ErrorCase{"15x",
                  "unknown unit \"x\" in duration \"15x\" (valid units: ns, us, ms, s, m, h)"},
        ErrorCase{"1d", "unknown unit \"d\" in duration \"1d\" (valid units: ns, us, ms, s, m, h)"},
        ErrorCase{"9223372036854775808ns", "invalid duration \"9223372036854775808ns\""},
        ErrorCase{"2562048h", "invalid duration \"2562048h\""}));

struct FormatCase {
  nanoseconds value;
  const char* expected;
};

class FormatDurationTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatDurationTest, FormatsLikeGo) {
  EXPECT_EQ(formatDuration(GetParam().value), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    GoExamples, FormatDurationTest,
    ::testing::Values(FormatCase{0ns, "0s"}, FormatCase{1ns, "1ns"}, FormatCase{1100ns, "1.1us"},
                      FormatCase{2200us, "2.2ms"}, FormatCase{500ms, "500ms"}, FormatCase{2s, "2s"},
                      FormatCase{2400ms, "2.4s"}, FormatCase{15s, "15s"}, FormatCase{60s, "1m0s"},
                      FormatCase{90s, "1m30s"}, FormatCase{3600s, "1h0m0s"},
                      FormatCase{3h + 2min + 1500ms, "3h2m1.5s"}, FormatCase{-90s, "-1m30s"},
                      FormatCase{nanoseconds::max(), "2562047h47m16.854775807s"},
                      FormatCase{nanoseconds::min(), "-2562047h47m16.854775808s"}));

TEST(DurationRoundTripTest, FormattedDurationsParseBack) {
  for (const nanoseconds value : {nanoseconds(1ns), nanoseconds(1500us), nanoseconds(2400ms),
                                  nanoseconds(90s), nanoseconds(3h + 1ns)}) {
    EXPECT_EQ(*parseDuration(formatDuration(value)), value) << formatDuration(value);
  }
}

} // namespace
} // namespace rdr::app
