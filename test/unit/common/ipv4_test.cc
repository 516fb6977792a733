// IPv4: strict dotted quads, formatting, CIDR parsing (host bits, prefix bounds) and arithmetic.
#include "rdr/common/ipv4.h"

#include <gtest/gtest.h>

namespace rdr {
namespace {

Ipv4Cidr cidrOf(const char* text) {
  auto parsed = Ipv4Cidr::parse(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().toString());
  return parsed.value_or(Ipv4Cidr{});
}

TEST(Ipv4Test, ParsesAndFormatsDottedQuads) {
  EXPECT_EQ(parseIpv4("127.10.0.7").value_or(0), 0x7f0a0007u);
  EXPECT_EQ(parseIpv4("0.0.0.0").value_or(1), 0u);
  EXPECT_EQ(parseIpv4("255.255.255.255").value_or(0), 0xffffffffu);
  EXPECT_EQ(formatIpv4(0x7f0a0007u), "127.10.0.7");
  EXPECT_EQ(formatIpv4(0), "0.0.0.0");
  EXPECT_EQ(formatIpv4(0xffffffffu), "255.255.255.255");
}

TEST(Ipv4Test, RefusesAnythingButExactlyADottedQuad) {
  for (const char* bad : {"", "None", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.4 ",
                          " 1.2.3.4", "a.b.c.d", "1.2.3.1234", "1.2.3.", ".1.2.3", "+1.2.3.4",
                          "1.2.3.-4", "01.2.3.4", "1.2.3.010", "1.2.3.4/32", "0x7f.0.0.1"}) {
    const auto parsed = parseIpv4(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_TRUE(parsed.error().is(ErrorCode::Invalid)) << bad;
    EXPECT_NE(parsed.error().message().find(bad), std::string::npos) << parsed.error().message();
  }
}

TEST(Ipv4CidrTest, ParsesNetworkPrefixSizeAndBroadcast) {
  const Ipv4Cidr pods = cidrOf("127.10.0.0/17");
  EXPECT_EQ(pods.network, 0x7f0a0000u);
  EXPECT_EQ(pods.prefix, 17);
  EXPECT_EQ(pods.size(), 32768u);
  EXPECT_EQ(pods.toString(), "127.10.0.0/17");
  EXPECT_EQ(formatIpv4(pods.broadcast()), "127.10.127.255");

  const Ipv4Cidr lb = cidrOf("127.10.192.0/18");
  EXPECT_EQ(lb.toString(), "127.10.192.0/18");
  EXPECT_EQ(formatIpv4(lb.broadcast()), "127.10.255.255");
}

TEST(Ipv4CidrTest, ContainsExactlyTheAddressesUnderThePrefix) {
  const Ipv4Cidr pods = cidrOf("127.10.0.0/17");
  EXPECT_TRUE(pods.contains(*parseIpv4("127.10.0.0")));
  EXPECT_TRUE(pods.contains(*parseIpv4("127.10.127.254")));
  EXPECT_TRUE(pods.contains(*parseIpv4("127.10.127.255")));
  EXPECT_FALSE(pods.contains(*parseIpv4("127.10.128.1")));
  EXPECT_FALSE(pods.contains(*parseIpv4("127.11.0.1")));

  const Ipv4Cidr lb = cidrOf("127.10.192.0/18");
  EXPECT_TRUE(lb.contains(*parseIpv4("127.10.200.1")));
  EXPECT_FALSE(lb.contains(*parseIpv4("127.10.128.1")));
}

TEST(Ipv4CidrTest, HandlesTheWholeSpaceAndSingleAddresses) {
  const Ipv4Cidr all = cidrOf("0.0.0.0/0");
  EXPECT_EQ(all.size(), std::uint64_t{1} << 32);
  EXPECT_EQ(all.broadcast(), 0xffffffffu);
  EXPECT_TRUE(all.contains(*parseIpv4("203.0.113.9")));

  const Ipv4Cidr one = cidrOf("127.250.9.8/32");
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(one.broadcast(), one.network);
  EXPECT_TRUE(one.contains(*parseIpv4("127.250.9.8")));
  EXPECT_FALSE(one.contains(*parseIpv4("127.250.9.9")));

  EXPECT_EQ(cidrOf("127.250.9.8/31").size(), 2u);
}

TEST(Ipv4CidrTest, RefusesHostBitsAfterThePrefix) {
  for (const char* bad : {"127.10.3.7/17", "127.10.192.1/18", "127.250.9.9/31", "0.0.0.1/0"}) {
    const auto parsed = Ipv4Cidr::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_TRUE(parsed.error().is(ErrorCode::Invalid)) << bad;
    EXPECT_NE(parsed.error().message().find("host bits"), std::string::npos)
        << parsed.error().message();
  }
  // The message names the network that was probably meant.
  EXPECT_NE(Ipv4Cidr::parse("127.10.3.7/17").error().message().find("127.10.0.0/17"),
            std::string::npos);
}

TEST(Ipv4CidrTest, RefusesMalformedRanges) {
  for (const char* bad : {"", "/8", "127.10.0.0", "127.10.0.0/", "127.10.0.0/x", "127.10.0.0/33",
                          "127.10.0.0/-1", "127.10.0.0/+8", "127.10.0.0/017", "127.10.0.0/100",
                          "127.10.0.0/17junk", "127.10.0.0/17 ", "127.10.0.0//17", "x/8",
                          "300.1.1.1/16", "1.2.3.0/", "127.10.0/17"}) {
    const auto parsed = Ipv4Cidr::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_TRUE(parsed.error().is(ErrorCode::Invalid)) << bad;
  }
}

} // namespace
} // namespace rdr
