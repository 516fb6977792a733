// Non-blocking socket helpers of the forwarder: addresses, resets, one buffered transfer step.
#include "sandbox/nodeagent/proxy/socket_io.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rdr::sandbox::proxy {

namespace {
constexpr std::size_t kBufferSize = 64 * 1024;
} // namespace

void closeFd(int fd, bool reset) {
  if (fd < 0) {
    return;
  }
  if (reset) {
    const linger option{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  }
  ::close(fd);
}

bool fillAddress(const std::string &ip, std::uint16_t port, sockaddr_in &address) {
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  return ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) == 1;
}

bool wouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

bool transfer(int source, int destination, std::string &buffer, std::size_t &offset, bool &eof,
              bool &shut) {
  if (buffer.size() == offset && !eof) {
    buffer.resize(kBufferSize);
    const ssize_t n = ::recv(source, buffer.data(), kBufferSize, 0);
    if (n > 0) {
      buffer.resize(static_cast<std::size_t>(n));
    } else {
      buffer.clear();
      if (n == 0) {
        eof = true;
      } else if (!wouldBlock(errno) && errno != EINTR) {
        return false;
      }
    }
    offset = 0;
  }
  if (buffer.size() > offset) {
    const ssize_t n =
        ::send(destination, buffer.data() + offset, buffer.size() - offset, MSG_NOSIGNAL);
    if (n > 0) {
      offset += static_cast<std::size_t>(n);
    } else if (n < 0 && !wouldBlock(errno) && errno != EINTR) {
      return false;
    }
  }
  if (eof && buffer.size() == offset && !shut) {
    ::shutdown(destination, SHUT_WR);
    shut = true;
  }
  return true;
}

} // namespace rdr::sandbox::proxy
