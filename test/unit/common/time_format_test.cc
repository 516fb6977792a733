// RFC 3339 formatting and parsing.
#include "rdr/common/time_format.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

using namespace std::chrono;

TEST(TimeFormatTest, FormatsSecondsInUtc) {
  const SystemTime t = SystemTime(seconds(1756284136)); // 2025-08-27T08:42:16Z
  EXPECT_EQ(formatRfc3339(t), "2025-08-27T08:42:16Z");
  EXPECT_EQ(formatRfc3339(t + milliseconds(900)), "2025-08-27T08:42:16Z");
}

TEST(TimeFormatTest, FormatsMicroseconds) {
  const SystemTime t = SystemTime(seconds(1756284136)) + microseconds(123456);
  EXPECT_EQ(formatRfc3339Micro(t), "2025-08-27T08:42:16.123456Z");
}

TEST(TimeFormatTest, ParsesWhatItFormats) {
  const SystemTime t = SystemTime(seconds(1756284136));
  const auto parsed = parseRfc3339("2025-08-27T08:42:16Z");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, t);
}

TEST(TimeFormatTest, ParsesFractionsAndOffsets) {
  const SystemTime t = SystemTime(seconds(1756284136));
  EXPECT_EQ(*parseRfc3339("2025-08-27T10:42:16+02:00"), t);
  EXPECT_EQ(*parseRfc3339("2025-08-27T08:42:16.5Z"), t + milliseconds(500));
  EXPECT_EQ(*parseRfc3339("1970-01-01T00:00:00Z"), SystemTime(seconds(0)));
  EXPECT_EQ(*parseRfc3339("2000-02-29T00:00:00Z"), SystemTime(seconds(951782400)));
}

TEST(TimeFormatTest, RejectsMalformedText) {
  for (const char* text : {"", "2025-08-27", "2025-08-27T08:42:16", "2025-13-01T00:00:00Z",
                           "2025-08-27T08:42:16Zjunk", "2025-08-27 08:42:16Z", "now"}) {
    const auto parsed = parseRfc3339(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code(), ErrorCode::Invalid);
    }
  }
}

} // namespace
} // namespace rdr
