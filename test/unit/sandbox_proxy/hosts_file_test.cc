// Hosts file rendering (forms, sorting, pods of headless Services) and in-place writes.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sandbox/nodeagent/proxy/hosts_file.h"

namespace rdr::sandbox::proxy {
namespace {

using nlohmann::json;

json service(const std::string &ns, const std::string &name, const std::string &ip,
             const std::string &type = "ClusterIP") {
  return {{"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec", {{"clusterIP", ip}, {"type", type}}},
          {"status", {{"loadBalancer", {{"ingress", json::array({{{"ip", "127.10.192.1"}}})}}}}}};
}

json pod(const std::string &ns, const std::string &hostname, const std::string &subdomain,
         const std::string &ip) {
  json p = {{"metadata", {{"namespace", ns}, {"name", hostname}}},
            {"spec", json::object()},
            {"status", {{"podIP", ip}}}};
  if (!hostname.empty()) {
    p["spec"]["hostname"] = hostname;
  }
  if (!subdomain.empty()) {
    p["spec"]["subdomain"] = subdomain;
  }
  return p;
}

TEST(ProxyHostsFileTest, RendersServicesThenPodsSorted) {
  const std::vector<json> services = {
      service("b", "cache", "127.10.128.4"),
      service("a", "lb", "127.10.128.3", "LoadBalancer"),
      service("a", "headless", "None"),
  };
  const std::vector<json> pods = {
      pod("a", "cache-1", "cache-headless", "127.10.0.8"),
      pod("a", "cache-0", "cache-headless", "127.10.0.7"),
      pod("a", "lonely", "", "127.10.0.9"),          // no subdomain: no name
      pod("a", "", "cache-headless", "127.10.0.10"), // no hostname: no name
      pod("a", "starting", "cache-headless", ""),    // no IP yet
  };
  const std::string text = renderHosts("127.0.0.1 localhost", "cluster.local", services, pods);
  EXPECT_EQ(text, std::string("127.0.0.1 localhost\n") + kHostsMarker + "\n" +
                      "127.10.128.3 lb.a.svc.cluster.local lb.a.svc lb.a\n"
                      "127.10.128.4 cache.b.svc.cluster.local cache.b.svc cache.b\n"
                      "127.10.0.7 cache-0.cache-headless.a.svc.cluster.local\n"
                      "127.10.0.8 cache-1.cache-headless.a.svc.cluster.local\n");
  // The same input in another order renders the same text.
  const std::vector<json> reversed_services(services.rbegin(), services.rend());
  const std::vector<json> reversed_pods(pods.rbegin(), pods.rend());
  EXPECT_EQ(renderHosts("127.0.0.1 localhost", "cluster.local", reversed_services, reversed_pods),
            text);
}

TEST(ProxyHostsFileTest, UsesTheClusterDomainAndKeepsTheBase) {
  const std::string text =
      renderHosts("127.0.0.1 localhost\n::1 localhost\n", "example.org",
                  {service("x", "s", "127.10.128.9")}, {pod("x", "h", "d", "127.10.0.1")});
  EXPECT_EQ(text, std::string("127.0.0.1 localhost\n::1 localhost\n") + kHostsMarker + "\n" +
                      "127.10.128.9 s.x.svc.example.org s.x.svc s.x\n"
                      "127.10.0.1 h.d.x.svc.example.org\n");
}

TEST(ProxyHostsFileTest, WritesInPlaceKeepingTheInode) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("rdr-hosts-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "hosts";
  { std::ofstream(path) << "a much longer original content than what comes next\n"; }
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(writeInPlace(path, "short\n"));
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(readWhole(path).value_or(""), "short\n");
  EXPECT_FALSE(writeInPlace(dir / "missing-dir" / "hosts", "x"));
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace rdr::sandbox::proxy
