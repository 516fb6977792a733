// Log format and level parsing (the flags --log-format and --log-level rely on them).
#include "rdr/common/log.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

TEST(LogTest, ParsesFormats) {
  EXPECT_EQ(*parseLogFormat("text"), LogFormat::Text);
  EXPECT_EQ(*parseLogFormat("json"), LogFormat::Json);
  const auto bad = parseLogFormat("xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "unknown log format \"xml\" (accepted: text, json)");
}

TEST(LogTest, ParsesLevels) {
  EXPECT_EQ(*parseLogLevel("debug"), LogLevel::Debug);
  EXPECT_EQ(*parseLogLevel("warning"), LogLevel::Warn);
  EXPECT_FALSE(parseLogLevel("loud"));
}

} // namespace
} // namespace rdr
