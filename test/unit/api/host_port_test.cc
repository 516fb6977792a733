// host:port endpoints: IPv4, DNS names, bracketed IPv6, and every malformed shape.
#include "rdr/api/host_port.h"

#include <gtest/gtest.h>

namespace rdr::api {
namespace {

struct HostPortCase {
  std::string text;
  std::optional<HostPort> expected; // nothing: invalid
  std::string message;              // when invalid

  friend void PrintTo(const HostPortCase& c, std::ostream* os) { *os << '"' << c.text << '"'; }
};

class HostPortTest : public ::testing::TestWithParam<HostPortCase> {};

TEST_P(HostPortTest, SplitsOrRejects) {
  const auto parsed = parseHostPort(GetParam().text);
  if (GetParam().expected) {
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed, *GetParam().expected);
    EXPECT_EQ(formatHostPort(parsed->host, parsed->port), GetParam().text);
  } else {
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code(), ErrorCode::Invalid);
    EXPECT_EQ(parsed.error().message(), GetParam().message);
  }
}

const std::string kShape = "must be host:port (IPv6 as [addr]:port), got ";

INSTANTIATE_TEST_SUITE_P(
    Cases, HostPortTest,
    ::testing::Values(
        HostPortCase{"192.168.1.11:30011", HostPort{"192.168.1.11", 30011}, ""},
        HostPortCase{"redis.example.com:6379", HostPort{"redis.example.com", 6379}, ""},
        HostPortCase{"[fd00::1]:6380", HostPort{"fd00::1", 6380}, ""},
        HostPortCase{"h:1", HostPort{"h", 1}, ""},
        HostPortCase{"h:65535", HostPort{"h", 65535}, ""},
        HostPortCase{"", std::nullopt, kShape + "\"\""},
        HostPortCase{"host", std::nullopt, kShape + "\"host\""},
        HostPortCase{":6379", std::nullopt, kShape + "\":6379\""},
        HostPortCase{"host:", std::nullopt, kShape + "\"host:\""},
        HostPortCase{"fd00::1:6379", std::nullopt, kShape + "\"fd00::1:6379\""},
        HostPortCase{"[fd00::1]6379", std::nullopt, kShape + "\"[fd00::1]6379\""},
        HostPortCase{"[fd00::1:6379", std::nullopt, kShape + "\"[fd00::1:6379\""},
        HostPortCase{"[]:6379", std::nullopt, kShape + "\"[]:6379\""},
        HostPortCase{"h:0", std::nullopt, "port must be between 1 and 65535, got \"h:0\""},
        HostPortCase{"h:65536", std::nullopt, "port must be between 1 and 65535, got \"h:65536\""},
        HostPortCase{"h:-1", std::nullopt, "port must be between 1 and 65535, got \"h:-1\""},
        HostPortCase{"h:+1", std::nullopt, "port must be between 1 and 65535, got \"h:+1\""},
        HostPortCase{"h:63a", std::nullopt, "port must be between 1 and 65535, got \"h:63a\""},
        HostPortCase{"h:99999999999", std::nullopt,
                     "port must be between 1 and 65535, got \"h:99999999999\""}));

TEST(FormatHostPortTest, BracketsIpv6Only) {
  EXPECT_EQ(formatHostPort("10.0.0.1", 6379), "10.0.0.1:6379");
  EXPECT_EQ(formatHostPort("::1", 6379), "[::1]:6379");
}

} // namespace
} // namespace rdr::api
