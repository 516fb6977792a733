// RestClient over TLS: a CA from memory, bearer tokens, client certificates, 401 and token
// rotation.
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include "fakes/manual_clock.h"
#include "integration/kube/test_api_server.h"
#include "rdr/kube/rest_client.h"
#include "unit/kube/temp_dir.h"

namespace rdr::kube {
namespace {

using testing::RecordedRequest;
using testing::ScriptedResponse;
using testing::TempDir;
using testing::TestApiServer;

const std::string kUnauthorized =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A self-signed EC certificate for 127.0.0.1 (its own CA), made with the openssl CLI.
struct Certificate {
  std::string certificate_pem;
  std::string key_pem;
};

std::optional<Certificate> makeCertificate(const TempDir& dir, const std::string& stem) {
  const std::string cert = dir.path() + "/" + stem + ".crt";
  const std::string key = dir.path() + "/" + stem + ".key";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    return std::nullopt;
  }
  return Certificate{readAll(cert), readAll(key)};
}

class TlsTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl CLI is not installed";
    }
    auto server = makeCertificate(dir_, "server");
    auto client = makeCertificate(dir_, "client");
    ASSERT_TRUE(server && client) << "openssl could not make certificates";
    server_cert_ = *server;
    client_cert_ = *client;
  }

  // A server that answers 200 only to `Authorization: Bearer <accepted>` (any, when empty).
  void start(std::string accepted, bool require_client_certificate = false) {
    testing::ServerTls tls{server_cert_.certificate_pem, server_cert_.key_pem,
                           require_client_certificate ? client_cert_.certificate_pem : ""};
    server_ = std::make_unique<TestApiServer>(
        [accepted](const RecordedRequest& request) {
          if (!accepted.empty() && request.header("authorization") != "Bearer " + accepted) {
            return ScriptedResponse::json(401, kUnauthorized);
          }
          return ScriptedResponse::json(200, R"({"major":"1","minor":"32"})");
        },
        tls);
  }

  ConnectionConfig config() const {
    ConnectionConfig config;
    config.server = server_->url();
    config.ca_pem = server_cert_.certificate_pem;
    config.description = "TLS test server";
    return config;
  }

  Result<nlohmann::json> versionWith(const ConnectionConfig& config) {
    auto client = RestClient::connect(config, clock_);
    if (!client) {
      return client.error();
    }
    return (*client)->serverVersion();
  }

  TempDir dir_;
  Certificate server_cert_;
  Certificate client_cert_;
  rdr::testing::ManualClock clock_;
  std::unique_ptr<TestApiServer> server_;
};

TEST_F(TlsTest, TrustsTheConfiguredCaAndSendsTheBearerToken) {
  start("secret-1");
  ConnectionConfig cfg = config();
  cfg.token = "secret-1";
  const auto version = versionWith(cfg);
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_EQ((*version)["minor"], "32");
  EXPECT_EQ(server_->requests().at(0).header("authorization"), "Bearer secret-1");
}

TEST_F(TlsTest, RejectsAServerSignedByAnotherCa) {
  start("");
  ConnectionConfig cfg = config();
  cfg.ca_pem = client_cert_.certificate_pem;
  const auto version = versionWith(cfg);
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code(), ErrorCode::Transient);
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(TlsTest, InsecureSkipsVerification) {
  start("");
  ConnectionConfig cfg = config();
  cfg.ca_pem.clear();
  cfg.insecure_skip_tls_verify = true;
  const auto version = versionWith(cfg);
  ASSERT_TRUE(version) << version.error().message();
}

TEST_F(TlsTest, PresentsTheClientCertificate) {
  start("", true);
  ConnectionConfig cfg = config();
  EXPECT_FALSE(versionWith(cfg)) << "the server requires a client certificate";
  cfg.client_certificate_pem = client_cert_.certificate_pem;
  cfg.client_key_pem = client_cert_.key_pem;
  const auto version = versionWith(cfg);
  ASSERT_TRUE(version) << version.error().message();
}

TEST_F(TlsTest, BadPemIsInvalidAtConnect) {
  start("");
  ConnectionConfig cfg = config();
  cfg.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  const auto client = RestClient::connect(cfg, clock_);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::Invalid);
}

TEST_F(TlsTest, RereadsTheTokenFileAfterA401AndRetriesOnce) {
  start("rotated");
  const std::string token_file = dir_.write("token", "old\n");
  ConnectionConfig cfg = config();
  cfg.token_file = token_file;
  auto client = RestClient::connect(cfg, clock_);
  ASSERT_TRUE(client) << client.error().message();
  dir_.write("token", "rotated\n");
  // Less than a minute passed: only the 401 makes the client look at the file again.
  const auto version = (*client)->serverVersion();
  ASSERT_TRUE(version) << version.error().message();
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("authorization"), "Bearer old");
  EXPECT_EQ(requests[1].header("authorization"), "Bearer rotated");
}

TEST_F(TlsTest, DoesNotRetryA401WithTheSameToken) {
  start("other");
  ConnectionConfig cfg = config();
  cfg.token_file = dir_.write("token", "same\n");
  auto client = RestClient::connect(cfg, clock_);
  ASSERT_TRUE(client) << client.error().message();
  const auto version = (*client)->serverVersion();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code(), ErrorCode::Unauthorized);
  EXPECT_EQ(version.error().message(), "Unauthorized");
  EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(TlsTest, WatchRetriesAfterA401WithTheRotatedToken) {
  start("rotated");
  ConnectionConfig cfg = config();
  cfg.token_file = dir_.write("token", "old\n");
  auto client = RestClient::connect(cfg, clock_);
  ASSERT_TRUE(client) << client.error().message();
  dir_.write("token", "rotated\n");
  // The scripted answer is not a stream, so the watch ends after its one line.
  auto stream = (*client)->watch(resources::pods(), "ns", {});
  ASSERT_TRUE(stream) << stream.error().message();
  EXPECT_EQ(server_->requests().size(), 2u);
}

} // namespace
} // namespace rdr::kube
