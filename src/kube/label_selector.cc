// Label selector parsing and matching (apimachinery labels.Parse grammar).
#include "rdr/kube/label_selector.h"

#include "rdr/common/text.h"

#include <algorithm>

namespace rdr::kube {
namespace {

using nlohmann::json;

Error parseError(const std::string& why, const std::string& term) {
  return Error(ErrorCode::Invalid,
               "unable to parse requirement: " + why + " in \"" + term + "\"");
}

// The values of "(a, b ,c)"; empty pieces are dropped.
std::vector<std::string> setValues(const std::string& inner) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= inner.size()) {
    const auto comma = inner.find(',', start);
    const std::string piece =
        trim(std::string_view(inner).substr(start, comma == std::string::npos ? std::string::npos
                                                                               : comma - start));
    if (!piece.empty()) {
      values.push_back(piece);
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return values;
}

// One term, by these rules in order:
// 1. `!key` is DoesNotExist;
// 2. `key in (a,b)` / `key notin (a,b)`;
// 3. `key!=v`, `key==v`, `key=v`;
// 4. otherwise `key` alone is Exists.
// A key is non-empty and holds no blank or parenthesis.
Result<LabelSelector::Requirement> parseTerm(const std::string& raw) {
  using Op = LabelSelector::Op;
  const std::string text = trim(raw);
  if (text.empty()) {
    return parseError("found '', expected: !, identifier, or 'end of string'", text);
  }
  LabelSelector::Requirement req;
  if (text[0] == '!') {
    req.key = trim(std::string_view(text).substr(1));
    req.op = Op::DoesNotExist;
  } else if (const auto notin = text.find(" notin "), in = text.find(" in ");
             notin != std::string::npos || in != std::string::npos) {
    const bool is_notin = notin != std::string::npos;
    const auto pos = is_notin ? notin : in;
    const std::size_t word = is_notin ? 7 : 4;
    req.key = trim(std::string_view(text).substr(0, pos));
    req.op = is_notin ? Op::NotIn : Op::In;
    const std::string rest = trim(std::string_view(text).substr(pos + word));
    if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
      return parseError("found '" + rest + "', expected: '('", text);
    }
    req.values = setValues(rest.substr(1, rest.size() - 2));
  } else if (const auto ne = text.find("!="); ne != std::string::npos) {
    req = {trim(std::string_view(text).substr(0, ne)), Op::NotEquals,
           {trim(std::string_view(text).substr(ne + 2))}};
  } else if (const auto eq2 = text.find("=="); eq2 != std::string::npos) {
    req = {trim(std::string_view(text).substr(0, eq2)), Op::Equals,
           {trim(std::string_view(text).substr(eq2 + 2))}};
  } else if (const auto eq = text.find('='); eq != std::string::npos) {
    req = {trim(std::string_view(text).substr(0, eq)), Op::Equals,
           {trim(std::string_view(text).substr(eq + 1))}};
  } else {
    req = {text, Op::Exists, {}};
  }
  if (req.key.empty() || req.key.find_first_of(" ()") != std::string::npos) {
    return parseError("invalid label key \"" + req.key + "\"", text);
  }
  return req;
}

} // namespace

std::vector<std::string> splitSelectorTerms(std::string_view text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    }
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(current);
  return parts;
}

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (trim(text).empty()) {
    return selector;
  }
  for (const auto& term : splitSelectorTerms(text)) {
    RDR_ASSIGN_OR_RETURN(Requirement req, parseTerm(term));
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool LabelSelector::matches(const json& labels) const {
  for (const Requirement& req : requirements_) {
    const bool has = labels.is_object() && labels.contains(req.key) && labels[req.key].is_string();
    const std::string value = has ? labels[req.key].get<std::string>() : "";
    const bool listed = std::find(req.values.begin(), req.values.end(), value) != req.values.end();
    switch (req.op) {
    case Op::Equals:
    case Op::In:
      if (!has || !listed) {
        return false;
      }
      break;
    case Op::NotEquals:
    case Op::NotIn:
      if (has && listed) {
        return false;
      }
      break;
    case Op::Exists:
      if (!has) {
        return false;
      }
      break;
    case Op::DoesNotExist:
      if (has) {
        return false;
      }
      break;
    }
  }
  return true;
}

bool LabelSelector::matchesObject(const json& object) const {
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object() &&
      object["metadata"].contains("labels")) {
    return matches(object["metadata"]["labels"]);
  }
  return matches(json());
}

} // namespace rdr::kube
