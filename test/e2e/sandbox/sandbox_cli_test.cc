// The testable pieces of redis-dr-sandbox: certificates, token, kubeconfig, bearer authentication.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "bearer_auth.h"
#include "certificates.h"
#include "kubeconfig.h"
#include "rdr/common/base64.h"
#include "rdr/common/yaml.h"
#include "state_files.h"

namespace rdr::sandbox {
namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using CertPtr = std::unique_ptr<X509, X509Free>;

CertPtr parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  CertPtr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// Verifies `leaf` against `ca` as a TLS client would (chain, validity, purpose, IP SAN).
int verify(const std::string& ca_pem, const std::string& leaf_pem, const std::string& ip) {
  CertPtr ca = parse(ca_pem);
  CertPtr leaf = parse(leaf_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.get());
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, leaf.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context);
  X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  const int ok = X509_verify_cert(context);
  const int error = X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return ok == 1 ? X509_V_OK : error;
}

class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "rdr-sandbox-cli-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

TEST(SandboxCertificatesTest, ServerCertificateVerifiesAgainstTheCaForItsAddress) {
  const auto certs = generateCertificates("east", "127.0.12.1");
  ASSERT_TRUE(certs.has_value()) << certs.error().toString();
  EXPECT_EQ(verify(certs->ca_pem, certs->server_cert_pem, "127.0.12.1"), X509_V_OK);
  EXPECT_EQ(verify(certs->ca_pem, certs->server_cert_pem, "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(verify(certs->ca_pem, certs->server_cert_pem, "127.0.13.1"),
            X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_TRUE(certificateCovers(certs->server_cert_pem, "127.0.12.1"));
  EXPECT_FALSE(certificateCovers(certs->server_cert_pem, "127.0.13.1"));
  EXPECT_FALSE(certificateCovers("garbage", "127.0.12.1"));
}

TEST(SandboxCertificatesTest, ReusesFilesThatCoverTheAddressAndRegeneratesOtherwise) {
  TempDir dir;
  const auto first = loadOrCreateCertificates(dir.path(), "east", "127.0.12.1");
  ASSERT_TRUE(first.has_value()) << first.error().toString();
  EXPECT_EQ(fs::status(dir.path() / "server.key").permissions() & fs::perms::group_read,
            fs::perms::none);
  const auto again = loadOrCreateCertificates(dir.path(), "east", "127.0.12.1");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->server_cert_pem, first->server_cert_pem);
  const auto moved = loadOrCreateCertificates(dir.path(), "east", "127.0.14.1");
  ASSERT_TRUE(moved.has_value());
  EXPECT_NE(moved->ca_pem, first->ca_pem);
  EXPECT_TRUE(certificateCovers(moved->server_cert_pem, "127.0.14.1"));
}

TEST(SandboxTokenTest, CreatesAPrivateTokenOnceAndReadsItBack) {
  TempDir dir;
  const auto token = loadOrCreateToken(dir.path());
  ASSERT_TRUE(token.has_value()) << token.error().toString();
  EXPECT_EQ(token->size(), 64u);
  EXPECT_EQ(fs::status(dir.path() / "token").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(loadOrCreateToken(dir.path()).value(), *token);
  TempDir other;
  EXPECT_NE(loadOrCreateToken(other.path()).value(), *token);
}

TEST(SandboxKubeconfigTest, HasOneClusterUserAndCurrentContext) {
  const std::string text =
      renderKubeconfig({"east", "https://127.0.12.1:16445", "CA PEM\n", "secret", "default"});
  const auto config = parseYamlDocument(text);
  ASSERT_TRUE(config.has_value()) << config.error().toString() << "\n" << text;
  EXPECT_EQ((*config)["kind"], "Config");
  EXPECT_EQ((*config)["current-context"], "east");
  const auto& cluster = (*config)["clusters"][0];
  EXPECT_EQ(cluster["name"], "east");
  EXPECT_EQ(cluster["cluster"]["server"], "https://127.0.12.1:16445");
  EXPECT_EQ(
      base64Decode(cluster["cluster"]["certificate-authority-data"].get<std::string>()).value(),
      "CA PEM\n");
  EXPECT_EQ((*config)["users"][0]["user"]["token"], "secret");
  const auto& context = (*config)["contexts"][0];
  EXPECT_EQ(context["name"], "east");
  EXPECT_EQ(context["context"]["cluster"], "east");
  EXPECT_EQ(context["context"]["user"], (*config)["users"][0]["name"]);
  EXPECT_EQ(context["context"]["namespace"], "default");
}

http::Request request(const std::string& method, const std::string& path,
                      const std::string& authorization = "") {
  http::Request out;
  out.method = method;
  out.path = path;
  if (!authorization.empty()) {
    out.headers["authorization"] = authorization;
  }
  return out;
}

TEST(SandboxBearerAuthTest, RequiresTheTokenExceptForPublicInformation) {
  const auto handler = requireBearerToken(
      "tok", [](const http::Request&) { return http::Response::text(200, "inner"); });
  EXPECT_EQ(handler(request("GET", "/api/v1/pods", "Bearer tok")).status, 200);
  EXPECT_EQ(handler(request("GET", "/version")).status, 200);
  EXPECT_EQ(handler(request("GET", "/healthz/ping")).status, 200);
  EXPECT_EQ(handler(request("GET", "/readyz")).status, 200);
  const auto denied = handler(request("GET", "/api/v1/pods"));
  EXPECT_EQ(denied.status, 401);
  EXPECT_NE(denied.body.find(R"("reason":"Unauthorized")"), std::string::npos);
  EXPECT_EQ(handler(request("GET", "/api/v1/pods", "Bearer wrong")).status, 401);
  EXPECT_EQ(handler(request("GET", "/api/v1/pods", "Bearer tok2")).status, 401);
  EXPECT_EQ(handler(request("GET", "/api/v1/pods", "Basic tok")).status, 401);
  EXPECT_EQ(handler(request("POST", "/version")).status, 401);
  EXPECT_EQ(handler(request("GET", "/versions")).status, 401);
}

} // namespace
} // namespace rdr::sandbox
