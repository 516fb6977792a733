// The LoadBalancer ingress IP allocator: lowest free address, requests, reuse, exhaustion.
#include <gtest/gtest.h>

#include "sandbox/nodeagent/proxy/cidr.h"

namespace rdr::sandbox::proxy {
namespace {

// Address and CIDR parsing itself is covered by test/unit/common/ipv4_test.cc.
Ipv4Cidr range(const char *text) {
  auto parsed = Ipv4Cidr::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(Ipv4Cidr{});
}

TEST(ProxyIpAllocatorTest, SkipsNetworkAndBroadcastAndStaysStable) {
  IpAllocator allocator(range("127.250.9.0/30")); // .1 and .2 usable
  auto a = allocator.allocate("ns/a");
  auto b = allocator.allocate("ns/b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, "127.250.9.1");
  EXPECT_EQ(*b, "127.250.9.2");
  EXPECT_EQ(allocator.allocate("ns/a").value_or(""), "127.250.9.1"); // stable
  auto c = allocator.allocate("ns/c");
  ASSERT_FALSE(c);
  EXPECT_TRUE(c.error().is(ErrorCode::NotFound));
  EXPECT_FALSE(allocator.usable(*parseIpv4("127.250.9.0")));
  EXPECT_FALSE(allocator.usable(*parseIpv4("127.250.9.3")));
}

TEST(ProxyIpAllocatorTest, ReleasedAddressesAreReused) {
  IpAllocator allocator(range("127.250.9.0/29"));
  ASSERT_TRUE(allocator.allocate("ns/a"));
  ASSERT_TRUE(allocator.allocate("ns/b"));
  allocator.release("ns/a");
  EXPECT_FALSE(allocator.addressOf("ns/a"));
  EXPECT_EQ(allocator.owners(), std::vector<std::string>{"ns/b"});
  EXPECT_EQ(allocator.allocate("ns/c").value_or(""), "127.250.9.1");
  allocator.release("ns/unknown"); // a no-op
}

TEST(ProxyIpAllocatorTest, HonoursARequestedAddressInRangeAndFree) {
  IpAllocator allocator(range("127.250.9.0/24"));
  EXPECT_EQ(allocator.allocate("ns/a", "127.250.9.77").value_or(""), "127.250.9.77");
  // Taken by a: b gets the lowest free one instead.
  EXPECT_EQ(allocator.allocate("ns/b", "127.250.9.77").value_or(""), "127.250.9.1");
  // Out of range, the network or broadcast address, or not an IP: ignored.
  for (const char *bad : {"127.250.10.5", "127.250.9.0", "127.250.9.255", "nonsense"}) {
    EXPECT_EQ(allocator.allocate("ns/c", bad).value_or(""), "127.250.9.2") << bad;
  }
  // A new, free request moves the owner there and frees its old address.
  EXPECT_EQ(allocator.allocate("ns/c", "127.250.9.100").value_or(""), "127.250.9.100");
  EXPECT_EQ(allocator.allocate("ns/d").value_or(""), "127.250.9.2");
}

TEST(ProxyIpAllocatorTest, TinyRangesUseEveryAddress) {
  IpAllocator allocator(range("127.250.9.8/32"));
  EXPECT_EQ(allocator.allocate("ns/a").value_or(""), "127.250.9.8");
}

} // namespace
} // namespace rdr::sandbox::proxy
