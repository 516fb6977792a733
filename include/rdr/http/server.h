// A small HTTP/1.1 server (Boost.Beast) for the sandbox API server and the operator's health and
// metrics endpoints: plain or TLS, one thread per connection, chunked streaming for watches.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "rdr/common/result.h"

namespace rdr::http {

struct Request {
  std::string method; // "GET", "POST", ...
  std::string path;   // decoded path without the query: "/api/v1/namespaces/default/pods"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // keys lower-case
  std::string body;
  bool secure = false; // arrived over TLS

  // The first value of a query parameter, if present.
  std::optional<std::string> queryValue(const std::string& name) const;
  // A header's value (name in any case), or "".
  std::string header(const std::string& name) const;
};

// What a streamed body (a watch) yields to the server's writer thread.
struct StreamRead {
  enum class Kind { Data, Idle, End };
  Kind kind = Kind::End;
  std::string data; // for Data: bytes to send as one chunk, flushed at once
};

// The body of a streaming response. The server calls read() in a loop from the connection's
// thread, writes each Data as a chunk and flushes it; Idle means nothing yet (the server checks
// for shutdown and calls again); End finishes the response. close() is called when the client
// went away or the server stops, possibly from another thread; read() must then return End soon.
class ResponseStream {
public:
  virtual ~ResponseStream() = default;
  virtual StreamRead read(std::chrono::milliseconds wait) = 0;
  virtual void close() = 0;
};

struct Response {
  int status = 200;
  std::map<std::string, std::string> headers; // e.g. {"Content-Type", "application/json"}
  std::string body;
  std::unique_ptr<ResponseStream> stream; // when set: chunked transfer of the stream after headers

  static Response json(int status, std::string body);
  static Response text(int status, std::string body);
};

// Handles one request. Called concurrently from connection threads: implementations are
// thread-safe. Exceptions thrown out of it become a 500 with the message.
using Handler = std::function<Response(const Request&)>;

struct TlsConfig {
  std::string certificate_chain_pem;
  std::string private_key_pem;
};

struct ServerOptions {
  std::string address = "127.0.0.1"; // IPv4 or IPv6 literal; "0.0.0.0" for all
  std::uint16_t port = 0;             // 0: an ephemeral port, see Server::port()
  std::optional<TlsConfig> tls;       // absent: plain HTTP
};

class Server {
public:
  virtual ~Server() = default;

  // The bound port (useful with port 0).
  virtual std::uint16_t port() const = 0;

  // Stops accepting, closes open streams, joins every connection thread. Idempotent.
  virtual void stop() = 0;
};

// Binds and starts serving in background threads; Invalid/Transient error when the address cannot
// be bound (the message says which address and why).
Result<std::unique_ptr<Server>> startServer(const ServerOptions& options, Handler handler);

} // namespace rdr::http
