// startServer(): the listening socket, its accept thread, and the registry of connection threads.
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <list>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "connection.h"
#include "tls.h"

namespace rdr::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::uint16_t boundPort(const tcp::acceptor& acceptor) {
  boost::system::error_code ec;
  const auto endpoint = acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

class BeastServer final : public Server {
public:
  BeastServer(std::unique_ptr<asio::io_context> io, tcp::acceptor acceptor,
              std::unique_ptr<asio::ssl::context> tls, Handler handler, int wake_fd)
      : io_(std::move(io)),
        acceptor_(std::move(acceptor)),
        tls_(std::move(tls)),
        handler_(std::move(handler)),
        wake_fd_(wake_fd),
        port_(boundPort(acceptor_)) {
    accept_thread_ = std::thread([this] { acceptLoop(); });
  }

  ~BeastServer() override {
    stop();
    ::close(wake_fd_);
  }

  // Server
  std::uint16_t port() const override { return port_; }

  void stop() override {
    std::lock_guard stop_lock(stop_mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    const std::uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof(one)) < 0) {
      spdlog::warn("Cannot wake the accept thread of the HTTP server on port {}.", port_);
    }
    accept_thread_.join();
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::list<Entry> entries;
    {
      std::lock_guard lock(mutex_);
      entries.swap(entries_);
    }
    for (auto& entry : entries) {
      entry.connection->abort();
    }
    for (auto& entry : entries) {
      entry.thread.join();
    }
    spdlog::debug("The HTTP server on port {} stopped ({} connections closed).", port_,
                  entries.size());
  }

private:
  struct Entry {
    std::unique_ptr<detail::Connection> connection;
    std::thread thread;
  };

  // Waits for a client or the wake-up of stop(); eventfd rather than a timeout so that an idle
  // server costs nothing.
  void acceptLoop() {
    while (true) {
      pollfd fds[2] = {{acceptor_.native_handle(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        spdlog::error(
            "The HTTP server on port {} cannot poll its socket (errno {}); it stops "
            "accepting.",
            port_, errno);
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      boost::system::error_code ec;
      tcp::socket socket = acceptor_.accept(ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        continue;
      }
      if (ec) {
        spdlog::warn("The HTTP server on port {} failed to accept a connection: {}.", port_,
                     ec.message());
        continue;
      }
      reapFinished();
      auto connection =
          std::make_unique<detail::Connection>(std::move(socket), tls_.get(), handler_);
      detail::Connection* raw = connection.get();
      std::lock_guard lock(mutex_);
      entries_.push_back(Entry{std::move(connection), std::thread([raw] { raw->run(); })});
    }
  }

  // Joins the threads of connections that ended, so that they do not pile up.
  void reapFinished() {
    std::list<Entry> done;
    {
      std::lock_guard lock(mutex_);
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->connection->finished()) {
          done.splice(done.end(), entries_, it++);
        } else {
          ++it;
        }
      }
    }
    for (auto& entry : done) {
      entry.thread.join();
    }
  }

  std::unique_ptr<asio::io_context> io_;
  tcp::acceptor acceptor_;
  std::unique_ptr<asio::ssl::context> tls_;
  Handler handler_;
  const int wake_fd_;
  const std::uint16_t port_;
  std::thread accept_thread_;

  std::mutex stop_mutex_;
  bool stopped_ = false; // guarded by stop_mutex_
  std::mutex mutex_;
  std::list<Entry> entries_; // guarded by mutex_
};

} // namespace

Result<std::unique_ptr<Server>> startServer(const ServerOptions& options, Handler handler) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return Error(ErrorCode::Invalid,
                 "cannot serve HTTP on \"" + options.address + "\": not an IP address");
  }
  std::unique_ptr<asio::ssl::context> tls;
  if (options.tls) {
    RDR_ASSIGN_OR_RETURN(tls, detail::makeTlsContext(*options.tls));
  }
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(options.port);
  auto io = std::make_unique<asio::io_context>();
  tcp::acceptor acceptor(*io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (!ec) {
    acceptor.non_blocking(true, ec); // poll() said readable, but the client may have gone since
  }
  if (ec) {
    const auto code = ec == asio::error::address_in_use ? ErrorCode::Transient : ErrorCode::Invalid;
    return Error(code, "cannot listen on " + where + ": " + ec.message());
  }
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd < 0) {
    return Error(ErrorCode::Transient, "cannot create an eventfd for the server on " + where);
  }
  std::unique_ptr<Server> server = std::make_unique<BeastServer>(
      std::move(io), std::move(acceptor), std::move(tls), std::move(handler), wake_fd);
  spdlog::debug("Serving HTTP{} on {}:{}.", options.tls ? "S" : "", address.to_string(),
                server->port());
  return server;
}

} // namespace rdr::http
