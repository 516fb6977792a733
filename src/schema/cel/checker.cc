// CEL compile-time checks: declared names, supported functions, fields known to the schema.
#include "schema/cel/checker.h"

#include <map>
#include <regex>
#include <string>

#include "schema/cel/lexer.h"

namespace rdr::schema::cel {
namespace {

// Arity (not counting the target) of the supported receiver-style functions.
const std::map<std::string, std::size_t>& memberFunctions() {
  static const std::map<std::string, std::size_t> kFunctions = {
      {"size", 0}, {"startsWith", 1}, {"endsWith", 1}, {"contains", 1}, {"matches", 1}};
  return kFunctions;
}

class Checker {
public:
  explicit Checker(const Schema* selfSchema) : selfSchema_(selfSchema) {}

  // Returns the schema of the node's value when known (nullptr otherwise).
  Result<const Schema*> visit(const Node& node) {
    switch (node.kind) {
    case NodeKind::Literal:
      return nullptr;
    case NodeKind::Ident:
      return ident(node);
    case NodeKind::Select:
    case NodeKind::Has: {
      RDR_ASSIGN_OR_RETURN(const Schema* operand, visit(*node.children[0]));
      return field(node, operand);
    }
    case NodeKind::Index: {
      RDR_ASSIGN_OR_RETURN(const Schema* operand, visit(*node.children[0]));
      RDR_RETURN_IF_ERROR(visit(*node.children[1]));
      return element(operand);
    }
    case NodeKind::Comprehension:
      return comprehension(node);
    case NodeKind::Call:
      return call(node);
    default:
      for (const auto& child : node.children) {
        RDR_RETURN_IF_ERROR(visit(*child));
      }
      return nullptr;
    }
  }

  CheckInfo info() const { return info_; }

private:
  static Error fail(const Node& node, const std::string& message) {
    return Error(ErrorCode::Invalid, errorAt(node.position, message));
  }

  Result<const Schema*> ident(const Node& node) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == node.name) {
        return it->second;
      }
    }
    if (node.name == "self") {
      return selfSchema_;
    }
    if (node.name == "oldSelf") {
      info_.usesOldSelf = true;
      return selfSchema_;
    }
    return fail(node, "undeclared reference to '" + node.name + "'");
  }

  // 1. Unknown schema: anything goes. 2. A declared property: its schema. 3. A map
  // (additionalProperties): the value schema. 4. preserve-unknown-fields: unknown. 5. Otherwise
  // the field does not exist, which the API server refuses at CRD creation.
  Result<const Schema*> field(const Node& node, const Schema* operand) {
    if (operand == nullptr) {
      return nullptr;
    }
    const auto prop = operand->properties.find(node.name);
    if (prop != operand->properties.end()) {
      return &prop->second;
    }
    if (operand->additionalProperties) {
      return operand->additionalProperties.get();
    }
    if (operand->preservesUnknownFields() || operand->type != "object") {
      return nullptr;
    }
    return fail(node, "undefined field '" + node.name + "'");
  }

  static const Schema* element(const Schema* operand) {
    if (operand == nullptr) {
      return nullptr;
    }
    if (operand->items) {
      return operand->items.get();
    }
    return operand->additionalProperties ? operand->additionalProperties.get() : nullptr;
  }

  Result<const Schema*> comprehension(const Node& node) {
    RDR_ASSIGN_OR_RETURN(const Schema* range, visit(*node.children[0]));
    // Over a list the variable is an element; over a map it is a key (a string).
    const Schema* var = range != nullptr && range->items ? range->items.get() : nullptr;
    scopes_.emplace_back(node.iterVar, var);
    auto predicate = visit(*node.children[1]);
    scopes_.pop_back();
    if (!predicate) {
      return predicate.error();
    }
    return nullptr;
  }

  Result<const Schema*> call(const Node& node) {
    if (!node.hasTarget) {
      if (node.name != "size") {
        return fail(node, "unsupported function '" + node.name + "'");
      }
      if (node.children.size() != 1) {
        return fail(node, "found no matching overload for 'size' with " +
                              std::to_string(node.children.size()) + " arguments");
      }
      RDR_RETURN_IF_ERROR(visit(*node.children[0]));
      return nullptr;
    }
    const auto fn = memberFunctions().find(node.name);
    if (fn == memberFunctions().end()) {
      return fail(node, "unsupported function '" + node.name + "'");
    }
    if (node.children.size() - 1 != fn->second) {
      return fail(node, "found no matching overload for '" + node.name + "' with " +
                            std::to_string(node.children.size() - 1) + " arguments");
    }
    for (const auto& child : node.children) {
      RDR_RETURN_IF_ERROR(visit(*child));
    }
    if (node.name == "matches" && node.children[1]->kind == NodeKind::Literal &&
        node.children[1]->literal.kind == ValueKind::String) {
      try {
        std::regex compiled(node.children[1]->literal.s, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return fail(*node.children[1], std::string("invalid regular expression: ") + e.what());
      }
    }
    return nullptr;
  }

  const Schema* selfSchema_;
  std::vector<std::pair<std::string, const Schema*>> scopes_;
  CheckInfo info_;
};

} // namespace

Result<CheckInfo> check(const Node& root, const Schema* selfSchema) {
  Checker checker(selfSchema);
  RDR_RETURN_IF_ERROR(checker.visit(root));
  return checker.info();
}

} // namespace rdr::schema::cel
