// The readiness probe of the sandbox: one RESP exchange (AUTH, PING) with a pod's IP and port.
#include "sandbox/nodeagent/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace rdr::sandbox {
namespace {

using Steady = std::chrono::steady_clock;

int remainingMs(Steady::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string bulk(const std::string& word) {
  return "$" + std::to_string(word.size()) + "\r\n" + word + "\r\n";
}

class Socket {
public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int fd() const { return fd_; }

private:
  int fd_;
};

bool waitFor(int fd, short events, Steady::time_point deadline) {
  pollfd p{fd, events, 0};
  int n = 0;
  do {
    n = ::poll(&p, 1, remainingMs(deadline));
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

} // namespace

Status probeRedis(const std::string& ip, int port, const std::optional<std::string>& password,
                  std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  const std::string where = ip + ":" + std::to_string(port);
  Socket socket;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (socket.fd() < 0 || ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    return Error(ErrorCode::Transient, "cannot create a socket to " + where);
  }
  if (::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
      errno != EINPROGRESS) {
    return Error(ErrorCode::Transient,
                 "cannot connect to " + where + ": " + std::strerror(errno));
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (!waitFor(socket.fd(), POLLOUT, deadline) ||
      ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    return Error(ErrorCode::Transient, "cannot connect to " + where + ": " +
                                           (error != 0 ? std::strerror(error) : "timed out"));
  }
  std::string request;
  if (password) {
    request += "*2\r\n" + bulk("AUTH") + bulk(*password);
  }
  request += "*1\r\n" + bulk("PING");
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!waitFor(socket.fd(), POLLOUT, deadline)) {
      return Error(ErrorCode::Transient, "sending to " + where + " timed out");
    }
    const ssize_t n = ::send(socket.fd(), request.data() + sent, request.size() - sent,
                             MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Error(ErrorCode::Transient, "sending to " + where + " failed: " +
                                             std::strerror(errno));
    }
    sent += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  // Which replies do we need? One line per command: +OK (or an error) for AUTH, then +PONG.
  const int lines_wanted = password ? 2 : 1;
  std::string reply;
  while (std::count(reply.begin(), reply.end(), '\n') < lines_wanted) {
    if (!waitFor(socket.fd(), POLLIN, deadline)) {
      return Error(ErrorCode::Transient, "no answer from " + where + " within " +
                                             std::to_string(timeout.count()) + " ms");
    }
    char buffer[512];
    const ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
    if (n == 0) {
      return Error(ErrorCode::Transient, where + " closed the connection");
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Error(ErrorCode::Transient, "reading from " + where + " failed: " +
                                             std::strerror(errno));
    }
    reply.append(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  // One line per command: AUTH's answer first (if sent), PING's last.
  std::vector<std::string> lines;
  for (std::size_t start = 0, end = 0; (end = reply.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    lines.push_back(reply.substr(start, end - start));
  }
  if (password && (lines.empty() || lines.front() != "+OK")) {
    return Error(ErrorCode::Transient,
                 where + " refused AUTH: " + (lines.empty() ? reply : lines.front()));
  }
  if (lines.empty() || lines.back() != "+PONG") {
    return Error(ErrorCode::Transient,
                 where + " answered PING with " + (lines.empty() ? reply : lines.back()));
  }
  return okStatus();
}

} // namespace rdr::sandbox
