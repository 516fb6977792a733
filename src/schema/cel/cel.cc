// The public CEL entry points: compile (parse + check) and evaluate.
#include "rdr/schema/cel.h"

#include "schema/cel/ast.h"
#include "schema/cel/checker.h"
#include "schema/cel/evaluator.h"
#include "schema/cel/parser.h"

namespace rdr::schema::cel {

Program::Program(std::string source, std::shared_ptr<const Node> root, bool usesOldSelf)
    : source_(std::move(source)), root_(std::move(root)), usesOldSelf_(usesOldSelf) {}

Program::~Program() = default;

Result<std::shared_ptr<const Program>> compile(std::string_view expression,
                                                const Schema* selfSchema) {
  auto parsed = parse(expression);
  if (!parsed) {
    return Error(ErrorCode::Invalid, "ERROR: " + parsed.error().message());
  }
  std::shared_ptr<const Node> root = std::move(*parsed);
  auto info = check(*root, selfSchema);
  if (!info) {
    return Error(ErrorCode::Invalid, "ERROR: " + info.error().message());
  }
  return std::make_shared<const Program>(std::string(expression), std::move(root),
                                         info->usesOldSelf);
}

Result<nlohmann::json> evaluate(const Program& program, const nlohmann::json& self,
                                const nlohmann::json* oldSelf) {
  RDR_ASSIGN_OR_RETURN(auto value, evaluateNode(program.root(), self, oldSelf));
  return value.toJson();
}

} // namespace rdr::schema::cel
