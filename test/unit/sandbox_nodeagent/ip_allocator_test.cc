// The pod IP allocator: CIDR parsing, stable IPs per UID, round-robin reuse, exhaustion.
#include <gtest/gtest.h>

#include "sandbox/nodeagent/ip_allocator.h"

namespace rdr::sandbox {
namespace {

TEST(CidrTest, ParsesNetworkAndClearsHostBits) {
  auto cidr = Cidr::parse("127.10.3.7/17");
  ASSERT_TRUE(cidr) << cidr.error().toString();
  EXPECT_EQ(cidr->toString(), "127.10.0.0/17");
  EXPECT_EQ(cidr->size(), 32768u);
  EXPECT_TRUE(cidr->contains(*parseIpv4("127.10.127.254")));
  EXPECT_FALSE(cidr->contains(*parseIpv4("127.10.128.1")));
}

TEST(CidrTest, RejectsMalformedRanges) {
  for (const char* text : {"127.10.0.0", "127.10.0.0/", "127.10.0.0/x", "127.10.0.0/31",
                           "127.10.0.0/4", "300.1.1.1/16", "127.10.0.0/17junk"}) {
    EXPECT_FALSE(Cidr::parse(text)) << text;
  }
}

TEST(IpAllocatorTest, GivesEachUidItsOwnStableAddressInTheRange) {
  IpAllocator ips(*Cidr::parse("127.251.0.0/16"));
  const auto a = ips.allocate("uid-a");
  const auto b = ips.allocate("uid-b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, "127.251.0.1");
  EXPECT_EQ(*b, "127.251.0.2");
  EXPECT_EQ(*ips.allocate("uid-a"), *a);
  EXPECT_EQ(ips.find("uid-b"), *b);
  EXPECT_EQ(ips.inUse(), 2u);
}

TEST(IpAllocatorTest, ReCreatedPodGetsANewAddressRoundRobin) {
  IpAllocator ips(*Cidr::parse("127.251.0.0/16"));
  const std::string first = *ips.allocate("old-uid");
  ips.release("old-uid");
  EXPECT_FALSE(ips.find("old-uid"));
  EXPECT_NE(*ips.allocate("new-uid"), first);
}

TEST(IpAllocatorTest, SkipsDotZeroAndDot255AndWrapsAroundToFreedAddresses) {
  IpAllocator ips(*Cidr::parse("127.251.0.0/23")); // 510 usable offsets minus .255/.0 pair
  std::set<std::string> seen;
  for (int i = 0;; ++i) {
    auto ip = ips.allocate("uid-" + std::to_string(i));
    if (!ip) {
      EXPECT_TRUE(ip.error().is(ErrorCode::Transient));
      break;
    }
    EXPECT_TRUE(seen.insert(*ip).second) << *ip;
    EXPECT_NE(ip->substr(ip->rfind('.')), ".0");
    EXPECT_NE(ip->substr(ip->rfind('.')), ".255");
  }
  EXPECT_EQ(seen.size(), 508u); // 512 - network .0.0 - .0.255 - .1.0 - broadcast .1.255
  ips.release("uid-7");
  EXPECT_EQ(*ips.allocate("again"), "127.251.0.8");
}

} // namespace
} // namespace rdr::sandbox
