// The metrics and probe endpoints over real loopback sockets (rdr_http), fetched with a raw client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "rdr/observability/operator_metrics.h"
#include "rdr/observability/serve.h"

namespace rdr::observability {
namespace {

struct Fetched {
  int status = 0;
  std::string headers; // the header block, lower-cased
  std::string body;
};

// One GET with "Connection: close", read to EOF; enough for fixed-length test responses.
Fetched fetch(std::uint16_t port, const std::string& target) {
  Fetched result;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    ADD_FAILURE() << "socket() failed";
    return result;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot connect to port " << port;
    return result;
  }
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ADD_FAILURE() << "short send";
  }
  std::string raw;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto headerEnd = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || headerEnd == std::string::npos) {
    ADD_FAILURE() << "not an HTTP response: " << raw;
    return result;
  }
  result.status = std::stoi(raw.substr(9, 3));
  result.headers = raw.substr(0, headerEnd);
  for (char& c : result.headers) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  result.body = raw.substr(headerEnd + 4);
  return result;
}

http::ServerOptions loopback() {
  http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  return options;
}

TEST(EndpointsServerTest, ServesMetricsAndProbesOnSeparateAddresses) {
  Registry registry;
  auto metrics = OperatorMetrics::create(registry, "0.1.0").value();
  metrics.setMasterLinkUp("default", "redis-west", true);
  Endpoints endpoints(registry);
  std::atomic<bool> synced{false};
  ASSERT_TRUE(endpoints.addReadyzCheck("informers", [&] {
    return synced ? okStatus() : Status(Error(ErrorCode::Transient, "caches not synced"));
  }));

  auto servers = serve(endpoints, loopback(), loopback());
  ASSERT_TRUE(servers.has_value()) << servers.error().toString();
  ASSERT_TRUE(servers->metrics && servers->probes);
  const std::uint16_t metricsPort = servers->metrics->port();
  const std::uint16_t probePort = servers->probes->port();
  ASSERT_NE(metricsPort, probePort);

  const Fetched scraped = fetch(metricsPort, "/metrics");
  EXPECT_EQ(scraped.status, 200);
  EXPECT_NE(scraped.headers.find("content-type: text/plain; version=0.0.4; charset=utf-8"),
            std::string::npos)
      << scraped.headers;
  EXPECT_NE(
      scraped.body.find("redis_master_link_up{cluster=\"redis-west\",namespace=\"default\"} 1\n"),
      std::string::npos)
      << scraped.body;
  EXPECT_NE(scraped.body.find("redis_dr_build_info{version=\"0.1.0\"} 1\n"), std::string::npos);
  EXPECT_EQ(fetch(metricsPort, "/healthz").status, 404);

  EXPECT_EQ(fetch(probePort, "/healthz").body, "ok");
  const Fetched notReady = fetch(probePort, "/readyz");
  EXPECT_EQ(notReady.status, 500);
  EXPECT_EQ(notReady.body, "[-]informers failed: caches not synced\nreadyz check failed\n");
  synced = true;
  const Fetched ready = fetch(probePort, "/readyz?verbose");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "[+]informers ok\nreadyz check passed\n");
  EXPECT_EQ(fetch(probePort, "/metrics").status, 404);
  servers->stop();
}

TEST(EndpointsServerTest, DisabledAddressesStartNothing) {
  Registry registry;
  Endpoints endpoints(registry);
  auto servers = serve(endpoints, std::nullopt, loopback());
  ASSERT_TRUE(servers.has_value()) << servers.error().toString();
  EXPECT_EQ(servers->metrics, nullptr);
  ASSERT_NE(servers->probes, nullptr);
  EXPECT_EQ(fetch(servers->probes->port(), "/livez").body, "ok");
}

TEST(EndpointsServerTest, OneAddressForBothServesBoth) {
  Registry registry;
  Endpoints endpoints(registry);
  // Find a free port by binding an ephemeral one first, then reuse it for both.
  http::ServerOptions fixed = loopback();
  {
    auto scout = serve(endpoints, loopback(), std::nullopt);
    ASSERT_TRUE(scout.has_value());
    fixed.port = scout->metrics->port();
  } // stopped and closed here

  auto servers = serve(endpoints, fixed, fixed);
  ASSERT_TRUE(servers.has_value()) << servers.error().toString();
  EXPECT_EQ(servers->probes, nullptr);
  EXPECT_EQ(fetch(fixed.port, "/metrics").status, 200);
  EXPECT_EQ(fetch(fixed.port, "/readyz").body, "ok");
}

TEST(EndpointsServerTest, AnAddressInUseIsAnError) {
  Registry registry;
  Endpoints endpoints(registry);
  auto first = serve(endpoints, loopback(), std::nullopt);
  ASSERT_TRUE(first.has_value());
  http::ServerOptions taken = loopback();
  taken.port = first->metrics->port();
  const auto second = serve(endpoints, std::nullopt, taken);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().message().rfind("while starting the health probe server: ", 0), 0u)
      << second.error().message();
}

} // namespace
} // namespace rdr::observability
