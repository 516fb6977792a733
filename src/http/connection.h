// One client connection of the HTTP server: reads requests, calls the handler and writes the
// responses (streams as chunks) on the connection's own thread.
#pragma once

#include <atomic>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "rdr/http/server.h"

namespace rdr::http::detail {

class Connection {
public:
  // `tls` (may be null: plain HTTP) and `handler` outlive the connection.
  Connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
             const Handler& handler);

  // Serves requests until the client leaves, an error, or abort(). Runs on the connection thread.
  void run();

  // From any thread: closes the open stream and shuts the socket down so that run() returns soon.
  void abort();

  // True once run() has returned (the thread can be joined without blocking).
  bool finished() const { return finished_.load(); }

private:
  template <typename Stream>
  void serve(Stream& stream);
  template <typename Stream>
  bool writeStream(Stream& stream, unsigned version, bool keep_alive, Response& response);
  bool peerGone() const;
  bool aborted();
  void markClosed();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ssl::context* tls_;
  const Handler& handler_;
  const int fd_;

  std::mutex mutex_;
  bool aborted_ = false;             // guarded by mutex_
  bool closed_ = false;              // guarded by mutex_: the socket may be closed, fd_ is stale
  ResponseStream* stream_ = nullptr; // guarded by mutex_: the stream being written
  std::atomic<bool> finished_{false};
};

} // namespace rdr::http::detail
