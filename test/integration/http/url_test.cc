// Percent-decoding and query parsing of request targets.
#include <gtest/gtest.h>

#include "rdr/http/url.h"

namespace rdr::http {
namespace {

TEST(UrlTest, DecodesPercentEscapes) {
  EXPECT_EQ(percentDecode("a%20b%2Fc%3d", false).value(), "a b/c=");
  EXPECT_EQ(percentDecode("a+b", false).value(), "a+b");
  EXPECT_EQ(percentDecode("a+b", true).value(), "a b");
}

TEST(UrlTest, RejectsBrokenEscapes) {
  EXPECT_FALSE(percentDecode("%", false).has_value());
  EXPECT_FALSE(percentDecode("abc%2", false).has_value());
  EXPECT_FALSE(percentDecode("%g0", false).has_value());
}

TEST(UrlTest, ParsesRepeatedAndEmptyQueryParameters) {
  const auto query = parseQuery("a=b&c=d%3De&a=2&flag&&x=").value();
  ASSERT_EQ(query.size(), 5u);
  const auto [first, last] = query.equal_range("a");
  ASSERT_EQ(std::distance(first, last), 2);
  EXPECT_EQ(first->second, "b");
  EXPECT_EQ(std::next(first)->second, "2");
  EXPECT_EQ(query.find("c")->second, "d=e");
  EXPECT_EQ(query.find("flag")->second, "");
  EXPECT_EQ(query.find("x")->second, "");
}

TEST(UrlTest, SplitsATargetIntoPathAndQuery) {
  const auto target = parseTarget("/apis/g/v1/x?fieldSelector=metadata.name%3Dy&watch=1").value();
  EXPECT_EQ(target.path, "/apis/g/v1/x");
  EXPECT_EQ(target.query.find("fieldSelector")->second, "metadata.name=y");
  EXPECT_EQ(parseTarget("/plain").value().query.size(), 0u);
}

} // namespace
} // namespace rdr::http
