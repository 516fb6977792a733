// Whole-file reads.
#include "kube/read_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rdr::kube {

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::Invalid, "cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return Error(ErrorCode::Invalid, "cannot read " + path + ": " + std::strerror(errno));
  }
  return content.str();
}

std::string trimWhitespace(std::string text) {
  const char* kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

} // namespace rdr::kube
