// CEL compile-time checks: declared names, supported functions, fields known to the schema.
#pragma once

#include "rdr/common/result.h"
#include "rdr/schema/schema.h"
#include "schema/cel/ast.h"

namespace rdr::schema::cel {

// What the checker learnt about an expression.
struct CheckInfo {
  bool usesOldSelf = false;
};

// Checks a parsed expression: identifiers are self, oldSelf or a macro variable; functions are
// the supported ones with the right arity; literal regexes compile; with `selfSchema`, selected
// fields exist in the schema. Invalid names the first problem.
Result<CheckInfo> check(const Node& root, const Schema* selfSchema);

} // namespace rdr::schema::cel
