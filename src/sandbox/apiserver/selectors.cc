// Label selectors (full grammar) and field selectors, as list and watch requests use them.
#include "sandbox/apiserver/selectors.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sandbox/apiserver/resource_types.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) {
    return "";
  }
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// Splits on commas that are not inside parentheses (`a in (x,y),b`).
std::vector<std::string> splitTopLevel(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
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

ApiResult<LabelRequirement> parseLabelRequirement(const std::string& raw) {
  const std::string text = trim(raw);
  LabelRequirement req;
  auto fail = [&](const std::string& why) {
    return ApiResult<LabelRequirement>(
        badRequestError("unable to parse requirement: " + why + " in \"" + text + "\""));
  };
  if (text.empty()) {
    return fail("found '', expected: !, identifier, or 'end of string'");
  }
  // 1. `!key` = DoesNotExist.
  if (text[0] == '!') {
    req.key = trim(text.substr(1));
    req.op = LabelRequirement::Op::DoesNotExist;
    return req.key.empty() ? fail("missing key after '!'") : ApiResult<LabelRequirement>(req);
  }
  // 2. `key in (a,b)` / `key notin (a,b)`.
  for (const auto& [word, op] : {std::pair{std::string(" notin "), LabelRequirement::Op::NotIn},
                                 std::pair{std::string(" in "), LabelRequirement::Op::In}}) {
    const auto pos = text.find(word);
    if (pos == std::string::npos) {
      continue;
    }
    req.key = trim(text.substr(0, pos));
    req.op = op;
    std::string rest = trim(text.substr(pos + word.size()));
    if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
      return fail("found '" + rest + "', expected: '('");
    }
    std::string inner = rest.substr(1, rest.size() - 2);
    size_t start = 0;
    while (start <= inner.size()) {
      const auto comma = inner.find(',', start);
      const auto piece = trim(inner.substr(start, comma == std::string::npos ? std::string::npos
                                                                              : comma - start));
      if (!piece.empty()) {
        req.values.push_back(piece);
      }
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
    return req;
  }
  // 3. `key!=v`, `key==v`, `key=v`; otherwise `key` = Exists.
  if (const auto pos = text.find("!="); pos != std::string::npos) {
    req = {trim(text.substr(0, pos)), LabelRequirement::Op::NotEquals, {trim(text.substr(pos + 2))}};
  } else if (const auto pos2 = text.find("=="); pos2 != std::string::npos) {
    req = {trim(text.substr(0, pos2)), LabelRequirement::Op::Equals, {trim(text.substr(pos2 + 2))}};
  } else if (const auto pos3 = text.find('='); pos3 != std::string::npos) {
    req = {trim(text.substr(0, pos3)), LabelRequirement::Op::Equals, {trim(text.substr(pos3 + 1))}};
  } else {
    req = {text, LabelRequirement::Op::Exists, {}};
  }
  if (req.key.empty() || req.key.find_first_of(" ()") != std::string::npos) {
    return fail("invalid label key \"" + req.key + "\"");
  }
  return req;
}

// The string value of a dotted field path, "" when absent (field selectors compare text).
std::string fieldValue(const json& object, const std::string& path) {
  const json* node = &object;
  size_t start = 0;
  while (start <= path.size()) {
    const auto dot = path.find('.', start);
    const auto part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) {
      return "";
    }
    node = &(*node)[part];
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  if (node->is_string()) {
    return node->get<std::string>();
  }
  return node->is_null() ? "" : node->dump();
}

// Field labels each type supports besides metadata.name and metadata.namespace
// (pkg/registry/core/*/strategy.go ToSelectableFields).
std::set<std::string> extraFieldLabels(const ResourceType& type) {
  if (type.group.empty() && type.plural == "pods") {
    return {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"};
  }
  if (type.plural == "events") {
    return {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
            "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
            "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"};
  }
  if (type.group.empty() && type.plural == "secrets") {
    return {"type"};
  }
  if (type.isNamespaceType()) {
    return {"status.phase"};
  }
  return {};
}

} // namespace

bool Selector::matches(const json& object) const {
  const json emptyLabels = json::object();
  const json* labelsNode = &emptyLabels;
  if (object.contains("metadata") && object["metadata"].contains("labels") &&
      object["metadata"]["labels"].is_object()) {
    labelsNode = &object["metadata"]["labels"];
  }
  for (const auto& req : labels) {
    const auto it = labelsNode->find(req.key);
    const bool has = it != labelsNode->end() && it->is_string();
    const std::string value = has ? it->get<std::string>() : "";
    const bool inValues = std::find(req.values.begin(), req.values.end(), value) != req.values.end();
    switch (req.op) {
    case LabelRequirement::Op::Equals:
    case LabelRequirement::Op::In:
      if (!has || !inValues) {
        return false;
      }
      break;
    case LabelRequirement::Op::NotEquals:
    case LabelRequirement::Op::NotIn:
      if (has && inValues) {
        return false;
      }
      break;
    case LabelRequirement::Op::Exists:
      if (!has) {
        return false;
      }
      break;
    case LabelRequirement::Op::DoesNotExist:
      if (has) {
        return false;
      }
      break;
    }
  }
  for (const auto& req : fields) {
    if ((fieldValue(object, req.field) == req.value) != req.equals) {
      return false;
    }
  }
  return true;
}

ApiResult<Selector> parseSelector(const ResourceType& type, const std::string& labelSelector,
                                  const std::string& fieldSelector) {
  Selector selector;
  if (!trim(labelSelector).empty()) {
    for (const auto& part : splitTopLevel(labelSelector)) {
      auto req = parseLabelRequirement(part);
      if (!req.ok()) {
        return req.error();
      }
      selector.labels.push_back(req.value());
    }
  }
  if (!trim(fieldSelector).empty()) {
    const auto extra = extraFieldLabels(type);
    for (const auto& raw : splitTopLevel(fieldSelector)) {
      const std::string part = trim(raw);
      FieldRequirement req;
      size_t opPos = part.find("!=");
      size_t opLen = 2;
      req.equals = opPos == std::string::npos;
      if (req.equals) {
        opPos = part.find("==");
        if (opPos == std::string::npos) {
          opPos = part.find('=');
          opLen = 1;
        }
      }
      if (opPos == std::string::npos) {
        return badRequestError("invalid selector: '" + fieldSelector +
                               "'; can't understand '" + part + "'");
      }
      req.field = trim(part.substr(0, opPos));
      req.value = trim(part.substr(opPos + opLen));
      if (req.field != "metadata.name" && req.field != "metadata.namespace" &&
          !extra.contains(req.field)) {
        return badRequestError("field label not supported: " + req.field);
      }
      selector.fields.push_back(req);
    }
  }
  return selector;
}

} // namespace rdr::sandbox
