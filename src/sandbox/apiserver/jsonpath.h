// The JSONPath subset of printer columns: `.a.b`, `.a[0].b`, `.a[*].b`, `.a[?(@.type=="Ready")].b`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rdr::sandbox {

// Every value the path selects, in document order (missing keys select nothing, as with
// AllowMissingKeys). std::nullopt when the path is not in the supported subset.
std::optional<std::vector<nlohmann::json>> evaluateJsonPath(const nlohmann::json& root,
                                                           const std::string& path);

} // namespace rdr::sandbox
