// YAML documents to JSON values, with the scalar typing kubectl applies to manifests.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr {

// Parses every document of a (possibly multi-document) YAML text into JSON. Empty documents are
// skipped. Plain scalars are typed as kubectl's YAML reader types them (null, booleans, integers,
// floats, otherwise strings); quoted scalars are always strings. Invalid carries the line and column.
Result<std::vector<nlohmann::json>> parseYamlDocuments(std::string_view text);

// Parses a text that must hold exactly one document.
Result<nlohmann::json> parseYamlDocument(std::string_view text);

// Renders JSON as block-style YAML (for golden files and for people).
std::string toYaml(const nlohmann::json& value);

} // namespace rdr
