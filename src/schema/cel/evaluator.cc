// CEL evaluation of a checked syntax tree over JSON data.
#include "schema/cel/evaluator.h"

#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace rdr::schema::cel {
namespace {

Error runtimeError(std::string message) { return Error(ErrorCode::Invalid, std::move(message)); }

Error noOverload(const std::string& op, const Value& a, const Value* b = nullptr) {
  std::string types = a.typeName();
  if (b != nullptr) {
    types += ", " + b->typeName();
  }
  return runtimeError("no such overload: " + op + "(" + types + ")");
}

// Number of Unicode code points (CEL's size() of a string).
std::int64_t codePoints(const std::string& s) {
  std::int64_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

class Evaluator {
public:
  Evaluator(const nlohmann::json& self, const nlohmann::json* oldSelf)
      : self_(Value::fromJson(self)), hasOldSelf_(oldSelf != nullptr) {
    if (oldSelf != nullptr) {
      oldSelf_ = Value::fromJson(*oldSelf);
    }
  }

  Result<Value> eval(const Node& node) {
    switch (node.kind) {
    case NodeKind::Literal: return node.literal;
    case NodeKind::Ident: return ident(node);
    case NodeKind::Select: return select(node, false);
    case NodeKind::Has: return select(node, true);
    case NodeKind::Index: return index(node);
    case NodeKind::List: {
      std::vector<Value> items;
      for (const auto& child : node.children) {
        RDR_ASSIGN_OR_RETURN(auto item, eval(*child));
        items.push_back(std::move(item));
      }
      return Value::listOf(std::move(items));
    }
    case NodeKind::Not: {
      RDR_ASSIGN_OR_RETURN(auto v, eval(*node.children[0]));
      if (v.kind != ValueKind::Bool) {
        return noOverload("!_", v);
      }
      return Value::boolean(!v.b);
    }
    case NodeKind::Negate: return negate(node);
    case NodeKind::And:
    case NodeKind::Or: return logical(node);
    case NodeKind::Ternary: {
      RDR_ASSIGN_OR_RETURN(auto cond, eval(*node.children[0]));
      if (cond.kind != ValueKind::Bool) {
        return noOverload("_?_:_", cond);
      }
      return eval(*node.children[cond.b ? 1 : 2]);
    }
    case NodeKind::Binary: return binary(node);
    case NodeKind::Call: return call(node);
    case NodeKind::Comprehension: return comprehension(node);
    }
    return runtimeError("unknown expression");
  }

private:
  Result<Value> ident(const Node& node) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == node.name) {
        return it->second;
      }
    }
    if (node.name == "self") {
      return self_;
    }
    if (node.name == "oldSelf" && hasOldSelf_) {
      return oldSelf_;
    }
    return runtimeError("no such attribute: " + node.name);
  }

  Result<Value> select(const Node& node, bool presenceOnly) {
    RDR_ASSIGN_OR_RETURN(auto operand, eval(*node.children[0]));
    if (operand.kind != ValueKind::Map) {
      return runtimeError("type '" + operand.typeName() + "' does not support field selection");
    }
    const auto it = operand.map->find(node.name);
    if (presenceOnly) {
      return Value::boolean(it != operand.map->end());
    }
    if (it == operand.map->end()) {
      return runtimeError("no such key: " + node.name);
    }
    return Value::fromJson(*it);
  }

  Result<Value> index(const Node& node) {
    RDR_ASSIGN_OR_RETURN(auto operand, eval(*node.children[0]));
    RDR_ASSIGN_OR_RETURN(auto key, eval(*node.children[1]));
    if (operand.kind == ValueKind::List) {
      std::int64_t i = 0;
      if (key.kind == ValueKind::Int) {
        i = key.i;
      } else if (key.kind == ValueKind::Uint) {
        i = static_cast<std::int64_t>(key.u);
      } else {
        return noOverload("_[_]", operand, &key);
      }
      if (i < 0 || i >= static_cast<std::int64_t>(operand.list->size())) {
        return runtimeError("index out of bounds: " + std::to_string(i));
      }
      return (*operand.list)[static_cast<std::size_t>(i)];
    }
    if (operand.kind == ValueKind::Map && key.kind == ValueKind::String) {
      const auto it = operand.map->find(key.s);
      if (it == operand.map->end()) {
        return runtimeError("no such key: " + key.s);
      }
      return Value::fromJson(*it);
    }
    return noOverload("_[_]", operand, &key);
  }

  Result<Value> negate(const Node& node) {
    RDR_ASSIGN_OR_RETURN(auto v, eval(*node.children[0]));
    if (v.kind == ValueKind::Int) {
      if (v.i == std::numeric_limits<std::int64_t>::min()) {
        return runtimeError("integer overflow");
      }
      return Value::integer(-v.i);
    }
    if (v.kind == ValueKind::Double) {
      return Value::number(-v.d);
    }
    return noOverload("-_", v);
  }

  // CEL's commutative logic: a decisive operand (false for &&, true for ||) wins even when the
  // other one is an error; otherwise an error wins; otherwise the usual result.
  Result<Value> logical(const Node& node) {
    const bool isAnd = node.kind == NodeKind::And;
    auto left = eval(*node.children[0]);
    if (left && left->kind == ValueKind::Bool && left->b != isAnd) {
      return Value::boolean(!isAnd);
    }
    auto right = eval(*node.children[1]);
    if (right && right->kind == ValueKind::Bool && right->b != isAnd) {
      return Value::boolean(!isAnd);
    }
    if (!left) {
      return left.error();
    }
    if (!right) {
      return right.error();
    }
    if (left->kind != ValueKind::Bool || right->kind != ValueKind::Bool) {
      return noOverload(isAnd ? "_&&_" : "_||_", *left, &*right);
    }
    return Value::boolean(isAnd);
  }

  Result<Value> binary(const Node& node) {
    RDR_ASSIGN_OR_RETURN(auto a, eval(*node.children[0]));
    RDR_ASSIGN_OR_RETURN(auto b, eval(*node.children[1]));
    const std::string& op = node.name;
    if (op == "==" || op == "!=") {
      return Value::boolean(celEquals(a, b) == (op == "=="));
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      const auto order = celCompare(a, b);
      if (!order) {
        return noOverload("_" + op + "_", a, &b);
      }
      const int c = *order;
      return Value::boolean(op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0);
    }
    if (op == "in") {
      return in(a, b);
    }
    return arithmetic(op, a, b);
  }

  static Result<Value> in(const Value& a, const Value& b) {
    if (b.kind == ValueKind::List) {
      for (const auto& item : *b.list) {
        if (celEquals(a, item)) {
          return Value::boolean(true);
        }
      }
      return Value::boolean(false);
    }
    if (b.kind == ValueKind::Map && a.kind == ValueKind::String) {
      return Value::boolean(b.map->contains(a.s));
    }
    return noOverload("@in", a, &b);
  }

  static Result<Value> arithmetic(const std::string& op, const Value& a, const Value& b) {
    if (a.kind != b.kind) {
      return noOverload("_" + op + "_", a, &b);
    }
    if (op == "+" && a.kind == ValueKind::String) {
      return Value::string(a.s + b.s);
    }
    if (op == "+" && a.kind == ValueKind::List) {
      std::vector<Value> items(*a.list);
      items.insert(items.end(), b.list->begin(), b.list->end());
      return Value::listOf(std::move(items));
    }
    if (a.kind == ValueKind::Double) {
      if (op == "%") {
        return noOverload("_%_", a, &b);
      }
      const double r = op == "+" ? a.d + b.d : op == "-" ? a.d - b.d : op == "*" ? a.d * b.d : a.d / b.d;
      return Value::number(r);
    }
    if (a.kind == ValueKind::Int) {
      std::int64_t r = 0;
      bool overflow = false;
      if (op == "+") {
        overflow = __builtin_add_overflow(a.i, b.i, &r);
      } else if (op == "-") {
        overflow = __builtin_sub_overflow(a.i, b.i, &r);
      } else if (op == "*") {
        overflow = __builtin_mul_overflow(a.i, b.i, &r);
      } else {
        if (b.i == 0) {
          return runtimeError(op == "/" ? "division by zero" : "modulus by zero");
        }
        overflow = a.i == std::numeric_limits<std::int64_t>::min() && b.i == -1;
        r = overflow ? 0 : (op == "/" ? a.i / b.i : a.i % b.i);
      }
      if (overflow) {
        return runtimeError("integer overflow");
      }
      return Value::integer(r);
    }
    if (a.kind == ValueKind::Uint) {
      std::uint64_t r = 0;
      bool overflow = false;
      if (op == "+") {
        overflow = __builtin_add_overflow(a.u, b.u, &r);
      } else if (op == "-") {
        overflow = __builtin_sub_overflow(a.u, b.u, &r);
      } else if (op == "*") {
        overflow = __builtin_mul_overflow(a.u, b.u, &r);
      } else {
        if (b.u == 0) {
          return runtimeError(op == "/" ? "division by zero" : "modulus by zero");
        }
        r = op == "/" ? a.u / b.u : a.u % b.u;
      }
      if (overflow) {
        return runtimeError("unsigned integer overflow");
      }
      return Value::unsignedInt(r);
    }
    return noOverload("_" + op + "_", a, &b);
  }

  Result<Value> call(const Node& node) {
    std::vector<Value> args;
    for (const auto& child : node.children) {
      RDR_ASSIGN_OR_RETURN(auto v, eval(*child));
      args.push_back(std::move(v));
    }
    const Value& target = args[0];
    if (node.name == "size") {
      switch (target.kind) {
      case ValueKind::String: return Value::integer(codePoints(target.s));
      case ValueKind::List: return Value::integer(static_cast<std::int64_t>(target.list->size()));
      case ValueKind::Map: return Value::integer(static_cast<std::int64_t>(target.map->size()));
      default: return noOverload("size", target);
      }
    }
    if (target.kind != ValueKind::String || args[1].kind != ValueKind::String) {
      return noOverload(node.name, target, &args[1]);
    }
    const std::string& s = target.s;
    const std::string& arg = args[1].s;
    if (node.name == "startsWith") {
      return Value::boolean(s.compare(0, arg.size(), arg) == 0 && s.size() >= arg.size());
    }
    if (node.name == "endsWith") {
      return Value::boolean(s.size() >= arg.size() &&
                            s.compare(s.size() - arg.size(), arg.size(), arg) == 0);
    }
    if (node.name == "contains") {
      return Value::boolean(s.find(arg) != std::string::npos);
    }
    // matches: RE2 partial-match semantics, approximated with an ECMAScript search.
    try {
      return Value::boolean(std::regex_search(s, std::regex(arg, std::regex::ECMAScript)));
    } catch (const std::regex_error& e) {
      return runtimeError(std::string("invalid regular expression: ") + e.what());
    }
  }

  // all(): false wins over errors, errors over true. exists(): true wins over errors, errors over
  // false. Maps are iterated by key.
  Result<Value> comprehension(const Node& node) {
    RDR_ASSIGN_OR_RETURN(auto range, eval(*node.children[0]));
    std::vector<Value> elements;
    if (range.kind == ValueKind::List) {
      elements = *range.list;
    } else if (range.kind == ValueKind::Map) {
      for (const auto& [key, unused] : range.map->items()) {
        elements.push_back(Value::string(key));
      }
    } else {
      return noOverload(node.name, range);
    }
    const bool isAll = node.name == "all";
    std::optional<Error> firstError;
    for (const auto& element : elements) {
      scopes_.emplace_back(node.iterVar, element);
      auto result = eval(*node.children[1]);
      scopes_.pop_back();
      if (!result) {
        firstError = firstError.value_or(result.error());
        continue;
      }
      if (result->kind != ValueKind::Bool) {
        return noOverload(node.name, *result);
      }
      if (result->b != isAll) {
        return Value::boolean(!isAll);
      }
    }
    if (firstError) {
      return *firstError;
    }
    return Value::boolean(isAll);
  }

  Value self_;
  Value oldSelf_;
  bool hasOldSelf_;
  std::vector<std::pair<std::string, Value>> scopes_;
};

} // namespace

Result<Value> evaluateNode(const Node& root, const nlohmann::json& self,
                           const nlohmann::json* oldSelf) {
  Evaluator evaluator(self, oldSelf);
  return evaluator.eval(root);
}

} // namespace rdr::schema::cel
