// The scripted test server: a thread per connection, raw chunk writes for exact chunk boundaries.
#include "integration/kube/test_api_server.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rdr::kube::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

std::string statusLine(int status) {
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) +
         "\r\n";
}

} // namespace

TestApiServer::TestApiServer(ScriptedHandler handler, std::optional<ServerTls> tls)
    : handler_(std::move(handler)), tls_(std::move(tls)),
      acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { acceptLoop(); });
}

TestApiServer::~TestApiServer() { stop(); }

std::string TestApiServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<RecordedRequest> TestApiServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void TestApiServer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    // Wake blocked reads of every connection; their threads then return.
    for (const int fd : open_fds_) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  stopped_cv_.notify_all();
  // Wake the blocked accept() with a connection of our own.
  {
    boost::system::error_code ignored;
    tcp::socket waker(io_);
    waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  }
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(connection_threads_);
  }
  for (auto& thread : threads) {
    thread.join();
  }
}

void TestApiServer::acceptLoop() {
  for (;;) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    if (ec) {
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    open_fds_.insert(socket.native_handle());
    connection_threads_.emplace_back(
        [this, s = std::move(socket)]() mutable { serveConnection(std::move(s)); });
  }
}

void TestApiServer::serveConnection(tcp::socket socket) {
  const int fd = socket.native_handle();
  struct Unregister {
    TestApiServer* server;
    int fd;
    ~Unregister() {
      std::lock_guard lock(server->mutex_);
      server->open_fds_.erase(fd);
    }
  } unregister{this, fd}; // destroyed before `socket` closes the descriptor
  if (!tls_) {
    serveRequests(socket);
    return;
  }
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.use_certificate_chain(asio::buffer(tls_->certificate_pem));
  context.use_private_key(asio::buffer(tls_->private_key_pem), asio::ssl::context::pem);
  if (!tls_->client_ca_pem.empty()) {
    context.add_certificate_authority(asio::buffer(tls_->client_ca_pem));
    context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  asio::ssl::stream<tcp::socket&> stream(socket, context);
  boost::system::error_code ec;
  stream.handshake(asio::ssl::stream_base::server, ec);
  if (!ec) {
    serveRequests(stream);
  }
}

template <typename Stream> void TestApiServer::serveRequests(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    boost::system::error_code ec;
    http::read(stream, buffer, request, ec);
    if (ec) {
      return;
    }
    RecordedRequest recorded;
    recorded.method = std::string(request.method_string());
    recorded.target = std::string(request.target());
    recorded.body = request.body();
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      recorded.headers[name] = std::string(field.value());
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(recorded);
    }
    const ScriptedResponse response = handler_(recorded);
    if (response.delay.count() > 0) {
      std::unique_lock lock(mutex_);
      if (stopped_cv_.wait_for(lock, response.delay, [this] { return stopping_; })) {
        return;
      }
    }
    if (response.stream) {
      if (!writeStreamed(stream, response)) {
        return;
      }
      continue;
    }
    http::response<http::string_body> reply(static_cast<http::status>(response.status),
                                            request.version());
    reply.set(http::field::content_type, response.content_type);
    reply.body() = response.body;
    reply.keep_alive(request.keep_alive());
    reply.prepare_payload();
    http::write(stream, reply, ec);
    if (ec || !request.keep_alive()) {
      return;
    }
  }
}

template <typename Stream>
bool TestApiServer::writeStreamed(Stream& stream, const ScriptedResponse& response) {
  boost::system::error_code ec;
  const std::string head = statusLine(response.status) + "Content-Type: " + response.content_type +
                           "\r\nTransfer-Encoding: chunked\r\n\r\n";
  asio::write(stream, asio::buffer(head), ec);
  for (const auto& chunk : response.chunks) {
    if (ec) {
      return false;
    }
    std::this_thread::sleep_for(response.chunk_gap);
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
    const std::string framed = size + chunk + "\r\n";
    asio::write(stream, asio::buffer(framed), ec);
  }
  if (ec) {
    return false;
  }
  if (response.hold_open) {
    std::unique_lock lock(mutex_);
    stopped_cv_.wait(lock, [this] { return stopping_; });
    return false;
  }
  asio::write(stream, asio::buffer(std::string("0\r\n\r\n")), ec);
  return !ec;
}

} // namespace rdr::kube::testing
