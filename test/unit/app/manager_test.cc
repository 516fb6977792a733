// The manager's wiring without an API server: addresses, metrics, readiness, connection choice.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "app/connect.h"
#include "app/election.h"
#include "app/manager.h"

namespace rdr::app {
namespace {

namespace fs = std::filesystem;

TEST(ManagerTest, ServerOptionsFromBindAddresses) {
  EXPECT_EQ(serverOptions({"", 8080}).address, "0.0.0.0");
  EXPECT_EQ(serverOptions({"", 8080}).port, 8080);
  EXPECT_EQ(serverOptions({"localhost", 1}).address, "127.0.0.1");
  EXPECT_EQ(serverOptions({"::1", 2}).address, "::1");
  EXPECT_EQ(serverOptions({"10.0.0.1", 3}).address, "10.0.0.1");
}

http::Request probe(const std::string& path) {
  http::Request request;
  request.method = "GET";
  request.path = path;
  request.query = {{"verbose", ""}};
  return request;
}

// A scratch directory per test, removed afterwards.
class ConnectTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("rdr_connect_" + std::string(test->name()) + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string writeKubeconfig(const fs::path& path, const std::string& server) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                           "clusters: [{name: k, cluster: {server: \""
                        << server
                        << "\", insecure-skip-tls-verify: true}}]\n"
                           "users: [{name: u, user: {token: t}}]\n"
                           "contexts: [{name: c, context: {cluster: k, user: u}}]\n";
    return path.string();
  }

  // No $HOME config and no in-cluster variables: nothing to connect to.
  ConnectEnvironment nothing() const {
    ConnectEnvironment environment;
    environment.home = (dir_ / "home").string();
    environment.in_cluster.token_path = (dir_ / "no-token").string();
    environment.in_cluster.ca_path = (dir_ / "no-ca").string();
    environment.in_cluster.namespace_path = (dir_ / "no-namespace").string();
    return environment;
  }

  fs::path dir_;
};

TEST_F(ConnectTest, StartsNotReadyAndConnectNamesEverythingItTried) {
  Options options;
  options.metricsAddress.reset();
  options.healthProbeAddress.reset();
  Manager manager(options, "1.2.3", nothing());
  ASSERT_TRUE(manager.start());
  EXPECT_NE(manager.registry().render().find("redis_dr_build_info{version=\"1.2.3\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(manager.endpoints().handleProbes(probe("/healthz")).body,
            "[+]ping ok\nhealthz check passed\n");
  const http::Response ready = manager.endpoints().handleProbes(probe("/readyz"));
  EXPECT_EQ(ready.status, 500);
  EXPECT_NE(ready.body.find(
                "[-]kubernetes-api failed: not connected to the Kubernetes API server yet"),
            std::string::npos)
      << ready.body;

  const Status connected = manager.connect();
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().code(), ErrorCode::Invalid);
  const std::string& message = connected.error().message();
  EXPECT_EQ(message.rfind("no Kubernetes API server to connect to: --kubeconfig and $KUBECONFIG "
                          "are unset, " +
                              (dir_ / "home").string() + "/.kube/config does not exist, and the "
                                                         "in-cluster config is unavailable (",
                          0),
            0u)
      << message;
  EXPECT_FALSE(manager.connected());
  // run() connects first and returns the same error without waiting for a signal.
  bool waited = false;
  const Status ran = manager.run([&waited] {
    waited = true;
    return 0;
  });
  EXPECT_FALSE(ran);
  EXPECT_FALSE(waited);
  manager.stop();
}

TEST_F(ConnectTest, KubeconfigListSkipsMissingFilesAndHomeConfigIsTheFallback) {
  const std::string second = writeKubeconfig(dir_ / "second.yaml", "https://127.0.0.1:7001");
  const std::string list = (dir_ / "missing.yaml").string() + ":" + second;
  auto from_list = resolveConnection(list, nothing());
  ASSERT_TRUE(from_list) << from_list.error().toString();
  EXPECT_EQ(from_list->server, "https://127.0.0.1:7001");

  ConnectEnvironment with_home = nothing();
  writeKubeconfig(fs::path(with_home.home) / ".kube" / "config", "https://127.0.0.1:7002");
  auto from_home = resolveConnection("", with_home);
  ASSERT_TRUE(from_home) << from_home.error().toString();
  EXPECT_EQ(from_home->server, "https://127.0.0.1:7002");
  // An explicit kubeconfig wins over the home one.
  auto explicit_one = resolveConnection(second, with_home);
  ASSERT_TRUE(explicit_one);
  EXPECT_EQ(explicit_one->server, "https://127.0.0.1:7001");
}

TEST_F(ConnectTest, AMissingKubeconfigIsAnErrorNamingIt) {
  const std::string missing = (dir_ / "missing.yaml").string();
  auto loaded = resolveConnection(missing, nothing());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message().rfind("cannot load the kubeconfig \"" + missing + "\"", 0),
            0u)
      << loaded.error().message();
}

TEST(ServerVersionTest, DescribesGitVersionElseMajorMinor) {
  EXPECT_EQ(describeServerVersion({{"gitVersion", "v1.32.0"}, {"major", "1"}}), "v1.32.0");
  EXPECT_EQ(describeServerVersion({{"major", "1"}, {"minor", "31"}}), "1.31");
  EXPECT_EQ(describeServerVersion(nlohmann::json::array()), "unknown");
}

TEST(ElectionTest, IdentityIsTheBaseWithRandomHexAndDiffersPerProcess) {
  const std::string a = leaderElectionIdentity("pod-0");
  const std::string b = leaderElectionIdentity("pod-0");
  EXPECT_TRUE(std::regex_match(a, std::regex("pod-0_[0-9a-f]{16}"))) << a;
  EXPECT_NE(a, b);
  EXPECT_FALSE(leaderElectionIdentity().empty());
}

TEST(ElectionTest, ConfigTakesTheLeaseAndDurationsFromTheFlags) {
  LeaderElectionOptions options;
  options.enabled = true;
  options.leaseNamespace = "kube-system";
  options.leaseName = "lease";
  options.leaseDuration = std::chrono::seconds(2);
  options.renewDeadline = std::chrono::milliseconds(1500);
  options.retryPeriod = std::chrono::milliseconds(500);
  const runtime::LeaderElectionConfig config = leaderElectionConfig(options, "me_1");
  EXPECT_EQ(config.lease_namespace, "kube-system");
  EXPECT_EQ(config.lease_name, "lease");
  EXPECT_EQ(config.identity, "me_1");
  EXPECT_EQ(config.lease_duration, std::chrono::milliseconds(2000));
  EXPECT_EQ(config.renew_deadline, std::chrono::milliseconds(1500));
  EXPECT_EQ(config.retry_period, std::chrono::milliseconds(500));
  EXPECT_TRUE(config.release_on_cancel);
  EXPECT_TRUE(runtime::validateLeaderElectionConfig(config));
}

} // namespace
} // namespace rdr::app
