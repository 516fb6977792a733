// A connection's request loop: HTTP/1.1 keep-alive, 100-continue, body limit, chunked streams.
#include "connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include <spdlog/spdlog.h>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "rdr/http/url.h"

namespace rdr::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kBodyLimit = 8 * 1024 * 1024;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// How long one stream read may wait before the server checks for a client gone or a stop.
constexpr std::chrono::milliseconds kStreamPoll{200};

std::string lowerCase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Response callHandler(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::error("The HTTP handler failed on {} {}: {}", request.method, request.path, e.what());
    return Response::text(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    spdlog::error("The HTTP handler failed on {} {} with a non-standard exception.", request.method,
                  request.path);
    return Response::text(500, "internal error: unknown exception\n");
  }
}

// Fills a Request from a parsed message; Invalid when the target does not decode.
Result<Request> toRequest(const bhttp::request<bhttp::string_body>& message, bool secure) {
  Request request;
  request.method = std::string(message.method_string());
  RDR_ASSIGN_OR_RETURN(Target target, parseTarget(std::string_view(message.target().data(),
                                                                   message.target().size())));
  request.path = std::move(target.path);
  request.query = std::move(target.query);
  for (const auto& field : message) {
    const auto raw_name = field.name_string();
    const std::string name = lowerCase(std::string_view(raw_name.data(), raw_name.size()));
    const std::string value(field.value().data(), field.value().size());
    auto [it, inserted] = request.headers.emplace(name, value);
    if (!inserted) {
      it->second += ", " + value;
    }
  }
  request.body = message.body();
  request.secure = secure;
  return request;
}

template <typename Stream>
bool writePlain(Stream& stream, unsigned version, bool keep_alive, Response& response) {
  bhttp::response<bhttp::string_body> message;
  message.result(static_cast<unsigned>(response.status));
  message.version(version);
  for (const auto& [name, value] : response.headers) {
    message.set(name, value);
  }
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  beast::error_code ec;
  bhttp::write(stream, message, ec);
  return !ec;
}

} // namespace

Connection::Connection(asio::ip::tcp::socket socket, asio::ssl::context* tls,
                       const Handler& handler)
    : socket_(std::move(socket)), tls_(tls), handler_(handler), fd_(socket_.native_handle()) {
  beast::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void Connection::run() {
  if (tls_ == nullptr) {
    serve(socket_);
  } else {
    asio::ssl::stream<asio::ip::tcp::socket&> stream(socket_, *tls_);
    beast::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) {
      spdlog::debug("A TLS handshake failed: {}.", ec.message());
    } else {
      serve(stream);
    }
  }
  markClosed();
  beast::error_code ec;
  socket_.close(ec);
  finished_.store(true);
}

void Connection::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  if (stream_ != nullptr) {
    stream_->close();
  }
  if (!closed_) {
    ::shutdown(fd_, SHUT_RDWR);
  }
}

bool Connection::aborted() {
  std::lock_guard lock(mutex_);
  return aborted_;
}

void Connection::markClosed() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

// A client that closed its side (or reset the connection) will never read the stream again.
bool Connection::peerGone() const {
  pollfd entry{fd_, static_cast<short>(POLLRDHUP), 0};
  if (::poll(&entry, 1, 0) <= 0) {
    return false;
  }
  return (entry.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

template <typename Stream>
void Connection::serve(Stream& stream) {
  beast::flat_buffer buffer;
  while (!aborted()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    beast::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (!ec && parser.content_length().value_or(0) > kBodyLimit) {
      ec = bhttp::error::body_limit;
    }
    if (!ec && bhttp::token_list(parser.get()[bhttp::field::expect]).exists("100-continue")) {
      bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, 11};
      bhttp::write(stream, proceed, ec);
    }
    if (!ec) {
      bhttp::read(stream, buffer, parser, ec);
    }
    if (ec == bhttp::error::body_limit) {
      Response response = Response::text(
          413, "request body larger than " + std::to_string(kBodyLimit) + " bytes\n");
      writePlain(stream, 11, false, response);
      return;
    }
    if (ec) {
      return; // end of stream, a reset, a malformed request or abort(): nothing to answer
    }
    const auto& message = parser.get();
    const bool keep_alive = message.keep_alive();
    auto request = toRequest(message, tls_ != nullptr);
    Response response = request ? callHandler(handler_, *request)
                                : Response::text(400, request.error().message() + "\n");
    const bool written = response.stream
                             ? writeStream(stream, message.version(), keep_alive, response)
                             : writePlain(stream, message.version(), keep_alive, response);
    if (!written || !keep_alive) {
      return;
    }
  }
}

// Headers at once, then one flushed chunk per Data, until End, a client gone or abort().
// Returns whether the response completed (so the connection may carry another request).
template <typename Stream>
bool Connection::writeStream(Stream& stream, unsigned version, bool keep_alive,
                             Response& response) {
  ResponseStream& body = *response.stream;
  {
    std::lock_guard lock(mutex_);
    stream_ = &body;
    if (aborted_) {
      body.close();
    }
  }
  bhttp::response<bhttp::empty_body> head;
  head.result(static_cast<unsigned>(response.status));
  head.version(version);
  for (const auto& [name, value] : response.headers) {
    head.set(name, value);
  }
  head.keep_alive(keep_alive);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  beast::error_code ec;
  bhttp::write_header(stream, serializer, ec);
  bool completed = false;
  while (!ec) {
    if (aborted() || peerGone()) {
      ec = asio::error::connection_aborted;
      break;
    }
    StreamRead next = body.read(kStreamPoll);
    if (next.kind == StreamRead::Kind::Idle ||
        (next.kind == StreamRead::Kind::Data && next.data.empty())) {
      continue;
    }
    if (next.kind == StreamRead::Kind::End) {
      asio::write(stream, bhttp::make_chunk_last(), ec);
      completed = !ec && !aborted();
      break;
    }
    asio::write(stream, bhttp::make_chunk(asio::buffer(next.data)), ec);
  }
  if (!completed) {
    body.close();
  }
  std::lock_guard lock(mutex_);
  stream_ = nullptr;
  return completed;
}

} // namespace rdr::http::detail
