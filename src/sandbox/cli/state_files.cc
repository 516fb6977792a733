// State directory files: atomic writes, reads, the bearer token.
#include "state_files.h"

#include "rdr/common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/rand.h>

namespace rdr::sandbox {

namespace fs = std::filesystem;

Status writeFileAtomically(const fs::path& path, const std::string& content, fs::perms mode) {
  const fs::path temporary = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    return Error(ErrorCode::Transient,
                 "cannot create " + temporary.string() + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return Error(ErrorCode::Transient, "cannot write " + temporary.string() + ": " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, static_cast<mode_t>(mode)); // the umask may have narrowed the mode of open()
  ::close(fd);
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return Error(ErrorCode::Transient, "cannot rename " + temporary.string() + " to " +
                                           path.string() + ": " + ec.message());
  }
  return okStatus();
}

Result<std::string> loadOrCreateToken(const fs::path& directory) {
  const fs::path path = directory / "token";
  auto existing = readFile(path);
  if (existing && existing->size() >= 32) {
    std::string token = *existing;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
      token.pop_back();
    }
    return token;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Error(ErrorCode::Internal, "cannot draw random bytes for the sandbox token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char byte : bytes) {
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 0xf]);
  }
  RDR_RETURN_IF_ERROR(
      writeFileAtomically(path, token + "\n", fs::perms::owner_read | fs::perms::owner_write));
  return token;
}

} // namespace rdr::sandbox
