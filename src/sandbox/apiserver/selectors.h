// Label selectors (full grammar) and field selectors, as list and watch requests use them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/kube/label_selector.h"
#include "sandbox/apiserver/status.h"

namespace rdr::sandbox {

struct ResourceType;

struct FieldRequirement {
  std::string field; // metadata.name, metadata.namespace, or a type's selectable field
  bool equals = true;
  std::string value;
};

struct Selector {
  kube::LabelSelector labels;
  std::vector<FieldRequirement> fields;

  bool empty() const { return labels.empty() && fields.empty(); }
  bool matches(const nlohmann::json& object) const;
};

// Parses `labelSelector` and `fieldSelector` for a type; 400 BadRequest on a syntax error or
// an unsupported field label.
ApiResult<Selector> parseSelector(const ResourceType& type, const std::string& labelSelector,
                                  const std::string& fieldSelector);

} // namespace rdr::sandbox
