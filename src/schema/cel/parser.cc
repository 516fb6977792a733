// CEL parser: tokens to a syntax tree, with the macros (has, all, exists) expanded.
//
// Grammar (precedence from loosest to tightest), as in the CEL language definition:
//   expr   = or ["?" or ":" expr]
//   or     = and {"||" and}
//   and    = rel {"&&" rel}
//   rel    = add {("<" | "<=" | ">=" | ">" | "==" | "!=" | "in") add}
//   add    = mul {("+" | "-") mul}
//   mul    = unary {("*" | "/" | "%") unary}
//   unary  = member | "!" {"!"} member | "-" {"-"} member
//   member = primary {"." IDENT ["(" args ")"] | "[" expr "]"}
//   primary = IDENT ["(" args ")"] | "(" expr ")" | "[" [args] "]" | literal
#include "schema/cel/parser.h"

#include <limits>
#include <vector>

#include "schema/cel/lexer.h"

namespace rdr::schema::cel {
namespace {

using NodePtr = std::unique_ptr<Node>;

NodePtr makeNode(NodeKind kind, int position) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  node->position = position;
  return node;
}

class Parser {
public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<NodePtr> parseAll() {
    RDR_ASSIGN_OR_RETURN(auto root, parseExpr());
    if (peek().kind != TokenKind::End) {
      return syntaxError(peek(), "Syntax error: extraneous input '" + peek().text + "'");
    }
    return root;
  }

private:
  const Token& peek() const { return tokens_[pos_]; }
  bool isPunct(std::string_view p) const {
    return peek().kind == TokenKind::Punct && peek().text == p;
  }
  bool accept(std::string_view p) {
    if (isPunct(p)) {
      ++pos_;
      return true;
    }
    return false;
  }
  static Error syntaxError(const Token& at, std::string_view message) {
    return Error(ErrorCode::Invalid, errorAt(at.position, message));
  }
  Result<bool> expect(std::string_view p) {
    if (!accept(p)) {
      const std::string found = peek().kind == TokenKind::End ? "<EOF>" : peek().text;
      return syntaxError(peek(), "Syntax error: expected '" + std::string(p) + "', found '" +
                                     found + "'");
    }
    return true;
  }

  Result<NodePtr> parseExpr() {
    RDR_ASSIGN_OR_RETURN(auto cond, parseOr());
    if (!isPunct("?")) {
      return cond;
    }
    const int position = peek().position;
    ++pos_;
    RDR_ASSIGN_OR_RETURN(auto then, parseOr());
    RDR_RETURN_IF_ERROR(expect(":"));
    RDR_ASSIGN_OR_RETURN(auto otherwise, parseExpr());
    auto node = makeNode(NodeKind::Ternary, position);
    node->children.push_back(std::move(cond));
    node->children.push_back(std::move(then));
    node->children.push_back(std::move(otherwise));
    return node;
  }

  // Left-associative chain of one precedence level.
  template <typename Next>
  Result<NodePtr> parseChain(const std::vector<std::string_view>& ops, Next next) {
    RDR_ASSIGN_OR_RETURN(auto left, (this->*next)());
    while (true) {
      std::string op;
      for (const auto candidate : ops) {
        if (isPunct(candidate) || (candidate == "in" && peek().kind == TokenKind::Ident &&
                                   peek().text == "in")) {
          op = std::string(candidate);
          break;
        }
      }
      if (op.empty()) {
        return left;
      }
      const int position = peek().position;
      ++pos_;
      RDR_ASSIGN_OR_RETURN(auto right, (this->*next)());
      const NodeKind kind = op == "&&" ? NodeKind::And : op == "||" ? NodeKind::Or : NodeKind::Binary;
      auto node = makeNode(kind, position);
      node->name = op;
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(right));
      left = std::move(node);
    }
  }

  Result<NodePtr> parseOr() { return parseChain({"||"}, &Parser::parseAnd); }
  Result<NodePtr> parseAnd() { return parseChain({"&&"}, &Parser::parseRel); }
  Result<NodePtr> parseRel() {
    return parseChain({"<=", ">=", "==", "!=", "<", ">", "in"}, &Parser::parseAdd);
  }
  Result<NodePtr> parseAdd() { return parseChain({"+", "-"}, &Parser::parseMul); }
  Result<NodePtr> parseMul() { return parseChain({"*", "/", "%"}, &Parser::parseUnary); }

  Result<NodePtr> parseUnary() {
    if (isPunct("!") || isPunct("-")) {
      const Token op = peek();
      ++pos_;
      // Fold "-<int literal>" so that the most negative int64 is expressible.
      if (op.text == "-" && peek().kind == TokenKind::Int) {
        const Token lit = peek();
        const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
        if (lit.magnitude > limit) {
          return syntaxError(lit, "Syntax error: int literal out of range");
        }
        ++pos_;
        auto node = makeNode(NodeKind::Literal, op.position);
        node->literal = Value::integer(lit.magnitude == limit
                                           ? std::numeric_limits<std::int64_t>::min()
                                           : -static_cast<std::int64_t>(lit.magnitude));
        return parseMemberSuffix(std::move(node));
      }
      RDR_ASSIGN_OR_RETURN(auto operand, parseUnary());
      auto node = makeNode(op.text == "!" ? NodeKind::Not : NodeKind::Negate, op.position);
      node->children.push_back(std::move(operand));
      return node;
    }
    RDR_ASSIGN_OR_RETURN(auto primary, parsePrimary());
    return parseMemberSuffix(std::move(primary));
  }

  Result<std::vector<NodePtr>> parseArgs(std::string_view close) {
    std::vector<NodePtr> args;
    if (accept(close)) {
      return args;
    }
    while (true) {
      RDR_ASSIGN_OR_RETURN(auto arg, parseExpr());
      args.push_back(std::move(arg));
      if (accept(close)) {
        return args;
      }
      RDR_RETURN_IF_ERROR(expect(","));
    }
  }

  Result<NodePtr> parseMemberSuffix(NodePtr operand) {
    while (true) {
      if (isPunct(".")) {
        const int position = peek().position;
        ++pos_;
        if (isPunct("?")) {
          return syntaxError(peek(), "unsupported construct 'optional field selection (.?)'");
        }
        if (peek().kind != TokenKind::Ident) {
          return syntaxError(peek(), "Syntax error: expected a field name after '.'");
        }
        const std::string field = peek().text;
        ++pos_;
        if (!accept("(")) {
          auto node = makeNode(NodeKind::Select, position);
          node->name = field;
          node->children.push_back(std::move(operand));
          operand = std::move(node);
          continue;
        }
        RDR_ASSIGN_OR_RETURN(auto args, parseArgs(")"));
        RDR_ASSIGN_OR_RETURN(operand, memberCall(std::move(operand), field, std::move(args), position));
      } else if (isPunct("[")) {
        const int position = peek().position;
        ++pos_;
        if (isPunct("?")) {
          return syntaxError(peek(), "unsupported construct 'optional index ([?)'");
        }
        RDR_ASSIGN_OR_RETURN(auto index, parseExpr());
        RDR_RETURN_IF_ERROR(expect("]"));
        auto node = makeNode(NodeKind::Index, position);
        node->children.push_back(std::move(operand));
        node->children.push_back(std::move(index));
        operand = std::move(node);
      } else if (isPunct("{")) {
        return syntaxError(peek(), "unsupported construct 'message literal'");
      } else {
        return operand;
      }
    }
  }

  // target.name(args): the all/exists macros, or a method call checked later.
  Result<NodePtr> memberCall(NodePtr target, const std::string& name, std::vector<NodePtr> args,
                             int position) {
    if (name == "all" || name == "exists") {
      if (args.size() != 2 || args[0]->kind != NodeKind::Ident) {
        return Error(ErrorCode::Invalid,
                     errorAt(position, "invalid macro '" + name +
                                           "': expected (variable, predicate) arguments"));
      }
      auto node = makeNode(NodeKind::Comprehension, position);
      node->name = name;
      node->iterVar = args[0]->name;
      node->children.push_back(std::move(target));
      node->children.push_back(std::move(args[1]));
      return node;
    }
    if (name == "exists_one" || name == "map" || name == "filter") {
      return Error(ErrorCode::Invalid, errorAt(position, "unsupported macro '" + name + "'"));
    }
    auto node = makeNode(NodeKind::Call, position);
    node->name = name;
    node->hasTarget = true;
    node->children.push_back(std::move(target));
    for (auto& arg : args) {
      node->children.push_back(std::move(arg));
    }
    return node;
  }

  Result<NodePtr> parsePrimary() {
    const Token token = peek();
    switch (token.kind) {
    case TokenKind::Int: {
      ++pos_;
      if (token.magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return syntaxError(token, "Syntax error: int literal out of range");
      }
      auto node = makeNode(NodeKind::Literal, token.position);
      node->literal = Value::integer(static_cast<std::int64_t>(token.magnitude));
      return node;
    }
    case TokenKind::Uint: {
      ++pos_;
      auto node = makeNode(NodeKind::Literal, token.position);
      node->literal = Value::unsignedInt(token.magnitude);
      return node;
    }
    case TokenKind::Double: {
      ++pos_;
      auto node = makeNode(NodeKind::Literal, token.position);
      node->literal = Value::number(token.number);
      return node;
    }
    case TokenKind::String: {
      ++pos_;
      auto node = makeNode(NodeKind::Literal, token.position);
      node->literal = Value::string(token.text);
      return node;
    }
    case TokenKind::Ident:
      return parseIdent();
    case TokenKind::Punct:
      break;
    case TokenKind::End:
      return syntaxError(token, "Syntax error: unexpected end of input");
    }
    if (accept("(")) {
      RDR_ASSIGN_OR_RETURN(auto inner, parseExpr());
      RDR_RETURN_IF_ERROR(expect(")"));
      return inner;
    }
    if (accept("[")) {
      RDR_ASSIGN_OR_RETURN(auto items, parseArgs("]"));
      auto node = makeNode(NodeKind::List, token.position);
      node->children = std::move(items);
      return node;
    }
    if (isPunct("{")) {
      return syntaxError(token, "unsupported construct 'map literal'");
    }
    if (isPunct(".")) {
      return syntaxError(token, "unsupported construct 'qualified identifier (leading .)'");
    }
    return syntaxError(token, "Syntax error: unexpected '" + token.text + "'");
  }

  Result<NodePtr> parseIdent() {
    const Token token = peek();
    ++pos_;
    if (token.text == "true" || token.text == "false") {
      auto node = makeNode(NodeKind::Literal, token.position);
      node->literal = Value::boolean(token.text == "true");
      return node;
    }
    if (token.text == "null") {
      return makeNode(NodeKind::Literal, token.position);
    }
    if (!accept("(")) {
      auto node = makeNode(NodeKind::Ident, token.position);
      node->name = token.text;
      return node;
    }
    RDR_ASSIGN_OR_RETURN(auto args, parseArgs(")"));
    if (token.text == "has") {
      if (args.size() != 1 || args[0]->kind != NodeKind::Select) {
        return Error(ErrorCode::Invalid,
                     errorAt(token.position, "invalid argument to has() macro"));
      }
      auto node = makeNode(NodeKind::Has, token.position);
      node->name = args[0]->name;
      node->children.push_back(std::move(args[0]->children[0]));
      return node;
    }
    auto node = makeNode(NodeKind::Call, token.position);
    node->name = token.text;
    node->children = std::move(args);
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

} // namespace

Result<std::unique_ptr<Node>> parse(std::string_view source) {
  RDR_ASSIGN_OR_RETURN(auto tokens, tokenize(source));
  Parser parser(std::move(tokens));
  return parser.parseAll();
}

} // namespace rdr::schema::cel
