// In-cluster config from a fake service account directory.
#include <gtest/gtest.h>

#include "rdr/kube/config.h"
#include "unit/kube/temp_dir.h"

namespace rdr::kube {
namespace {

using testing::TempDir;

class InClusterConfigTest : public ::testing::Test {
protected:
  InClusterConfigTest() {
    environment_.service_host = "10.96.0.1";
    environment_.service_port = "443";
    environment_.token_path = dir_.write("sa/token", "token-1\n");
    environment_.ca_path = dir_.write("sa/ca.crt", "CA PEM");
    environment_.namespace_path = dir_.write("sa/namespace", "redis-system\n");
  }

  TempDir dir_;
  InClusterEnvironment environment_;
};

TEST_F(InClusterConfigTest, ReadsTheServiceAccount) {
  const auto config = inClusterConfig(environment_);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->token_file, environment_.token_path);
  EXPECT_EQ(config->namespace_, "redis-system");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
}

TEST_F(InClusterConfigTest, PodNamespaceVariableWinsOverTheFile) {
  environment_.pod_namespace = "from-env";
  const auto config = inClusterConfig(environment_);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->namespace_, "from-env");
}

TEST_F(InClusterConfigTest, NamespaceDefaultsWithoutFile) {
  environment_.namespace_path = dir_.path() + "/missing";
  const auto config = inClusterConfig(environment_);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->namespace_, "default");
}

TEST_F(InClusterConfigTest, BracketsAnIpv6Host) {
  environment_.service_host = "fd00::1";
  environment_.service_port = "6443";
  const auto config = inClusterConfig(environment_);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->server, "https://[fd00::1]:6443");
}

TEST_F(InClusterConfigTest, RequiresTheServiceVariables) {
  environment_.service_port = "";
  const auto config = inClusterConfig(environment_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), ErrorCode::Invalid);
  EXPECT_NE(config.error().message().find("KUBERNETES_SERVICE_HOST"), std::string::npos);
}

TEST_F(InClusterConfigTest, NamesAnUnreadableToken) {
  environment_.token_path = dir_.path() + "/no-token";
  const auto config = inClusterConfig(environment_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message(), "in-cluster config: the service account token: cannot read " +
                                          dir_.path() + "/no-token: No such file or directory");
}

TEST_F(InClusterConfigTest, NamesAnUnreadableCa) {
  environment_.ca_path = dir_.path() + "/no-ca";
  const auto config = inClusterConfig(environment_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message(), "in-cluster config: the service account CA: cannot read " +
                                          dir_.path() + "/no-ca: No such file or directory");
}

} // namespace
} // namespace rdr::kube
