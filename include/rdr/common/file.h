// Whole-file reads with the path and the system's reason in the error.
#pragma once

#include <filesystem>
#include <string>

#include "rdr/common/result.h"

namespace rdr {

// @return the file's bytes; NotFound when it does not exist, Invalid otherwise, both worded
// "cannot read /x: No such file or directory".
Result<std::string> readFile(const std::filesystem::path& path);

} // namespace rdr
