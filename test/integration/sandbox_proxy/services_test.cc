// Service proxy lifecycle: LoadBalancer ingress, cut/heal, deletion, port changes, hosts file.
#include <sys/stat.h>

#include "proxy_fixture.h"
#include "sandbox/nodeagent/proxy/hosts_file.h"

namespace rdr::sandbox::proxy_test {
namespace {

const json kCache = {{"app", "cache"}};

std::string ingressIp(const std::optional<json> &service) {
  if (!service) {
    return "";
  }
  const json ingress = service->value("status", json::object())
                           .value("loadBalancer", json::object())
                           .value("ingress", json::array());
  return ingress.empty() ? "" : ingress[0].value("ip", "");
}

TEST_F(ServiceProxyTest, LoadBalancerGetsAnIngressIpInRangeAndForwards) {
  startProxy(10);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createService("cache-lb", 100, kCache, nullptr, "LoadBalancer");
  ASSERT_TRUE(waitUntil([&] { return !ingressIp(service("cache-lb")).empty(); }));
  // The first usable address of 127.250.10.192/26 (the network address is skipped).
  const std::string lb = ingressIp(service("cache-lb"));
  EXPECT_EQ(lb, ip(193));
  ASSERT_TRUE(waitUntil([&] { return roundTrip(lb, kServicePort) == "a:ping"; }));
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "a:ping");

  // spec.loadBalancerIP in range is honoured.
  json pinned = {{"apiVersion", "v1"},
                 {"kind", "Service"},
                 {"metadata", {{"namespace", kNamespace}, {"name", "pinned"}}},
                 {"spec",
                  {{"type", "LoadBalancer"},
                   {"clusterIP", ip(101)},
                   {"loadBalancerIP", ip(222)},
                   {"selector", kCache},
                   {"ports", json::array({{{"port", kServicePort}, {"targetPort", kPodPort}}})}}}};
  ASSERT_TRUE(fake_.create(kube::resources::services(), pinned));
  ASSERT_TRUE(waitUntil([&] { return ingressIp(service("pinned")) == ip(222); }));
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(222), kServicePort) == "a:ping"; }));

  // Deleting the Service stops its LB listener and releases the address for the next one.
  ASSERT_TRUE(fake_.remove(kube::resources::services(), {kNamespace, "cache-lb"}));
  ASSERT_TRUE(waitUntil([&] { return !Connection(lb, kServicePort).connected(); }));
  createService("next-lb", 102, kCache, nullptr, "LoadBalancer");
  ASSERT_TRUE(waitUntil([&] { return ingressIp(service("next-lb")) == ip(193); }));
}

TEST_F(ServiceProxyTest, CutClosesAndRefusesUntilHeal) {
  startProxy(11);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createService("cache", 100, kCache, nullptr, "LoadBalancer");
  ASSERT_TRUE(waitUntil([&] { return !ingressIp(service("cache")).empty(); }));
  const std::string lb = ingressIp(service("cache"));
  ASSERT_TRUE(waitUntil([&] { return roundTrip(lb, kServicePort) == "a:ping"; }));

  EXPECT_TRUE(proxy_->cut("apps", "missing").error().is(ErrorCode::NotFound));
  EXPECT_TRUE(proxy_->heal("apps", "missing").error().is(ErrorCode::NotFound));

  Connection via_cluster_ip(ip(100), kServicePort);
  Connection via_lb(lb, kServicePort);
  ASSERT_EQ(via_cluster_ip.exchange("1"), "a:1");
  ASSERT_EQ(via_lb.exchange("2"), "a:2");
  ASSERT_TRUE(proxy_->cut(kNamespace, "cache"));
  // cut() has taken effect when it returns.
  EXPECT_TRUE(via_cluster_ip.closedByPeer(1s));
  EXPECT_TRUE(via_lb.closedByPeer(1s));
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "");
  EXPECT_EQ(roundTrip(lb, kServicePort), "");

  // The cut survives an update of the Service.
  auto updated = fake_.get(kube::resources::services(), {kNamespace, "cache"});
  ASSERT_TRUE(updated);
  (*updated)["metadata"]["labels"] = {{"touched", "yes"}};
  ASSERT_TRUE(fake_.update(kube::resources::services(), *updated));
  ASSERT_TRUE(waitUntil([&] {
    auto cached = service("cache");
    return cached && cached->contains("metadata") && (*cached)["metadata"].contains("labels");
  }));
  std::this_thread::sleep_for(100ms); // give the reconcile pass a chance to (wrongly) reopen
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "");

  ASSERT_TRUE(proxy_->heal(kNamespace, "cache"));
  EXPECT_EQ(roundTrip(ip(100), kServicePort), "a:ping");
  EXPECT_EQ(roundTrip(lb, kServicePort), "a:ping");
}

TEST_F(ServiceProxyTest, DeletedServiceStopsListeningAndChangedPortsMove) {
  startProxy(12);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, true);
  createService("cache", 100, kCache);
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));
  Connection open(ip(100), kServicePort);
  ASSERT_EQ(open.exchange("1"), "a:1");

  auto svc = fake_.get(kube::resources::services(), {kNamespace, "cache"});
  ASSERT_TRUE(svc);
  (*svc)["spec"]["ports"] = json::array({{{"port", 6380}, {"targetPort", kPodPort}}});
  ASSERT_TRUE(fake_.update(kube::resources::services(), *svc));
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), 6380) == "a:ping"; }));
  EXPECT_TRUE(open.closedByPeer());
  Connection old_port(ip(100), kServicePort);
  EXPECT_FALSE(old_port.connected());
  EXPECT_EQ(old_port.connectErrno(), ECONNREFUSED);

  ASSERT_TRUE(fake_.remove(kube::resources::services(), {kNamespace, "cache"}));
  ASSERT_TRUE(waitUntil([&] { return !Connection(ip(100), 6380).connected(); }));
}

TEST_F(ServiceProxyTest, ABindFailureIsRetriedUntilTheAddressIsFree) {
  startProxy(14);
  EchoServer a("a", ip(11), kPodPort);
  createPod("cache-0", 11, kCache, true);
  {
    // Something else holds the ClusterIP's port: the proxy logs it and keeps trying.
    EchoServer squatter("x", ip(100), kServicePort);
    createService("cache", 100, kCache);
    // Nothing observable says the proxy has tried; 100 ms is many reconcile passes' worth.
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(roundTrip(ip(100), kServicePort), "x:ping");
  }
  ASSERT_TRUE(waitUntil([&] { return roundTrip(ip(100), kServicePort) == "a:ping"; }));
}

TEST_F(ServiceProxyTest, HostsFileIsRewrittenInPlaceWithServicesAndPods) {
  startProxy(13, true);
  struct stat before {};
  ASSERT_EQ(::stat(hosts_file_.c_str(), &before), 0);
  createPod("cache-0", 11, kCache, false, "cache-0", "cache-headless");
  createService("cache", 100, kCache);
  const std::string expected =
      std::string("127.0.0.1 localhost\n") + proxy::kHostsMarker + "\n" +
      "127.250.13.100 cache.apps.svc.cluster.local cache.apps.svc cache.apps\n"
      "127.250.13.11 cache-0.cache-headless.apps.svc.cluster.local\n";
  ASSERT_TRUE(waitUntil([&] { return proxy::readWhole(hosts_file_) == expected; }));

  ASSERT_TRUE(fake_.remove(kube::resources::services(), {kNamespace, "cache"}));
  const std::string without_service =
      std::string("127.0.0.1 localhost\n") + proxy::kHostsMarker + "\n" +
      "127.250.13.11 cache-0.cache-headless.apps.svc.cluster.local\n";
  ASSERT_TRUE(waitUntil([&] { return proxy::readWhole(hosts_file_) == without_service; }));
  struct stat after {};
  ASSERT_EQ(::stat(hosts_file_.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
}

} // namespace
} // namespace rdr::sandbox::proxy_test
