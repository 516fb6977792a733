// The HTTP server over real loopback sockets: round trips, decoding, keep-alive, TLS, streams.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <gtest/gtest.h>

#include "queue_stream.h"
#include "rdr/http/server.h"
#include "test_client.h"

namespace rdr::http {
namespace {

using testing::FeedStream;
using testing::StreamFeed;
using testing::TestClient;

std::unique_ptr<Server> start(Handler handler, std::optional<TlsConfig> tls = std::nullopt) {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.tls = std::move(tls);
  auto server = startServer(options, std::move(handler));
  if (!server) {
    ADD_FAILURE() << server.error().toString();
    return nullptr;
  }
  return std::move(server).value();
}

Response echo(const Request& request) {
  return Response::text(200, request.method + " " + request.path + " " + request.body);
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A self-signed certificate for 127.0.0.1 made by the openssl CLI, or nullopt when it is missing.
std::optional<TlsConfig> makeSelfSignedCertificate() {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    return std::nullopt;
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "rdr-http-tls-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return std::nullopt;
  }
  const std::filesystem::path dir(pattern);
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=rdr-http-test -addext subjectAltName=IP:127.0.0.1 -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' 2>/dev/null";
  std::optional<TlsConfig> tls;
  if (std::system(command.c_str()) == 0) {
    tls = TlsConfig{readFile(dir / "cert.pem"), readFile(dir / "key.pem")};
  }
  std::filesystem::remove_all(dir);
  return tls;
}

TEST(HttpServerTest, AnswersAPlainRequest) {
  auto server = start(echo);
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  const auto reply = client.request("POST", "/hello", "world");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.body, "POST /hello world");
  EXPECT_EQ(reply.headers.at("content-type"), "text/plain; charset=utf-8");
}

TEST(HttpServerTest, DecodesPathQueryAndLowerCasesHeaders) {
  std::promise<Request> seen;
  auto server = start([&](const Request& request) {
    seen.set_value(request);
    return Response::json(200, "{}");
  });
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  const auto reply = client.request(
      "GET", "/a%20b/c%2Fd?a=b&c=d%3De&a=second&plus=x+y&flag&&labelSelector=app%20in%20(x%2Cy)",
      "", {{"X-Custom-Header", "Value"}});
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.headers.at("content-type"), "application/json");
  const Request request = seen.get_future().get();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/a b/c/d");
  EXPECT_EQ(request.queryValue("a"), "b");
  EXPECT_EQ(request.query.count("a"), 2u);
  auto range = request.query.equal_range("a");
  EXPECT_EQ(std::next(range.first)->second, "second");
  EXPECT_EQ(request.queryValue("c"), "d=e");
  EXPECT_EQ(request.queryValue("plus"), "x y");
  EXPECT_EQ(request.queryValue("flag"), "");
  EXPECT_EQ(request.queryValue("labelSelector"), "app in (x,y)");
  EXPECT_EQ(request.queryValue("missing"), std::nullopt);
  EXPECT_EQ(request.headers.at("x-custom-header"), "Value");
  EXPECT_EQ(request.header("X-CUSTOM-HEADER"), "Value");
  EXPECT_EQ(request.header("absent"), "");
  EXPECT_FALSE(request.secure);
}

TEST(HttpServerTest, RejectsABrokenPercentEscapeWith400) {
  auto server = start(echo);
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  EXPECT_EQ(client.request("GET", "/x?a=%zz").status, 400u);
}

TEST(HttpServerTest, KeepsTheConnectionAliveAndClosesWhenAsked) {
  auto server = start(echo);
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  const auto continued = client.sendRaw(
      "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(continued.status, 100u);
  const auto posted = client.sendRaw("abc");
  EXPECT_EQ(posted.body, "POST /c abc");
  const auto first = client.request("GET", "/one");
  EXPECT_TRUE(first.keep_alive);
  EXPECT_EQ(first.body, "GET /one ");
  const auto second = client.request("GET", "/two");
  EXPECT_EQ(second.body, "GET /two ");
  const auto last = client.request("GET", "/three", "", {{"Connection", "close"}});
  EXPECT_EQ(last.body, "GET /three ");
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.closedByServer());
}

TEST(HttpServerTest, TurnsAHandlerExceptionInto500WithTheMessage) {
  auto server = start([](const Request&) -> Response { throw std::runtime_error("boom here"); });
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  const auto reply = client.request("GET", "/");
  EXPECT_EQ(reply.status, 500u);
  EXPECT_NE(reply.body.find("boom here"), std::string::npos);
  EXPECT_EQ(client.request("GET", "/").status, 500u); // the connection survives
}

TEST(HttpServerTest, RejectsABodyOverTheLimitWith413) {
  auto server = start(echo);
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  // The limit is checked on Content-Length before the body is read (or 100 Continue is sent).
  const auto reply = client.sendRaw(
      "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 9437184\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(reply.status, 413u);
  EXPECT_FALSE(reply.keep_alive);
}

TEST(HttpServerTest, ReportsAnAddressInUse) {
  auto first = start(echo);
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.port = first->port();
  auto second = startServer(options, echo);
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message().find(std::to_string(first->port())), std::string::npos);
}

TEST(HttpServerTest, RejectsAKeyThatIsNotPem) {
  ServerOptions options;
  options.tls = TlsConfig{"not a certificate", "not a key"};
  auto server = startServer(options, echo);
  ASSERT_FALSE(server.has_value());
  EXPECT_TRUE(server.error().is(ErrorCode::Invalid));
}

TEST(HttpServerTest, ServesOverTls) {
  auto tls = makeSelfSignedCertificate();
  if (!tls) {
    GTEST_SKIP() << "the openssl CLI is not available";
  }
  bool secure = false;
  auto server = start(
      [&](const Request& request) {
        secure = request.secure;
        return echo(request);
      },
      tls);
  ASSERT_NE(server, nullptr);
  TestClient client(server->port(), tls->certificate_chain_pem);
  EXPECT_EQ(client.request("PUT", "/tls", "body").body, "PUT /tls body");
  EXPECT_EQ(client.request("GET", "/again").body, "GET /again ");
  EXPECT_TRUE(secure);
}

// The watch contract: headers before any event, then each event as soon as it is produced.
void expectChunksOneByOne(std::optional<TlsConfig> tls) {
  auto feed = std::make_shared<StreamFeed>();
  auto server = start(
      [&](const Request&) {
        Response response = Response::json(200, "");
        response.stream = std::make_unique<FeedStream>(feed);
        return response;
      },
      tls);
  ASSERT_NE(server, nullptr);
  std::optional<std::string> ca;
  if (tls) {
    ca = tls->certificate_chain_pem;
  }
  TestClient client(server->port(), ca);
  EXPECT_EQ(client.startStream("/watch"), 200u); // nothing produced yet: headers came at once
  feed->push("{\"type\":\"ADDED\"}\n");
  EXPECT_EQ(client.nextChunk(), "{\"type\":\"ADDED\"}\n"); // before the second exists
  feed->push("{\"type\":\"MODIFIED\"}\n");
  EXPECT_EQ(client.nextChunk(), "{\"type\":\"MODIFIED\"}\n");
  feed->finish();
  EXPECT_EQ(client.nextChunk(), std::nullopt);
  EXPECT_EQ(client.request("GET", "/after").status, 200u); // keep-alive after a stream
}

TEST(HttpServerTest, StreamsChunksOneByOne) {
  expectChunksOneByOne(std::nullopt);
}

TEST(HttpServerTest, StreamsChunksOneByOneOverTls) {
  auto tls = makeSelfSignedCertificate();
  if (!tls) {
    GTEST_SKIP() << "the openssl CLI is not available";
  }
  expectChunksOneByOne(tls);
}

// A client that goes away (EOF seen on the socket while the stream is idle) closes the stream.
void expectDisconnectClosesStream(std::optional<TlsConfig> tls) {
  auto feed = std::make_shared<StreamFeed>();
  auto server = start(
      [&](const Request&) {
        Response response = Response::json(200, "");
        response.stream = std::make_unique<FeedStream>(feed);
        return response;
      },
      tls);
  ASSERT_NE(server, nullptr);
  std::optional<std::string> ca;
  if (tls) {
    ca = tls->certificate_chain_pem;
  }
  TestClient client(server->port(), ca);
  EXPECT_EQ(client.startStream("/watch"), 200u);
  feed->push("event\n");
  EXPECT_EQ(client.nextChunk(), "event\n");
  client.close();
  EXPECT_TRUE(feed->waitClosed(std::chrono::seconds(10)));
}

TEST(HttpServerTest, ClosesTheStreamWhenTheClientDisconnects) {
  expectDisconnectClosesStream(std::nullopt);
}

TEST(HttpServerTest, ClosesTheStreamWhenATlsClientDisconnects) {
  auto tls = makeSelfSignedCertificate();
  if (!tls) {
    GTEST_SKIP() << "the openssl CLI is not available";
  }
  expectDisconnectClosesStream(tls);
}

TEST(HttpServerTest, StopClosesOpenStreamsAndReturns) {
  auto feed = std::make_shared<StreamFeed>();
  auto server = start([&](const Request& request) {
    Response response = Response::json(200, "");
    if (request.path == "/watch") {
      response.stream = std::make_unique<FeedStream>(feed);
    }
    return response;
  });
  ASSERT_NE(server, nullptr);
  TestClient client(server->port());
  TestClient idle(server->port()); // a keep-alive connection waiting for its next request
  EXPECT_EQ(idle.request("GET", "/").status, 200u);
  EXPECT_EQ(client.startStream("/watch"), 200u);
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(feed->waitClosed(std::chrono::seconds(0)));
  EXPECT_TRUE(idle.closedByServer());
  server->stop(); // idempotent
}

} // namespace
} // namespace rdr::http
