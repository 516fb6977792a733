// A small CEL subset (the part CRD rules need): compile once, evaluate over JSON values.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"
#include "rdr/schema/schema.h"

namespace rdr::schema::cel {

struct Node;

// A compiled expression. Supported: int/uint/double/string/bool/null literals and list literals;
// `self`, `oldSelf` and macro variables; field selection and indexing; has(); ! and unary -;
// && and || (commutative, error-absorbing); == != < <= > >=; + - * / %; ?:; in; size();
// startsWith/endsWith/contains/matches; all()/exists() over lists and map keys.
// Anything else fails to compile with an error that names the construct.
class Program {
public:
  explicit Program(std::string source, std::shared_ptr<const Node> root, bool usesOldSelf);
  ~Program();

  const std::string& source() const { return source_; }
  // A transition rule: it refers to oldSelf.
  bool usesOldSelf() const { return usesOldSelf_; }
  const Node& root() const { return *root_; }

private:
  std::string source_;
  std::shared_ptr<const Node> root_;
  bool usesOldSelf_;
};

// Compiles `expression`. With `selfSchema`, field selections on self/oldSelf are checked against
// the schema ("undefined field 'foo'") as the API server's type checker does.
Result<std::shared_ptr<const Program>> compile(std::string_view expression,
                                                const Schema* selfSchema = nullptr);

// Evaluates a program with `self` (and `oldSelf` when given). Integers come back as int64 (uint
// for uint results), doubles as numbers. Invalid on a runtime error ("no such key: x", overflow,
// division by zero, no matching overload), with CEL's message.
Result<nlohmann::json> evaluate(const Program& program, const nlohmann::json& self,
                                const nlohmann::json* oldSelf = nullptr);

} // namespace rdr::schema::cel
