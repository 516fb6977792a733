// A scripted HTTP/1.1 server on 127.0.0.1 (Boost.Beast) for RestClient tests: records every
// request, answers from a handler, streams chunked watch bodies chunk by chunk, plain or TLS.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace rdr::kube::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                         // path and query as sent
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ScriptedResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;    // with Content-Length, unless `stream`
  bool stream = false; // chunked: each of `chunks` is one HTTP chunk, flushed
  std::vector<std::string> chunks;
  std::chrono::milliseconds chunk_gap{30}; // pause before each chunk, so they arrive apart
  bool hold_open = false;                  // after the chunks, keep the stream open until stop()
  std::chrono::milliseconds delay{0};      // before the answer (headers) is written

  static ScriptedResponse json(int status, std::string body) {
    ScriptedResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
};

using ScriptedHandler = std::function<ScriptedResponse(const RecordedRequest&)>;

struct ServerTls {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string client_ca_pem; // non-empty: a client certificate signed by it is required
};

class TestApiServer {
public:
  explicit TestApiServer(ScriptedHandler handler, std::optional<ServerTls> tls = std::nullopt);
  ~TestApiServer();
  TestApiServer(const TestApiServer&) = delete;
  TestApiServer& operator=(const TestApiServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>" or "https://127.0.0.1:<port>".
  std::string url() const;
  std::vector<RecordedRequest> requests() const;

  // Stops accepting, ends held streams, closes connections and joins every thread. Idempotent.
  void stop();

private:
  void acceptLoop();
  void serveConnection(boost::asio::ip::tcp::socket socket);
  template <typename Stream> void serveRequests(Stream& stream);
  template <typename Stream> bool writeStreamed(Stream& stream, const ScriptedResponse& response);

  ScriptedHandler handler_;
  std::optional<ServerTls> tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  std::vector<RecordedRequest> requests_;
  std::vector<std::thread> connection_threads_;
  std::set<int> open_fds_;
};

} // namespace rdr::kube::testing
