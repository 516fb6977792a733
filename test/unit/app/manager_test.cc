// The manager's wiring without sockets: addresses, metrics registration, the refusal to run.
#include <gtest/gtest.h>

#include "app/manager.h"

namespace rdr::app {
namespace {

TEST(ManagerTest, ServerOptionsFromBindAddresses) {
  EXPECT_EQ(serverOptions({"", 8080}).address, "0.0.0.0");
  EXPECT_EQ(serverOptions({"", 8080}).port, 8080);
  EXPECT_EQ(serverOptions({"localhost", 1}).address, "127.0.0.1");
  EXPECT_EQ(serverOptions({"::1", 2}).address, "::1");
  EXPECT_EQ(serverOptions({"10.0.0.1", 3}).address, "10.0.0.1");
}

TEST(ManagerTest, StartsWithEndpointsDisabledAndRefusesToRun) {
  Options options;
  options.metricsAddress.reset();
  options.healthProbeAddress.reset();
  Manager manager(options, "1.2.3");
  ASSERT_TRUE(manager.start());
  EXPECT_NE(manager.registry().render().find("redis_dr_build_info{version=\"1.2.3\"} 1\n"),
            std::string::npos);
  http::Request request;
  request.method = "GET";
  request.path = "/healthz";
  request.query = {{"verbose", ""}};
  EXPECT_EQ(manager.endpoints().handleProbes(request).body, "[+]ping ok\nhealthz check passed\n");
  const Status ran = manager.run();
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().code(), ErrorCode::Unsupported);
  EXPECT_EQ(ran.error().message().rfind("the controller manager cannot run yet", 0), 0u);
  manager.stop();
}

} // namespace
} // namespace rdr::app
