// The CEL syntax tree the parser builds and the evaluator walks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "schema/cel/value.h"

namespace rdr::schema::cel {

enum class NodeKind {
  Literal,       // literal
  Ident,         // name
  Select,        // children[0].name
  Has,           // has(children[0].name)
  Index,         // children[0][children[1]]
  Call,          // name(args) or children[0].name(args...) when hasTarget
  List,          // [children...]
  Not,           // !children[0]
  Negate,        // -children[0]
  Binary,        // children[0] name children[1]: == != < <= > >= + - * / % in
  And,           // children[0] && children[1]
  Or,            // children[0] || children[1]
  Ternary,       // children[0] ? children[1] : children[2]
  Comprehension, // children[0].name(iterVar, children[1]) for name in {all, exists}
};

struct Node {
  NodeKind kind = NodeKind::Literal;
  int position = 0; // 0-based column of the construct in the source
  Value literal;
  std::string name;
  std::string iterVar;
  bool hasTarget = false;
  std::vector<std::unique_ptr<Node>> children;
};

} // namespace rdr::schema::cel
