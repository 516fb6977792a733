// Whole-file reads.
#include "rdr/common/file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rdr {

Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return Error(error == ENOENT ? ErrorCode::NotFound : ErrorCode::Invalid,
                 "cannot read " + path.string() + ": " + std::strerror(error));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return Error(ErrorCode::Invalid, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  return content.str();
}

} // namespace rdr
