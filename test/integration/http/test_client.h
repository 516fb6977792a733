// A blocking Boost.Beast client for the HTTP server tests: plain or TLS, keep-alive, and chunk by
// chunk reading of streamed responses.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace rdr::http::testing {

struct ClientResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers; // names lower-case
  std::string body;
  bool keep_alive = false;
};

class TestClient {
public:
  // Connects to 127.0.0.1:port; with `ca_pem` over TLS, verifying the server against that CA and
  // the IP address 127.0.0.1. Throws on failure (tests only).
  TestClient(std::uint16_t port, std::optional<std::string> ca_pem = std::nullopt);

  ClientResponse request(const std::string& method, const std::string& target,
                         const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {});

  // Writes raw bytes and reads one response.
  ClientResponse sendRaw(const std::string& bytes);

  // Sends a GET and reads the header of a streamed response (not its body).
  unsigned startStream(const std::string& target);
  // Reads the next chunk of the streamed body; nullopt when the body ended (last chunk).
  std::optional<std::string> nextChunk();
  // True when the server closed the connection (a read sees end of stream) within `timeout`.
  bool closedByServer();

  void close();

private:
  template <typename F>
  auto withStream(F&& f);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::empty_body>> parser_;
  std::function<std::size_t(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      on_chunk_;
  std::string chunk_;
  bool chunk_complete_ = false;
};

} // namespace rdr::http::testing
