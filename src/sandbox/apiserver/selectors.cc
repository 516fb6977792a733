// Label selectors (full grammar) and field selectors, as list and watch requests use them.
#include "sandbox/apiserver/selectors.h"

#include "rdr/common/text.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sandbox/apiserver/resource_types.h"

namespace rdr::sandbox {
namespace {

using nlohmann::json;

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
  if (!labels.matchesObject(object)) {
    return false;
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
  auto labels = kube::LabelSelector::parse(labelSelector);
  if (!labels) {
    return badRequestError(labels.error().message());
  }
  selector.labels = std::move(*labels);
  if (!trim(fieldSelector).empty()) {
    const auto extra = extraFieldLabels(type);
    for (const auto& raw : kube::splitSelectorTerms(fieldSelector)) {
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
