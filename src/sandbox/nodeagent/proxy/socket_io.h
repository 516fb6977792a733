// Non-blocking socket helpers of the forwarder: addresses, resets, one buffered transfer step.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace rdr::sandbox::proxy {

// Closes fd (a no-op for -1); with `reset`, SO_LINGER 0 first so the peer gets an RST.
void closeFd(int fd, bool reset);
// @return false when `ip` is not an IPv4 address.
bool fillAddress(const std::string &ip, std::uint16_t port, sockaddr_in &address);
bool wouldBlock(int error);
// One step of one direction: read up to 64 KiB from `source` when `buffer` is drained, write what
// is buffered to `destination`, and pass an EOF on with shutdown(SHUT_WR) once all is written.
// @return false on a socket error (the connection must be closed).
bool transfer(int source, int destination, std::string &buffer, std::size_t &offset, bool &eof,
              bool &shut);

} // namespace rdr::sandbox::proxy
