// TCP forwarding engine: one epoll thread for every listener and forwarded connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rdr/common/result.h"
#include "sandbox/nodeagent/proxy/endpoints.h"

namespace rdr::sandbox::proxy {

// Design: one thread waits in epoll_wait (level-triggered, no timeout, woken by an eventfd on
// stop) over non-blocking sockets: the listeners, and both sides of each forwarded connection.
// Every event is handled under mutex_, which the control calls below take too, so that when they
// return their effect is done (connections closed, backends replaced). epoll data carries a
// unique, never reused id rather than a pointer or fd: an event for something closed meanwhile
// finds nothing and is ignored. Each direction has a 64 KiB buffer; a side is read only while the
// buffer toward the other side is empty (backpressure), and an EOF is passed on with
// shutdown(SHUT_WR) once the buffer is flushed (half-close). Forced closes (re-targeting, cut)
// send a reset on both sides (SO_LINGER 0) so clients notice at once.
class Forwarder {
public:
  using ListenerId = std::uint64_t;

  // Opens the epoll set and starts the thread.
  static Result<std::unique_ptr<Forwarder>> start();
  ~Forwarder();
  Forwarder(const Forwarder &) = delete;
  Forwarder &operator=(const Forwarder &) = delete;

  // Binds ip:port (SO_REUSEADDR) and accepts on it; Transient naming the address on failure.
  // @param label names the listener in logs ("Service apps/cache-leader").
  Result<ListenerId> listen(const std::string &ip, std::uint16_t port, std::string label);
  // Stops listening and resets the listener's connections.
  void closeListener(ListenerId id);
  // Replaces the endpoints; resets the connections whose backend is no longer among them.
  void setBackends(ListenerId id, std::vector<Backend> backends);
  // While cut, accepted connections are reset at once; cutting resets the existing ones.
  void setCut(ListenerId id, bool cut);
  std::size_t connectionCount(ListenerId id) const;
  // Closes every socket and joins the thread; idempotent.
  void stop();

private:
  struct Pipe {
    std::string buffer; // read from the source, not yet written to the destination
    std::size_t offset = 0;
    bool eof = false;  // the source sent FIN
    bool shut = false; // the FIN was passed on
    std::size_t pending() const { return buffer.size() - offset; }
  };
  struct Connection {
    ListenerId listener = 0;
    Backend backend;
    int client_fd = -1;
    int upstream_fd = -1;
    bool connecting = true;
    Pipe up;   // client -> upstream
    Pipe down; // upstream -> client
    std::uint32_t client_events = 0;
    std::uint32_t upstream_events = 0;
  };
  struct Listener {
    int fd = -1;
    std::string address; // ip:port
    std::string label;
    std::vector<Backend> backends;
    std::size_t next = 0; // round-robin cursor
    bool cut = false;
    std::set<std::uint64_t> connections;
  };

  Forwarder(int epoll_fd, int wake_fd);
  void run();
  void handleLocked(std::uint64_t tag, std::uint32_t events);
  void acceptLocked(ListenerId id, Listener &listener);
  void openConnectionLocked(ListenerId id, Listener &listener, int client_fd);
  // Moves bytes both ways; @return false when the connection must be closed.
  bool pumpLocked(Connection &connection);
  void updateInterestLocked(std::uint64_t id, Connection &connection);
  void closeConnectionLocked(std::uint64_t id, bool reset);

  const int epoll_fd_;
  const int wake_fd_;
  mutable std::mutex mutex_;
  bool stopped_ = false;
  std::uint64_t next_id_ = 1;
  std::map<ListenerId, Listener> listeners_;
  std::map<std::uint64_t, Connection> connections_;
  std::thread thread_;
};

} // namespace rdr::sandbox::proxy
