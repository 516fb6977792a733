// Whole-file reads with the path and the system's reason in the error.
#pragma once

#include <string>

#include "rdr/common/result.h"

namespace rdr::kube {

// @return the content; Invalid "cannot read /x: No such file or directory" otherwise.
Result<std::string> readFile(const std::string& path);

// Trims ASCII whitespace at both ends (token and namespace files end with a newline).
std::string trimWhitespace(std::string text);

} // namespace rdr::kube
