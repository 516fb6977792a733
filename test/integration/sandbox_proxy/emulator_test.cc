// The service proxy against the real API server emulator through a RestClient: the emulator's
// ClusterIPs, the services status subresource for LoadBalancer ingress, the pods' status.
#include "integration/client_emulator/emulator_fixture.h"
#include "proxy_fixture.h"
#include "rdr/kube/resource.h"

namespace rdr::sandbox::proxy_test {
namespace {

class ProxyOnEmulatorTest : public client_emulator::ClientEmulatorTest {
protected:
  void SetUp() override {
    server_options_.service_cidr = "127.250.30.0/24"; // ClusterIPs from 127.250.30.11
    ClientEmulatorTest::SetUp();
  }
  void TearDown() override {
    if (proxy_) {
      proxy_->stop();
    }
    ClientEmulatorTest::TearDown();
  }
  std::unique_ptr<ServiceProxy> proxy_;
};

TEST_F(ProxyOnEmulatorTest, ForwardsALoadBalancerWhoseIngressIsInStatus) {
  EchoServer a("a", "127.250.31.11", 7000);
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"namespace", "default"}, {"name", "cache-0"}, {"labels", {{"app", "cache"}}}}},
      {"spec", {{"containers", json::array({{{"name", "redis"}, {"image", "redis"}}})}}}};
  auto created = client_->create(kube::resources::pods(), pod);
  ASSERT_TRUE(created) << created.error().toString();
  (*created)["status"] = {{"podIP", "127.250.31.11"},
                          {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}};
  ASSERT_TRUE(client_->updateStatus(kube::resources::pods(), *created));
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"namespace", "default"}, {"name", "cache-lb"}}},
                  {"spec",
                   {{"type", "LoadBalancer"},
                    {"selector", {{"app", "cache"}}},
                    {"ports", json::array({{{"port", 6379}, {"targetPort", 7000}}})}}}};
  auto svc = client_->create(kube::resources::services(), service);
  ASSERT_TRUE(svc) << svc.error().toString();
  const std::string cluster_ip = (*svc)["spec"].value("clusterIP", "");
  ASSERT_EQ(cluster_ip.rfind("127.250.30.", 0), 0u) << cluster_ip;

  ServiceProxyOptions options;
  options.load_balancer_cidr = "127.250.31.192/26";
  auto proxy = startServiceProxy(*client_, options);
  ASSERT_TRUE(proxy) << proxy.error().toString();
  proxy_ = std::move(proxy).value();

  std::string lb;
  ASSERT_TRUE(waitUntil([&] {
    auto current = client_->get(kube::resources::services(), {"default", "cache-lb"});
    if (!current || !(*current).contains("status")) {
      return false;
    }
    const json ingress =
        (*current)["status"].value("loadBalancer", json::object()).value("ingress", json::array());
    lb = ingress.empty() ? "" : ingress[0].value("ip", "");
    return !lb.empty();
  }));
  EXPECT_EQ(lb, "127.250.31.193");
  ASSERT_TRUE(waitUntil([&] { return roundTrip(lb, 6379) == "a:ping"; }));
  EXPECT_EQ(roundTrip(cluster_ip, 6379), "a:ping");
}

} // namespace
} // namespace rdr::sandbox::proxy_test
