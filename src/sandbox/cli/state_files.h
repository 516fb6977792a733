// Files of a sandbox's state directory: written whole (temp file + rename), secrets with mode 0600.
#pragma once

#include <filesystem>
#include <string>

#include "rdr/common/result.h"

namespace rdr::sandbox {

// Writes `content` to a temporary file beside `path` with `mode`, then renames it into place, so
// that a reader sees either the old or the new file, never a partial one.
Status writeFileAtomically(const std::filesystem::path& path, const std::string& content,
                           std::filesystem::perms mode);


// The bearer token of `directory`/token, created (32 random bytes, hex) when missing or empty.
Result<std::string> loadOrCreateToken(const std::filesystem::path& directory);

} // namespace rdr::sandbox
