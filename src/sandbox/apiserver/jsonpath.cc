// The JSONPath subset of printer columns: `.a.b`, `.a[0].b`, `.a[*].b`, `.a[?(@.type=="Ready")].b`.
#include "sandbox/apiserver/jsonpath.h"

#include <charconv>

namespace rdr::sandbox {
namespace {

using nlohmann::json;

struct Step {
  enum class Kind { Field, Index, All, Filter } kind = Kind::Field;
  std::string field;       // Field, or the filter's key (may be dotted: @.a.b)
  long index = 0;          // Index (negative counts from the end)
  std::string filterValue; // Filter: compared with the key's text value
  bool filterNotEquals = false;
};

Step makeStep(Step::Kind kind, std::string field = "", long index = 0) {
  Step step;
  step.kind = kind;
  step.field = std::move(field);
  step.index = index;
  return step;
}

std::string unquote(std::string text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

std::optional<std::vector<Step>> parse(std::string path) {
  // 1. `{.a.b}` (kubectl's template form) is the same as `.a.b`.
  if (path.size() >= 2 && path.front() == '{' && path.back() == '}') {
    path = path.substr(1, path.size() - 2);
  }
  std::vector<Step> steps;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) {
        end = path.size();
      }
      if (end > i) {
        steps.push_back(makeStep(Step::Kind::Field, path.substr(i, end - i)));
      }
      i = end;
      continue;
    }
    if (path[i] != '[') {
      return std::nullopt;
    }
    const size_t close = path.find(']', i);
    if (close == std::string::npos) {
      return std::nullopt;
    }
    std::string inner = path.substr(i + 1, close - i - 1);
    i = close + 1;
    if (inner == "*") {
      steps.push_back(makeStep(Step::Kind::All));
    } else if (inner.rfind("?(@.", 0) == 0 && inner.back() == ')') {
      const std::string expr = inner.substr(4, inner.size() - 5);
      Step step = makeStep(Step::Kind::Filter);
      auto op = expr.find("==");
      if (op == std::string::npos) {
        op = expr.find("!=");
        step.filterNotEquals = true;
      }
      if (op == std::string::npos) {
        return std::nullopt;
      }
      step.field = expr.substr(0, op);
      step.filterValue = unquote(expr.substr(op + 2));
      while (!step.field.empty() && step.field.back() == ' ') {
        step.field.pop_back();
      }
      while (!step.filterValue.empty() && step.filterValue.front() == ' ') {
        step.filterValue = unquote(step.filterValue.substr(1));
      }
      steps.push_back(step);
    } else if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"')) {
      steps.push_back(makeStep(Step::Kind::Field, unquote(inner)));
    } else {
      long index = 0;
      const auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
      if (ec != std::errc() || end != inner.data() + inner.size()) {
        return std::nullopt;
      }
      steps.push_back(makeStep(Step::Kind::Index, "", index));
    }
  }
  return steps;
}

const json* lookupDotted(const json& node, const std::string& dotted) {
  const json* current = &node;
  size_t start = 0;
  while (start <= dotted.size()) {
    const auto dot = dotted.find('.', start);
    const auto key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!current->is_object() || !current->contains(key)) {
      return nullptr;
    }
    current = &(*current)[key];
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return current;
}

std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

} // namespace

std::optional<std::vector<json>> evaluateJsonPath(const json& root, const std::string& path) {
  const auto steps = parse(path);
  if (!steps) {
    return std::nullopt;
  }
  std::vector<const json*> current = {&root};
  for (const auto& step : *steps) {
    std::vector<const json*> next;
    for (const json* node : current) {
      switch (step.kind) {
      case Step::Kind::Field:
        if (node->is_object() && node->contains(step.field)) {
          next.push_back(&(*node)[step.field]);
        }
        break;
      case Step::Kind::Index:
        if (node->is_array()) {
          const long size = static_cast<long>(node->size());
          const long index = step.index < 0 ? size + step.index : step.index;
          if (index >= 0 && index < size) {
            next.push_back(&(*node)[static_cast<size_t>(index)]);
          }
        }
        break;
      case Step::Kind::All:
        if (node->is_array() || node->is_object()) {
          for (const auto& item : *node) {
            next.push_back(&item);
          }
        }
        break;
      case Step::Kind::Filter:
        if (node->is_array()) {
          for (const auto& item : *node) {
            const json* value = lookupDotted(item, step.field);
            if (value != nullptr && ((text(*value) == step.filterValue) != step.filterNotEquals)) {
              next.push_back(&item);
            }
          }
        }
        break;
      }
    }
    current = std::move(next);
  }
  std::vector<json> out;
  for (const json* node : current) {
    out.push_back(*node);
  }
  return out;
}

} // namespace rdr::sandbox
