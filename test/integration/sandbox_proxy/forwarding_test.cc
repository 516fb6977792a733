// Service proxy forwarding: ClusterIP to ready endpoints, round-robin, half-close, re-targeting.
#include <sys/socket.h>

#include <algorithm>

#include "proxy_fixture.h"

namespace rdr::sandbox::proxy_test {
namespace {

const json kCache = {{"app", "cache"}};

TEST_F(ServiceProxyTest, ForwardsAClusterIpToReadyPodsInTurn) {
  startProxy(1);
  EchoServer a("a", ip(11), kPodPort);
  EchoServer b("b", ip(12), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createPod("cache-1", 12, kCache, true);
  createPod("other", 13, {{"app", "other"}}, true);
  createService("cache", 100, kCache);
  ASSERT_TRUE(waitUntil([&] { return !roundTrip(ip(100), kServicePort).empty(); }));

  // Round-robin over the two endpoints, sorted by pod name.
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    seen.push_back(roundTrip(ip(100), kServicePort));
  }
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_EQ(seen[0], seen[2]);
  EXPECT_EQ(seen[1], seen[3]);
  for (const auto &answer : seen) {
    EXPECT_TRUE(answer == "a:ping" || answer == "b:ping") << answer;
  }
}

TEST_F(ServiceProxyTest, PropagatesHalfCloseAndCarriesLargeStreams) {
  startProxy(2);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createService("cache", 100, kCache);
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));

  // 4 MiB cross the proxy's 64 KiB buffers both ways (a writer thread, so that neither side
  // blocks the other); every byte comes back, between the echo server's "a:" prefixes.
  Connection big(ip(100), kServicePort);
  const std::size_t total = 4u << 20;
  const timeval receive_timeout{5, 0}; // a stall fails the test instead of hanging it
  ::setsockopt(big.fd(), SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof(receive_timeout));
  std::thread writer([&] {
    const std::string chunk(64 * 1024, 'x');
    for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
      ASSERT_EQ(::send(big.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(chunk.size()));
    }
  });
  std::size_t echoed = 0;
  char buffer[65536];
  while (echoed < total) {
    const ssize_t n = ::recv(big.fd(), buffer, sizeof(buffer), 0);
    if (n <= 0) {
      break;
    }
    echoed += static_cast<std::size_t>(std::count(buffer, buffer + n, 'x'));
  }
  writer.join();
  EXPECT_EQ(echoed, total);

  // The client's FIN reaches the backend, whose close comes back as EOF.
  Connection half(ip(100), kServicePort);
  ASSERT_EQ(half.exchange("last"), "a:last");
  ASSERT_EQ(::shutdown(half.fd(), SHUT_WR), 0);
  EXPECT_TRUE(half.closedByPeer());
  EXPECT_TRUE(waitUntil([&] { return a.openConnections() == 1; })); // only `big` is left
}

TEST_F(ServiceProxyTest, ClosesConnectionsWhenThereIsNoReadyEndpoint) {
  startProxy(3);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, false);
  createService("cache", 100, kCache);
  // The listener exists (the connect succeeds) but every connection is closed at once.
  ASSERT_TRUE(waitUntil([&] { return Connection(ip(100), kServicePort).connected(); }));
  Connection refused(ip(100), kServicePort);
  EXPECT_TRUE(refused.closedByPeer());
  EXPECT_EQ(a.openConnections(), 0);

  setReady("cache-0", true);
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));

  // Not ready again: the forwarded connection is closed and no new traffic reaches the pod.
  Connection open(ip(100), kServicePort);
  ASSERT_EQ(open.exchange("1"), "a:1");
  setReady("cache-0", false);
  EXPECT_TRUE(open.closedByPeer());
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "");
  EXPECT_TRUE(waitUntil([&] { return a.openConnections() == 0; }));
}

TEST_F(ServiceProxyTest, RelabellingMovesClientsToTheNewPrimary) {
  startProxy(4);
  EchoServer a("a", ip(11), kPodPort);
  EchoServer b("b", ip(12), kPodPort);
  const json primary = {{"app", "cache"}, {"redis.io/role", "primary"}};
  const json replica = {{"app", "cache"}, {"redis.io/role", "replica"}};
  createPod("cache-0", 11, primary, true);
  createPod("cache-1", 12, replica, true);
  createService("cache-leader", 100, primary);
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));

  Connection client(ip(100), kServicePort);
  ASSERT_EQ(client.exchange("before"), "a:before");
  // Failover: the operator relabels the pods.
  setLabels("cache-0", replica);
  setLabels("cache-1", primary);
  EXPECT_TRUE(client.closedByPeer());
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "b:ping"; }));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(roundTrip(ip(100), kServicePort), "b:ping");
  }
}

TEST_F(ServiceProxyTest, DeletedPodOrChangedIpClosesItsConnections) {
  startProxy(5);
  EchoServer a("a", ip(11), kPodPort);
  EchoServer a2("A", ip(21), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createService("cache", 100, kCache);
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));

  Connection first(ip(100), kServicePort);
  ASSERT_EQ(first.exchange("1"), "a:1");
  auto pod = fake_.get(kube::resources::pods(), {kNamespace, "cache-0"});
  ASSERT_TRUE(pod);
  (*pod)["status"]["podIP"] = ip(21);
  ASSERT_TRUE(fake_.updateStatus(kube::resources::pods(), *pod));
  EXPECT_TRUE(first.closedByPeer());
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "A:ping"; }));

  Connection second(ip(100), kServicePort);
  ASSERT_EQ(second.exchange("2"), "A:2");
  ASSERT_TRUE(fake_.remove(kube::resources::pods(), {kNamespace, "cache-0"}));
  EXPECT_TRUE(second.closedByPeer());
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "");
}

} // namespace
} // namespace rdr::sandbox::proxy_test
