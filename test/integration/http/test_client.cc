// The test client: plain/TLS Beast requests, chunk-level reads of streamed bodies.
#include "test_client.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>

namespace rdr::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

TestClient::TestClient(std::uint16_t port, std::optional<std::string> ca_pem) : socket_(io_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  if (ca_pem) {
    tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    tls_context_->add_certificate_authority(asio::buffer(*ca_pem));
    tls_context_->set_verify_mode(asio::ssl::verify_peer);
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls_context_);
    tls_->set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
    tls_->handshake(asio::ssl::stream_base::client);
  }
}

template <typename F>
auto TestClient::withStream(F&& f) {
  if (tls_) {
    return f(*tls_);
  }
  return f(socket_);
}

ClientResponse TestClient::request(const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> message(bhttp::string_to_verb(method), target, 11);
  message.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) {
    message.set(name, value);
  }
  message.body() = body;
  message.prepare_payload();
  bhttp::response<bhttp::string_body> reply;
  withStream([&](auto& stream) {
    bhttp::write(stream, message);
    bhttp::read(stream, buffer_, reply);
  });
  ClientResponse out;
  out.status = reply.result_int();
  for (const auto& field : reply) {
    std::string name(field.name_string().data(), field.name_string().size());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(field.value().data(), field.value().size());
  }
  out.body = reply.body();
  out.keep_alive = reply.keep_alive();
  return out;
}

ClientResponse TestClient::sendRaw(const std::string& bytes) {
  bhttp::response<bhttp::string_body> reply;
  withStream([&](auto& stream) {
    asio::write(stream, asio::buffer(bytes));
    bhttp::read(stream, buffer_, reply);
  });
  ClientResponse out;
  out.status = reply.result_int();
  out.body = reply.body();
  out.keep_alive = reply.keep_alive();
  return out;
}

unsigned TestClient::startStream(const std::string& target) {
  bhttp::request<bhttp::empty_body> message(bhttp::verb::get, target, 11);
  message.set(bhttp::field::host, "127.0.0.1");
  parser_ = std::make_unique<bhttp::response_parser<bhttp::empty_body>>();
  on_chunk_ = [this](std::uint64_t remain, beast::string_view data, beast::error_code& ec) {
    if (remain == data.size()) {
      ec = bhttp::error::end_of_chunk;
      chunk_complete_ = true;
    }
    chunk_.append(data.data(), data.size());
    return data.size();
  };
  parser_->on_chunk_body(on_chunk_);
  withStream([&](auto& stream) {
    bhttp::write(stream, message);
    bhttp::read_header(stream, buffer_, *parser_);
  });
  return parser_->get().result_int();
}

std::optional<std::string> TestClient::nextChunk() {
  chunk_.clear();
  chunk_complete_ = false;
  while (!parser_->is_done() && !chunk_complete_) {
    beast::error_code ec;
    withStream([&](auto& stream) { bhttp::read(stream, buffer_, *parser_, ec); });
    if (ec && ec != bhttp::error::end_of_chunk) {
      throw std::runtime_error("reading a chunk failed: " + ec.message());
    }
  }
  if (!chunk_complete_) {
    return std::nullopt;
  }
  return chunk_;
}

bool TestClient::closedByServer() {
  char byte = 0;
  beast::error_code ec;
  withStream([&](auto& stream) { stream.read_some(asio::buffer(&byte, 1), ec); });
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == asio::error::connection_reset;
}

void TestClient::close() {
  beast::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

} // namespace rdr::http::testing
