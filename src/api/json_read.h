// Typed reads from nlohmann::json with field paths in every error (private to api/).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rdr/common/result.h"

namespace rdr::api::detail {

// "spec" + "instances" -> "spec.instances"; "" + "spec" -> "spec".
std::string joinPath(std::string_view parent, std::string_view field);

// Invalid "<path>: must be of type <expected>, got <actual JSON type>".
Error typeError(std::string_view path, std::string_view expected, const nlohmann::json& actual);

// Each reader returns nothing when the field is absent or null, the value when it has the right
// type, and Invalid with the path otherwise. Integers accept only JSON integers (as Kubernetes does).
Result<std::optional<std::string>> readString(const nlohmann::json& object, std::string_view field,
                                              std::string_view path);
Result<std::optional<bool>> readBool(const nlohmann::json& object, std::string_view field,
                                     std::string_view path);
Result<std::optional<std::int64_t>> readInt(const nlohmann::json& object, std::string_view field,
                                            std::string_view path);
Result<std::optional<std::map<std::string, std::string>>>
readStringMap(const nlohmann::json& object, std::string_view field, std::string_view path);
Result<std::optional<std::vector<std::string>>>
readStringList(const nlohmann::json& object, std::string_view field, std::string_view path);
// The field's value when it is an object (or absent/null: nothing); Invalid otherwise.
Result<const nlohmann::json*> readObject(const nlohmann::json& object, std::string_view field,
                                         std::string_view path);
Result<const nlohmann::json*> readArray(const nlohmann::json& object, std::string_view field,
                                        std::string_view path);

} // namespace rdr::api::detail
