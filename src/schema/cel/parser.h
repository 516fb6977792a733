// CEL parser: tokens to a syntax tree, with the macros (has, all, exists) expanded.
#pragma once

#include <memory>
#include <string_view>

#include "rdr/common/result.h"
#include "schema/cel/ast.h"

namespace rdr::schema::cel {

// Parses one expression. Invalid carries "<input>:1:<col>: <what>", naming any construct outside
// the supported subset (map literals, optional syntax, other macros, ...).
Result<std::unique_ptr<Node>> parse(std::string_view source);

} // namespace rdr::schema::cel
