// The pod IP allocator: the pod CIDR rule, stable IPs per UID, round-robin reuse, exhaustion.
#include <gtest/gtest.h>

#include "sandbox/nodeagent/ip_allocator.h"

namespace rdr::sandbox {
namespace {

// CIDR syntax itself is covered by test/unit/common/ipv4_test.cc; this is the pod rule on top.
TEST(PodCidrTest, AcceptsPrefixesFrom8To30) {
  for (const char* text : {"127.0.0.0/8", "127.10.0.0/17", "127.251.7.0/24", "127.250.9.4/30"}) {
    const auto cidr = parsePodCidr(text);
    ASSERT_TRUE(cidr) << text << ": " << cidr.error().toString();
    EXPECT_EQ(cidr->toString(), text);
  }
}

TEST(PodCidrTest, RejectsRangesTooSmallOrTooLargeForANode) {
  for (const char* text : {"127.10.0.0/31", "127.10.0.0/32", "112.0.0.0/4", "0.0.0.0/0"}) {
    const auto cidr = parsePodCidr(text);
    ASSERT_FALSE(cidr) << text;
    EXPECT_TRUE(cidr.error().is(ErrorCode::Invalid));
    EXPECT_NE(cidr.error().message().find("between 8 and 30"), std::string::npos)
        << cidr.error().message();
  }
}

TEST(PodCidrTest, RejectsWhatIpv4CidrRejects) {
  for (const char* text : {"127.10.0.0", "127.10.0.0/x", "300.1.1.1/16", "127.10.3.7/17"}) {
    const auto cidr = parsePodCidr(text);
    ASSERT_FALSE(cidr) << text;
    EXPECT_TRUE(cidr.error().is(ErrorCode::Invalid));
  }
}

TEST(IpAllocatorTest, GivesEachUidItsOwnStableAddressInTheRange) {
  IpAllocator ips(*parsePodCidr("127.251.0.0/16"));
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
  IpAllocator ips(*parsePodCidr("127.251.0.0/16"));
  const std::string first = *ips.allocate("old-uid");
  ips.release("old-uid");
  EXPECT_FALSE(ips.find("old-uid"));
  EXPECT_NE(*ips.allocate("new-uid"), first);
}

TEST(IpAllocatorTest, SkipsDotZeroAndDot255AndWrapsAroundToFreedAddresses) {
  IpAllocator ips(*parsePodCidr("127.251.0.0/23")); // 510 usable offsets minus .255/.0 pair
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
