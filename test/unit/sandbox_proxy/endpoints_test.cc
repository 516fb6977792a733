// Endpoint selection: selector match, readiness, deletion, named and numbered target ports.
#include <gtest/gtest.h>

#include "sandbox/nodeagent/proxy/endpoints.h"

namespace rdr::sandbox::proxy {
namespace {

using nlohmann::json;

json service(json selector, json ports) {
  return {{"metadata", {{"namespace", "apps"}, {"name", "cache"}}},
          {"spec", {{"clusterIP", "127.10.128.3"}, {"selector", selector}, {"ports", ports}}}};
}

json pod(const std::string &name, const std::string &ip, json labels, bool ready = true) {
  return {
      {"metadata", {{"namespace", "apps"}, {"name", name}, {"labels", labels}}},
      {"spec",
       {{"containers",
         json::array({{{"name", "redis"},
                       {"ports", json::array({{{"name", "redis"}, {"containerPort", 6380}}})}}})}}},
      {"status",
       {{"podIP", ip},
        {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

const json kPorts = json::array({{{"name", "redis"}, {"port", 6379}, {"targetPort", 6379}}});

TEST(ProxyEndpointsTest, ReadsTcpPortsAndClusterIp) {
  json s = service({{"app", "cache"}},
                   json::array({{{"port", 6379}},
                                {{"port", 53}, {"protocol", "UDP"}},
                                {{"port", 26379}, {"targetPort", "sentinel"}, {"name", "s"}}}));
  const auto ports = tcpPorts(s);
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].port, 6379);
  EXPECT_TRUE(ports[0].target_port.is_null());
  EXPECT_EQ(ports[1].target_port, "sentinel");
  EXPECT_EQ(clusterIpOf(s), "127.10.128.3");
  s["spec"]["clusterIP"] = "None";
  EXPECT_EQ(clusterIpOf(s), "");
  EXPECT_FALSE(isLoadBalancer(s));
  s["spec"]["type"] = "LoadBalancer";
  EXPECT_TRUE(isLoadBalancer(s));
}

TEST(ProxyEndpointsTest, SelectsReadyMatchingPodsSortedByName) {
  const json s = service({{"app", "cache"}, {"redis.io/role", "primary"}}, kPorts);
  const std::vector<json> pods = {
      pod("cache-2", "127.10.0.9", {{"app", "cache"}, {"redis.io/role", "primary"}}),
      pod("cache-0", "127.10.0.7", {{"app", "cache"}, {"redis.io/role", "primary"}, {"x", "y"}}),
      pod("cache-1", "127.10.0.8", {{"app", "cache"}, {"redis.io/role", "replica"}}),
      pod("other", "127.10.0.10", {{"app", "other"}}),
  };
  const auto backends = readyBackends(s, tcpPorts(s)[0], pods);
  ASSERT_EQ(backends.size(), 2u);
  EXPECT_EQ(backends[0], (Backend{"cache-0", "127.10.0.7", 6379}));
  EXPECT_EQ(backends[1], (Backend{"cache-2", "127.10.0.9", 6379}));
}

TEST(ProxyEndpointsTest, SkipsNotReadyDeletedUnaddressedAndOtherNamespacePods) {
  const json s = service({{"app", "cache"}}, kPorts);
  json not_ready = pod("a", "127.10.0.7", {{"app", "cache"}}, false);
  json deleting = pod("b", "127.10.0.8", {{"app", "cache"}});
  deleting["metadata"]["deletionTimestamp"] = "2026-11-22T10:00:00Z";
  json no_ip = pod("c", "", {{"app", "cache"}});
  json elsewhere = pod("d", "127.10.0.9", {{"app", "cache"}});
  elsewhere["metadata"]["namespace"] = "other";
  json no_conditions = pod("e", "127.10.0.10", {{"app", "cache"}});
  no_conditions["status"].erase("conditions");
  EXPECT_TRUE(
      readyBackends(s, tcpPorts(s)[0], {not_ready, deleting, no_ip, elsewhere, no_conditions})
          .empty());
  EXPECT_FALSE(isPodReady(not_ready));
  EXPECT_TRUE(isPodReady(deleting));
}

TEST(ProxyEndpointsTest, ServicesWithoutSelectorHaveNoEndpoints) {
  json s = service(json::object(), kPorts);
  EXPECT_TRUE(
      readyBackends(s, tcpPorts(s)[0], {pod("a", "127.10.0.7", {{"app", "cache"}})}).empty());
  s["spec"].erase("selector");
  EXPECT_TRUE(
      readyBackends(s, tcpPorts(s)[0], {pod("a", "127.10.0.7", {{"app", "cache"}})}).empty());
}

TEST(ProxyEndpointsTest, ResolvesNamedAndDefaultTargetPorts) {
  const json p = pod("a", "127.10.0.7", {{"app", "cache"}});
  ServicePort port{"redis", 6379, "redis"};
  EXPECT_EQ(resolveTargetPort(p, port), 6380);
  port.target_port = "missing";
  EXPECT_EQ(resolveTargetPort(p, port), 0);
  port.target_port = nullptr;
  EXPECT_EQ(resolveTargetPort(p, port), 6379);
  port.target_port = 7000;
  EXPECT_EQ(resolveTargetPort(p, port), 7000);

  // A pod whose named port does not resolve is not an endpoint of that port.
  const json s =
      service({{"app", "cache"}}, json::array({{{"port", 6379}, {"targetPort", "redis"}},
                                               {{"port", 26379}, {"targetPort", "sentinel"}}}));
  const auto ports = tcpPorts(s);
  EXPECT_EQ(readyBackends(s, ports[0], {p}), (std::vector<Backend>{{"a", "127.10.0.7", 6380}}));
  EXPECT_TRUE(readyBackends(s, ports[1], {p}).empty());
}

} // namespace
} // namespace rdr::sandbox::proxy
