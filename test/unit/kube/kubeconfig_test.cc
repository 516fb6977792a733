// kubeconfig loading: data and file fields, relative paths, contexts, $KUBECONFIG lists, refusals.
#include <cstdlib>

#include <gtest/gtest.h>

#include "rdr/common/base64.h"
#include "rdr/kube/config.h"
#include "unit/kube/temp_dir.h"

namespace rdr::kube {
namespace {

using testing::TempDir;

const std::string kCa = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
const std::string kCert = "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n";
const std::string kKey = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

std::string kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& extra = "", const std::string& current = "dev") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: " + current +
         "\nclusters:\n- name: c1\n  cluster:\n" + cluster + "users:\n- name: u1\n  user:\n" +
         user +
         "contexts:\n- name: dev\n  context: {cluster: c1, user: u1, namespace: redis}\n"
         "- name: other\n  context: {cluster: c1, user: u1}\n" +
         extra;
}

TEST(KubeconfigTest, ReadsDataFieldsAndTheContextNamespace) {
  TempDir dir;
  const std::string path = dir.write(
      "config", kubeconfig("    server: https://10.0.0.1:6443/\n    certificate-authority-data: " +
                               base64Encode(kCa) + "\n",
                           "    token: abc\n    client-certificate-data: " + base64Encode(kCert) +
                               "\n    client-key-data: " + base64Encode(kKey) + "\n"));
  const auto config = loadKubeconfig(path);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->server, "https://10.0.0.1:6443");
  EXPECT_EQ(config->ca_pem, kCa);
  EXPECT_EQ(config->client_certificate_pem, kCert);
  EXPECT_EQ(config->client_key_pem, kKey);
  EXPECT_EQ(config->token, "abc");
  EXPECT_EQ(config->token_file, "");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->namespace_, "redis");
  EXPECT_EQ(config->description, "kubeconfig " + path + ", context dev");
}

TEST(KubeconfigTest, ResolvesRelativeFilePathsAgainstTheKubeconfigDirectory) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", kCa);
  const std::string cert = dir.write("elsewhere/client.crt", kCert);
  dir.write("kube/client.key", kKey);
  const std::string path =
      dir.write("kube/config",
                kubeconfig("    server: https://h:6443\n    certificate-authority: pki/ca.crt\n",
                           "    client-certificate: " + cert +
                               "\n    client-key: client.key\n    tokenFile: tokens/t\n"));
  const auto config = loadKubeconfig(path);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
  EXPECT_EQ(config->client_certificate_pem, kCert);
  EXPECT_EQ(config->client_key_pem, kKey);
  EXPECT_EQ(config->token_file, dir.path() + "/kube/tokens/t");
}

TEST(KubeconfigTest, DataWinsOverFile) {
  TempDir dir;
  const std::string path = dir.write(
      "config", kubeconfig("    server: https://h\n    certificate-authority: missing.crt\n"
                           "    certificate-authority-data: " +
                               base64Encode(kCa) + "\n",
                           "    token: t\n"));
  const auto config = loadKubeconfig(path);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
}

TEST(KubeconfigTest, ContextOverrideWinsOverCurrentContext) {
  TempDir dir;
  const std::string path =
      dir.write("config", kubeconfig("    server: https://h\n", "    token: t\n"));
  const auto config = loadKubeconfig(path, "other");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->namespace_, "default");
  EXPECT_EQ(config->description, "kubeconfig " + path + ", context other");
}

TEST(KubeconfigTest, ListsMergeWithTheFirstDefinitionWinning) {
  TempDir dir;
  const std::string first = dir.write("a/config", "clusters:\n- name: c1\n  cluster:\n"
                                                  "    server: https://first\n");
  dir.write("b/token", "x");
  const std::string second =
      dir.write("b/config", kubeconfig("    server: https://second\n", "    tokenFile: token\n"));
  const auto config = loadKubeconfigFiles({dir.path() + "/absent", first, second});
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->server, "https://first");
  EXPECT_EQ(config->token_file, dir.path() + "/b/token");
  EXPECT_EQ(config->namespace_, "redis");
}

TEST(KubeconfigTest, FirstNonEmptyCurrentContextWins) {
  TempDir dir;
  const std::string first = dir.write("a", "current-context: other\n");
  const std::string second =
      dir.write("b", kubeconfig("    server: https://h\n", "    token: t\n"));
  const auto config = loadKubeconfigFiles({first, second});
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->namespace_, "default"); // "other" has no namespace, "dev" would be "redis"
}

TEST(KubeconfigTest, KubeconfigEnvironmentIsAColonSeparatedList) {
  EXPECT_EQ(kubeconfigPaths("/a:/b::/c", "/home/u"), (std::vector<std::string>{"/a", "/b", "/c"}));
  EXPECT_EQ(kubeconfigPaths("", "/home/u"), (std::vector<std::string>{"/home/u/.kube/config"}));
}

TEST(KubeconfigTest, UsesKubeconfigEnvironmentWhenNoPathIsGiven) {
  TempDir dir;
  const std::string path =
      dir.write("config", kubeconfig("    server: https://env\n", "    token: t\n"));
  ::setenv("KUBECONFIG", (dir.path() + "/missing:" + path).c_str(), 1);
  const auto config = loadKubeconfig();
  ::unsetenv("KUBECONFIG");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->server, "https://env");
}

TEST(KubeconfigTest, AllFilesMissingIsAnError) {
  const auto config = loadKubeconfig("/nonexistent/config");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), ErrorCode::Invalid);
  EXPECT_EQ(config.error().message(),
            "kubeconfig /nonexistent/config: cannot read /nonexistent/config: No such file or "
            "directory");
}

struct BrokenCase {
  std::string name;
  std::string text;
  std::string context;
  ErrorCode code;
  std::string message; // after "kubeconfig <path>: "
  bool prefix = false; // the message continues with a library's own words
};

class KubeconfigErrorTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(KubeconfigErrorTest, NamesTheFileAndTheField) {
  TempDir dir;
  const std::string path = dir.write("config", GetParam().text);
  const auto config = loadKubeconfig(path, GetParam().context);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), GetParam().code);
  const std::string expected = "kubeconfig " + path + ": " + GetParam().message;
  if (GetParam().prefix) {
    EXPECT_EQ(config.error().message().substr(0, expected.size()), expected);
  } else {
    EXPECT_EQ(config.error().message(), expected);
  }
}

const std::string kServer = "    server: https://h\n";

INSTANTIATE_TEST_SUITE_P(
    Table, KubeconfigErrorTest,
    ::testing::Values(
        BrokenCase{"MissingContext", kubeconfig(kServer, "    token: t\n"), "nope",
                   ErrorCode::Invalid, "context \"nope\" not found"},
        BrokenCase{"NoCurrentContext", kubeconfig(kServer, "    token: t\n", "", "\"\""), "",
                   ErrorCode::Invalid, "current-context is not set and no context was given"},
        BrokenCase{
            "MissingCluster",
            kubeconfig(kServer, "    token: t\n", "- name: lost\n  context: {cluster: gone}\n"),
            "lost", ErrorCode::Invalid, "context \"lost\": cluster \"gone\" not found"},
        BrokenCase{"MissingUser",
                   kubeconfig(kServer, "    token: t\n",
                              "- name: lost\n  context: {cluster: c1, user: nobody}\n"),
                   "lost", ErrorCode::Invalid, "context \"lost\": user \"nobody\" not found"},
        BrokenCase{"NoServer", kubeconfig("    insecure-skip-tls-verify: true\n", "    token: t\n"),
                   "", ErrorCode::Invalid, "cluster \"c1\": server is not set"},
        BrokenCase{"ExecPlugin",
                   kubeconfig(kServer, "    exec:\n      apiVersion: "
                                       "client.authentication.k8s.io/v1\n      command: aws\n"),
                   "", ErrorCode::Unsupported,
                   "user \"u1\": uses an exec credential plugin (command \"aws\"), which this "
                   "operator does not run; use a token, tokenFile or client certificate"},
        BrokenCase{"AuthProvider", kubeconfig(kServer, "    auth-provider:\n      name: gcp\n"), "",
                   ErrorCode::Unsupported,
                   "user \"u1\": uses the auth-provider \"gcp\", which this operator does not "
                   "support"},
        BrokenCase{"BasicAuth", kubeconfig(kServer, "    username: admin\n"), "",
                   ErrorCode::Unsupported, "user \"u1\": username is not supported by this client"},
        BrokenCase{"InsecureWithCa",
                   kubeconfig(kServer +
                                  "    insecure-skip-tls-verify: true\n"
                                  "    certificate-authority-data: " +
                                  base64Encode(kCa) + "\n",
                              "    token: t\n"),
                   "", ErrorCode::Invalid,
                   "cluster \"c1\": insecure-skip-tls-verify cannot be combined with a "
                   "certificate authority (specifying a root certificates file with the insecure "
                   "flag is not allowed)"},
        BrokenCase{
            "BadBase64",
            kubeconfig(kServer + "    certificate-authority-data: '@@@@'\n", "    token: t\n"), "",
            ErrorCode::Invalid,
            "cluster \"c1\": certificate-authority-data is not valid base64: ", true},
        BrokenCase{
            "CertWithoutKey",
            kubeconfig(kServer, "    client-certificate-data: " + base64Encode(kCert) + "\n"), "",
            ErrorCode::Invalid,
            "user \"u1\": client-certificate and client-key must be given together"},
        BrokenCase{"NotAUrl", kubeconfig("    server: h:6443\n", "    token: t\n"), "",
                   ErrorCode::Invalid,
                   "cluster \"c1\": server h:6443 is not an http:// or https:// URL"},
        BrokenCase{"TlsServerName",
                   kubeconfig(kServer + "    tls-server-name: api\n", "    token: t\n"), "",
                   ErrorCode::Unsupported,
                   "cluster \"c1\": tls-server-name is not supported by this client"}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) { return info.param.name; });

TEST(KubeconfigTest, InsecureWithoutCaIsAccepted) {
  TempDir dir;
  const std::string path = dir.write(
      "config", kubeconfig(kServer + "    insecure-skip-tls-verify: true\n", "    token: t\n"));
  const auto config = loadKubeconfig(path);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_TRUE(config->insecure_skip_tls_verify);
}

TEST(KubeconfigTest, ReportsAMissingReferencedFileWithItsResolvedPath) {
  TempDir dir;
  const std::string path = dir.write(
      "config", kubeconfig(kServer + "    certificate-authority: ca.crt\n", "    token: t\n"));
  const auto config = loadKubeconfig(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message(), "kubeconfig " + path +
                                          ": cluster \"c1\": certificate-authority: cannot read " +
                                          dir.path() + "/ca.crt: No such file or directory");
}

} // namespace
} // namespace rdr::kube
