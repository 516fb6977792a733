// CEL evaluation of a checked syntax tree over JSON data.
#pragma once

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "schema/cel/ast.h"
#include "schema/cel/value.h"

namespace rdr::schema::cel {

// Evaluates `root` with `self` and, when not null, `oldSelf` bound. Runtime errors are Invalid
// with CEL's wording ("no such key: x", "division by zero", "no such overload").
Result<Value> evaluateNode(const Node& root, const nlohmann::json& self,
                           const nlohmann::json* oldSelf);

} // namespace rdr::schema::cel
