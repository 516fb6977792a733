// The epoll forwarding loop: accept, connect upstream, pump bytes both ways, close on demand.
#include "sandbox/nodeagent/proxy/forwarder.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sandbox/nodeagent/proxy/socket_io.h"

namespace rdr::sandbox::proxy {
namespace {

enum Kind : std::uint64_t { kListener = 0, kClient = 1, kUpstream = 2, kWake = 3 };

std::uint64_t tagOf(std::uint64_t id, Kind kind) { return (id << 2) | kind; }

} // namespace

Result<std::unique_ptr<Forwarder>> Forwarder::start() {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    return Error(ErrorCode::Internal, std::string("epoll_create1 failed: ") + std::strerror(errno));
  }
  const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    ::close(epoll_fd);
    return Error(ErrorCode::Internal, std::string("eventfd failed: ") + std::strerror(errno));
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tagOf(0, kWake);
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &event);
  std::unique_ptr<Forwarder> forwarder(new Forwarder(epoll_fd, wake_fd));
  forwarder->thread_ = std::thread([raw = forwarder.get()] { raw->run(); });
  return forwarder;
}

Forwarder::Forwarder(int epoll_fd, int wake_fd) : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}

Forwarder::~Forwarder() {
  stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void Forwarder::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard lock(mutex_);
  while (!connections_.empty()) {
    closeConnectionLocked(connections_.begin()->first, true);
  }
  for (auto &[id, listener] : listeners_) {
    closeFd(listener.fd, false);
  }
  listeners_.clear();
}

void Forwarder::run() {
  std::vector<epoll_event> events(64);
  while (true) {
    const int count = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (count < 0 && errno != EINTR) {
      spdlog::error("The service proxy's epoll_wait failed: {}; forwarding stops.",
                    std::strerror(errno));
      return;
    }
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return;
    }
    for (int i = 0; i < count; ++i) {
      handleLocked(events[i].data.u64, events[i].events);
    }
  }
}

Result<Forwarder::ListenerId> Forwarder::listen(const std::string &ip, std::uint16_t port,
                                                std::string label) {
  const std::string where = ip + ":" + std::to_string(port);
  sockaddr_in address;
  if (!fillAddress(ip, port, address)) {
    return Error(ErrorCode::Invalid, "cannot listen on " + where + ": not an IPv4 address");
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Error(ErrorCode::Transient, "cannot listen on " + where + ": " + std::strerror(errno));
  }
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 128) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return Error(ErrorCode::Transient, "cannot listen on " + where + ": " + reason);
  }
  std::lock_guard lock(mutex_);
  if (stopped_) {
    ::close(fd);
    return Error(ErrorCode::Transient, "cannot listen on " + where + ": the proxy is stopping");
  }
  const ListenerId id = next_id_++;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tagOf(id, kListener);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  Listener listener;
  listener.fd = fd;
  listener.address = where;
  listener.label = std::move(label);
  listeners_.emplace(id, std::move(listener));
  return id;
}

void Forwarder::closeListener(ListenerId id) {
  std::lock_guard lock(mutex_);
  auto it = listeners_.find(id);
  if (it == listeners_.end()) {
    return;
  }
  const auto connections = it->second.connections;
  for (const auto connection : connections) {
    closeConnectionLocked(connection, true);
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
  closeFd(it->second.fd, false);
  listeners_.erase(it);
}

void Forwarder::setBackends(ListenerId id, std::vector<Backend> backends) {
  std::lock_guard lock(mutex_);
  auto it = listeners_.find(id);
  if (it == listeners_.end()) {
    return;
  }
  it->second.backends = std::move(backends);
  const auto connections = it->second.connections;
  for (const auto connection_id : connections) {
    const Backend &backend = connections_.at(connection_id).backend;
    const auto &current = it->second.backends;
    if (std::find(current.begin(), current.end(), backend) == current.end()) {
      spdlog::info("{} closes a connection on {} to pod {} ({}:{}): the pod is no longer an "
                   "endpoint.",
                   it->second.label, it->second.address, backend.pod, backend.ip, backend.port);
      closeConnectionLocked(connection_id, true);
    }
  }
}

void Forwarder::setCut(ListenerId id, bool cut) {
  std::lock_guard lock(mutex_);
  auto it = listeners_.find(id);
  if (it == listeners_.end() || it->second.cut == cut) {
    return;
  }
  it->second.cut = cut;
  if (cut) {
    const auto connections = it->second.connections;
    for (const auto connection_id : connections) {
      closeConnectionLocked(connection_id, true);
    }
  }
}

std::size_t Forwarder::connectionCount(ListenerId id) const {
  std::lock_guard lock(mutex_);
  auto it = listeners_.find(id);
  return it == listeners_.end() ? 0 : it->second.connections.size();
}

void Forwarder::handleLocked(std::uint64_t tag, std::uint32_t events) {
  const std::uint64_t id = tag >> 2;
  const auto kind = static_cast<Kind>(tag & 3);
  if (kind == kWake) {
    return;
  }
  if (kind == kListener) {
    auto it = listeners_.find(id);
    if (it != listeners_.end()) {
      acceptLocked(id, it->second);
    }
    return;
  }
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return; // closed after epoll_wait returned this event
  }
  Connection &connection = it->second;
  if (connection.connecting && kind == kUpstream) {
    int error = 0;
    socklen_t length = sizeof(error);
    ::getsockopt(connection.upstream_fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (events & (EPOLLERR | EPOLLHUP)) != 0) {
      spdlog::warn("Cannot connect to pod {} ({}:{}): {}; the client's connection is reset.",
                   connection.backend.pod, connection.backend.ip, connection.backend.port,
                   std::strerror(error != 0 ? error : ECONNREFUSED));
      closeConnectionLocked(id, true);
      return;
    }
    connection.connecting = false;
  }
  if (connection.connecting) {
    if ((events & (EPOLLHUP | EPOLLERR)) != 0) {
      closeConnectionLocked(id, true); // the client left before the upstream answered
    }
    return;
  }
  if (!pumpLocked(connection)) {
    closeConnectionLocked(id, true);
    return;
  }
  if (connection.up.shut && connection.down.shut) {
    closeConnectionLocked(id, false);
    return;
  }
  // A hang-up on a side that can no longer be written to, or read from, ends the connection:
  // without this a level-triggered HUP would wake the loop forever.
  if ((events & (EPOLLHUP | EPOLLERR)) != 0) {
    const Pipe &from = kind == kClient ? connection.up : connection.down;
    if (from.eof) {
      closeConnectionLocked(id, true);
      return;
    }
  }
  updateInterestLocked(id, connection);
}

void Forwarder::acceptLocked(ListenerId id, Listener &listener) {
  while (true) {
    const int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (!wouldBlock(errno) && errno != EINTR && errno != ECONNABORTED) {
        spdlog::warn("{} cannot accept on {}: {}.", listener.label, listener.address,
                     std::strerror(errno));
      }
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      return;
    }
    if (listener.cut) {
      spdlog::debug("{} is cut: a connection on {} is reset.", listener.label, listener.address);
      closeFd(fd, true);
      continue;
    }
    if (listener.backends.empty()) {
      spdlog::debug("{} has no ready endpoint: a connection on {} is closed.", listener.label,
                    listener.address);
      closeFd(fd, true);
      continue;
    }
    openConnectionLocked(id, listener, fd);
  }
}

// Which endpoint a new connection goes to (acceptLocked handles "cut" and "none" first):
// 1) the candidates are the listener's current endpoints, sorted by pod name (readyBackends);
// 2) each new connection takes the one after the previous pick: a per-listener cursor, modulo
//    the current count, so it keeps going when the list grows or shrinks;
// 3) a failed connect to that endpoint resets the client; it is not retried on another one (a
//    Service whose pod is Ready but not listening behaves the same in Kubernetes).
void Forwarder::openConnectionLocked(ListenerId id, Listener &listener, int client_fd) {
  const Backend backend = listener.backends[listener.next++ % listener.backends.size()];
  sockaddr_in address;
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (upstream < 0 || !fillAddress(backend.ip, backend.port, address) ||
      (::connect(upstream, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 &&
       errno != EINPROGRESS)) {
    spdlog::warn("{} cannot connect to pod {} ({}:{}): {}; the client's connection is reset.",
                 listener.label, backend.pod, backend.ip, backend.port, std::strerror(errno));
    closeFd(upstream, false);
    closeFd(client_fd, true);
    return;
  }
  const std::uint64_t connection_id = next_id_++;
  Connection connection;
  connection.listener = id;
  connection.backend = backend;
  connection.client_fd = client_fd;
  connection.upstream_fd = upstream;
  epoll_event event{};
  event.events = 0;
  event.data.u64 = tagOf(connection_id, kClient);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, client_fd, &event);
  event.events = EPOLLOUT;
  event.data.u64 = tagOf(connection_id, kUpstream);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, upstream, &event);
  connection.upstream_events = EPOLLOUT;
  connections_.emplace(connection_id, std::move(connection));
  listener.connections.insert(connection_id);
  spdlog::debug("{} forwards a connection on {} to pod {} ({}:{}).", listener.label,
                listener.address, backend.pod, backend.ip, backend.port);
}

bool Forwarder::pumpLocked(Connection &c) {
  return transfer(c.client_fd, c.upstream_fd, c.up.buffer, c.up.offset, c.up.eof, c.up.shut) &&
         transfer(c.upstream_fd, c.client_fd, c.down.buffer, c.down.offset, c.down.eof,
                  c.down.shut);
}

void Forwarder::updateInterestLocked(std::uint64_t id, Connection &c) {
  constexpr std::uint32_t kIn = EPOLLIN;
  constexpr std::uint32_t kOut = EPOLLOUT;
  const std::uint32_t client =
      ((!c.up.eof && c.up.pending() == 0) ? kIn : 0u) | (c.down.pending() > 0 ? kOut : 0u);
  const std::uint32_t upstream =
      ((!c.down.eof && c.down.pending() == 0) ? kIn : 0u) | (c.up.pending() > 0 ? kOut : 0u);
  epoll_event event{};
  if (client != c.client_events) {
    event.events = client;
    event.data.u64 = tagOf(id, kClient);
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.client_fd, &event);
    c.client_events = client;
  }
  if (upstream != c.upstream_events) {
    event.events = upstream;
    event.data.u64 = tagOf(id, kUpstream);
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.upstream_fd, &event);
    c.upstream_events = upstream;
  }
}

void Forwarder::closeConnectionLocked(std::uint64_t id, bool reset) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return;
  }
  Connection &c = it->second;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.client_fd, nullptr);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.upstream_fd, nullptr);
  closeFd(c.client_fd, reset);
  closeFd(c.upstream_fd, reset);
  auto listener = listeners_.find(c.listener);
  if (listener != listeners_.end()) {
    listener->second.connections.erase(id);
  }
  connections_.erase(it);
}

} // namespace rdr::sandbox::proxy
