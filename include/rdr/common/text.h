// Small text helpers shared by every module.
#pragma once

#include <string>
#include <string_view>

namespace rdr {

// Removes ASCII blanks (space, tab, CR, LF) at both ends.
std::string trim(std::string_view text);

} // namespace rdr
